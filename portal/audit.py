"""The portal's models whose changes go into the audit trail (see ``core.audit``)."""

from django.contrib.auth import get_user_model

from core.audit import audit_register


def register() -> None:
    """Register the user model with auditlog; called once from ``PortalConfig.ready()``."""
    # Never the password hash; the last sign-in changes at every login and says nothing.
    # Groups are followed: joining the Secretariat group opens every secretariat page.
    audit_register(get_user_model(), exclude=["password", "last_login", "date_joined"], m2m=["groups"])
