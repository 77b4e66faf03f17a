"""Calendar files (.ics, RFC 5545) of an event's agenda and of a person's own agenda.

Calendar clients recognise an entry by its UID: a re-downloaded file must carry the same UIDs
so that importing it again updates the entries instead of adding copies. Hence:

- a session's UID is ``session-<pk>@<host of SITE_URL>``, derived from data that never changes;
  the host comes from settings, not from the request, so the same session gets the same UID
  whichever address the file was fetched from;
- a meeting's UID and SEQUENCE are stored on the meeting (``Meeting.uid``/``Meeting.sequence``),
  and the matchmaking code raises the sequence when it moves a meeting (the matchmaking app,
  which sits above events, writes its meetings' entries: ``matchmaking.calendar``);
- sessions have no stored revision, so their SEQUENCE stays 0 and DTSTAMP is the moment the file
  is generated. RFC 5546 has clients prefer, at equal SEQUENCE, the copy with the later DTSTAMP,
  so a fresh download replaces an older one. No LAST-MODIFIED is claimed for sessions because
  none is recorded; meetings carry theirs.

Each entry carries a display alarm 10 minutes before it starts. A published meeting that a
later publication cancels is sent once more with STATUS:CANCELLED and its raised SEQUENCE, so
calendars that imported it remove it.

Titles and descriptions are in the active language (the person's), else English, else as
written (``core.multilingual``).

Times are written with the event's TZID and a matching VTIMEZONE, so a client in another zone
shows the right local time, and the file stays correct across daylight-saving changes.

Subscribed feeds (``feed=True``: an event's public agenda here, a person's agenda across their
events in ``matchmaking.feeds``) are fetched again every hour by the calendar app, so their
content must only change when something in it does (the feed's ETag is a hash of it): each
session's DTSTAMP and LAST-MODIFIED are its ``updated_at`` instead of the moment of the request,
and the calendar carries NAME, REFRESH-INTERVAL and X-PUBLISHED-TTL (RFC 7986 and its
predecessor that Outlook and Apple Calendar read).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Alarm, Calendar, Timezone, vDuration
from icalendar import Event as CalendarEvent

from .models import Event, Session

PRODID = "-//TVET Partnership Portal//Event agenda//EN"
ALARM_BEFORE = timedelta(minutes=10)
# How often a subscribed calendar is asked to fetch a feed again.
FEED_REFRESH = timedelta(hours=1)


@lru_cache(maxsize=64)
def vtimezone(time_zone: str) -> Timezone:
    """The VTIMEZONE of an IANA zone, built once per process.

    icalendar derives it by walking the zone's transitions, which takes ~0.1 s; the result only
    changes with the tzdata release, which needs a restart anyway. It is only serialised, never
    modified, so sharing one component between calendars is safe.
    """
    return Timezone.from_tzid(time_zone)


def site_host() -> str:
    """The host part of SITE_URL, the stable domain that makes UIDs globally unique."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


@dataclass(frozen=True)
class FeedLinks:
    """A feed's address twice: ``webcal`` opens the subscription in a calendar app, ``https`` is to paste."""

    https: str
    webcal: str


def absolute_url(path: str) -> str:
    """``path`` on SITE_URL, the public address: feeds read the same whatever host they were asked on."""
    site = urlsplit(settings.SITE_URL)
    return f"{site.scheme}://{site.netloc}{path}"


def feed_links(path: str) -> FeedLinks:
    """The links of the feed at ``path``, on SITE_URL."""
    return FeedLinks(https=absolute_url(path), webcal=f"webcal://{urlsplit(settings.SITE_URL).netloc}{path}")


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@{site_host()}"


def calendar_filename(event: Event, suffix: str = "") -> str:
    """An ASCII file name from the event's slug, safe in a Content-Disposition header."""
    base = slugify(event.slug) or "event"
    return f"{base}{suffix}.ics"


def entry_location(event: Event, room: str = "") -> str:
    parts = [room, event.venue, event.city, event.country.name]
    return ", ".join(str(part) for part in parts if part)


def entry_alarm(summary: str) -> Alarm:
    """A display alarm ``ALARM_BEFORE`` the start of its entry."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm


def session_component(
    session: Session, event: Event, zone: ZoneInfo, stamp: datetime | None, url: str
) -> CalendarEvent:
    """The entry of ``session``; ``stamp`` None (in feeds) stamps it with its last change."""
    component = CalendarEvent()
    component.add("uid", session_uid(session))
    if stamp is None:
        component.add("dtstamp", session.updated_at.astimezone(UTC))
        component.add("last-modified", session.updated_at.astimezone(UTC))
    else:
        component.add("dtstamp", stamp)
    component.add("sequence", 0)
    component.add("dtstart", session.starts_at.astimezone(zone))
    component.add("dtend", session.ends_at.astimezone(zone))
    # Texts in the active language (the reader's), else English, else as written.
    title = session.localized("title")
    component.add("summary", title)
    component.add("location", entry_location(event, session.room))
    description = [str(session.get_kind_display()).capitalize(), event.localized("title")]
    if session.description:
        description.append(session.localized("description"))
    component.add("description", "\n\n".join(description))
    component.add("categories", [str(session.get_kind_display())])
    if url:
        component.add("url", url)
    component.add_component(entry_alarm(title))
    return component


# Writes more entries into a calendar: called with the event's zone, the DTSTAMP of the file
# and the URL its entries link back to (the matchmaking app's meetings on a personal agenda).
MoreEntries = Callable[[ZoneInfo, datetime, str], Iterable[CalendarEvent]]


def new_calendar(*, name: str, time_zone: str, feed: bool = False) -> Calendar:
    """An empty calendar named ``name`` whose default zone is ``time_zone``; see the module's docstring for ``feed``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    if feed:
        calendar.add("name", name)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        # An X- property is text to icalendar: written as the duration it stands for.
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH).to_ical().decode())
    calendar.add("x-wr-timezone", time_zone)
    return calendar


def add_time_zones(calendar: Calendar, time_zones: Iterable[str]) -> None:
    """Add a VTIMEZONE for each zone; before any entry, as clients expect the definitions first."""
    for time_zone in sorted(set(time_zones)):
        calendar.add_component(vtimezone(time_zone))


def agenda_calendar(
    *,
    event: Event,
    sessions: Iterable[Session],
    more_entries: MoreEntries | None = None,
    name: str | None = None,
    url: str = "",
    now: datetime | None = None,
    feed: bool = False,
) -> bytes:
    """Return the .ics bytes of ``sessions`` (and of whatever entries ``more_entries`` writes).

    ``url`` is the absolute address of the page the entries link back to. A ``feed`` (see the
    module's docstring) stamps the sessions with their last change instead of ``now``.
    """
    zone = ZoneInfo(event.time_zone)
    stamp = (now or timezone.now()).astimezone(UTC)
    calendar = new_calendar(name=name or event.localized("title"), time_zone=event.time_zone, feed=feed)
    # Every DTSTART/DTEND below carries this TZID; clients expect its definition first.
    add_time_zones(calendar, [event.time_zone])
    for session in sessions:
        calendar.add_component(session_component(session, event, zone, None if feed else stamp, url))
    if more_entries is not None:
        for component in more_entries(zone, stamp, url):
            calendar.add_component(component)
    return calendar.to_ical()
