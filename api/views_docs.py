"""The OpenAPI document and its two readers, served by the portal itself (no CDN).

Swagger UI runs under the portal's Content-Security-Policy as it is: its start script is
a file of its own (drf-spectacular's split view) and its styles are files. ReDoc writes its
styles into ``<style>`` elements at run time (styled-components) and starts its search in a
``blob:`` worker, so its page alone allows inline styles and blob workers; it runs no script
of the page's own, and ``script-src`` stays ``'self'``.
"""

from csp.decorators import csp_update
from django.urls import path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document (JSON, or YAML with ``?format=yaml``)."""


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


@method_decorator(
    csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"], "img-src": ["blob:"]}), name="get"
)
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
    url_name = "api:schema"


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(), name="docs"),
    path("redoc/", RedocView.as_view(), name="redoc"),
]
