from . import views_agenda, views_attendance, views_followups, views_matchmaking, views_report, views_requests

app_name = "matchmaking"

# Mounted under "events/" next to the events app's URLs (portal/urls.py), at the paths these
# pages always had; each views module lists its own routes.
urlpatterns = [
    *views_agenda.urlpatterns,
    *views_attendance.urlpatterns,
    *views_report.urlpatterns,
    *views_requests.urlpatterns,
    *views_matchmaking.urlpatterns,
    *views_followups.urlpatterns,
]
