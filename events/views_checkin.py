"""Name badges and check-in at the venue: by scanning a badge's QR code, or by searching a name.

Only the people who run an event (the secretariat and the admins of its organiser
institutions; rule ``events.manage_event``) print badges or check people in; everyone else gets
a 404, so that the pages do not even confirm an event's registrations exist. A participant sees
their own badge, with its QR code, on their phone.

Checking in is idempotent and safe under two desks scanning the same badge at once: the
arrival time is written by a single conditional UPDATE, and whoever comes second is told
"already checked in at …".
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries.fields import Country

from core.audit import audit_log
from core.collation import sort_key

from .badges import BADGES_PER_PRINT_PAGE, LAYOUTS, badge_registrations, make_badge, make_badges, sheets
from .checkin import CheckInResult, registration_check_in, registration_check_in_by_token, registration_check_in_undo
from .models import Event, Registration

SEARCH_LIMIT = 25
SEARCH_MIN_LENGTH = 2


# --- check-in ------------------------------------------------------------------------------


def arrivals_by_country(event: Event) -> dict:
    """Checked-in and approved participants, in total and per country, in one query.

    Countries are those of the participants' institutions, as on the public event page, and
    the per-country rows add up to the totals.
    """
    rows = (
        Registration.objects.filter(event=event, status=Registration.Status.APPROVED)
        .values("institution__country")
        .annotate(approved=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False)))
        .order_by("institution__country")
    )
    countries = [
        {
            "code": row["institution__country"],
            "name": Country(row["institution__country"]).name,
            "approved": row["approved"],
            "arrived": row["arrived"],
            "rate": round(100 * row["arrived"] / row["approved"]) if row["approved"] else 0,
        }
        for row in rows
    ]
    countries.sort(key=lambda row: (-row["arrived"], -row["approved"], sort_key(row["name"])))
    approved = sum(row["approved"] for row in countries)
    arrived = sum(row["arrived"] for row in countries)
    return {
        "countries": countries,
        "approved": approved,
        "arrived": arrived,
        "rate": round(100 * arrived / approved) if approved else 0,
    }


def _too_short(query: str) -> bool:
    """One Latin letter matches half the list; one Chinese character is a surname."""
    return len(query.strip()) < SEARCH_MIN_LENGTH and query.isascii()


def search_registrations(event: Event, query: str):
    """Registrations of ``event`` whose person or institution matches ``query`` (any status).

    Pending and cancelled people are listed too, so the desk can tell them why they cannot be
    checked in instead of "not found".
    """
    query = query.strip()
    if not query or _too_short(query):
        return Registration.objects.none()
    return (
        event.registrations.filter(
            Q(user__display_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(institution__name__icontains=query)
            | Q(institution__name_local__icontains=query)
            | Q(institution__acronym__icontains=query)
            | Q(delegation__name__icontains=query)
        )
        .select_related("user", "institution", "delegation")
        .order_by("user__display_name", "user__email")[:SEARCH_LIMIT]
    )


def _managed_event(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.manage_event", event):
        raise Http404
    return event


def _checkin_context(request, event: Event, *, result: CheckInResult | None = None) -> dict:
    query = request.GET.get("q", "") if request.method == "GET" else request.POST.get("q", "")
    return {
        "event": event,
        "query": query,
        "results": search_registrations(event, query),
        "search_too_short": bool(query.strip()) and _too_short(query),
        "result": result,
        "arrivals": arrivals_by_country(event),
    }


@login_required
@require_GET
def checkin_page(request, slug: str):
    event = _managed_event(request, slug)
    context = _checkin_context(request, event)
    if request.htmx and request.htmx.target == "checkin-search-results":
        return render(request, "events/checkin/checkin.html#search-results", context)
    return render(request, "events/checkin/checkin.html", context)


@login_required
@require_POST
def checkin_token(request, slug: str):
    """Check in by what the camera (or a handheld scanner, or a person typing) read."""
    event = _managed_event(request, slug)
    scanned = request.POST.get("token", "")
    if not scanned.strip():
        result = CheckInResult("unknown", _("Scan a badge or type its code first."))
    else:
        result = registration_check_in_by_token(event=event, scanned=scanned)
    if result.registration is not None and not request.user.has_perm("events.check_in", result.registration):
        raise Http404
    if request.htmx:
        return render(request, "events/checkin/checkin.html#scan-result", {"event": event, "result": result})
    return render(request, "events/checkin/checkin.html", _checkin_context(request, event, result=result))


@login_required
@require_http_methods(["GET", "POST"])
def checkin_scan(request, slug: str, token: str):
    """Where a badge's QR code leads: a confirmation with a button, then the check-in.

    A phone's own camera app opens this URL with GET, which must not change anything (link
    previews and prefetchers open URLs too), so the arrival is only recorded on POST.
    """
    event = _managed_event(request, slug)
    if request.method == "POST":
        result = registration_check_in_by_token(event=event, scanned=token)
        return render(request, "events/checkin/scan.html", {"event": event, "result": result, "token": token})
    registration = Registration.objects.select_related("user", "institution", "event").filter(badge_token=token).first()
    if registration is None:
        preview = CheckInResult("unknown", _("Unknown badge: this code is not a badge of the portal."))
    elif registration.event_id != event.pk:
        preview = CheckInResult("wrong_event", _("This badge is not for this event."))
    else:
        preview = CheckInResult("preview", "", registration)
    return render(request, "events/checkin/scan.html", {"event": event, "preview": preview, "token": token})


@login_required
@require_POST
def checkin_registration(request, slug: str, pk: int):
    """Check in (or undo) one registration picked from the search results."""
    event = _managed_event(request, slug)
    registration = get_object_or_404(
        Registration.objects.select_related("user", "institution", "delegation", "event"), pk=pk, event=event
    )
    if not request.user.has_perm("events.check_in", registration):
        raise Http404
    result = (
        registration_check_in_undo(registration=registration)
        if request.POST.get("action") == "undo"
        else registration_check_in(registration=registration)
    )
    if request.htmx:
        return render(
            request,
            "events/checkin/checkin.html#search-row",
            {"event": event, "registration": registration, "result": result},
        )
    # Without script, go back to the search the desk was looking at.
    url = reverse("events:checkin", kwargs={"slug": event.slug})
    query = request.POST.get("q", "")
    if query:
        url = f"{url}?{urlencode({'q': query})}"
    return redirect(url)


@login_required
@require_GET
def checkin_counts(request, slug: str):
    """The live arrivals panel, polled by the check-in page."""
    event = _managed_event(request, slug)
    return render(
        request, "events/checkin/checkin.html#arrivals", {"event": event, "arrivals": arrivals_by_country(event)}
    )


# --- badges --------------------------------------------------------------------------------


@login_required
@require_GET
def badge_sheet(request, slug: str):
    """Print-ready badges: A6 pages or A4 sheets of four, for everyone, a delegation or one person."""
    event = _managed_event(request, slug)
    layout = request.GET.get("layout", "a6")
    if layout not in LAYOUTS:
        layout = "a6"
    delegations = list(event.delegations.order_by("name"))
    delegation = None
    delegation_id = request.GET.get("delegation", "")
    if delegation_id.isdigit():
        delegation = next((d for d in delegations if d.pk == int(delegation_id)), None)
    registration_id = request.GET.get("registration", "")
    registrations = badge_registrations(
        event,
        delegation=delegation,
        registration_id=int(registration_id) if registration_id.isdigit() else None,
    )
    page_obj = Paginator(registrations, BADGES_PER_PRINT_PAGE).get_page(request.GET.get("page"))
    badges = make_badges(page_obj.object_list, request)
    audit_log(
        action="events.badges.printed",
        actor=request.user,
        target=event,
        event=event,
        data={"count": len(badges), "query": request.GET.urlencode()},
    )
    return render(
        request,
        "events/badges/sheet.html",
        {
            "event": event,
            "layout": layout,
            "layouts": [("a6", _("A6, one badge per page")), ("a4", _("A4, four badges per sheet"))],
            "delegations": delegations,
            "delegation": delegation,
            "single": bool(registration_id.isdigit()),
            "badges": badges,
            "page_obj": page_obj,
            "sheets": sheets(badges, layout),
        },
    )


@login_required
@require_GET
def my_badge(request, slug: str):
    """A participant's own badge, with its QR code, to show at the desk from their phone."""
    event = get_object_or_404(Event, slug=slug)
    registration = (
        Registration.objects.select_related("user", "institution", "delegation", "event")
        .filter(event=event, user=request.user, status=Registration.Status.APPROVED)
        .first()
    )
    if registration is None:
        raise Http404
    return render(request, "events/badges/mine.html", {"event": event, "badge": make_badge(registration, request)})


urlpatterns = [
    path("<slug:slug>/manage/badges/", badge_sheet, name="badges"),
    path("<slug:slug>/badge/", my_badge, name="my_badge"),
    path("<slug:slug>/check-in/", checkin_page, name="checkin"),
    path("<slug:slug>/check-in/token/", checkin_token, name="checkin_token"),
    path("<slug:slug>/check-in/scan/<str:token>/", checkin_scan, name="checkin_scan"),
    path("<slug:slug>/check-in/registration/<int:pk>/", checkin_registration, name="checkin_registration"),
    path("<slug:slug>/check-in/arrivals/", checkin_counts, name="checkin_counts"),
]
