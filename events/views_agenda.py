"""The public agenda of an event as a calendar file (.ics) and as a feed calendars subscribe to.

The participant's personal agenda, which adds their meetings, is the matchmaking app's
(``matchmaking.views_agenda``, and ``matchmaking.views_feeds`` for the feed of a person's
agenda across their events); it shares the helpers below.
"""

import hashlib
import time

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_safe

from .calendar import absolute_url, agenda_calendar, calendar_filename
from .models import Event
from .permissions import is_public_event


def visible_event(request, slug: str) -> Event:
    """The event of ``slug`` if the person may open it; 404 otherwise."""
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.open_event", event):
        raise Http404
    return event


def calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A personal agenda must not be served from a shared cache to someone else.
    response["Cache-Control"] = "private, no-store"
    return response


# How long the server remembers when a feed's content last changed (its Last-Modified).
FEED_STATE_SECONDS = 30 * 24 * 3600


def feed_response(request, content: bytes, *, key: str, private: bool) -> HttpResponse:
    """A subscribed calendar's answer: ``304 Not Modified`` while ``content`` is unchanged.

    The calendar app asks again every hour; the ETag (a hash of the content, which feeds keep
    free of the request's time) and Last-Modified let it revalidate instead of downloading.
    Last-Modified is when this content was first served under ``key`` (kept in the cache; a
    forgotten one is now): taken from the entries instead, a removed entry could leave it
    unchanged and a client that only sends If-Modified-Since would keep the stale copy.
    ``private`` feeds (a person's, whose URL is the secret) may only be kept by the calendar
    app itself, never by a shared cache, and are revalidated every time.
    """
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    stored = cache.get(key)
    if stored is not None and stored[0] == etag:
        modified = stored[1]
    else:
        modified = int(time.time())
        cache.set(key, (etag, modified), FEED_STATE_SECONDS)
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    if private:
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = "public, max-age=900"
        # Its texts are in the reader's language, from the header or the language cookie.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    # Search engines have no business with a calendar feed, whoever links to it.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def event_calendar_ics(request, slug: str):
    """The public agenda of a published event; the same sessions as the public page shows."""
    event = visible_event(request, slug)
    content = agenda_calendar(
        event=event,
        sessions=event.sessions.order_by("starts_at", "title"),
        url=request.build_absolute_uri(event.get_absolute_url()),
    )
    return calendar_response(content, calendar_filename(event))


@require_safe
def event_calendar_feed(request, slug: str):
    """The public agenda of a published event as a feed: what the download holds, subscribed to.

    Public events only (a draft's organisers download its file instead): the feed carries no
    token and may be kept by any cache for a quarter of an hour.
    """
    event = get_object_or_404(Event, slug=slug)
    if not is_public_event(request.user, event):
        raise Http404
    content = agenda_calendar(
        event=event,
        sessions=event.sessions.order_by("starts_at", "title"),
        url=absolute_url(event.get_absolute_url()),
        feed=True,
    )
    key = f"calendar-feed:event:{event.pk}:{translation.get_language()}"
    return feed_response(request, content, key=key, private=False)


urlpatterns = [
    path("<slug:slug>/calendar.ics", event_calendar_ics, name="calendar_ics"),
    path("<slug:slug>/feed.ics", event_calendar_feed, name="calendar_feed"),
]
