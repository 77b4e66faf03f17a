"""A participant's personal agenda, and the agenda as calendar files (.ics).

The personal agenda and its calendar file belong to the signed-in person only: the URLs carry
no person at all, so nobody can ask for someone else's. Anyone without an approved or pending
registration for the event gets a 404, as if the page did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .calendar import agenda_calendar, calendar_filename
from .models import Event
from .selectors import (
    agenda_days,
    agenda_meetings,
    agenda_registration,
    agenda_sessions,
    calendar_meetings_of_registration,
)


def _visible_event(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.open_event", event):
        raise Http404
    return event


def _own_registration(request, event: Event):
    registration = agenda_registration(user=request.user, event=event)
    if registration is None:
        raise Http404
    return registration


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A personal agenda must not be served from a shared cache to someone else.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_agenda(request, slug: str):
    event = _visible_event(request, slug)
    registration = _own_registration(request, event)
    sessions = list(agenda_sessions(event=event))
    meetings = agenda_meetings(registration=registration)
    days = agenda_days(
        time_zone=event.time_zone,
        sessions=sessions,
        meetings=meetings,
        viewer_time_zone=request.user.time_zone,
        speaker_registration=registration,
    )
    return render(
        request,
        "events/agenda/my_agenda.html",
        {"event": event, "registration": registration, "days": days, "meeting_count": len(meetings)},
    )


@login_required
@require_GET
def my_agenda_ics(request, slug: str):
    event = _visible_event(request, slug)
    registration = _own_registration(request, event)
    content = agenda_calendar(
        event=event,
        sessions=event.sessions.order_by("starts_at", "title"),
        meetings=calendar_meetings_of_registration(registration=registration),
        registration=registration,
        name=_("%(event)s · my agenda") % {"event": event.title},
        url=request.build_absolute_uri(reverse("events:my_agenda", kwargs={"slug": event.slug})),
    )
    return _calendar_response(content, calendar_filename(event, "-my-agenda"))


@require_GET
def event_calendar_ics(request, slug: str):
    """The public agenda of a published event; the same sessions as the public page shows."""
    event = _visible_event(request, slug)
    content = agenda_calendar(
        event=event,
        sessions=event.sessions.order_by("starts_at", "title"),
        url=request.build_absolute_uri(event.get_absolute_url()),
    )
    return _calendar_response(content, calendar_filename(event))


urlpatterns = [
    path("<slug:slug>/agenda/", my_agenda, name="my_agenda"),
    path("<slug:slug>/agenda.ics", my_agenda_ics, name="my_agenda_ics"),
    path("<slug:slug>/calendar.ics", event_calendar_ics, name="calendar_ics"),
]
