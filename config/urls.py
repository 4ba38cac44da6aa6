"""Top-level URLs: home page, health check, admin, the POS API (/api/v1/), schema and docs."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("pos.ui.urls")),
    path("", include("pos.rentals.urls")),
    path("", include("pos.cards.urls")),
    path("", include("treasury.urls")),
    path("", include("reports.urls")),
    # After the apps: pos.urls ends with the JSON 404 for any other path under /api/v1/.
    path("", include("pos.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's bundle (drf-spectacular-sidecar) and its start script (?script) from this
    # site: the page keeps the site's Content-Security-Policy, no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]
