"""The audit trail: who did what, when, to which object, for which institution and event.

Model changes are recorded by django-auditlog for the models each app registers (see each
app's ``audit.py``); the person is taken from the request by ``AuditlogMiddleware``. What no
single model change tells (a scheduler run, a publication, a download of personal data) is
recorded here, through ``audit_log``, the one path for explicit entries.

Every entry keeps in ``additional_data``:

- ``action``: a dotted name such as ``"events.schedule.published"`` (explicit entries only);
- ``institution`` and ``event``: the ids of the institution and the event it concerns, or None;
- ``institutions``: every institution concerned, when there are several (a meeting);

so that the secretariat's activity page can filter by them through the GIN index on that
column.
"""

from __future__ import annotations

from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db import models

__all__ = ["READ_VERBS", "audit_disabled", "audit_log", "audit_register", "audit_scope"]

# The last word of an action name that says personal data was read, not changed: the entry is
# recorded with auditlog's ACCESS action.
READ_VERBS = frozenset({"exported", "downloaded", "printed", "viewed"})

# Switch recording off, e.g. while loading demo data: ``with audit_disabled(): ...``.
audit_disabled = disable_auditlog


def audit_register(model: type[models.Model], *, exclude=(), m2m=()) -> None:
    """Record every change of ``model``'s own columns but ``exclude``, and of its ``m2m`` relations.

    Only the model's concrete fields are followed: auditlog would otherwise read every reverse
    relation of a new or deleted row, writing managers' names into the trail and caching "no
    related object" on reverse one-to-one accessors (``event.survey``) of the instance saved.
    """
    from auditlog.registry import auditlog

    fields = [field.name for field in model._meta.concrete_fields if field.name not in set(exclude)]
    auditlog.register(model, include_fields=fields, m2m_fields=set(m2m))


def _pk(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, models.Model):
        return value.pk
    return int(value)


def audit_scope(*, institution=None, event=None, institutions=()) -> dict[str, Any]:
    """The ``additional_data`` that places an entry: the institution(s) and event it concerns.

    Models registered with auditlog return this from ``get_additional_data()``.
    """
    data: dict[str, Any] = {"institution": _pk(institution), "event": _pk(event)}
    others = sorted({pk for pk in (_pk(value) for value in institutions) if pk is not None})
    if others:
        data["institutions"] = others
    return data


def audit_log(
    *,
    action: str,
    actor,
    target: models.Model | None = None,
    institution=None,
    event=None,
    data: dict | None = None,
) -> None:
    """Record that ``actor`` did ``action`` to ``target``, for ``institution`` and ``event``.

    ``action`` is a dotted name, ``<app>.<thing>.<verb in the past tense>``; names ending in a
    read verb (``exported``, ``downloaded``, ``printed``, ``viewed``) are recorded as reads.
    ``target`` is the object acted on; without one, the event, then the institution, then the
    actor stands for it. ``institution`` and ``event`` accept objects or ids. ``actor`` None
    (or anonymous) means the person of the current request, if any (``AuditlogMiddleware`` or
    ``auditlog.context.set_actor`` provides it), else nobody. ``data`` holds JSON-serialisable
    details, such as counts or the filters of an export.

    Recorded even while model changes are not (``audit_disabled``) only if called outside it:
    inside, nothing is written.
    """
    from auditlog.context import auditlog_disabled

    if auditlog_disabled.get():
        return
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if target is None:
        target = next((obj for obj in (event, institution, actor) if isinstance(obj, models.Model)), None)
    if target is None:
        raise ValueError("audit_log needs a target, an event, an institution or an actor to attach the entry to.")
    verb = action.rsplit(".", 1)[-1]
    additional = {"action": action, **audit_scope(institution=institution, event=event), **(data or {})}
    kwargs: dict[str, Any] = {
        "action": LogEntry.Action.ACCESS if verb in READ_VERBS else LogEntry.Action.UPDATE,
        "changes": None,
        "additional_data": additional,
        "force_log": True,
    }
    if actor is not None:
        kwargs["actor"] = actor
        kwargs["actor_email"] = getattr(actor, "email", None)
    LogEntry.objects.log_create(target, **kwargs)
