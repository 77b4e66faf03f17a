"""Routes of the REST API, version 1 (mounted at /api/v1/ by portal.urls)."""

app_name = "api"

urlpatterns: list = []
