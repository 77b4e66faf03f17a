"""Sending webhook deliveries: claimed by one worker at a time, retried on the row's schedule.

As the email outbox (``core.outbox``):

- `hand_out(ids)` (once the writing transaction commits) and `sweep()` (beat, every minute)
  claim due rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, mark them "sending" and, once
  that is committed, queue one ``api.send_webhook`` task per row. The sweep also hands out
  again rows left "sending" for longer than ``WEBHOOK_STUCK_AFTER`` whose lock is free.
- `deliver(id)` (the worker) locks the row for the whole attempt and sends only a "sending"
  row, so a task that runs twice sends once. A 2xx answer marks it delivered; anything else
  (another status, a timeout, a refused connection, an address no longer public) marks it
  failed and due again after the next step of ``WEBHOOK_BACKOFF`` (with ±20 % jitter), or
  given up once the schedule is used up (about a day).

Redirects are never followed, every connection and read waits at most
``WEBHOOK_TIMEOUT`` seconds, and only the first bytes of an answer are kept, for the page.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable
from datetime import timedelta

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models_webhooks import TEST_EVENT, WebhookDelivery
from .webhooks import WebhookError, body_bytes, resolve_public, signed_headers

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
DUE_STATES = (Status.PENDING, Status.FAILED)
# The excerpt of an answer's body kept on the row (the rest is never read).
EXCERPT_BYTES = 300


def hand_out(ids: Iterable[int]) -> list[int]:
    """Claim the due deliveries among ``ids`` and queue them; beat does it later on failure."""
    ids = list(ids)
    try:
        return _claim(Q(pk__in=ids), limit=len(ids))
    except Exception:
        logger.exception("Webhooks: could not hand out deliveries at once; beat will")
        return []


def sweep(*, batch_size: int = 500) -> int:
    """Hand due and stuck deliveries to workers, batch after batch; return how many."""
    total = 0
    while True:
        ids = _claim(Q(), limit=batch_size, stuck=True)
        total += len(ids)
        if len(ids) < batch_size:
            return total


def _claim(where: Q, *, limit: int, stuck: bool = False) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.filter(where, status__in=DUE_STATES, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        late = []
        if stuck:
            # Rows in flight too long. A worker sending one right now holds its lock: skipped.
            late = list(
                WebhookDelivery.objects.filter(
                    where,
                    status=Status.SENDING,
                    claimed_at__lt=now - timedelta(seconds=settings.WEBHOOK_STUCK_AFTER),
                )
                .order_by("claimed_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[: max(limit - len(due), 0)]
            )
        ids = due + late
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(status=Status.SENDING, claimed_at=now)
            transaction.on_commit(lambda: _queue(ids))
    return ids


def _queue(ids: list[int]) -> None:
    from .tasks import send_webhook

    try:
        for delivery_id in ids:
            send_webhook.delay(delivery_id)
    except Exception:
        # The rows stay "sending"; the sweep hands them out again once the broker is back.
        logger.exception("Webhooks: could not queue deliveries; they will be handed out again")


def backoff_seconds(attempts: int) -> float | None:
    """Seconds to wait after the ``attempts``-th failed attempt, with jitter; None: give up."""
    schedule = settings.WEBHOOK_BACKOFF
    if attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    # ±20 %, so that the deliveries of a receiver that was down do not all come back at once.
    return base * (0.8 + 0.4 * secrets.randbelow(1001) / 1000)


def post(*, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to ``url`` at the public address its host resolves to now; (status, excerpt).

    Raises WebhookError when the address is not public, urllib3's errors on connection trouble.
    """
    host, address, port = resolve_public(url)
    parts = urllib3.util.parse_url(url)
    timeout = urllib3.Timeout(connect=settings.WEBHOOK_TIMEOUT, read=settings.WEBHOOK_TIMEOUT)
    if parts.scheme == "https":
        # Connect to the checked address, while TLS checks the certificate of the host name.
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, timeout=timeout, retries=False, maxsize=1
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    default_port = 443 if parts.scheme == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
    try:
        response = pool.urlopen(
            "POST",
            parts.request_uri,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            excerpt = response.read(EXCERPT_BYTES, decode_content=False)
        finally:
            response.release_conn()
            response.close()
    finally:
        pool.close()
    return response.status, excerpt.decode("utf-8", errors="replace")


def deliver(*, delivery_id: int) -> str | None:
    """Send one delivery handed to a worker; return its status afterwards (None: no such row).

    Only a "sending" row is sent, so a task that runs twice sends once. The row stays locked
    until the result is committed; a sweep skips locked rows.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != Status.SENDING:
            return delivery.status if delivery else None
        endpoint = delivery.endpoint
        if not endpoint.is_active and delivery.event_type != TEST_EVENT:
            return _record(delivery, code=None, error="The endpoint is turned off.", give_up=True)
        timestamp = int(time.time())
        body = body_bytes(delivery.payload)
        headers = signed_headers(
            secret=endpoint.secret, event_id=str(delivery.event_id), timestamp=timestamp, body=body
        )
        try:
            code, excerpt = post(url=endpoint.url, body=body, headers=headers)
        except WebhookError as error:
            return _record(delivery, code=None, error=error.message)
        except Exception as error:  # a refused connection, a timeout, TLS: the receiver's trouble
            return _record(delivery, code=None, error=f"{type(error).__name__}: {error}")
        if 200 <= code < 300:
            delivery.status = Status.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.attempts += 1
            delivery.last_status_code = code
            delivery.last_error = ""
            delivery.next_attempt_at = None
            delivery.save(
                update_fields=[
                    "status",
                    "delivered_at",
                    "attempts",
                    "last_status_code",
                    "last_error",
                    "next_attempt_at",
                ]
            )
            return delivery.status
        return _record(delivery, code=code, error=excerpt)


def _record(delivery: WebhookDelivery, *, code: int | None, error: str, give_up: bool = False) -> str:
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.last_error = " ".join(error.split())[:500]
    wait = None if give_up else backoff_seconds(delivery.attempts)
    if wait is None:
        delivery.status = Status.GIVEN_UP
        delivery.next_attempt_at = None
        logger.warning("Webhooks: delivery %s given up after %d attempts", delivery.pk, delivery.attempts)
    else:
        delivery.status = Status.FAILED
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
    delivery.save(update_fields=["status", "attempts", "last_status_code", "last_error", "next_attempt_at"])
    return delivery.status


def send_again(*, delivery: WebhookDelivery) -> bool:
    """Put a delivery back in the queue, due now, with a fresh schedule and the same event id."""
    updated = (
        WebhookDelivery.objects.filter(pk=delivery.pk)
        .exclude(status=Status.SENDING)
        .update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None)
    )
    if updated:
        transaction.on_commit(lambda: hand_out([delivery.pk]))
    return bool(updated)


def purge(*, older_than: timedelta | None = None) -> int:
    """Delete deliveries delivered or given up longer ago than ``WEBHOOK_DELIVERY_RETENTION_DAYS``."""
    older_than = older_than or timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    deleted, _per_model = WebhookDelivery.objects.filter(
        status__in=(Status.DELIVERED, Status.GIVEN_UP), created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
