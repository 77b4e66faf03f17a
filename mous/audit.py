"""The MoU app's models whose changes go into the audit trail (see ``core.audit``).

MoUs, parties and milestones keep their own history (django-simple-history); the link from a
meeting to its MoU is recorded in the trail, filed under the meeting's institutions.
"""

from core.audit import audit_register

from .models import MouMeeting, MouSharedCourse


def register() -> None:
    """Register the models with auditlog; called once from ``MousConfig.ready()``."""
    audit_register(MouMeeting)
    audit_register(MouSharedCourse)
