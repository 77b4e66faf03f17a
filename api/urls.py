"""Routes of the REST API, version 1 (mounted at /api/v1/ by portal.urls).

Each views module keeps its own ``urlpatterns``; this list only joins them, so that a new
module adds one import and one line here.
"""

from . import views_docs, views_institution, views_participant, views_public, views_secretariat, views_tokens

app_name = "api"

urlpatterns = [
    *views_docs.urlpatterns,
    *views_public.urlpatterns,
    *views_tokens.urlpatterns,
    *views_institution.urlpatterns,
    *views_participant.urlpatterns,
    *views_secretariat.urlpatterns,
]
