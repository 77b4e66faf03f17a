from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.pagecache import public_page

from .calendar import feed_links
from .models import Event
from .permissions import is_public_event
from .selectors import (
    agenda_days,
    agenda_registration,
    events_recent,
    events_upcoming,
    participation_by_country,
    participation_totals,
)


@require_GET
@public_page
def event_list(request):
    return render(
        request,
        "events/event_list.html",
        {"upcoming": events_upcoming(), "recent": events_recent()},
    )


@require_GET
@public_page
def event_detail(request, slug: str):
    """The public page of an event: facts, agenda and participation counts, never names.

    Visitors see it too, so it shows counts of approved registrations per country and no
    speaker or participant names. The number of queries does not grow with the agenda or the
    number of registrations.
    """
    event = get_object_or_404(Event.objects.prefetch_related("organisers", "sessions"), slug=slug)
    if not request.user.has_perm("events.open_event", event):
        # A draft is nobody's business but the organisers': answer as if it did not exist.
        raise Http404
    countries = participation_by_country(event=event)
    viewer_time_zone = request.user.time_zone if request.user.is_authenticated else None
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "days": agenda_days(
                time_zone=event.time_zone, sessions=event.sessions.all(), viewer_time_zone=viewer_time_zone
            ),
            "countries": countries,
            "stats": participation_totals(countries=countries),
            "agenda_registration": agenda_registration(user=request.user, event=event),
            # Drafts have no feed: calendars subscribe without signing in.
            "feed": feed_links(reverse("events:calendar_feed", args=[event.slug]))
            if is_public_event(request.user, event)
            else None,
        },
    )
