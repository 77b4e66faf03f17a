"""The portal's public REST API (/api/v1/), its tokens and webhooks.

It stands above the domain apps (mous, matchmaking, events, institutions, core) and below
``portal``: it reads through their selectors and writes only through their services, so every
call meets the same permission rules as the pages.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from core.domain_events import domain_event
        from institutions import profile_links

        from . import webhooks, webhooks_checks, webhooks_permissions  # noqa: F401 -- registers checks and rules

        # The webhooks' outbox: deliveries written in the transaction of each domain event.
        domain_event.connect(webhooks.on_domain_event, dispatch_uid="api_webhooks_outbox")
        profile_links.register_profile_link(webhooks_permissions.webhooks_profile_link)
