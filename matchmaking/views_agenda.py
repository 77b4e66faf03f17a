"""A participant's personal agenda (sessions and their own meetings), and its calendar file (.ics).

The personal agenda and its calendar file belong to the signed-in person only: the URLs carry
no person at all, so nobody can ask for someone else's. Anyone without an approved or pending
registration for the event gets a 404, as if the page did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.personalcache import kept_for_person
from events.calendar import agenda_calendar, calendar_filename
from events.models import Event
from events.selectors import agenda_days, agenda_registration, agenda_sessions
from events.views_agenda import calendar_response, visible_event
from institutions.permissions import is_secretariat

from .attendance import with_attendance
from .calendar import meeting_entries
from .feeds import calendar_feed_links
from .selectors import agenda_meetings, calendar_meetings_of_registration


def _own_registration(request, event: Event):
    registration = agenda_registration(user=request.user, event=event)
    if registration is None:
        raise Http404
    return registration


@login_required
@require_GET
def my_agenda(request, slug: str):
    # Kept per person until the next change of the portal's models (core.personalcache), and
    # built afresh once one of the meetings starts (its attendance buttons appear then). The
    # secretariat opens events others may not, so its membership is part of the key.
    kept = kept_for_person(
        request,
        f"agenda:{slug}:{int(is_secretariat(request.user))}",
        lambda: _agenda_page(request, slug),
        fresh=lambda value: value["fresh_until"] is None or timezone.now() < value["fresh_until"],
    )
    return render(request, "matchmaking/agenda/my_agenda.html", kept)


def _agenda_page(request, slug: str) -> dict:
    """The agenda's title and content, and until when they hold (the next meeting's start)."""
    event = visible_event(request, slug)
    registration = _own_registration(request, event)
    sessions = list(agenda_sessions(event=event))
    now = timezone.now()
    meetings = with_attendance(agenda_meetings(registration=registration), registration=registration, now=now)
    days = agenda_days(
        time_zone=event.time_zone,
        sessions=sessions,
        meetings=meetings,
        viewer_time_zone=request.user.time_zone,
        speaker_registration=registration,
    )
    context = {"event": event, "registration": registration, "days": days, "meeting_count": len(meetings)}
    starts = [meeting.slot.starts_at for meeting in meetings if not meeting.started]
    return {
        "event_title": str(event.localized("title")),  # a plain str: the cache pickles it
        "content": render_to_string("matchmaking/agenda/_my_agenda_content.html", context, request),
        "fresh_until": min(starts, default=None),
        # Rendered outside "content", from here: a reset or a new link is a change of the
        # models like any other, after which the kept value is computed again.
        "calendar_feed": calendar_feed_links(user=request.user),
    }


@login_required
@require_GET
def my_agenda_ics(request, slug: str):
    event = visible_event(request, slug)
    registration = _own_registration(request, event)
    content = agenda_calendar(
        event=event,
        sessions=event.sessions.order_by("starts_at", "title"),
        more_entries=meeting_entries(
            meetings=calendar_meetings_of_registration(registration=registration),
            registration=registration,
            event=event,
        ),
        name=_("%(event)s · my agenda") % {"event": event.localized("title")},
        url=request.build_absolute_uri(reverse("matchmaking:my_agenda", kwargs={"slug": event.slug})),
    )
    return calendar_response(content, calendar_filename(event, "-my-agenda"))


urlpatterns = [
    path("<slug:slug>/agenda/", my_agenda, name="my_agenda"),
    path("<slug:slug>/agenda.ics", my_agenda_ics, name="my_agenda_ics"),
]
