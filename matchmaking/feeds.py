"""A person's agenda across all their events as a calendar feed, at a secret address.

Calendar apps (Google, Outlook, Apple, Thunderbird) subscribe to a URL and fetch it again every
hour or so, without signing in: the URL itself is the key (``/calendar/<token>.ics``). Hence:

- the token is ``<prefix><secret>``: ``prefix`` is random and finds the row, ``secret`` is an
  HMAC of the prefix under the site's SECRET_KEY. The database keeps the prefix and a SHA-256
  hash of the whole token, never the token: a copy of the database opens no feed, while the
  portal can show its owner the link again (derived anew, and checked against the hash, so a
  SECRET_KEY rotated with the old one in SECRET_KEY_FALLBACKS keeps the addresses working);
- the link is created when its owner first asks for it, renewed (a new prefix: the old
  address answers 404 at once) or revoked by them, through the services below; an anonymised
  or deactivated account's feed answers 404 too;
- the feed holds, for each event the person is registered for (approved or awaiting
  approval) and that is public, what their agenda page shows: the event's programme and their
  published meetings, with the other side's name as participants may see it and institution,
  the room and table. No one's email address or phone number, and not the request's message
  (free text that may hold them): whoever holds the link sees the feed;
- a meeting's UID comes from its stored ``uid`` and the site's domain, a session's from its id
  (``events.calendar``, ``matchmaking.calendar``), never from a slot or a time, so a moved
  meeting updates its entry (SEQUENCE + 1, later LAST-MODIFIED and DTSTAMP); a meeting that a
  publication cancels stays in the feed as STATUS:CANCELLED for ``CANCELLED_KEPT`` after it
  was cancelled, so calendars remove it rather than keep a stale copy;
- texts are in the person's language, times on each event's clock with a VTIMEZONE for each
  zone used, and X-WR-TIMEZONE the person's own zone.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.audit import audit_log
from events.calendar import FeedLinks, absolute_url, add_time_zones, feed_links, new_calendar, session_component
from events.models import Event, Registration
from events.timezones import validate_time_zone

from .calendar import meeting_component
from .errors import MatchmakingError
from .models import CalendarFeed, Meeting
from .selectors import calendar_meetings_of_registration

PREFIX_LENGTH = 10  # hex digits
SECRET_LENGTH = 40  # hex digits: 160 bits
TOKEN = re.compile(rf"[0-9a-f]{{{PREFIX_LENGTH + SECRET_LENGTH}}}")
# How long a cancelled meeting stays in feeds (as STATUS:CANCELLED) after it was cancelled.
CANCELLED_KEPT = timedelta(days=30)
HMAC_SALT = "matchmaking.CalendarFeed"


def _secret(prefix: str, key: str | None = None) -> str:
    return salted_hmac(HMAC_SALT, prefix, secret=key, algorithm="sha256").hexdigest()[:SECRET_LENGTH]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Reads -------------------------------------------------------------------------------------


def feed_token(feed: CalendarFeed) -> str | None:
    """The token of ``feed``, derived again; None if no key at hand derives it (SECRET_KEY lost)."""
    for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        token = feed.prefix + _secret(feed.prefix, key)
        if constant_time_compare(_hash(token), feed.token_hash):
            return token
    return None


def feed_of_token(token: str) -> CalendarFeed | None:
    """The feed ``token`` opens, with its user; None for a malformed, unknown or renewed token."""
    if not TOKEN.fullmatch(token):
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(prefix=token[:PREFIX_LENGTH], user__is_active=True, user__anonymised_at__isnull=True)
        .first()
    )
    if feed is None or not constant_time_compare(_hash(token), feed.token_hash):
        return None
    return feed


def calendar_feed_links(*, user) -> FeedLinks | None:
    """The person's feed links (webcal:// and https://), or None if they have none (yet)."""
    if not user.is_authenticated:
        return None
    feed = CalendarFeed.objects.filter(user=user).first()
    token = feed_token(feed) if feed is not None else None
    if token is None:
        return None
    return feed_links(reverse("calendar_feed", args=[token]))


def calendar_feed_exists(*, user) -> bool:
    return user.is_authenticated and CalendarFeed.objects.filter(user=user).exists()


# --- Writes ------------------------------------------------------------------------------------


def _check_owner(user) -> None:
    if not user.is_authenticated or not user.is_active or user.anonymised_at is not None:
        raise MatchmakingError(_("Sign in to subscribe to your agenda."))


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """Give ``user`` a new feed address: the first one, or one that replaces (and ends) the last."""
    _check_owner(user)
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    values = {"prefix": prefix, "token_hash": _hash(prefix + _secret(prefix)), "issued_at": timezone.now()}
    feed, created = CalendarFeed.objects.update_or_create(user=user, defaults=values)
    audit_log(
        action="matchmaking.calendar_feed.created" if created else "matchmaking.calendar_feed.renewed",
        actor=user,
        target=feed,
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    """End ``user``'s feed address; True if there was one."""
    _check_owner(user)
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    if deleted:
        audit_log(action="matchmaking.calendar_feed.revoked", actor=user, target=user)
    return bool(deleted)


# --- The feed ----------------------------------------------------------------------------------


def _feed_registrations(user) -> list[Registration]:
    return list(
        Registration.objects.filter(
            user=user,
            status__in=[Registration.Status.APPROVED, Registration.Status.PENDING],
            event__status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED],
        )
        .select_related("event", "institution", "user")
        .order_by("event__start_date", "event_id")
    )


def _kept(meeting: Meeting, now: datetime) -> bool:
    return meeting.status != Meeting.Status.CANCELLED or meeting.updated_at >= now - CANCELLED_KEPT


def _person_zone(user, registrations: list[Registration]) -> str:
    try:
        validate_time_zone(user.time_zone)
    except ValidationError:  # an unknown zone: the first event's
        return registrations[0].event.time_zone if registrations else settings.TIME_ZONE
    return user.time_zone


def feed_name(user) -> str:
    portal = _("TVET Partnership Portal")
    if user.display_name:
        return _("%(portal)s – %(name)s's agenda") % {"portal": portal, "name": user.display_name}
    return _("%(portal)s – my agenda") % {"portal": portal}


def person_feed(*, user, now: datetime | None = None) -> bytes:
    """The .ics bytes of ``user``'s feed, in their language; the same bytes while nothing in it changes."""
    now = now or timezone.now()
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        registrations = _feed_registrations(user)
        calendar = new_calendar(name=feed_name(user), time_zone=_person_zone(user, registrations), feed=True)
        add_time_zones(calendar, [registration.event.time_zone for registration in registrations])
        for registration in registrations:
            event = registration.event
            zone = ZoneInfo(event.time_zone)
            url = absolute_url(reverse("matchmaking:my_agenda", kwargs={"slug": event.slug}))
            for session in event.sessions.order_by("starts_at", "title"):
                calendar.add_component(session_component(session, event, zone, None, url))
            for meeting in calendar_meetings_of_registration(registration=registration):
                if _kept(meeting, now):
                    calendar.add_component(
                        meeting_component(meeting, registration, event, zone, None, url, with_message=False)
                    )
        return calendar.to_ical()
