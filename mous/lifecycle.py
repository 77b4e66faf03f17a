"""The life of an MoU: its status machine, the daily automatic changes, reminders and its history.

Statuses: draft → signed → active → expiring → expired; from signed, active or expiring an MoU
may also be renewed (a new draft MoU is created with ``renewal_of`` pointing at the old one) or
terminated (with a reason). Every allowed change is in `TRANSITIONS`; anything else raises
`TransitionError`.

`daily_lifecycle(today=)` is run by the Celery task ``mous.daily_lifecycle``: it moves MoUs on by
date, then queues the expiry, milestone and dormant-MoU reminders in the outbox. Reminder keys
make each reminder exactly-once, however often the task runs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import domain_events, outbox
from core.dates import date_format
from core.lists import listed
from core.multilingual import content_languages, pick
from events.models import Event, Session
from events.selectors import event_list_visible_to
from institutions.models import Institution, Membership
from institutions.onboarding import institution_admins, secretariat_people

from .errors import MouError
from .models import Milestone, Mou, MouParty
from .services import refresh_party_countries

Status = Mou.Status

# Every allowed status change, and nothing else.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SIGNED}),
    Status.SIGNED: frozenset({Status.ACTIVE, Status.RENEWED, Status.TERMINATED}),
    Status.ACTIVE: frozenset({Status.EXPIRING, Status.RENEWED, Status.TERMINATED}),
    Status.EXPIRING: frozenset({Status.EXPIRED, Status.RENEWED, Status.TERMINATED}),
    Status.EXPIRED: frozenset(),
    Status.RENEWED: frozenset(),
    Status.TERMINATED: frozenset(),
}

# Statuses during which an MoU is in force (reminders and dormancy apply).
IN_FORCE = (Status.SIGNED, Status.ACTIVE, Status.EXPIRING)

EXPIRY_KIND = "mou_expiry"
MILESTONE_KIND = "mou_milestone_due"
DORMANT_KIND = "mou_dormant"


class TransitionError(MouError):
    """A status change that the MoU's current status does not allow, or that lacks what it needs."""


def allowed_transitions(*, mou: Mou) -> list[str]:
    """The statuses `mou` may move to from its current one, in the order of `Mou.Status`."""
    allowed = TRANSITIONS.get(mou.status, frozenset())
    return [value for value in Status.values if value in allowed]


def _check(mou: Mou, target: str) -> None:
    if target not in Status.values:
        raise TransitionError(_("“%(status)s” is not a status of an MoU.") % {"status": target})
    if target not in TRANSITIONS.get(mou.status, frozenset()):
        raise TransitionError(
            _("An MoU that is %(current)s cannot become %(target)s.")
            % {"current": Status(mou.status).label, "target": Status(target).label}
        )


def _save(mou: Mou, user, reason: str, fields: list[str]) -> None:
    mou._history_user = user
    mou._change_reason = reason
    mou.save(update_fields=[*fields, "updated_at"])


def transition(*, mou: Mou, target: str, user=None, signed_on: datetime.date | None = None) -> Mou:
    """Move `mou` to `target` (not renewed/terminated: see `renew` and `terminate`).

    Signing needs a signing date: `signed_on`, the MoU's own, or today.
    """
    if target in (Status.RENEWED, Status.TERMINATED):
        _check(mou, target)
        raise TransitionError(_("Use “Renew” or “Terminate” for this change: it needs more than a status."))
    _check(mou, target)
    fields = ["status"]
    with transaction.atomic():
        if target == Status.SIGNED:
            mou.signed_on = signed_on or mou.signed_on or timezone.localdate()
            fields.append("signed_on")
        mou.status = target
        _save(mou, user, f"status → {target}", fields)
        domain_events.publish(domain_events.MOU_CHANGED, instance=mou)
    return mou


def terminate(*, mou: Mou, reason: str, user=None) -> Mou:
    """End `mou` early; the reason is required and kept."""
    _check(mou, Status.TERMINATED)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Give the reason for terminating the MoU."))
    mou.status = Status.TERMINATED
    mou.termination_reason = reason
    with transaction.atomic():
        _save(mou, user, "terminated", ["status", "termination_reason"])
        domain_events.publish(domain_events.MOU_CHANGED, instance=mou)
    return mou


def renew(
    *,
    mou: Mou,
    user=None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Mou:
    """Mark `mou` renewed and create its successor: a draft with the same parties and subjects."""
    _check(mou, Status.RENEWED)
    if Mou.objects.filter(renewal_of=mou).exists():
        raise TransitionError(_("This MoU has already been renewed."))
    if valid_from and valid_until and valid_until < valid_from:
        raise TransitionError(_("The new validity must end after it starts."))
    with transaction.atomic():
        new = Mou(
            title=mou.title,
            summary=mou.summary,
            original_language=mou.original_language,
            translations=mou.translations,
            status=Status.DRAFT,
            event=mou.event,
            languages=list(mou.languages),
            valid_from=valid_from,
            valid_until=valid_until,
            is_public=mou.is_public,
            renewal_of=mou,
            created_by=user if user and user.is_authenticated else None,
        )
        new._history_user = user
        new._change_reason = "renewal"
        new.save()
        new.cooperation_types.set(mou.cooperation_types.all())
        new.sectors.set(mou.sectors.all())
        for party in mou.parties.all():
            copy = MouParty(mou=new, institution_id=party.institution_id, position=party.position)
            copy._history_user = user
            copy.save()
        refresh_party_countries(mou=new)
        mou.status = Status.RENEWED
        _save(mou, user, "renewed", ["status"])
        domain_events.publish(domain_events.MOU_CHANGED, instance=mou)
        domain_events.publish(domain_events.MOU_LOGGED, instance=new)
    return new


# --- Automatic changes by date ----------------------------------------------------------------


def expiring_days() -> int:
    return settings.MOU_EXPIRING_DAYS


def automatic_target(*, mou: Mou, today: datetime.date) -> str | None:
    """The status `mou` should have on `today` by its dates, or None if it stays as it is."""
    status = mou.status
    if status not in IN_FORCE:
        return None
    if mou.valid_until and mou.valid_until < today:
        return Status.EXPIRED
    if status == Status.SIGNED:
        start = mou.valid_from or mou.signed_on
        if start is None or start > today:
            return None
        status = Status.ACTIVE
    if (
        status == Status.ACTIVE
        and mou.valid_until
        and mou.valid_until <= today + datetime.timedelta(days=expiring_days())
    ):
        status = Status.EXPIRING
    return status if status != mou.status else None


def apply_automatic_transitions(*, today: datetime.date | None = None) -> dict[str, int]:
    """Move MoUs on by date; each changed MoU gets a history row. Return counts per new status."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=expiring_days())
    # Only the rows that change are loaded: a few a day.
    candidates = Mou.objects.filter(
        Q(status__in=IN_FORCE, valid_until__lt=today)
        | Q(status=Status.SIGNED, valid_from__lte=today)
        | Q(status=Status.SIGNED, valid_from__isnull=True, signed_on__lte=today)
        | Q(status__in=(Status.SIGNED, Status.ACTIVE), valid_until__lte=horizon)
    ).order_by("pk")
    counts: dict[str, int] = {}
    for mou in candidates:
        target = automatic_target(mou=mou, today=today)
        if target is None:
            continue
        with transaction.atomic():
            mou.status = target
            _save(mou, None, f"automatic: {target}", ["status"])
            domain_events.publish(domain_events.MOU_CHANGED, instance=mou)
        counts[target] = counts.get(target, 0) + 1
    return counts


# --- Reminders ----------------------------------------------------------------------------


def party_admins(*, mou: Mou):
    """Active users who are active admins of one of the MoU's parties."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__status=Membership.Status.ACTIVE,
            memberships__role=Membership.Role.ADMIN,
            memberships__institution__mou_parties__mou=mou,
        )
        .distinct()
    )


def _recipients(mou: Mou) -> list:
    people = {user.pk: user for user in party_admins(mou=mou)}
    for user in secretariat_people():
        people.setdefault(user.pk, user)
    return list(people.values())


def _threshold(days_left: int, steps: list[int]) -> int | None:
    """The reminder step due with `days_left` to go: the smallest step not below it.

    A day missed by the task is caught up the next day, and an earlier step that has passed is
    not sent late once a later one is due.
    """
    due = [step for step in steps if step >= days_left]
    return min(due) if due else None


def queue_expiry_reminders(*, today: datetime.date) -> int:
    steps = sorted(settings.MOU_EXPIRY_REMINDER_DAYS)
    if not steps:
        return 0
    queued = 0
    horizon = today + datetime.timedelta(days=max(steps))
    mous = Mou.objects.filter(status__in=IN_FORCE, valid_until__gt=today, valid_until__lte=horizon)
    for mou in mous:
        days_left = (mou.valid_until - today).days
        step = _threshold(days_left, steps)
        if step is None:
            continue
        for user in _recipients(mou):
            outbox.enqueue(
                key=f"mou-expiry:{mou.pk}:{user.pk}:{step}",
                kind=EXPIRY_KIND,
                user=user,
                context={"mou_id": mou.pk, "days": step},
            )
            queued += 1
    return queued


def queue_milestone_reminders(*, today: datetime.date) -> int:
    steps = sorted(settings.MOU_MILESTONE_REMINDER_DAYS)
    if not steps:
        return 0
    queued = 0
    horizon = today + datetime.timedelta(days=max(steps))
    milestones = Milestone.objects.filter(
        kind=Milestone.Kind.MILESTONE,
        status__in=(Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS),
        due_on__gte=today,
        due_on__lte=horizon,
        mou__status__in=IN_FORCE,
    ).select_related("mou", "owner_institution")
    for milestone in milestones:
        step = _threshold((milestone.due_on - today).days, steps)
        if step is None:
            continue
        if milestone.owner_institution_id:
            people = institution_admins(institution=milestone.owner_institution)
        else:
            people = party_admins(mou=milestone.mou)
        for user in people:
            outbox.enqueue(
                key=f"mou-milestone:{milestone.pk}:{user.pk}:{step}",
                kind=MILESTONE_KIND,
                user=user,
                context={"milestone_id": milestone.pk, "days": step},
            )
            queued += 1
    return queued


def last_activity_date(*, mou: Mou) -> datetime.date | None:
    if mou.last_activity_at:
        return timezone.localdate(mou.last_activity_at)
    return mou.signed_on


def queue_dormant_alerts(*, today: datetime.date) -> int:
    """Alert when an MoU in force has had no recorded activity for MOU_DORMANT_DAYS; once per quiet spell."""
    days = settings.MOU_DORMANT_DAYS
    cutoff = today - datetime.timedelta(days=days)
    cutoff_at = timezone.make_aware(datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time()))
    mous = Mou.objects.filter(status__in=(Status.ACTIVE, Status.EXPIRING)).filter(
        Q(last_activity_at__lt=cutoff_at) | Q(last_activity_at__isnull=True, signed_on__lte=cutoff)
    )
    queued = 0
    for mou in mous:
        since = last_activity_date(mou=mou)
        if since is None or (today - since).days < days:
            continue
        for user in _recipients(mou):
            outbox.enqueue(
                key=f"mou-dormant:{mou.pk}:{user.pk}:{since.isoformat()}",
                kind=DORMANT_KIND,
                user=user,
                context={"mou_id": mou.pk, "since": since.isoformat()},
            )
            queued += 1
    return queued


def daily_lifecycle(*, today: datetime.date | None = None) -> dict[str, object]:
    """The daily run: automatic status changes, then reminders. Safe to run again the same day."""
    today = today or timezone.localdate()
    changed = apply_automatic_transitions(today=today)
    with transaction.atomic():
        expiry = queue_expiry_reminders(today=today)
        milestones = queue_milestone_reminders(today=today)
        dormant = queue_dormant_alerts(today=today)
    return {"changed": changed, "expiry": expiry, "milestones": milestones, "dormant": dormant}


# --- Recorded activity ----------------------------------------------------------------------


def touch_activity(*, mou: Mou) -> None:
    """Note that a party recorded something now (no history row: it is not a change of the MoU)."""
    now = timezone.now()
    Mou.objects.filter(pk=mou.pk).update(last_activity_at=now)
    mou.last_activity_at = now


def milestone_record(*, mou: Mou, item: Milestone, user, creating: bool, previous_evidence: str = "") -> Milestone:
    """Save the milestone or activity ``item`` (validated by its form) under ``mou``.

    A new record is marked recorded by ``user``, and a new activity is done. Side effects: a history
    row by ``user``; the evidence file ``previous_evidence`` is deleted from storage once the
    transaction commits if the record no longer points to it; the MoU's last activity becomes now.
    """
    item.mou = mou
    if creating:
        item.recorded_by = user
        if item.kind == Milestone.Kind.ACTIVITY:
            item.status = Milestone.Status.DONE
    item._history_user = user
    with transaction.atomic():
        item.save()
        if previous_evidence and previous_evidence != (item.evidence_file.name or ""):
            storage = item.evidence_file.storage
            transaction.on_commit(lambda: storage.delete(previous_evidence))
        touch_activity(mou=mou)
    return item


# --- History timeline ---------------------------------------------------------------------

# Fields whose changes are bookkeeping, not news.
_SKIPPED = {
    "id",
    "created_at",
    "updated_at",
    "party_countries",
    "last_activity_at",
    "document",
    "evidence_file",
    "mou",
    "search_text",  # derived from the texts and the parties' names, and not kept in the history
    "search_grams",
    "party_names",
}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


def _language_names() -> dict[str, str]:
    return dict(content_languages())


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _display(model_field, value, lookups: dict) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if model_field.name == "translations" and isinstance(value, dict):
        # {"title": {"km": "…"}} → "title (ខ្មែរ): …"
        return "; ".join(
            f"{_field_label(model_field.model, name)} ({_language_names().get(code, code)}): {text}"
            for name, texts in value.items()
            if isinstance(texts, dict)
            for code, text in texts.items()
        )
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return lookups.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, list):
        return listed(value)
    return str(value)


def _tracked_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in _SKIPPED and f.attname not in _SKIPPED]


_ACTIONS = {
    Mou: {
        "+": gettext_lazy("created the MoU"),
        "~": gettext_lazy("changed the MoU"),
        "-": gettext_lazy("deleted the MoU"),
    },
    MouParty: {
        "+": gettext_lazy("added a party"),
        "~": gettext_lazy("changed a party"),
        "-": gettext_lazy("removed a party"),
    },
    Milestone: {
        "+": gettext_lazy("recorded"),
        "~": gettext_lazy("changed"),
        "-": gettext_lazy("deleted"),
    },
}


def _m2m_sets(records) -> dict:
    """{(history_id, field name): {names}} of the MoU's many-to-many fields (sectors, cooperation types)."""
    from simple_history.models import HistoricalRecords
    from simple_history.utils import get_m2m_reverse_field_name

    sets: dict = {}
    if not records:
        return sets
    ids = [record.history_id for record in records]
    for m2m_field in records[0]._history_m2m_fields:
        history_model = HistoricalRecords.m2m_models[m2m_field]
        target = get_m2m_reverse_field_name(m2m_field)
        names = {obj.pk: str(obj) for obj in m2m_field.related_model._default_manager.all()}
        for history_id, target_id in history_model.objects.filter(history_id__in=ids).values_list(
            "history_id", f"{target}_id"
        ):
            sets.setdefault((history_id, m2m_field.name), set()).add(names.get(target_id, f"#{target_id}"))
    return sets


def _m2m_changes(sets: dict, before, record) -> list[Change]:
    changes = []
    for m2m_field in record._history_m2m_fields:
        old = sets.get((before.history_id, m2m_field.name), set())
        new = sets.get((record.history_id, m2m_field.name), set())
        if old != new:
            changes.append(
                Change(
                    str(m2m_field.verbose_name).capitalize(),
                    listed(sorted(old)) or "—",
                    listed(sorted(new)) or "—",
                )
            )
    return changes


def _names_visible_to(user, related, queryset):
    """Limit the names a timeline shows to the events (and their sessions) ``user`` may open."""
    if user is None:
        return queryset
    if related is Event:
        return queryset.filter(pk__in=event_list_visible_to(user=user).values("pk"))
    if related is Session:
        return queryset.filter(event__in=event_list_visible_to(user=user).values("pk"))
    return queryset


def timeline(*, mou: Mou, limit: int | None = None, user=None) -> list[Entry]:
    """Who changed what and when on `mou`, its parties and milestones; newest first.

    With ``user``, an event (or one of its sessions) that ``user`` may not open, a draft event for
    instance, is not named: the change shows "(not shown)".
    """
    sources = [
        (Mou, list(mou.history.select_related("history_user").order_by("history_date", "history_id"))),
        (
            MouParty,
            list(
                MouParty.history.filter(mou_id=mou.pk)
                .select_related("history_user")
                .order_by("history_date", "history_id")
            ),
        ),
        (
            Milestone,
            list(
                Milestone.history.filter(mou_id=mou.pk)
                .select_related("history_user")
                .order_by("history_date", "history_id")
            ),
        ),
    ]
    # Names of the objects foreign keys point at, one query per model.
    wanted: dict[type, set] = {}
    for model, records in sources:
        for model_field in _tracked_fields(model):
            if model_field.is_relation:
                ids = {getattr(record, model_field.attname) for record in records} - {None}
                wanted.setdefault(model_field.related_model, set()).update(ids)
    lookups = {}
    for related, ids in wanted.items():
        if ids:
            if user is not None and related in (Event, Session):
                lookups.update(dict.fromkeys(((related, pk) for pk in ids), _("(not shown)")))
            for obj in _names_visible_to(user, related, related._default_manager.filter(pk__in=ids)):
                lookups[(related, obj.pk)] = str(obj)
    m2m_sets = _m2m_sets(sources[0][1])
    entries: list[Entry] = []
    for model, records in sources:
        fields = _tracked_fields(model)
        previous: dict[int, object] = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            changes = []
            if record.history_type == "~" and before is not None:
                for model_field in fields:
                    old, new = getattr(before, model_field.attname), getattr(record, model_field.attname)
                    if old != new:
                        changes.append(
                            Change(
                                str(model_field.verbose_name).capitalize(),
                                _display(model_field, old, lookups),
                                _display(model_field, new, lookups),
                            )
                        )
                if model is Mou:
                    changes.extend(_m2m_changes(m2m_sets, before, record))
                if not changes:
                    continue
            if model is Mou:
                subject = ""
            elif model is MouParty:
                subject = lookups.get((Institution, record.institution_id), "")
            else:
                subject = f"{Milestone.Kind(record.kind).label}: {pick(record.title, record.original_language, (record.translations or {}).get('title'))}"
            user = record.history_user
            entries.append(
                Entry(
                    when=record.history_date,
                    who=user.get_full_name() if user else _("Portal (automatic)"),
                    action=str(_ACTIONS[model][record.history_type]),
                    subject=subject,
                    changes=changes,
                    reason=record.termination_reason if model is Mou and record.status == Status.TERMINATED else "",
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit] if limit else entries
