from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import audit, checks, receivers  # noqa: F401 -- checks registers itself on import

        audit.register()

        post_migrate.connect(receivers.ensure_secretariat_group, dispatch_uid="portal_secretariat_group")
