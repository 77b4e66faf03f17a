from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete

        from institutions.models import Membership

        from . import audit, checks, receivers  # noqa: F401 -- checks registers itself on import
        from .models import User

        audit.register()

        post_migrate.connect(receivers.ensure_secretariat_group, dispatch_uid="portal_secretariat_group")
        user_logged_in.connect(receivers.record_sign_in, dispatch_uid="portal_record_sign_in")
        authenticator_removed.connect(
            receivers.forget_removed_second_factor, dispatch_uid="portal_forget_removed_second_factor"
        )
        # The signed-in user's cached copy (portal.backends) must not outlive a change.
        post_save.connect(receivers.forget_cached_user, sender=User, dispatch_uid="portal_forget_cached_user_saved")
        post_delete.connect(receivers.forget_cached_user, sender=User, dispatch_uid="portal_forget_cached_user_deleted")
        post_save.connect(
            receivers.forget_cached_group_members, sender=Group, dispatch_uid="portal_forget_cached_group_saved"
        )
        pre_delete.connect(
            receivers.forget_cached_group_members, sender=Group, dispatch_uid="portal_forget_cached_group_deleted"
        )
        post_save.connect(receivers.forget_cached_member, sender=Membership, dispatch_uid="portal_forget_member_saved")
        post_delete.connect(
            receivers.forget_cached_member, sender=Membership, dispatch_uid="portal_forget_member_deleted"
        )
        m2m_changed.connect(
            receivers.forget_cached_users_of_groups_change,
            sender=User.groups.through,
            dispatch_uid="portal_forget_cached_user_groups",
        )
