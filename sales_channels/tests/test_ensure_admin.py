"""`manage.py ensure_admin`: the admin user and token of a first `make run`, whose password and
token reach a private file and the screen, never a log."""

import io
import stat

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(path, out=None):
    out = out if out is not None else io.StringIO()
    call_command("ensure_admin", "--credentials-file", str(path), stdout=out)
    return out.getvalue()


def credentials(path):
    return dict(line.split(" ", 1) for line in path.read_text().splitlines())


def test_a_new_admin_can_log_in_with_what_the_private_file_says(tmp_path):
    path = tmp_path / "credentials"

    run(path)

    written = credentials(path)
    assert written["user"] == "admin"
    assert authenticate(username="admin", password=written["password"]) is not None
    assert Token.objects.get(user__username="admin").key == written["token"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_output_that_is_not_a_terminal_holds_no_password_or_token(tmp_path):
    path = tmp_path / "credentials"

    out = run(path)

    written = credentials(path)
    assert written["password"] not in out
    assert written["token"] not in out
    assert f"The password and the API token are in {path}." in out


def test_a_terminal_is_shown_the_password_and_token_once(tmp_path):
    path = tmp_path / "credentials"

    out = run(path, Terminal())

    written = credentials(path)
    assert f"password {written['password']}" in out
    assert f"API token: {written['token']}" in out


def test_an_existing_admin_keeps_its_password_and_no_file_is_written(tmp_path):
    get_user_model().objects.create_superuser("admin", password="kept-pass-123")
    path = tmp_path / "credentials"

    out = run(path, Terminal())

    assert authenticate(username="admin", password="kept-pass-123") is not None
    assert path.exists() is False
    assert "The admin user 'admin' exists" in out
