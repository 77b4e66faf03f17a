"""The calendar entries (.ics, RFC 5545) of a participant's meetings, on their personal agenda.

The calendar file itself, its sessions and the rules that keep re-downloaded entries updated
instead of copied are the events app's (``events.calendar``); a meeting's UID and SEQUENCE are
stored on the meeting (``Meeting.uid``/``Meeting.sequence``), and the scheduler raises the
sequence when it moves a meeting. A published meeting that a later publication cancels is sent
once more with STATUS:CANCELLED and its raised SEQUENCE, so calendars that imported it remove it.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from icalendar import Event as CalendarEvent

from events.calendar import entry_alarm, entry_location, site_host
from events.models import Event, Registration

from .models import Meeting
from .selectors import partner_of


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.uid}@{site_host()}"


def meeting_component(
    meeting: Meeting,
    registration: Registration,
    event: Event,
    zone: ZoneInfo,
    stamp: datetime | None,
    url: str,
    *,
    with_message: bool = True,
) -> CalendarEvent:
    """The entry of ``meeting`` on ``registration``'s agenda.

    ``stamp`` None (in feeds) stamps it with its last change, so that an unchanged feed stays
    byte for byte the same; ``with_message`` False leaves the request's message out (free
    text that may hold contact details, out of feeds whose address is their only key).
    """
    partner = getattr(meeting, "partner", None) or partner_of(meeting, registration)
    other_name, other_institution = partner.name, partner.institution
    if other_institution:
        summary = _("Meeting with %(name)s (%(institution)s)") % {"name": other_name, "institution": other_institution}
    else:
        summary = _("Meeting with %(name)s") % {"name": other_name}
    component = CalendarEvent()
    component.add("uid", meeting_uid(meeting))
    component.add("dtstamp", meeting.updated_at.astimezone(UTC) if stamp is None else stamp)
    component.add("sequence", meeting.sequence)
    component.add("last-modified", meeting.updated_at.astimezone(UTC))
    component.add("dtstart", meeting.slot.starts_at.astimezone(zone))
    component.add("dtend", meeting.slot.ends_at.astimezone(zone))
    component.add("summary", summary)
    room = meeting.session.room
    table = _("table %(number)s") % {"number": meeting.table_number} if meeting.table_number else ""
    component.add("location", entry_location(event, ", ".join(part for part in (room, table) if part)))
    description = [meeting.session.localized("title"), event.localized("title")]
    if with_message and meeting.request.message:
        description.append(meeting.request.message)
    component.add("description", "\n\n".join(description))
    if url:
        component.add("url", url)
    if meeting.status == Meeting.Status.CANCELLED:
        component.add("status", "CANCELLED")
    else:
        component.add("status", "CONFIRMED")
        component.add_component(entry_alarm(summary))
    return component


def meeting_entries(
    *, meetings: Iterable[Meeting], registration: Registration, event: Event
) -> Callable[[ZoneInfo, datetime, str], list[CalendarEvent]]:
    """The ``more_entries`` of ``events.calendar.agenda_calendar`` for ``registration``'s ``meetings``."""

    def entries(zone: ZoneInfo, stamp: datetime, url: str) -> list[CalendarEvent]:
        return [meeting_component(meeting, registration, event, zone, stamp, url) for meeting in meetings]

    return entries
