import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_CACHE_KEY = "portal:heartbeat"


@shared_task(name="portal.heartbeat")
def heartbeat_task() -> None:
    """Record that beat scheduled, and a worker ran, a task just now (shown to the secretariat)."""
    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat(), timeout=None)


@shared_task(name="portal.dispatch_outbox")
def dispatch_outbox() -> int:
    """Hand due outbox emails to workers and re-queue ones stuck in flight (every minute)."""
    from . import outbox

    return outbox.dispatch()


@shared_task(name="portal.send_outbox_email", acks_late=True, reject_on_worker_lost=True)
def send_outbox_email(email_id: int) -> None:
    """Send one outbox email; the row records the outcome, so this task never retries itself."""
    from . import outbox

    outbox.deliver(email_id)
