"""Background jobs of the API app: thin wrappers that call the webhook delivery functions."""

from celery import shared_task


@shared_task(name="api.sweep_webhooks")
def sweep_webhooks() -> int:
    """Hand due webhook deliveries to workers and re-queue ones stuck in flight (every minute)."""
    from .webhooks_delivery import sweep

    return sweep()


@shared_task(name="api.send_webhook", acks_late=True, reject_on_worker_lost=True)
def send_webhook(delivery_id: int) -> None:
    """Send one webhook delivery; the row records the outcome, so this task never retries itself."""
    from .webhooks_delivery import deliver

    deliver(delivery_id=delivery_id)


@shared_task(name="api.purge_webhook_deliveries")
def purge_webhook_deliveries() -> int:
    """Delete old deliveries that are delivered or given up (daily)."""
    from .webhooks_delivery import purge

    return purge()
