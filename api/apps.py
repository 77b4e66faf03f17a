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

        # schema registers the token scheme with drf-spectacular; the webhooks' modules their checks and rules.
        from . import schema, webhooks, webhooks_checks, webhooks_permissions  # noqa: F401

        # The webhooks' outbox: deliveries written in the transaction of each domain event.
        domain_event.connect(webhooks.on_domain_event, dispatch_uid="api_webhooks_outbox")
        profile_links.register_profile_link(webhooks_permissions.webhooks_profile_link)
