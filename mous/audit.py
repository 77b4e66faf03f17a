"""The MoU app's models whose changes go into the audit trail (see ``core.audit``).

MoUs, parties and milestones keep their own history (django-simple-history); the link from a
meeting to its MoU is recorded in the trail, filed under the meeting's institutions. Exchanges
and projects keep a history too, and go into the trail, filed under their institutions, so
that the secretariat's activity page shows who recorded which figures.
"""

from core.audit import audit_register

from .models import Exchange, MouMeeting, MouSharedCourse, Project


def register() -> None:
    """Register the models with auditlog; called once from ``MousConfig.ready()``."""
    audit_register(MouMeeting)
    audit_register(MouSharedCourse)
    audit_register(Exchange)
    audit_register(Project)
