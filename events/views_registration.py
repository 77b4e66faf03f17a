"""Registrations: participants register and cancel, see their events; organisers and heads of
delegation review registrations, act on them and export the list."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_log
from core.downloads import csv_download, xlsx_download
from core.pagecache import shared_section_about
from institutions.models import Institution
from institutions.selectors import acting_institution

from . import services
from .forms_registration import RegistrationFilterForm, RegistrationForm, RoleForm
from .models import Delegation, Event, Registration
from .permissions import with_organiser_ids

PER_PAGE = 50
ACTIONS = ("approve", "reject", "cancel", "role")
# A head of delegation looks after their members' places, but declining someone is the
# organisers' decision.
HEAD_ACTIONS = ("approve", "cancel", "role")


def _event_or_404(slug: str, user) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not user.has_perm("events.open_event", event):
        raise Http404
    return event


def _managed_event_or_404(slug: str, user) -> Event:
    """Return the event if ``user`` runs it; anyone else gets a 404, as if it did not exist."""
    event = get_object_or_404(Event, slug=slug)
    if not user.has_perm("events.manage_event", event):
        raise Http404
    return event


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug: str):
    """Register the signed-in person for a published event (pending approval)."""
    event = _event_or_404(slug, request.user)
    existing = Registration.objects.filter(event=event, user=request.user).first()
    if existing is not None and existing.status in services.HOLDING_PLACE:
        messages.info(request, _("You are already registered for this event."))
        return redirect(event)
    if not request.user.has_perm("events.register_for_event", event):
        messages.error(
            request,
            _("Registration for this event is not open.")
            if request.user.memberships.filter(status="active").exists()
            else _("Join or create your institution's profile before registering for an event."),
        )
        return redirect(event)
    form = RegistrationForm(
        request.POST or None,
        user=request.user,
        event=event,
        initial_institution=acting_institution(request.user),
        initial={"job_title": existing.job_title} if existing else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.register(user=request.user, event=event, **form.cleaned_data)
        except services.RegistrationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("You are registered for %(event)s. The organisers will confirm your place.")
                % {"event": event.localized("title")},
            )
            return redirect("events:mine")
    return render(
        request,
        "events/registration/register.html",
        {"event": event, "form": form, "places_left": _places_left(event)},
    )


def _places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - services.places_taken(event=event), 0)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, slug: str):
    """Ask for confirmation, then cancel the signed-in person's own registration."""
    event = _event_or_404(slug, request.user)
    registration = Registration.objects.filter(event=event, user=request.user).select_related("institution").first()
    if (
        registration is None
        or registration.status == Registration.Status.CANCELLED
        or not request.user.has_perm("events.cancel_registration", registration)
    ):
        raise Http404
    if event.end_date < timezone.localdate():
        messages.error(request, _("This event is over: its registrations can no longer be cancelled."))
        return redirect("events:mine")
    if request.method == "POST":
        services.cancel_registration(registration=registration)
        messages.success(
            request, _("Your registration for %(event)s is cancelled.") % {"event": event.localized("title")}
        )
        return redirect("events:mine")
    return render(request, "events/registration/cancel.html", {"event": event, "registration": registration})


@login_required
@require_GET
def my_events(request):
    """The signed-in person's registrations, upcoming first, then past ones."""
    today = timezone.localdate()
    registrations = list(
        Registration.objects.filter(user=request.user)
        .select_related("event", "institution", "delegation")
        .prefetch_related("delegations_headed")
        .order_by("event__start_date", "pk")
    )
    for registration in registrations:
        registration.can_cancel = registration.status in services.HOLDING_PLACE and registration.event.end_date >= today
    upcoming = [r for r in registrations if r.event.end_date >= today]
    past = [r for r in registrations if r.event.end_date < today][::-1]
    return render(request, "events/registration/my_events.html", {"upcoming": upcoming, "past": past})


# What the list and its exports show, and no more: an institution's row also holds its search
# columns (a text vector and arrays), which the database would otherwise carry through the
# sort of all of an event's registrations and Python would parse for every row shown.
ROW_FIELDS = (
    "event_id",
    "role",
    "status",
    "job_title",
    "checked_in_at",
    "created_at",
    "user__display_name",
    "user__email",
    "institution__name",
    "institution__kind",
    "institution__country",
    "delegation__name",
)


def _registration_rows(event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .select_related("user", "institution", "delegation")
        .only(*ROW_FIELDS)
        .order_by("institution__name", "user__display_name", "pk")
    )


@login_required
@require_GET
def registration_list(request, slug: str):
    """The organisers' list of registrations with filters, counts, actions and export links.

    A fixed number of queries whatever the number of registrations: the rows come with their
    person, institution and delegation, the counts in one query (which also counts the rows of
    an unfiltered list), and the filter choices are kept until the next change
    (``forms_registration.filter_choices``). An exchange week has 4,000 registrations.

    What the list shows is the same for everyone who runs the event: it is kept as a shared
    section per address and language (``core.pagecache.shared_section_about``), fresh after
    any change of a registration, person, institution or delegation, with each reader's own
    CSRF tokens in its forms. The event is kept with it, with its organisers' ids, so the
    permission is checked on every request without a query once the list is stored.
    """

    def load() -> Event:
        return with_organiser_ids(get_object_or_404(Event, slug=slug))

    def check(event: Event) -> None:
        if not request.user.has_perm("events.manage_event", event):
            raise Http404

    def content(event: Event) -> str:
        form = RegistrationFilterForm(request.GET or None, event=event)
        rows = form.apply(_registration_rows(event))
        counts = Registration.objects.filter(event=event).aggregate(
            total=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in Registration.Status.values},
            checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        )
        paginator = Paginator(rows, PER_PAGE)
        if not form.narrows():
            paginator.count = counts["total"]  # the same rows: no second count over them
        page = paginator.get_page(request.GET.get("page"))
        context = {
            "event": event,
            "form": form,
            "page_obj": page,
            "registrations": page.object_list,
            "counts": counts,
            "capacity": event.capacity,
            # Translated once, not in each of the fifty rows.
            "role_choices": [(value, str(label)) for value, label in Registration.Role.choices],
            "actions": ACTIONS,
            "query_string": request.GET.urlencode(),
        }
        return render_to_string("events/registration/registration_list.html#registrations-content", context, request)

    event, html = shared_section_about(request, "events-registrations", load, check, content)
    return render(request, "events/registration/registration_list.html", {"event": event, "shared_content": html})


def export_headers() -> list[str]:
    return [
        _("Name"),
        _("Email"),
        _("Job title"),
        _("Institution"),
        _("Country"),
        _("Kind of institution"),
        _("Role"),
        _("Delegation"),
        _("Status"),
        _("Registered at"),
        _("Checked in at"),
    ]


def export_rows(registrations: QuerySet[Registration], event: Event):
    """Yield one row per registration, times in the event's zone (the writers neutralise formulas).

    Labels are translated once up front: ``get_FOO_display()`` on lazy choices costs about a
    millisecond a call, which adds up to seconds over an exchange week's 4,000 rows.
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(event.time_zone)
    roles = {value: str(label) for value, label in Registration.Role.choices}
    statuses = {value: str(label) for value, label in Registration.Status.choices}
    kinds = {value: str(label) for value, label in Institution.Kind.choices}
    country_names: dict[str, str] = {}

    def country_name(institution: Institution) -> str:
        code = institution.country.code
        if code not in country_names:
            country_names[code] = str(institution.country.name)
        return country_names[code]

    for registration in registrations.iterator(chunk_size=1000):
        institution = registration.institution
        row = [
            registration.user.display_name,
            registration.user.email,
            registration.job_title,
            institution.name,
            country_name(institution),
            kinds.get(institution.kind, institution.kind),
            roles.get(registration.role, registration.role),
            registration.delegation.name if registration.delegation else "",
            statuses.get(registration.status, registration.status),
            registration.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            registration.checked_in_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if registration.checked_in_at
            else "",
        ]
        yield [value or "" for value in row]


def _export_filename(event: Event, extension: str) -> str:
    return f"registrations-{event.slug}-{date.today().isoformat()}.{extension}"


def _audit_export(request, event: Event, file_format: str) -> None:
    audit_log(
        action="events.registrations.exported",
        actor=request.user,
        target=event,
        event=event,
        data={"format": file_format, "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def export_csv(request, slug: str):
    """The filtered list as UTF-8 CSV with a byte order mark, so spreadsheets read every script."""
    event = _managed_event_or_404(slug, request.user)
    form = RegistrationFilterForm(request.GET or None, event=event)
    registrations = form.apply(_registration_rows(event))
    _audit_export(request, event, "csv")
    return csv_download(
        headers=export_headers(), rows=export_rows(registrations, event), filename=_export_filename(event, "csv")
    )


@login_required
@require_GET
def export_xlsx(request, slug: str):
    """The filtered list as an Excel workbook."""
    event = _managed_event_or_404(slug, request.user)
    form = RegistrationFilterForm(request.GET or None, event=event)
    _audit_export(request, event, "xlsx")
    return xlsx_download(
        headers=export_headers(),
        rows=export_rows(form.apply(_registration_rows(event)), event),
        filename=_export_filename(event, "xlsx"),
        sheet_title=_("Registrations"),
    )


def _allowed_actions(user, registration: Registration) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """Return the actions and roles ``user`` may use on ``registration``; 404 when none."""
    if user.has_perm("events.manage_event", registration.event):
        return ACTIONS, list(Registration.Role.choices)
    if user.has_perm("events.manage_registration", registration):
        return HEAD_ACTIONS, [(role.value, role.label) for role in services.PARTICIPANT_ROLES]
    raise Http404


@login_required
@require_POST
def registration_action(request, slug: str, pk: int, action: str):
    """Approve, decline, cancel or change the role of one registration.

    htmx gets the updated table row; without JavaScript the person goes back to the list.
    """
    registration = get_object_or_404(
        Registration.objects.select_related("event", "user", "institution", "delegation__head"),
        pk=pk,
        event__slug=slug,
    )
    actions, roles = _allowed_actions(request.user, registration)
    if action not in actions:
        raise Http404
    error = None
    try:
        if actions == HEAD_ACTIONS and action == "approve" and registration.status == Registration.Status.REJECTED:
            # Declining is the organisers' decision; a head of delegation cannot overturn it.
            raise services.RegistrationError(_("The organisers declined this registration."))
        if action == "approve":
            services.approve_registration(registration=registration)
        elif action == "reject":
            services.reject_registration(registration=registration)
        elif action == "cancel":
            services.cancel_registration(registration=registration)
        else:
            form = RoleForm(request.POST, roles=roles)
            if not form.is_valid():
                raise services.RegistrationError(_("Choose one of the roles offered."), field="role")
            services.change_role(
                registration=registration, role=form.cleaned_data["role"], allowed=[value for value, _label in roles]
            )
    except services.RegistrationError as refused:
        error = refused.message
    registration.refresh_from_db(fields=["status", "role"])
    delegation_view = request.POST.get("view") == "delegation"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = ""
    if request.htmx:
        return render(
            request,
            "events/registration/_table.html#row",
            {
                "registration": registration,
                "event": registration.event,
                "actions": actions,
                "role_choices": roles,
                "row_error": error,
                "delegation_view": delegation_view,
                "back_url": back,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The registration of %(name)s is updated.") % {"name": registration.user})
    if back:
        return redirect(back)
    if delegation_view:
        return redirect("events:my_delegation", slug=slug)
    return redirect("events:registrations", slug=slug)


@login_required
@require_POST
def bulk_approve(request, slug: str):
    """Approve the ticked registrations together: all of them, or none with a message."""
    event = _managed_event_or_404(slug, request.user)
    try:
        ids = [int(value) for value in request.POST.getlist("ids")]
        approved = services.approve_registrations(event=event, ids=ids, by=request.user)
    except ValueError:
        messages.error(request, _("Select registrations of this event to approve."))
    except services.RegistrationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext("%(count)d registration approved.", "%(count)d registrations approved.", approved)
            % {"count": approved},
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(back)
    return redirect("events:registrations", slug=slug)


@login_required
@require_GET
def my_delegation(request, slug: str):
    """The head of a delegation's view of its members, with the actions a head may use."""
    event = _event_or_404(slug, request.user)
    delegations = list(Delegation.objects.filter(event=event, head__user=request.user).order_by("name"))
    if not delegations:
        raise Http404
    members = (
        Registration.objects.filter(delegation__in=delegations)
        .select_related("user", "institution", "delegation")
        .order_by("delegation__name", "institution__name", "user__display_name", "pk")
    )
    return render(
        request,
        "events/registration/my_delegation.html",
        {
            "event": event,
            "delegations": delegations,
            "registrations": members,
            "actions": HEAD_ACTIONS,
            "role_choices": [(role.value, role.label) for role in services.PARTICIPANT_ROLES],
            "delegation_view": True,
        },
    )


urlpatterns = [
    path("mine/", my_events, name="mine"),
    path("<slug:slug>/register/", register, name="register"),
    path("<slug:slug>/registration/cancel/", cancel, name="cancel_registration"),
    path("<slug:slug>/delegation/", my_delegation, name="my_delegation"),
    path("<slug:slug>/manage/registrations/", registration_list, name="registrations"),
    path("<slug:slug>/manage/registrations/approve/", bulk_approve, name="registrations_bulk_approve"),
    path("<slug:slug>/manage/registrations/export.csv", export_csv, name="registrations_export_csv"),
    path("<slug:slug>/manage/registrations/export.xlsx", export_xlsx, name="registrations_export_xlsx"),
    path(
        "<slug:slug>/manage/registrations/<int:pk>/<slug:action>/",
        registration_action,
        name="registration_action",
    ),
]
