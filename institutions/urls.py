from django.urls import path

from . import views, views_courses, views_onboarding, views_partners, views_profile

app_name = "institutions"

# Each views module lists its own routes; the directory's "<slug>/" catch-all comes last, so
# fixed words ("new", "shortlist", …) never reach it.
urlpatterns = [
    *views_courses.urlpatterns,
    *views_onboarding.urlpatterns,
    *views_partners.urlpatterns,
    *views_profile.urlpatterns,
    path("", views.institution_list, name="list"),
    path("export.csv", views.institution_export_csv, name="export_csv"),
    path("export.xlsx", views.institution_export_xlsx, name="export_xlsx"),
    path("<slug:slug>/", views.institution_detail, name="detail"),
]
