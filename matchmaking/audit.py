"""The matchmaking models whose changes go into the audit trail (see ``core.audit``).

Scheduler runs and publications are recorded as explicit entries by ``matchmaking.scheduler``.
"""

from core.audit import audit_register

from .models import AttendanceMark, Meeting


def register() -> None:
    """Register the models with auditlog; called once from ``MatchmakingConfig.ready()``."""
    audit_register(
        Meeting,
        # The scheduler's proposal and the calendar bookkeeping; publication is an explicit entry.
        exclude=["uid", "sequence", "updated_at", "draft_slot", "draft_table", "unplaced_reason"],
    )
    # Who marked a meeting held or missed, for which side and when.
    audit_register(AttendanceMark)
