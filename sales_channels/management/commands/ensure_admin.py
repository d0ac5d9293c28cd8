"""`manage.py ensure_admin`: make sure an administrator and their API token exist.

Used by `make run` on a fresh machine. When it creates the user, it writes the generated
password and token to a file only its owner can read (`.admin-credentials` next to
`manage.py`, never committed), and shows them on the screen only when its output is a terminal:
output sent to a log file or a CI job keeps no credential. Afterwards it only says how to log
in. It never changes an existing user's password.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

CREDENTIALS_FILE = ".admin-credentials"


class Command(BaseCommand):
    help = "Create an admin user and an API token if none exist, and say how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument(
            "--credentials-file",
            default=settings.BASE_DIR / CREDENTIALS_FILE,
            help="where a new user's password and token are written (mode 0600)",
        )

    def handle(self, *args, username, url, credentials_file, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            token, _ = Token.objects.get_or_create(user=user)
            _write_private(
                credentials_file,
                f"user {username}\npassword {password}\ntoken {token.key}\n",
            )
            self.stdout.write(self.style.SUCCESS(f"Created the admin user {username!r}."))
            login = f"  admin:     {url}/admin/  user {username}"
            if self.stdout.isatty():
                self.stdout.write(f"{login}  password {password}")
                self.stdout.write(f"  API token: {token.key}")
            else:
                self.stdout.write(login)
            self.stdout.write(f"  The password and the API token are in {credentials_file}.")
        else:
            self.stdout.write(f"The admin user {username!r} exists; log in at {url}/admin/.")
            self.stdout.write(
                "  Lost the password? .venv/bin/python manage.py changepassword " + username
            )
        self.stdout.write(
            f"  Get a token: curl -s -X POST {url}/api/v1/auth/login/ "
            '-H "Content-Type: application/json" '
            f'-d \'{{"username": "{username}", "password": "..."}}\''
        )


def _write_private(path, text):
    """Write `text` to `path`, readable by its owner only from the first byte on."""
    with open(path, "w", opener=_open_private) as file:
        os.fchmod(file.fileno(), 0o600)  # a file that existed keeps its mode otherwise
        file.write(text)


def _open_private(name, flags):
    return os.open(name, flags, 0o600)
