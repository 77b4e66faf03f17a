from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions")

    def ready(self) -> None:
        # Importing registers the app's rules, receivers and the renderers of its emails in the outbox.
        from . import audit, emails, permissions, signals  # noqa: F401

        audit.register()
