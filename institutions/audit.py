"""The institutions' models whose changes go into the audit trail (see ``core.audit``)."""

from auditlog.registry import auditlog

from .models import Institution, Invitation, Membership, Need, Offer


def register() -> None:
    """Register the models with auditlog; called once from ``InstitutionsConfig.ready()``."""
    auditlog.register(
        Institution,
        # Derived search and matching columns, and timestamps that change on every save.
        exclude_fields=["search_document", "search_grams", "offer_keys", "need_keys", "updated_at", "created_at"],
        m2m_fields={"sectors"},
    )
    auditlog.register(Offer)
    auditlog.register(Need)
    auditlog.register(Membership, exclude_fields=["created_at"])
    auditlog.register(Invitation, exclude_fields=["token", "created_at"])
