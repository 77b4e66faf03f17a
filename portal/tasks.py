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
