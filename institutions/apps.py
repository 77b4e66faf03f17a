from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions")

    def ready(self) -> None:
        from . import audit, permissions, signals  # noqa: F401 -- registers the app's rules and receivers

        audit.register()
