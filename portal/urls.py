from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views, views_outbox

admin.site.site_header = _("TVET Partnership Portal administration")
admin.site.site_title = _("TVET Partnership Portal")
# Every sign-in goes through allauth, with its rate limits and second factor.
admin.site.login = views.admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/second-factor/", views.mfa_required, name="mfa_required"),
    # Before allauth's own pattern for the same path, which it replaces.
    path("accounts/2fa/webauthn/keys/<int:pk>/remove/", views.remove_webauthn, name="mfa_remove_webauthn"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("institutions/", include("institutions.urls")),
    path("events/", include("events.urls")),
    path("mous/", include("mous.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", views.healthz, name="healthz"),
    *views_outbox.urlpatterns,
    path("robots.txt", views.robots_txt),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
