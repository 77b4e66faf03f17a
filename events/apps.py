from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Importing registers the app's rules and the renderers of its emails in the outbox.
        from . import audit, emails, permissions  # noqa: F401

        audit.register()
