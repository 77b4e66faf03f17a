from django.urls import path

from . import (
    views,
    views_agenda,
    views_checkin,
    views_contacts,
    views_import,
    views_manage,
    views_registration,
    views_survey,
)

app_name = "events"

# Each views module lists its own routes; the public "<slug>/" page comes last. The matchmaking
# app mounts its pages (requests, meetings, schedules, follow-ups, the personal agenda and the
# report) under the same "events/" prefix.
urlpatterns = [
    *views_manage.urlpatterns,
    *views_registration.urlpatterns,
    *views_agenda.urlpatterns,
    *views_import.urlpatterns,
    *views_checkin.urlpatterns,
    *views_survey.urlpatterns,
    *views_contacts.urlpatterns,
    path("", views.event_list, name="list"),
    path("<slug:slug>/", views.event_detail, name="detail"),
]
