"""Follow-ups after meetings: the steps after a matchmaking session, answers, flags and outcomes."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Meeting


def plan_follow_ups(meetings: Iterable[Meeting]) -> None:
    """Create the follow-up rows and outbox emails of published meetings (idempotent)."""


def cancel_follow_ups(meetings: Iterable[Meeting]) -> None:
    """Stop the follow-ups not yet sent for meetings that were cancelled or did not take place."""
