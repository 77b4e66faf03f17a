from django.urls import path

from . import (
    views,
    views_agenda,
    views_checkin,
    views_contacts,
    views_followups,
    views_import,
    views_manage,
    views_matchmaking,
    views_registration,
    views_report,
    views_requests,
    views_survey,
)

app_name = "events"

# Each views module lists its own routes; the public "<slug>/" page comes last.
urlpatterns = [
    *views_manage.urlpatterns,
    *views_registration.urlpatterns,
    *views_agenda.urlpatterns,
    *views_import.urlpatterns,
    *views_checkin.urlpatterns,
    *views_survey.urlpatterns,
    *views_contacts.urlpatterns,
    *views_report.urlpatterns,
    *views_requests.urlpatterns,
    *views_matchmaking.urlpatterns,
    *views_followups.urlpatterns,
    path("", views.event_list, name="list"),
    path("<slug:slug>/", views.event_detail, name="detail"),
]
