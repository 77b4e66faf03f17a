from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MousConfig(AppConfig):
    name = "mous"
    verbose_name = _("MoUs")

    def ready(self) -> None:
        from . import audit, emails, links, permissions, signals, views_alliances  # noqa: F401 -- registers the app's rules, email renderers and receivers

        audit.register()
        links.register()
        views_alliances.register()
