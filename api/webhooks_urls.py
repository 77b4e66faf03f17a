"""The webhook pages (mounted at /webhooks/ by portal.urls); the REST API is api.urls."""

from . import webhooks_views

app_name = "webhooks"

urlpatterns = [*webhooks_views.urlpatterns]
