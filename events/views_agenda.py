"""The public agenda of an event as a calendar file (.ics).

The participant's personal agenda, which adds their meetings, is the matchmaking app's
(``matchmaking.views_agenda``); it shares the helpers below.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from .calendar import agenda_calendar, calendar_filename
from .models import Event


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


urlpatterns = [
    path("<slug:slug>/calendar.ics", event_calendar_ics, name="calendar_ics"),
]
