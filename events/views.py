from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django_countries.fields import Country

from .models import Event, Registration
from .selectors import events_recent, events_upcoming


@require_GET
def event_list(request):
    return render(
        request,
        "events/event_list.html",
        {"upcoming": events_upcoming(), "recent": events_recent()},
    )


@require_GET
def event_detail(request, slug: str):
    event = get_object_or_404(Event.objects.prefetch_related("organisers", "sessions"), slug=slug)
    if not request.user.has_perm("events.open_event", event):
        # A draft is nobody's business but the secretariat's: answer as if it did not exist.
        raise Http404
    approved = event.registrations.filter(status=Registration.Status.APPROVED)
    countries = [
        {"country_name": Country(row["institution__country"]).name, "total": row["total"]}
        for row in approved.values("institution__country")
        .annotate(total=Count("pk"))
        .order_by("-total", "institution__country")
    ]
    stats = approved.aggregate(
        participants=Count("pk"),
        institutions=Count("institution", distinct=True),
        delegations=Count("delegation", distinct=True, filter=Q(delegation__isnull=False)),
    )
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "countries": countries, "stats": stats},
    )
