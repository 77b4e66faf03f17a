"""Follow-ups after meetings: one-click answers, a participant's outcomes page, the organisers' overview.

- ``follow-up/<token>/<outcome>/``: opened from the email without signing in. GET only asks
  ("Record … ?") so that mail scanners that open links answer nothing; the POST records.
- ``follow-up/<token>/opt-out/``: the same for "no more reminders about this meeting".
- ``<slug>/meeting-outcomes/``: a signed-in participant's meetings at the event with the
  outcome form (partial ``outcome-form`` of ``matchmaking/followups/my_outcomes.html``), posted to ``meetings/<pk>/outcome/``.
- ``<slug>/manage/follow-ups/``: per step asked/answered/outcomes, flagged meetings, meetings
  that led to an MoU and the MoU they belong to (``events.manage_event``, others 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Event, Registration
from events.views_manage import managed_event

from .followups import (
    FollowUpError,
    follow_up_answer,
    follow_up_for_link,
    follow_up_opt_out,
    led_to_signed_mou,
    link_expires_at,
    link_problem,
    meeting_outcome_record,
    partner_of,
    registration_in_meeting,
    step_lines,
)
from .models import Meeting, MeetingOutcome
from .mou_links import MeetingMous, MouLinkError, mou_links
from .selectors import MEETING_SIDES

MEETING_RELATED = ("session__event", *MEETING_SIDES)


# --- one-click links -----------------------------------------------------------------------


def _link_page(request, token: str, *, extra: dict):
    """(follow-up, template context), or (None, the page explaining why the link cannot be used)."""
    follow_up = follow_up_for_link(token)
    problem = link_problem(follow_up)
    if problem:
        status = 404 if follow_up is None else 410
        return None, render(request, "matchmaking/followups/link_problem.html", {"problem": problem}, status=status)
    meeting = follow_up.meeting
    name, institution = partner_of(meeting, follow_up.recipient_id)
    context = {
        "follow_up": follow_up,
        "meeting": meeting,
        "event": meeting.session.event,
        "partner": name,
        "institution": institution,
        "expires_at": link_expires_at(follow_up),
        **extra,
    }
    return follow_up, context


@require_http_methods(["GET", "POST"])
def follow_up_answer_view(request, token: str, outcome: str):
    if outcome not in MeetingOutcome.values:
        raise Http404
    follow_up, context = _link_page(
        request,
        token,
        extra={
            "outcome": outcome,
            "outcome_label": MeetingOutcome(outcome).label,
            "others": [(value, label) for value, label in MeetingOutcome.choices if value != outcome],
        },
    )
    if follow_up is None:
        return context  # the problem page
    if request.method == "POST":
        try:
            follow_up_answer(follow_up=follow_up, outcome=outcome)
        except FollowUpError as exc:
            return render(request, "matchmaking/followups/link_problem.html", {"problem": str(exc)}, status=409)
        return redirect(
            reverse("matchmaking:follow_up_answer", kwargs={"token": token, "outcome": outcome}) + "?done=1"
        )
    context["recorded"] = request.GET.get("done") == "1" and follow_up.outcome == outcome
    return render(request, "matchmaking/followups/answer.html", context)


@require_http_methods(["GET", "POST"])
def follow_up_opt_out_view(request, token: str):
    follow_up, context = _link_page(request, token, extra={})
    if follow_up is None:
        return context
    if request.method == "POST":
        follow_up_opt_out(follow_up=follow_up)
        return redirect(reverse("matchmaking:follow_up_opt_out", kwargs={"token": token}) + "?done=1")
    context["done"] = request.GET.get("done") == "1" and follow_up.opted_out_at is not None
    return render(request, "matchmaking/followups/opt_out.html", context)


# --- signed-in participants ----------------------------------------------------------------


def _my_meetings(event: Event, user):
    return (
        Meeting.objects.filter(session__event=event, status=Meeting.Status.PUBLISHED)
        .filter(Q(request__requester__user=user) | Q(request__recipient__user=user))
        .select_related(*MEETING_RELATED)
        .order_by("slot__starts_at", "table_number", "pk")
    )


@login_required
def my_meeting_outcomes(request, slug: str):
    """The signed-in participant's published meetings at ``slug`` and what came of each."""
    event = get_object_or_404(Event, slug=slug)
    registration = Registration.objects.filter(event=event, user=request.user).first()
    if registration is None:
        raise Http404
    lines = []
    for meeting in _my_meetings(event, request.user):
        mine = registration_in_meeting(meeting, request.user)
        name, institution = partner_of(meeting, mine.pk)
        lines.append({"meeting": meeting, "partner": name, "institution": institution})
    return render(
        request,
        "matchmaking/followups/my_outcomes.html",
        {"event": event, "registration": registration, "lines": lines},
    )


@login_required
@require_POST
def meeting_outcome(request, pk: int):
    """A side of the meeting reports its outcome (htmx swaps the form; without JS, redirect back)."""
    meeting = get_object_or_404(Meeting.objects.select_related(*MEETING_RELATED), pk=pk)
    registration = registration_in_meeting(meeting, request.user)
    if registration is None or meeting.status != Meeting.Status.PUBLISHED:
        raise Http404
    outcome = request.POST.get("outcome", "")
    error = None
    try:
        meeting = meeting_outcome_record(meeting=meeting, registration=registration, outcome=outcome)
    except FollowUpError as exc:
        error = str(exc)
    if request.htmx:
        return render(
            request,
            "matchmaking/followups/my_outcomes.html#outcome-form",
            {"meeting": meeting, "saved": error is None, "error": error},
            status=200 if error is None else 422,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you: the outcome of the meeting was recorded."))
    return redirect("matchmaking:my_meeting_outcomes", slug=meeting.session.event.slug)


# --- organisers ----------------------------------------------------------------------------


@login_required
def manage_follow_ups(request, slug: str):
    event = managed_event(request, slug)
    meetings = Meeting.objects.filter(session__event=event).select_related(*MEETING_RELATED)
    flagged = list(meetings.filter(unanswered_flagged_at__isnull=False).order_by("unanswered_flagged_at", "pk"))
    signed = list(meetings.filter(led_to_signed_mou()).order_by("outcome_at", "pk"))
    # The MoUs are the MoU app's: asked through ``matchmaking.mou_links`` (events sits below it).
    mous = mou_links().meetings_mous(meetings=signed, user=request.user)
    nothing = MeetingMous(choices=[])
    return render(
        request,
        "matchmaking/followups/manage.html",
        {
            "event": event,
            "steps": step_lines(event),
            "flagged": flagged,
            # A meeting linked to an MoU the organiser may not see shows that it is linked, not to what.
            "signed": [
                (meeting, mous.get(meeting.pk, nothing).choices, mous.get(meeting.pk, nothing).hidden)
                for meeting in signed
            ],
        },
    )


@login_required
@require_POST
def manage_follow_up_mou(request, slug: str, pk: int):
    """Link a meeting to the MoU it led to (or unlink it with an empty choice).

    Only MoUs the person may see are offered or accepted, and a link to an MoU they may not see
    is neither changed nor removed (the MoU app's rules, through ``matchmaking.mou_links``).
    """
    event = managed_event(request, slug)
    meeting = get_object_or_404(Meeting.objects.select_related(*MEETING_RELATED), pk=pk, session__event=event)
    try:
        title = mou_links().link(meeting=meeting, choice=request.POST.get("mou", "").strip(), user=request.user)
    except MouLinkError as error:
        messages.error(request, str(error))
    else:
        if title is None:
            messages.success(request, _("The meeting is no longer linked to an MoU."))
        else:
            messages.success(request, _("The meeting is linked to the MoU “%(title)s”.") % {"title": title})
    return redirect("matchmaking:manage_follow_ups", slug=event.slug)


urlpatterns = [
    path("follow-up/<str:token>/opt-out/", follow_up_opt_out_view, name="follow_up_opt_out"),
    path("follow-up/<str:token>/<str:outcome>/", follow_up_answer_view, name="follow_up_answer"),
    path("meetings/<int:pk>/outcome/", meeting_outcome, name="meeting_outcome"),
    path("<slug:slug>/meeting-outcomes/", my_meeting_outcomes, name="my_meeting_outcomes"),
    path("<slug:slug>/manage/follow-ups/", manage_follow_ups, name="manage_follow_ups"),
    path("<slug:slug>/manage/follow-ups/meetings/<int:pk>/mou/", manage_follow_up_mou, name="manage_follow_up_mou"),
]
