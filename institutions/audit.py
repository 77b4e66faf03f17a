"""The institutions' models whose changes go into the audit trail (see ``core.audit``)."""

from core.audit import audit_register

from .models import CourseUseRequest, Institution, Invitation, Membership, Need, Offer, SharedCourse


def register() -> None:
    """Register the models with auditlog; called once from ``InstitutionsConfig.ready()``."""
    audit_register(
        Institution,
        # Derived search and matching columns, and timestamps that change on every save.
        exclude=[
            "search_document",
            "search_grams",
            "search_translations",
            "offer_keys",
            "need_keys",
            "updated_at",
            "created_at",
        ],
        m2m=["sectors"],
    )
    audit_register(Offer)
    audit_register(Need)
    audit_register(Membership, exclude=["created_at"])
    # The token is a secret: never copied into the trail.
    audit_register(Invitation, exclude=["token", "created_at"])
    audit_register(SharedCourse, exclude=["search_text", "search_grams", "updated_at", "created_at"])
    audit_register(CourseUseRequest, exclude=["updated_at", "created_at"])
