"""
The one exception handler of the API.

- `ServiceError` (a refusal by the service layer) becomes
  `406 {"non_field_errors": "<message>", "error_code": "<code>"}`.
- Django's `ValidationError` (raised by models and services) becomes DRF's 400 body.
- A form body Django refuses while parsing it (fields too large, too many fields or files)
  becomes a 413 or 400 that says which limit, rather than a bare "Bad request".
- A database `IntegrityError` or `ProtectedError` that a service did not turn into one of the
  above still reaches the client as a 4xx with a JSON body, never as a 500; it is logged,
  because it means a rule is missing from a service.
- SQLite's "database is locked" (SQLITE_BUSY: a write waited longer than the busy timeout for
  another one to finish) is `503 {"detail": "..."}` with a `Retry-After` header: nothing is
  wrong with the request, the database is busy. Any other database error stays a 500.
- Everything else is DRF's default.
"""

import logging
import sqlite3

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from omnitron.errors import ServiceError

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait after a 503: a write that outwaited the busy timeout is
# queued behind a long one, such as a large upload.
BUSY_RETRY_AFTER = 10
DATABASE_BUSY = "The database is busy with another write; try again in a few seconds."


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        logger.warning("Refused %s: %s", _describe(context), exc.code)
        return Response(service_error_body(exc), status=status.HTTP_406_NOT_ACCEPTABLE)

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(as_serializer_error(exc))

    refusal = _form_body_refusal(exc)
    if refusal is not None:
        return refusal

    # Before IntegrityError: Django's ProtectedError and RestrictedError are subclasses of it.
    if isinstance(exc, (ProtectedError, RestrictedError)):
        logger.error("Delete refusal not handled by a service on %s", _describe(context))
        return Response(
            {
                "non_field_errors": "Still in use; remove what refers to it first.",
                "error_code": "protected",
            },
            status=status.HTTP_406_NOT_ACCEPTABLE,
        )

    if isinstance(exc, IntegrityError):
        logger.error("Integrity error not handled by a service on %s", _describe(context))
        return Response(
            {"non_field_errors": ["The change conflicts with data stored meanwhile; try again."]},
            status=status.HTTP_400_BAD_REQUEST,
        )

    if isinstance(exc, OperationalError) and is_sqlite_busy(exc):
        logger.warning("Database busy on %s: answered 503", _describe(context))
        return Response(
            {"detail": DATABASE_BUSY},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(BUSY_RETRY_AFTER)},
        )

    return drf_exception_handler(exc, context)


def _form_body_refusal(exc):
    """The answer to a form body over one of Django's parsing limits, or None."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The form fields other than files are larger than the {limit} bytes accepted."
        return Response({"detail": detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFilesSent):
        detail = f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files are accepted at once."
        return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TooManyFieldsSent):
        detail = f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} form fields are accepted."
        return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    return None


def is_sqlite_busy(exc):
    """Whether the database error `exc` is SQLite's SQLITE_BUSY, in any of its extended forms
    (the primary code is the low byte), which Django raises as "database is locked"."""
    code = getattr(exc.__cause__, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def service_error_body(exc):
    """The reference's body of a service refusal: the message is a string, not a list."""
    return {"non_field_errors": exc.message, "error_code": exc.code}


def as_serializer_error(exc):
    """A Django ValidationError in DRF's shape: field errors by field, the rest as non-field."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def _describe(context):
    request = context.get("request")
    view = context.get("view")
    method = getattr(request, "method", "?")
    path = getattr(request, "path", "?")
    return f"{method} {path} ({type(view).__name__})"
