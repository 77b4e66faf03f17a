"""The outbox: emails written as database rows in the transaction that causes them.

Nothing here is a delayed Celery task. A row is created with `enqueue()` (idempotent by its
key) and Celery beat hands due rows to workers, which send them (see `portal.tasks`).

Each kind of email registers a renderer with `@renderer("kind")`. The renderer is called
at sending time, in the recipient's language, and returns a `Rendered` message, or None
when there is nothing left to say (e.g. every meeting in a digest has been answered): the
row is then marked "not needed" instead of sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation

from .models import OutboundEmail


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


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


def enqueue(*, key: str, kind: str, user, due_at: datetime | None = None, context: dict | None = None) -> OutboundEmail:
    """Queue one email; a second call with the same key returns the existing row unchanged."""
    when = due_at or timezone.now()
    email, _created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "user": user,
            "due_at": when,
            "next_attempt_at": when,
            "context": context or {},
            "message_id": message_id_for(key),
        },
    )
    return email


def cancel(*keys: str) -> int:
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
    if kind.preference and not getattr(email.user, kind.preference):
        return None
    with translation.override(email.user.preferred_language or settings.LANGUAGE_CODE):
        return kind.render(email)
