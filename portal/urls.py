from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from matchmaking import views_feeds

from . import health, views, views_activity, views_api_tokens, views_outbox, views_privacy

admin.site.site_header = _("TVET Partnership Portal administration")
admin.site.site_title = _("TVET Partnership Portal")
# Every sign-in goes through allauth, with its rate limits and second factor.
admin.site.login = views.admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/partners/", views.dashboard_partners, name="dashboard_partners"),
    path("dashboard/funnel/", views.dashboard_funnel, name="dashboard_funnel"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/preferences/api-tokens/", views_api_tokens.api_token_create, name="api_token_create"),
    path("accounts/preferences/api-tokens/revoke/", views_api_tokens.api_token_revoke, name="api_token_revoke"),
    path("accounts/second-factor/", views.mfa_required, name="mfa_required"),
    # Before allauth's own pattern for the same path, which it replaces.
    path("accounts/2fa/webauthn/keys/<int:pk>/remove/", views.remove_webauthn, name="mfa_remove_webauthn"),
    *views_privacy.urlpatterns,
    # A person's agenda as a calendar feed (/calendar/<token>.ics) and its link's buttons, before allauth's.
    *views_feeds.urlpatterns,
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("institutions/", include("institutions.urls")),
    path("events/", include("events.urls")),
    # Matchmaking pages live under their event, at the paths they had inside the events app.
    path("events/", include("matchmaking.urls")),
    path("mous/", include("mous.urls")),
    path("alliances/", include("mous.views_alliances")),
    path("api/v1/", include("api.urls")),
    path("webhooks/", include("api.webhooks_urls")),
    path("admin/", admin.site.urls),
    # Liveness and readiness probes; portal.health.ProbeMiddleware answers them first.
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    *views_outbox.urlpatterns,
    *views_activity.urlpatterns,
    path("robots.txt", views.robots_txt),
]

# Public uploads (logos) under MEDIA_URL are answered by core.middleware.PublicMediaMiddleware.
