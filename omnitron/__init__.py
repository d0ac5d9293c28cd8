"""The Django project package: settings, URL map, WSGI/ASGI entry points and the API plumbing
shared by every app (pagination, permissions, filters, the exception handler)."""
