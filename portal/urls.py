from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views, views_activity, views_outbox, views_privacy

admin.site.site_header = _("TVET Partnership Portal administration")
admin.site.site_title = _("TVET Partnership Portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    *views_privacy.urlpatterns,
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("institutions/", include("institutions.urls")),
    path("events/", include("events.urls")),
    path("mous/", include("mous.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", views.healthz, name="healthz"),
    *views_outbox.urlpatterns,
    *views_activity.urlpatterns,
    path("robots.txt", views.robots_txt),
]

# Public uploads (logos) under MEDIA_URL are answered by core.middleware.PublicMediaMiddleware.
