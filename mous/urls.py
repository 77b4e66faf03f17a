from . import (
    views_ceremony,
    views_cooperation,
    views_courses,
    views_documents,
    views_lifecycle,
    views_logging,
    views_registry,
    views_reporting,
)

app_name = "mous"

# Each views module lists its own routes.
urlpatterns = [
    *views_logging.urlpatterns,
    *views_ceremony.urlpatterns,
    *views_documents.urlpatterns,
    *views_lifecycle.urlpatterns,
    *views_courses.urlpatterns,
    *views_registry.urlpatterns,
    *views_cooperation.urlpatterns,
    *views_reporting.urlpatterns,
]
