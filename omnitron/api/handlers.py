"""
Error pages that speak JSON under `/api/`.

DRF words the errors its views raise, but some answers are given before a view runs: a path
that matches no route (`/api/v1/pos/1.5/`), a request Django refuses as malformed, a crash.
For API paths these answer `{"detail": "..."}` like every other API error; the rest of the
site (admin) keeps Django's pages.
"""

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults

API_PREFIX = "/api/"


def not_found(request, exception):
    if _is_api(request):
        slashed = f"{request.path_info}/"
        if not request.path_info.endswith("/") and _resolves(slashed):
            return JsonResponse(
                {"detail": f"Not found. API paths end with a slash: {slashed}"}, status=404
            )
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return defaults.permission_denied(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)


def _is_api(request):
    return request.path.startswith(API_PREFIX)


def _resolves(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
