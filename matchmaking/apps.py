from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # Importing registers the app's rules, its Celery tasks and the renderers of its emails
        # in the outbox (under the names and kinds they had in the events app, so that queued
        # tasks and existing outbox rows keep working).
        from events import retention

        from . import audit, followups, permissions, reminders, requests, scheduler  # noqa: F401

        audit.register()
        # The events app purges personal codes after the retention period; the follow-up
        # answer links are such codes (see ``events.retention``).
        retention.register_link_purger(followups.follow_up_links_purge)
