"""ASGI entry point, for servers that speak ASGI (uvicorn, daphne)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omnitron.settings")

application = get_asgi_application()
