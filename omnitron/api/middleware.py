"""
Middleware of the API: a cap on the size of request bodies, checked before anything reads them,
and answers that no cache keeps.

Django limits form data it parses itself (`DATA_UPLOAD_MAX_MEMORY_SIZE`), but DRF's JSON parser
reads the body stream directly, so without this a client could make a worker read and parse a
body of any size. Uploaded files are streamed to disk by Django, so a multipart body may be as
large as the largest accepted upload (`UPLOAD_MAX_BYTES`) plus the ordinary form-data allowance;
the upload endpoints still refuse a file over `UPLOAD_MAX_BYTES` with their own error.

A body announced larger than its limit is answered unread: a multipart body to the API as the
upload endpoints refuse a file over the limit, `406 file_100_3` (it is large for its file), any
other body `413 {"detail": "..."}`. A body sent
in chunks, without a Content-Length, is answered `411`: Django reads only as many bytes as
Content-Length announces, so it would take such a body for an empty one and answer that every
field is missing.
"""

from django.conf import settings
from django.http import JsonResponse
from django.middleware import common as django_common
from django.utils.cache import add_never_cache_headers

from omnitron.api.exceptions import service_error_body
from omnitron.api.handlers import API_PREFIX
from omnitron.errors import FileTooLargeError

MULTIPART = "multipart/form-data"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_chunked(request):
            return JsonResponse(
                {
                    "detail": "Chunked request bodies are not accepted: send the body with a "
                    "Content-Length header."
                },
                status=411,
            )
        length = _content_length(request)
        content_type = request.META.get("CONTENT_TYPE", "")
        limit = body_limit(content_type)
        if length is None or limit is None or length <= limit:
            return self.get_response(request)
        if _is_multipart(content_type) and request.path_info.startswith(API_PREFIX):
            return JsonResponse(
                service_error_body(FileTooLargeError(settings.UPLOAD_MAX_BYTES)), status=406
            )
        return JsonResponse(
            {"detail": f"The request body is larger than the {limit} bytes accepted."},
            status=413,
        )


def body_limit(content_type):
    """The largest body accepted with `content_type`, in bytes (None: no limit)."""
    form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if form_limit is None:
        return None
    if _is_multipart(content_type):
        return settings.UPLOAD_MAX_BYTES + form_limit
    return form_limit


def _is_multipart(content_type):
    return content_type.lower().startswith(MULTIPART)


def _is_chunked(request):
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in encoding.lower() and not request.META.get("CONTENT_LENGTH")


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class NeverCacheMiddleware:
    """API answers are never stored by a browser or a proxy: they carry gateway secrets (to
    holders of `payments.view_pos_secrets`), tokens (the login's answer) and data that changes
    under the panel's hands. Django's never-cache headers, unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX) and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class CommonMiddleware(django_common.CommonMiddleware):
    """Django's CommonMiddleware, without the trailing-slash redirect for API paths.

    A redirect loses a POST's body (or, followed by many clients, turns it into a GET), so an
    API path without its slash is a JSON 404 that names the right path instead (see
    `omnitron.api.handlers.not_found`). The admin keeps the redirect.
    """

    def should_redirect_with_slash(self, request):
        if request.path_info.startswith(API_PREFIX):
            return False
        return super().should_redirect_with_slash(request)
