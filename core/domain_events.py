"""Domain events: what happened to the portal's objects, told to whoever listens.

The services of the lower apps publish an event inside the transaction that makes the change
(``publish("mou.logged", instance=mou)``); they never know who listens. The API app subscribes
in its ``AppConfig.ready()`` and writes its webhook deliveries in that same transaction, so a
rolled-back change is delivered to nobody and a committed one is never lost (the outbox
pattern). A receiver that raises makes the change fail too: listeners must only write rows.

Each event names one kind of object (``instance`` or, for many at once, ``instances``);
``data`` adds what the object alone does not say (``change="moved"``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

__all__ = [
    "EVENTS",
    "MEETING_SCHEDULED",
    "MOU_CHANGED",
    "MOU_LOGGED",
    "REGISTRATION_APPROVED",
    "domain_event",
    "publish",
    "publish_many",
]

# An MoU was logged: one at a time, at a signing ceremony, proposed as a draft, or as the
# successor of a renewed one.
MOU_LOGGED = "mou.logged"
# An MoU changed: edited, confirmed, moved to another status (by hand or by date), terminated,
# renewed.
MOU_CHANGED = "mou.changed"
# The organisers approved a registration for an event.
REGISTRATION_APPROVED = "registration.approved"
# A meeting got its place and time: published by the scheduler, accepted into a slot the
# participants picked, or moved by a later publication (``change``: "new" or "moved").
MEETING_SCHEDULED = "meeting.scheduled"

EVENTS = (MOU_LOGGED, MOU_CHANGED, REGISTRATION_APPROVED, MEETING_SCHEDULED)

# Sent with ``name``, ``instances`` (a list of model objects of one kind) and ``data``.
domain_event = Signal()


def publish(name: str, *, instance, **data) -> None:
    """Tell the listeners that ``name`` happened to ``instance``; call it inside the transaction."""
    publish_many(name, instances=[instance], **data)


def publish_many(name: str, *, instances: Iterable, **data) -> None:
    """Tell the listeners that ``name`` happened to each of ``instances`` (one signal for all)."""
    if name not in EVENTS:
        raise ValueError(f"Unknown domain event {name!r}")
    instances = list(instances)
    if instances:
        domain_event.send(sender=type(instances[0]), name=name, instances=instances, data=data)
