"""The outbox: emails written as database rows in the transaction that causes them.

Nothing here is a delayed Celery task. A row is created with `enqueue()` (idempotent by its
key) and Celery beat hands due rows to workers, which send them (see `core.tasks`).

Delivery, in two steps:

- `dispatch()` (beat, every minute) claims due waiting rows with ``SELECT ... FOR UPDATE SKIP
  LOCKED``, marks them "sending" and, once that is committed, queues one `send_outbox_email`
  task per row. It also hands out again rows left "sending" for longer than
  ``OUTBOX_STUCK_AFTER`` whose row lock is free: their worker died, or the broker lost the task.
- `deliver(id)` (the worker) locks the row for the whole delivery, sends only a "sending" row,
  and records the result in the same transaction: sent; waiting again after a temporary
  failure (4xx, connection trouble), on the bounded ``OUTBOX_BACKOFF`` schedule; failed at
  once after a permanent one (5xx). The row, not Celery, holds the retry state.

Emails that people wait for (an invitation, a decision) are queued with ``immediately=True``:
once their transaction commits they are claimed and handed to a worker at once, the same way
`dispatch()` does, instead of at beat's next tick; if that fails, beat hands them out later.

A message can only go out twice when a worker dies after the mail server accepted it and
before the commit; it then goes out again with the same Message-ID.

Each kind of email registers a renderer with `@renderer("kind")`. The renderer is called
at sending time, in the recipient's language, and returns a `Rendered` message, or None
when there is nothing left to say (e.g. every meeting in a digest has been answered): the
row is then marked "not needed" instead of sent.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import OutboundEmail

logger = logging.getLogger(__name__)

State = OutboundEmail.State


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    render: Callable[[OutboundEmail], Rendered | None]
    # The User boolean field that turns this kind of email off, if it is optional.
    preference: str | None = None
    # Called in the sending transaction once the message was accepted by the mail server.
    after_sent: Callable[[OutboundEmail], None] | None = None


KINDS: dict[str, Kind] = {}


def renderer(kind: str, *, preference: str | None = None, after_sent=None):
    """Register the function that writes emails of `kind`."""

    def register(function):
        KINDS[kind] = Kind(function, preference, after_sent)
        return function

    return register


def enqueue(
    *,
    key: str,
    kind: str,
    user=None,
    to_email: str = "",
    language: str = "",
    due_at: datetime | None = None,
    context: dict | None = None,
    immediately: bool = False,
) -> OutboundEmail:
    """Queue one email; a second call with the same key returns the existing row unchanged.

    The recipient is ``user`` (their address, language and preferences), or ``to_email`` in
    ``language`` for an address without an account; ``to_email`` with ``user`` sends to that
    address in the user's language. ``immediately`` hands the email to a worker as soon as the
    transaction commits, instead of at beat's next tick (emails people wait for: an
    invitation, a decision); beat still takes it over if that fails.
    """
    if user is None and not to_email:
        raise ValueError("An outbox email needs a user or an address.")
    when = due_at or timezone.now()
    email, _created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "user": user,
            "to_email": to_email,
            "language": language,
            "due_at": when,
            "next_attempt_at": when,
            "context": context or {},
            "message_id": message_id_for(key),
        },
    )
    if immediately:
        send_soon(keys=[key])
    return email


def enqueue_many(*, kind: str, emails: list[dict], immediately: bool = False) -> None:
    """Queue many emails of one `kind` in one insert; keys already queued are left as they are.

    Each item holds the `key`, and `user`, `to_email`, `language`, `context` as for `enqueue`.
    """
    now = timezone.now()
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                key=item["key"],
                kind=kind,
                user=item.get("user"),
                to_email=item.get("to_email", ""),
                language=item.get("language", ""),
                due_at=now,
                next_attempt_at=now,
                context=item.get("context") or {},
                message_id=message_id_for(item["key"]),
            )
            for item in emails
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    if immediately:
        send_soon(keys=[item["key"] for item in emails])


def send_soon(*, keys: list[str]) -> None:
    """Once the current transaction commits, hand the due emails with these keys to workers."""
    keys = list(keys)
    transaction.on_commit(lambda: _hand_out(keys))


def send_now(*, keys: list[str]) -> None:
    """Hand the due emails with these keys to workers now; for callers outside a transaction
    (a beat task), whose rows are already committed."""
    _hand_out(list(keys))


def _hand_out(keys: list[str]) -> None:
    now = timezone.now()
    in_flight = OutboundEmail.objects.filter(state=State.SENDING).count()
    room = max(settings.OUTBOX_MAX_IN_FLIGHT - in_flight, 0)
    try:
        with transaction.atomic():
            ids = list(
                OutboundEmail.objects.filter(key__in=keys, state=State.PENDING, next_attempt_at__lte=now)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:room]
            )
            if ids:
                OutboundEmail.objects.filter(pk__in=ids).update(state=State.SENDING, claimed_at=now)
    except Exception:
        # Nothing is lost: the rows wait, and beat's next dispatch hands them out.
        logger.exception("Outbox: could not hand out emails at once; beat will")
        return
    if ids:
        _queue(ids)


def cancel(*, keys: Iterable[str]) -> int:
    """Stop emails that have not been handed to a worker yet; return how many."""
    return OutboundEmail.objects.filter(key__in=keys, state=OutboundEmail.State.PENDING).update(
        state=OutboundEmail.State.CANCELLED
    )


def message_id_for(key: str) -> str:
    """A Message-ID that stays the same however often the message is sent."""
    import hashlib

    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
    domain = getattr(settings, "EMAIL_MESSAGE_ID_DOMAIN", "tvet-portal.local")
    return f"<{digest}@{domain}>"


def render(email: OutboundEmail) -> Rendered | None:
    """Write the email in its recipient's language, or None when it is no longer needed."""
    kind = KINDS[email.kind]
    if kind.preference and not (email.user and getattr(email.user, kind.preference)):
        return None
    with translation.override(email.recipient_language):
        return kind.render(email)


# --- Writing emails from templates --------------------------------------------------------


def refs(**objects) -> dict[str, list]:
    """Name model objects for an email's context by their label and key (None is left out)."""
    return {name: [obj._meta.label, obj.pk] for name, obj in objects.items() if obj is not None}


def load_refs(named: dict[str, list]) -> dict | None:
    """The objects named by `refs()`, fetched again; None when one of them is gone."""
    loaded = {}
    for name, (label, pk) in named.items():
        obj = apps.get_model(label)._default_manager.filter(pk=pk).first()
        if obj is None:
            return None
        loaded[name] = obj
    return loaded


def render_templates(template: str, context: dict, *, reply_to: list[str] | None = None) -> Rendered:
    """Render `<template>_subject.txt` and `<template>_body.txt` as a plain-text email.

    The subject is one line, whatever the template or the data put in it, after the portal's
    subject prefix.
    """
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_body.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return Rendered(subject=subject, text=body, reply_to=list(reply_to or []))


# --- Delivery ----------------------------------------------------------------------------


def dispatch(*, budget: float | None = None, batch_size: int | None = None) -> int:
    """Hand due and stuck emails to workers, batch after batch; return how many were handed out.

    Runs until nothing due is left, ``OUTBOX_MAX_IN_FLIGHT`` emails are in flight, or `budget`
    seconds (``OUTBOX_DISPATCH_BUDGET``) are used, so that a backlog of thousands goes out in
    one beat tick. Several dispatchers may run at once: each claims only rows nobody else holds.
    """
    budget = settings.OUTBOX_DISPATCH_BUDGET if budget is None else budget
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    deadline = time.monotonic() + budget
    handed_out = 0
    while True:
        ids = _claim_batch(batch_size)
        handed_out += len(ids)
        if len(ids) < batch_size or time.monotonic() >= deadline:
            return handed_out


def _claim_batch(batch_size: int) -> list[int]:
    now = timezone.now()
    # Emails in flight are bounded, so that none waits in the broker's queue for longer than
    # OUTBOX_STUCK_AFTER (it would be handed out again for nothing); the rest waits its turn.
    in_flight = OutboundEmail.objects.filter(state=State.SENDING).count()
    room = max(min(batch_size, settings.OUTBOX_MAX_IN_FLIGHT - in_flight), 0)
    with transaction.atomic():
        due = list(
            OutboundEmail.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:room]
        )
        # Rows in flight too long. A worker sending one right now holds its lock, so it is skipped.
        stuck = list(
            OutboundEmail.objects.filter(
                state=State.SENDING, claimed_at__lt=now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER)
            )
            .order_by("claimed_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: max(batch_size - len(due), 0)]
        )
        if due:
            OutboundEmail.objects.filter(pk__in=due).update(state=State.SENDING, claimed_at=now)
        if stuck:
            OutboundEmail.objects.filter(pk__in=stuck).update(claimed_at=now)
            logger.warning("Outbox: %d emails stuck in flight handed out again", len(stuck))
        ids = due + stuck
        if ids:
            transaction.on_commit(lambda: _queue(ids))
    return ids


def _queue(ids: Iterable[int]) -> None:
    from .tasks import send_outbox_email

    try:
        for email_id in ids:
            send_outbox_email.delay(email_id)
    except Exception:
        # The rows stay "sending" and the sweeper hands them out again once the broker is back.
        logger.exception("Outbox: could not queue emails; they will be handed out again")


# The exceptions after which trying again later may work; 4xx replies are sorted in `_is_temporary`.
TEMPORARY_ERRORS = (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError, SoftTimeLimitExceeded)


# Failures of the connection to our own mail server, whatever their code: not about one message,
# so every email would fail with them; they are retried, and the secretariat sees them waiting.
SERVER_ERRORS = (smtplib.SMTPAuthenticationError, smtplib.SMTPConnectError, smtplib.SMTPHeloError)


def _is_temporary(error: BaseException) -> bool:
    if isinstance(error, SERVER_ERRORS):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return False
    return isinstance(error, TEMPORARY_ERRORS)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for address, (code, message) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        message = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{error.smtp_code} {message}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def deliver(*, email_id: int, connection=None) -> str | None:
    """Send one email handed to a worker; return the row's state afterwards (None: no such row).

    Only a "sending" row is sent, so a task that runs twice sends once. The row stays locked
    until the result is committed; a sweeper skips locked rows.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(of=("self",)).select_related("user").filter(pk=email_id).first()
        if email is None or email.state != State.SENDING:
            return email.state if email else None
        now = timezone.now()
        try:
            message = build_message(email, connection=connection)
        except Exception as error:
            logger.exception("Outbox: could not write email %s", email.key)
            return _fail(email, f"{type(error).__name__}: {error}")
        if message is None:
            email.state = State.CANCELLED
            email.save(update_fields=["state"])
            return email.state
        try:
            if connection is None:
                _send_on_worker_connection(message)
            else:
                message.send()
        except Exception as error:
            email.attempts += 1
            email.last_error = _describe(error)[:2000]
            if not _is_temporary(error):
                logger.warning("Outbox: %s failed permanently: %s", email.key, email.last_error)
                return _fail(email, email.last_error)
            backoff = settings.OUTBOX_BACKOFF
            if email.attempts > len(backoff):
                logger.warning("Outbox: %s failed after %d attempts: %s", email.key, email.attempts, email.last_error)
                return _fail(email, email.last_error)
            email.state = State.PENDING
            email.next_attempt_at = now + timedelta(seconds=backoff[email.attempts - 1])
            email.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
            return email.state
        email.state = State.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["state", "sent_at", "attempts"])
        hook = KINDS[email.kind].after_sent
        if hook:
            # The message is out: a failing hook must not undo "sent" and cause a second copy.
            try:
                with transaction.atomic():
                    hook(email)
            except Exception:
                logger.exception("Outbox: after_sent of %s failed", email.key)
        return email.state


# One mail server connection per worker process, kept open between emails: connecting, greeting
# and quitting cost more than sending a short message.
_worker_connection = None


def _send_on_worker_connection(message: EmailMultiAlternatives) -> None:
    global _worker_connection
    if _worker_connection is None or _worker_connection.__class__.__module__ not in settings.EMAIL_BACKEND:
        _close_worker_connection()
        _worker_connection = get_connection()
    backend = _worker_connection
    reused = getattr(backend, "connection", None) is not None
    message.connection = backend
    try:
        backend.open()
        message.send()
    except smtplib.SMTPServerDisconnected:
        _close_worker_connection()
        if not reused:
            raise
        # The server closed a connection left idle: once more on a new one.
        _send_on_worker_connection(message)
    except BaseException:
        _close_worker_connection()
        raise


def _close_worker_connection() -> None:
    global _worker_connection
    backend, _worker_connection = _worker_connection, None
    if backend is not None:
        with contextlib.suppress(Exception):
            backend.close()


def _fail(email: OutboundEmail, error: str) -> str:
    email.state = State.FAILED
    email.last_error = error[:2000]
    email.save(update_fields=["state", "attempts", "last_error"])
    return email.state


def build_message(email: OutboundEmail, *, connection=None) -> EmailMultiAlternatives | None:
    """The message for `email`, with its stable Message-ID, or None when it is not needed."""
    rendered = render(email)
    if rendered is None:
        return None
    headers = {**rendered.headers, "Message-ID": email.message_id or message_id_for(email.key)}
    text, html = rendered.text, rendered.html
    preference = KINDS[email.kind].preference
    if preference:
        url = unsubscribe_url(email.user, preference)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        with translation.override(email.recipient_language):
            footer = gettext("To stop receiving these emails, open: %(url)s") % {"url": url}
        text = f"{text.rstrip()}\n\n-- \n{footer}\n"
        if html:
            from django.utils.html import escape

            html = f'{html}<hr><p style="font-size:small">{escape(footer)}</p>'
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=text,
        to=[email.recipient_address],
        reply_to=rendered.reply_to or None,
        headers=headers,
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def retry(*, email: OutboundEmail) -> bool:
    """Put a failed email back in the queue, due now, with a fresh backoff schedule."""
    return bool(
        OutboundEmail.objects.filter(pk=email.pk, state=State.FAILED).update(
            state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
        )
    )


def retry_all_failed() -> int:
    """Put every failed email back in the queue (after the mail server's trouble was fixed)."""
    return OutboundEmail.objects.filter(state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
    )


def summary() -> dict:
    """Counts for the secretariat: by state, by kind and state, and the oldest waiting email."""
    by_state = dict.fromkeys(State.values, 0)
    by_kind: dict[str, dict[str, int]] = {}
    for row in OutboundEmail.objects.order_by().values("kind", "state").annotate(n=Count("pk")):
        by_state[row["state"]] += row["n"]
        by_kind.setdefault(row["kind"], dict.fromkeys(State.values, 0))[row["state"]] = row["n"]
    now = timezone.now()
    oldest = OutboundEmail.objects.filter(state=State.PENDING, next_attempt_at__lte=now).aggregate(
        oldest=Min("next_attempt_at")
    )["oldest"]
    return {"by_state": by_state, "by_kind": dict(sorted(by_kind.items())), "oldest_due": oldest}


# --- Unsubscribing -------------------------------------------------------------------------

# The salt keeps its old name, so that links in emails already sent keep working.
UNSUBSCRIBE_SALT = "portal.outbox.unsubscribe"
# The User fields that turn optional emails off (see `renderer(preference=...)`).
PREFERENCE_FIELDS = ("email_request_digest", "email_follow_ups", "email_meeting_reminders", "email_request_nudges")


def unsubscribe_token(user, preference: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "p": preference}, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The user id and preference field named by a token, or None when it was tampered with."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("p") not in PREFERENCE_FIELDS or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["p"]


def unsubscribe_url(user, preference: str) -> str:
    return settings.SITE_URL + reverse("email_unsubscribe", args=[unsubscribe_token(user, preference)])
