"""URL map: the admin, the REST API under /api/v1/, its OpenAPI document, and a health check."""

from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_GET
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from omnitron.api.auth import LoginView, LogoutView
from omnitron.api.views import ApiRootView
from payments.resources.urls import router as payments_router
from sales_channels.resources.urls import router as channels_router


@require_GET
def health(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "unhealthy"
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


resources = {
    prefix: f"{basename}-list"
    for router in (channels_router, payments_router)
    for prefix, _viewset, basename in router.registry
}

api_v1 = [
    path("", ApiRootView.as_view(api_root_dict=resources), name="api-root"),
    path("auth/login/", LoginView.as_view(), name="login"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    path("", include("sales_channels.resources.urls")),
    path("", include("payments.resources.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("health/", health, name="health"),
    # Uploaded logos. In production a web server or object storage should serve MEDIA_ROOT.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
]

handler400 = "omnitron.api.handlers.bad_request"
handler403 = "omnitron.api.handlers.permission_denied"
handler404 = "omnitron.api.handlers.not_found"
handler500 = "omnitron.api.handlers.server_error"
