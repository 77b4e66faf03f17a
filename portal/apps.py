from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import audit, checks, receivers  # noqa: F401 -- checks registers itself on import

        audit.register()

        post_migrate.connect(receivers.ensure_secretariat_group, dispatch_uid="portal_secretariat_group")
        user_logged_in.connect(receivers.record_sign_in, dispatch_uid="portal_record_sign_in")
        authenticator_removed.connect(
            receivers.forget_removed_second_factor, dispatch_uid="portal_forget_removed_second_factor"
        )
