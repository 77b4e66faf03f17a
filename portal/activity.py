"""The secretariat's reading of the audit trail: filters, one readable sentence per entry, CSV rows.

Entries come from django-auditlog: model changes of the registered models (``<app>/audit.py``)
and the explicit entries written through ``core.audit.audit_log``. Each keeps the institution
and event it concerns in ``additional_data``; the filters use the GIN index on that column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_

from auditlog.models import LogEntry
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from events.models import Event
from institutions.models import Institution

Action = LogEntry.Action

# How many institutions a name in the institution filter may stand for.
INSTITUTION_MATCHES = 20
EXPORT_CAP = 10_000
PAGE_SIZE = 50

# One sentence per explicit action name (core.audit.audit_log). The placeholders are filled from
# the entry: object, person, event, institution, and the entry's own data (format, counts).
EXPLICIT_SENTENCES = {
    "events.schedule.run": _(
        "Ran the scheduler for %(object)s at %(event)s: %(placed)s meetings placed, %(unplaced)s not placed"
    ),
    "events.schedule.published": _(
        "Published the schedule of %(object)s at %(event)s: %(new)s new, %(moved)s moved, "
        "%(cancelled)s cancelled meetings"
    ),
    "events.registration.approved": _("Approved the registration of %(person)s for %(event)s"),
    "events.registration.checked_in": _("Checked in %(person)s at %(event)s"),
    "events.registration.check_in_undone": _("Undid the check-in of %(person)s at %(event)s"),
    "events.registrations.exported": _("Exported the registrations of %(event)s (%(format)s)"),
    "events.contacts.exported": _("Exported their contacts from %(event)s (%(format)s)"),
    "events.badges.printed": _("Opened the badges of %(event)s for printing (%(count)s)"),
    "events.report.downloaded": _("Downloaded the report of %(event)s as PDF"),
    "institutions.directory.exported": _("Exported the institution directory (%(format)s)"),
    "mous.registry.exported": _("Exported the MoU registry (%(format)s)"),
    "mous.report.exported": _("Exported the cooperation report (%(format)s)"),
    "mous.document.downloaded": _("Downloaded the signed document of %(object)s"),
    "mous.evidence.downloaded": _("Downloaded milestone evidence of %(object)s"),
    "mous.summary.downloaded": _("Downloaded the printable summary of %(object)s"),
    "mous.file.downloaded": _("Downloaded a file of %(object)s in the administration"),
    "portal.activity.exported": _("Exported the activity log (%(format)s)"),
    # Imports run as background jobs; they record these with data {"created": n, "updated": n}.
    "institutions.directory.imported": _("Imported institutions: %(created)s added, %(updated)s updated"),
    "events.registrations.imported": _("Imported participants into %(event)s: %(created)s added, %(updated)s updated"),
    # The rows of an import's file that had errors, downloaded to be corrected: {"format", "rows"}.
    "institutions.rejected_rows.downloaded": _(
        "Downloaded the %(rows)s rows with errors of an institution import (%(format)s)"
    ),
    "events.rejected_rows.downloaded": _(
        "Downloaded the %(rows)s rows with errors of a participant import into %(event)s (%(format)s)"
    ),
}

# The sentence of a model change, by model and auditlog action, unless a rule below says more.
GENERIC_SENTENCES = {
    Action.CREATE: _("Created the %(model)s %(object)s"),
    Action.UPDATE: _("Changed the %(model)s %(object)s"),
    Action.DELETE: _("Deleted the %(model)s %(object)s"),
    Action.ACCESS: _("Opened the %(model)s %(object)s"),
}
REGISTRATION_STATUS_SENTENCES = {
    "approved": _("Approved the registration of %(person)s for %(event)s"),
    "rejected": _("Declined the registration of %(person)s for %(event)s"),
    "cancelled": _("Cancelled the registration of %(person)s for %(event)s"),
    "pending": _("Registered %(person)s for %(event)s, pending approval"),
}
VERIFICATION_SENTENCES = {
    "verified": _("Verified the institution %(object)s"),
    "rejected": _("Rejected the institution %(object)s"),
    "unverified": _("Marked the institution %(object)s as unverified"),
}

ACTION_FILTER_CHOICES = [
    ("", _("Any action")),
    (
        _("Changes"),
        [
            ("create", pgettext_lazy("audit action", "created")),
            ("update", pgettext_lazy("audit action", "changed")),
            ("delete", pgettext_lazy("audit action", "deleted")),
            ("access", _("exports and downloads")),
        ],
    ),
    (
        _("Recorded actions"),
        [
            ("events.schedule.run", _("scheduler runs")),
            ("events.schedule.published", _("schedule publications")),
            ("events.registration.approved", _("registrations approved together")),
            ("events.registration.checked_in", _("check-ins")),
            ("events.registration.check_in_undone", _("check-ins undone")),
            ("events.registrations.exported", _("registration exports")),
            ("events.contacts.exported", _("contact exports")),
            ("events.badges.printed", _("badge printing")),
            ("events.report.downloaded", _("event report downloads")),
            ("institutions.directory.exported", _("directory exports")),
            ("mous.registry.exported", _("MoU registry exports")),
            ("mous.report.exported", _("cooperation report exports")),
            ("mous.document.downloaded", _("MoU document downloads")),
            ("mous.evidence.downloaded", _("evidence downloads")),
            ("mous.summary.downloaded", _("MoU summary downloads")),
            ("mous.file.downloaded", _("file downloads in the administration")),
            ("portal.activity.exported", _("activity log exports")),
            ("institutions.directory.imported", _("institution imports")),
            ("events.registrations.imported", _("participant imports")),
            ("institutions.rejected_rows.downloaded", _("downloads of an institution import's rows with errors")),
            ("events.rejected_rows.downloaded", _("downloads of a participant import's rows with errors")),
        ],
    ),
]
MODEL_ACTIONS = {"create": Action.CREATE, "update": Action.UPDATE, "delete": Action.DELETE, "access": Action.ACCESS}


class ActivityFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or email")}),
    )
    institution = forms.CharField(
        label=_("Institution"),
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": pgettext_lazy("institution", "Name")}),
    )
    event = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.order_by("-start_date", "title"), required=False, empty_label=_("Any")
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTION_FILTER_CHOICES, required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters; a field with bad input is left out (its error is shown)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def _institution_ids(value: str) -> list[int]:
    value = value.strip()
    if value.isdigit():
        return [int(value)]
    return list(
        Institution.objects.filter(
            Q(name__icontains=value) | Q(name_local__icontains=value) | Q(acronym__iexact=value)
        ).values_list("pk", flat=True)[:INSTITUTION_MATCHES]
    )


def activity_entries(*, filters: dict) -> QuerySet[LogEntry]:
    """The audit trail, newest first, narrowed by ``ActivityFilterForm.filters()``."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if person := filters.get("person"):
        entries = entries.filter(
            Q(actor__email__icontains=person)
            | Q(actor__display_name__icontains=person)
            | Q(actor_email__icontains=person)
        )
    if institution := filters.get("institution"):
        ids = _institution_ids(institution)
        if not ids:
            return entries.none()
        entries = entries.filter(
            reduce(
                or_,
                (
                    Q(additional_data__contains={"institution": pk})
                    | Q(additional_data__contains={"institutions": [pk]})
                    for pk in ids
                ),
            )
        )
    if event := filters.get("event"):
        entries = entries.filter(additional_data__contains={"event": event.pk})
    if action := filters.get("action"):
        if action in MODEL_ACTIONS:
            entries = entries.filter(action=MODEL_ACTIONS[action])
        else:
            entries = entries.filter(additional_data__contains={"action": action})
    if start := filters.get("date_from"):
        entries = entries.filter(timestamp__date__gte=start)
    if end := filters.get("date_to"):
        entries = entries.filter(timestamp__date__lte=end)
    return entries


# --- Reading an entry -------------------------------------------------------------------------


class _Values(dict):
    """Placeholders for a sentence; a missing one reads as a dash rather than failing."""

    def __missing__(self, key: str) -> str:
        return "–"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ActivityRow:
    entry: LogEntry
    when: datetime
    who: str
    who_email: str
    what: str
    changes: list[Change] = field(default_factory=list)
    link: str = ""
    institution: Institution | None = None
    event: Event | None = None


def _model_of(entry: LogEntry):
    return entry.content_type.model_class()


def _display(model, name: str, value) -> str:
    """One side of a field change as a person reads it: choice labels, yes/no, a dash for nothing."""
    if value in (None, "None", ""):
        return "–"
    try:
        model_field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        model_field = None
    if model_field is not None:
        choices = dict(model_field.choices or getattr(getattr(model_field, "base_field", None), "choices", None) or [])
        if choices and value in choices:
            return str(choices[value])
        if model_field.get_internal_type() == "BooleanField":
            return gettext("yes") if value == "True" else gettext("no")
        if model_field.is_relation:
            return "#" + str(value)
    return str(value)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name


def entry_changes(entry: LogEntry) -> list[Change]:
    """The field changes of an update, in words: "status: pending → approved"."""
    if entry.action != Action.UPDATE or not entry.changes:
        return []
    model = _model_of(entry)
    changes = []
    for name, values in entry.changes_dict.items():
        if isinstance(values, dict) and values.get("type") == "m2m":
            objects = ", ".join(str(value) for value in values.get("objects", []))
            added = values.get("operation") == "add"
            changes.append(Change(_label(model, name), "" if added else objects, objects if added else ""))
            continue
        old, new = (list(values) + [None, None])[:2]
        changes.append(Change(_label(model, name), _display(model, name, old), _display(model, name, new)))
    return changes


def _new_value(entry: LogEntry, name: str) -> str | None:
    values = (entry.changes_dict or {}).get(name) if entry.changes else None
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[1]
    return None


def _old_value(entry: LogEntry, name: str) -> str | None:
    values = (entry.changes_dict or {}).get(name) if entry.changes else None
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0]
    return None


def _model_sentence(entry: LogEntry, label: str):
    """The sentence template for a model change: specific for the decisions that matter."""
    if label == "events.registration":
        if entry.action == Action.CREATE:
            return _("Registered %(person)s for %(event)s")
        if entry.action == Action.UPDATE and (status := _new_value(entry, "status")) in REGISTRATION_STATUS_SENTENCES:
            return REGISTRATION_STATUS_SENTENCES[status]
        if entry.action == Action.UPDATE:
            return _("Changed the registration of %(person)s for %(event)s")
        if entry.action == Action.DELETE:
            return _("Deleted the registration of %(person)s for %(event)s")
    if label == "institutions.membership":
        if entry.action == Action.CREATE:
            if _new_value(entry, "status") == "pending":
                return _("%(person)s asked to join %(institution)s")
            return _("Added %(person)s to %(institution)s")
        if entry.action == Action.UPDATE:
            if _new_value(entry, "status") == "active":
                return _("Approved the request of %(person)s to join %(institution)s")
            if _new_value(entry, "role") is not None:
                return _("Changed the role of %(person)s at %(institution)s")
            return _("Changed the membership of %(person)s at %(institution)s")
        if entry.action == Action.DELETE:
            if _old_value(entry, "status") == "pending":
                return _("Declined the request of %(person)s to join %(institution)s")
            return _("Removed %(person)s from %(institution)s")
    if label == "institutions.institution":
        if entry.action == Action.CREATE:
            return _("Added the institution %(object)s")
        if entry.action == Action.UPDATE:
            status = _new_value(entry, "verification_status")
            if status in VERIFICATION_SENTENCES:
                return VERIFICATION_SENTENCES[status]
            return _("Edited the institution %(object)s")
    return GENERIC_SENTENCES.get(entry.action, GENERIC_SENTENCES[Action.UPDATE])


def _link(entry: LogEntry, label: str, institution: Institution | None, event: Event | None) -> str:
    if label == "mous.mou" and entry.object_id:
        return reverse("mous:detail", kwargs={"pk": entry.object_id})
    if event is not None:
        return reverse("events:manage", kwargs={"slug": event.slug})
    if institution is not None:
        return institution.get_absolute_url()
    return ""


def _first_institution(data: dict) -> int | None:
    if isinstance(data.get("institution"), int):
        return data["institution"]
    others = data.get("institutions") or []
    return others[0] if others and isinstance(others[0], int) else None


def activity_rows(entries: Iterable[LogEntry]) -> list[ActivityRow]:
    """Readable rows for ``entries``: two queries for their institutions and events, whatever their number."""
    entries = list(entries)
    datas = [entry.additional_data if isinstance(entry.additional_data, dict) else {} for entry in entries]
    institution_ids = {pk for data in datas if (pk := _first_institution(data)) is not None}
    event_ids = {data["event"] for data in datas if isinstance(data.get("event"), int)}
    institutions = Institution.objects.only("pk", "name", "slug").in_bulk(institution_ids) if institution_ids else {}
    events = Event.objects.only("pk", "title", "slug").in_bulk(event_ids) if event_ids else {}
    rows = []
    for entry, data in zip(entries, datas, strict=True):
        model = _model_of(entry)
        label = model._meta.label_lower if model is not None else ""
        institution = institutions.get(_first_institution(data))
        event = events.get(data.get("event"))
        explicit = data.get("action")
        values = _Values(
            {key: value for key, value in data.items() if isinstance(value, str | int | float)},
            object=entry.object_repr,
            model=str(model._meta.verbose_name) if model is not None else "",
            person=data.get("person") or entry.object_repr,
            event=event.title if event is not None else "–",
            institution=institution.name if institution is not None else "–",
        )
        if explicit:
            template = EXPLICIT_SENTENCES.get(explicit)
            what = str(template) % values if template is not None else f"{explicit}: {entry.object_repr}"
        else:
            what = str(_model_sentence(entry, label)) % values
        actor = entry.actor
        rows.append(
            ActivityRow(
                entry=entry,
                when=entry.timestamp,
                who=str(actor) if actor is not None else (entry.actor_email or gettext("The portal")),
                who_email=actor.email if actor is not None else (entry.actor_email or ""),
                what=what,
                changes=entry_changes(entry),
                link=_link(entry, label, institution, event),
                institution=institution,
                event=event,
            )
        )
    return rows


def export_headers() -> list[str]:
    return [
        gettext("Time (UTC)"),
        gettext("Person"),
        gettext("Email"),
        pgettext("activity log column", "What"),
        gettext("Changes"),
        gettext("Action"),
        gettext("Object type"),
        gettext("Object id"),
        gettext("Institution"),
        gettext("Event"),
        gettext("IP address"),
    ]


def export_rows(entries: QuerySet[LogEntry]) -> Iterable[list[str]]:
    """CSV rows of the first ``EXPORT_CAP`` entries, read in chunks so memory stays flat."""
    chunk = 500
    entries = entries[:EXPORT_CAP]
    for start in range(0, EXPORT_CAP, chunk):
        batch = list(entries[start : start + chunk])
        if not batch:
            return
        for row in activity_rows(batch):
            entry = row.entry
            data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
            model = _model_of(entry)
            changes = "; ".join(f"{change.label}: {change.old} → {change.new}" for change in row.changes)
            values = [
                entry.timestamp.strftime("%Y-%m-%d %H:%M:%S"),
                row.who,
                row.who_email,
                row.what,
                changes,
                data.get("action") or MODEL_ACTION_NAMES.get(entry.action, ""),
                model._meta.label_lower if model is not None else "",
                entry.object_pk,
                row.institution.name if row.institution else "",
                row.event.title if row.event else "",
                entry.remote_addr or "",
            ]
            yield [str(value) for value in values]
        if len(batch) < chunk:
            return


MODEL_ACTION_NAMES = {value: name for name, value in MODEL_ACTIONS.items()}
