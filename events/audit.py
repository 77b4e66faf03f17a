"""The events' models whose changes go into the audit trail (see ``core.audit``).

Meeting slots are left out: generating them writes hundreds of rows that tell nothing about a
person. Scheduler runs and publications are recorded as explicit entries by the matchmaking app
(``matchmaking.scheduler``), so the session's bookkeeping columns for them are left out here;
meetings are registered by ``matchmaking.audit``.
"""

from core.audit import audit_register

from .models import Delegation, Event, Registration, Session


def register() -> None:
    """Register the models with auditlog; called once from ``EventsConfig.ready()``."""
    audit_register(Event, exclude=["created_at", "updated_at"], m2m=["organisers"])
    audit_register(Session, exclude=["scheduled_at", "published_at", "publication_count", "updated_at"])
    audit_register(Delegation)
    # Tokens are secrets: never copied into the trail.
    audit_register(Registration, exclude=["badge_token", "contact_token", "survey_token", "created_at"])
