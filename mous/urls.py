from django.urls import path

from . import views, views_ceremony, views_documents, views_lifecycle, views_logging, views_registry

app_name = "mous"

# Each views module lists its own routes.
urlpatterns = [
    *views_logging.urlpatterns,
    *views_ceremony.urlpatterns,
    *views_documents.urlpatterns,
    *views_lifecycle.urlpatterns,
    *views_registry.urlpatterns,
    path("", views.mou_registry, name="registry"),
    path("<int:pk>/", views.mou_detail, name="detail"),
]
