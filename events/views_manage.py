"""Running an event: its management home, editing, status, agenda and delegations.

Every page here needs ``events.manage_event`` (the secretariat, or an admin of one of the
event's organisers); creating an event needs ``events.add_event`` (the secretariat). A signed-in
person without the right gets 404, as if the page did not exist; a visitor is sent to sign in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import DelegationForm, EventForm, SessionForm, StatusForm
from .models import Delegation, Event, Registration, Session
from .services_manage import (
    EventError,
    allowed_transitions,
    delegation_delete,
    delegation_save,
    event_change_status,
    event_create,
    event_update,
    session_delete,
    session_save,
)


def managed_event(request, slug: str) -> Event:
    """Return the event ``slug`` if the signed-in person may run it, else 404."""
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.manage_event", event):
        raise Http404
    return event


def viewer_zone(request, event: Event) -> str | None:
    """The viewer's own time zone when it differs from the event's (times are then shown twice)."""
    zone = getattr(request.user, "time_zone", None)
    return zone if zone and zone != event.time_zone else None


# --- Events --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    if not request.user.has_perm("events.add_event"):
        raise Http404
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            event = event_create(form=form)
            messages.success(request, _("The event was created as a draft."))
            return redirect("events:manage", slug=event.slug)
        messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    return render(request, "events/manage/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, slug: str):
    event = managed_event(request, slug)
    can_change_organisers = request.user.has_perm("events.change_event", event)
    # The form edits its own copy, so the page keeps the saved title while errors are shown.
    form = EventForm(
        request.POST if request.method == "POST" else None,
        instance=Event.objects.get(pk=event.pk),
        can_change_organisers=can_change_organisers,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                event_update(form=form)
            except EventError as exc:
                form.add_error("capacity", str(exc))
            else:
                messages.success(request, _("The event was saved."))
                return redirect("events:manage", slug=event.slug)
        messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    return render(request, "events/manage/event_form.html", {"form": form, "event": event})


@login_required
def event_manage(request, slug: str):
    event = managed_event(request, slug)
    counts = event.registrations.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in Registration.Status.values},
    )
    by_status = [(label, counts[value]) for value, label in Registration.Status.choices]
    stats = {
        "sessions": event.sessions.count(),
        "delegations": event.delegations.count(),
    }
    return render(
        request,
        "events/manage/home.html",
        {
            "event": event,
            "organisers": event.organisers.order_by("name"),
            "by_status": by_status,
            "registration_total": counts["total"],
            "approved": counts[Registration.Status.APPROVED],
            "stats": stats,
            "transitions": allowed_transitions(event=event, has_registrations=bool(counts["total"])),
            "viewer_zone": viewer_zone(request, event),
        },
    )


@login_required
@require_POST
def event_status(request, slug: str):
    event = managed_event(request, slug)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect("events:manage", slug=event.slug)
    try:
        event = event_change_status(event=event, status=form.cleaned_data["status"])
    except EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The event is now “%(status)s”.") % {"status": event.get_status_display()})
    return redirect("events:manage", slug=event.slug)


# --- Agenda --------------------------------------------------------------------------------


@login_required
def session_list(request, slug: str):
    event = managed_event(request, slug)
    sessions = event.sessions.prefetch_related(
        Prefetch("speakers", queryset=Registration.objects.select_related("user", "institution"))
    )
    return render(
        request,
        "events/manage/session_list.html",
        {"event": event, "sessions": sessions, "viewer_zone": viewer_zone(request, event)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug: str, pk: int | None = None):
    event = managed_event(request, slug)
    session = get_object_or_404(Session, event=event, pk=pk) if pk else None
    form = SessionForm(request.POST if request.method == "POST" else None, instance=session, event=event)
    if request.method == "POST":
        if form.is_valid():
            session_save(form=form)
            messages.success(request, _("The session was saved."))
            return redirect("events:manage_sessions", slug=event.slug)
        messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    return render(request, "events/manage/session_form.html", {"event": event, "form": form, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def session_remove(request, slug: str, pk: int):
    event = managed_event(request, slug)
    session = get_object_or_404(Session, event=event, pk=pk)
    if request.method == "POST":
        try:
            session_delete(session=session)
        except EventError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The session was deleted."))
        return redirect("events:manage_sessions", slug=event.slug)
    return render(
        request,
        "events/manage/confirm_delete.html",
        {
            "event": event,
            "object": session,
            "question": _("Delete the session “%(title)s” from the agenda?") % {"title": session.title},
            "cancel_url": reverse("events:manage_sessions", kwargs={"slug": event.slug}),
        },
    )


# --- Delegations ---------------------------------------------------------------------------


@login_required
def delegation_list(request, slug: str):
    event = managed_event(request, slug)
    delegations = (
        event.delegations.select_related("lead_institution", "head__user", "head__institution")
        .annotate(member_count=Count("members", filter=~Q(members__status=Registration.Status.CANCELLED)))
        .order_by("name")
    )
    return render(request, "events/manage/delegation_list.html", {"event": event, "delegations": delegations})


@login_required
@require_http_methods(["GET", "POST"])
def delegation_edit(request, slug: str, pk: int | None = None):
    event = managed_event(request, slug)
    delegation = get_object_or_404(Delegation, event=event, pk=pk) if pk else None
    form = DelegationForm(request.POST if request.method == "POST" else None, instance=delegation, event=event)
    if request.method == "POST":
        if form.is_valid():
            delegation_save(form=form)
            messages.success(request, _("The delegation was saved."))
            return redirect("events:manage_delegations", slug=event.slug)
        messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    return render(
        request, "events/manage/delegation_form.html", {"event": event, "form": form, "delegation": delegation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegation_remove(request, slug: str, pk: int):
    event = managed_event(request, slug)
    delegation = get_object_or_404(Delegation, event=event, pk=pk)
    if request.method == "POST":
        delegation_delete(delegation=delegation)
        messages.success(request, _("The delegation was deleted; its members keep their registrations."))
        return redirect("events:manage_delegations", slug=event.slug)
    return render(
        request,
        "events/manage/confirm_delete.html",
        {
            "event": event,
            "object": delegation,
            "question": _("Delete the delegation “%(name)s”? Its members keep their registrations.")
            % {"name": delegation.name},
            "cancel_url": reverse("events:manage_delegations", kwargs={"slug": event.slug}),
        },
    )


urlpatterns = [
    path("new/", event_new, name="new"),
    path("<slug:slug>/manage/", event_manage, name="manage"),
    path("<slug:slug>/manage/edit/", event_edit, name="manage_edit"),
    path("<slug:slug>/manage/status/", event_status, name="manage_status"),
    path("<slug:slug>/manage/sessions/", session_list, name="manage_sessions"),
    path("<slug:slug>/manage/sessions/new/", session_edit, name="manage_session_new"),
    path("<slug:slug>/manage/sessions/<int:pk>/", session_edit, name="manage_session_edit"),
    path("<slug:slug>/manage/sessions/<int:pk>/delete/", session_remove, name="manage_session_delete"),
    path("<slug:slug>/manage/delegations/", delegation_list, name="manage_delegations"),
    path("<slug:slug>/manage/delegations/new/", delegation_edit, name="manage_delegation_new"),
    path("<slug:slug>/manage/delegations/<int:pk>/", delegation_edit, name="manage_delegation_edit"),
    path("<slug:slug>/manage/delegations/<int:pk>/delete/", delegation_remove, name="manage_delegation_delete"),
]
