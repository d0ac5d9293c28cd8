"""`manage.py ensure_admin`: make sure an administrator and their API token exist.

Used by `make run` on a fresh machine. When it creates the user it prints the generated
password and token once, to the terminal of the person who ran it; afterwards it only says how
to log in. It never changes an existing user's password.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create an admin user and an API token if none exist, and say how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, username, url, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(self.style.SUCCESS(f"Created the admin user {username!r}."))
            self.stdout.write(f"  admin:     {url}/admin/  user {username}  password {password}")
            self.stdout.write(f"  API token: {token.key}")
            self.stdout.write("  (shown once; keep them, or reset with `manage.py changepassword`)")
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
