"""Celery tasks of the MoU registry."""

from celery import shared_task


@shared_task(name="mous.daily_lifecycle")
def daily_lifecycle_task() -> dict:
    """Run daily by beat: statuses by date, then expiry, milestone and dormant-MoU reminders (idempotent)."""
    from .lifecycle import daily_lifecycle

    result = daily_lifecycle()
    return {
        "changed": result["changed"],
        "expiry": result["expiry"],
        "milestones": result["milestones"],
        "dormant": result["dormant"],
    }
