"""The organiser's pages of a matchmaking session; the logic lives in matchmaking/scheduler.py.

Every page needs ``events.manage_event`` on the session's event (running the scheduler and
publishing need ``matchmaking.run_scheduler`` on the session, which the same people hold). Anyone
else gets 404, as does a session of another event or one that is not a matchmaking session.
Actions are POSTs that redirect; with htmx the no-show buttons answer with their row only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.qr import qr_svg
from events.models import Session
from events.views_manage import managed_event

from .models import Meeting
from .scheduler import (
    MatchmakingError,
    generate_slots,
    meeting_mark_attendance,
    publish_schedule,
    published_meetings_in,
    room_slots,
    run_scheduler,
    schedule_review,
    session_counts,
    slot_times,
    unplaced_reason_text,
)
from .selectors import MEETING_SIDES, shown_name
from .views_attendance import table_path


def managed_session(request, slug: str, pk: int) -> Session:
    event = managed_event(request, slug)
    session = get_object_or_404(Session.objects.select_related("event"), event=event, pk=pk)
    if not session.is_matchmaking:
        raise Http404
    return session


def _scheduling_session(request, slug: str, pk: int) -> Session:
    session = managed_session(request, slug, pk)
    if not request.user.has_perm("matchmaking.run_scheduler", session):
        raise Http404
    return session


@login_required
@require_GET
def matchmaking_session(request, slug: str, pk: int):
    session = managed_session(request, slug, pk)
    slots = list(session.slots.order_by("starts_at"))
    planned = slot_times(session)
    return render(
        request,
        "matchmaking/schedule/session.html",
        {
            "event": session.event,
            "session": session,
            "slots": slots,
            "counts": session_counts(session),
            "slots_match_settings": [(s.starts_at, s.ends_at) for s in slots] == planned,
            "planned_count": len(planned),
            "participant_mode": session.scheduling_mode == Session.SchedulingMode.PARTICIPANT,
        },
    )


@login_required
@require_POST
def matchmaking_slots(request, slug: str, pk: int):
    session = _scheduling_session(request, slug, pk)
    try:
        slots = generate_slots(session=session)
    except MatchmakingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext("The session has %(count)s slot.", "The session has %(count)s slots.", len(slots))
            % {"count": len(slots)},
        )
    return redirect("matchmaking:matchmaking", slug=slug, pk=pk)


@login_required
@require_POST
def matchmaking_run(request, slug: str, pk: int):
    session = _scheduling_session(request, slug, pk)
    try:
        result = run_scheduler(session=session, by=request.user)
    except MatchmakingError as exc:
        messages.error(request, str(exc))
        return redirect("matchmaking:matchmaking", slug=slug, pk=pk)
    messages.success(
        request,
        _("Proposal ready: %(placed)s meetings placed, %(unplaced)s not placed. Review it, then publish it.") % result,
    )
    return redirect("matchmaking:matchmaking_review", slug=slug, pk=pk)


@login_required
@require_GET
def matchmaking_review(request, slug: str, pk: int):
    session = managed_session(request, slug, pk)
    review = schedule_review(session)
    unplaced = [(meeting, unplaced_reason_text(meeting)) for meeting in review.unplaced]
    return render(
        request,
        "matchmaking/schedule/review.html",
        {
            "event": session.event,
            "session": session,
            "review": review,
            "unplaced": unplaced,
            "participant_mode": session.scheduling_mode == Session.SchedulingMode.PARTICIPANT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def matchmaking_publish(request, slug: str, pk: int):
    session = _scheduling_session(request, slug, pk)
    if request.method == "POST":
        try:
            result = publish_schedule(session=session, by=request.user)
        except MatchmakingError as exc:
            messages.error(request, str(exc))
            return redirect("matchmaking:matchmaking_review", slug=slug, pk=pk)
        messages.success(
            request,
            _(
                "The schedule is published: %(new)s new, %(moved)s moved, %(cancelled)s cancelled and "
                "%(unchanged)s unchanged meetings. The people concerned are told by email."
            )
            % result,
        )
        return redirect("matchmaking:matchmaking", slug=slug, pk=pk)
    review = schedule_review(session)
    return render(
        request, "matchmaking/schedule/publish.html", {"event": session.event, "session": session, "review": review}
    )


def _sheet_meetings(session: Session):
    return (
        Meeting.objects.filter(session=session, status=Meeting.Status.PUBLISHED, slot__isnull=False)
        .select_related(
            "slot",
            "request__requester__user",
            "request__requester__institution",
            "request__recipient__user",
            "request__recipient__institution",
        )
        .order_by("slot__starts_at", "table_number")
    )


@login_required
@require_GET
def matchmaking_sheet(request, slug: str, pk: int, by: str):
    """Printable sheets of the published schedule: one page per table, or one per slot."""
    session = managed_session(request, slug, pk)
    meetings = list(_sheet_meetings(session))
    pages: dict = {}
    if by == "table":
        for number in range(1, (session.table_count or 0) + 1):
            pages[number] = []
        for meeting in meetings:
            pages.setdefault(meeting.table_number, []).append(meeting)
    else:
        for slot in session.slots.order_by("starts_at"):
            pages[slot] = []
        for meeting in meetings:
            pages.setdefault(meeting.slot, []).append(meeting)
    # A table's sheet carries a QR code to that table's page, where both sides say whether they met.
    codes = (
        {number: qr_svg(request.build_absolute_uri(table_path(session, number))) for number in pages}
        if by == "table"
        else {}
    )
    return render(
        request,
        "matchmaking/schedule/sheet.html",
        {
            "event": session.event,
            "session": session,
            "by": by,
            "pages": [(key, meetings, codes.get(key)) for key, meetings in pages.items()],
        },
    )


@login_required
@require_GET
def matchmaking_room(request, slug: str, pk: int):
    """ "Now and next" for a screen at the venue; htmx polls the partial every 30 seconds."""
    session = managed_session(request, slug, pk)
    now = timezone.now()
    current, following = room_slots(session, now=now)
    by_slot = published_meetings_in([current, following])
    for meeting in (m for meetings in by_slot.values() for m in meetings):
        # A screen at the venue is public: names follow each person's privacy choice.
        request_ = meeting.request
        meeting.shown_requester = shown_name(request_.requester)
        meeting.shown_recipient = (
            shown_name(request_.recipient) if request_.recipient else request_.recipient_institution.name
        )
    context = {
        "event": session.event,
        "session": session,
        "now": now,
        "current": current,
        "following": following,
        "current_meetings": by_slot.get(current.pk, []) if current else [],
        "following_meetings": by_slot.get(following.pk, []) if following else [],
    }
    template = "matchmaking/schedule/room.html#room" if request.htmx else "matchmaking/schedule/room.html"
    return render(request, template, context)


def _attendance_slots(session: Session, now):
    slots = list(session.slots.filter(starts_at__lte=now).order_by("-starts_at"))
    by_slot = published_meetings_in(slots)
    return [(slot, by_slot[slot.pk]) for slot in slots]


@login_required
@require_GET
def matchmaking_attendance(request, slug: str, pk: int):
    session = managed_session(request, slug, pk)
    return render(
        request,
        "matchmaking/schedule/attendance.html",
        {"event": session.event, "session": session, "slots": _attendance_slots(session, timezone.now())},
    )


@login_required
@require_POST
def matchmaking_mark(request, slug: str, pk: int, meeting_pk: int):
    session = managed_session(request, slug, pk)
    meeting = get_object_or_404(
        Meeting.objects.select_related(*MEETING_SIDES),
        session=session,
        pk=meeting_pk,
    )
    error = ""
    try:
        marked = meeting_mark_attendance(
            meeting=meeting, attendance=request.POST.get("attendance", ""), marked_by=request.user
        )
        meeting.attendance = marked.attendance
    except MatchmakingError as exc:
        error = str(exc)
    if request.htmx:
        return render(
            request,
            "matchmaking/schedule/attendance.html#attendance-row",
            {"event": session.event, "session": session, "meeting": meeting, "error": error},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Attendance saved."))
    return redirect("matchmaking:matchmaking_attendance", slug=slug, pk=pk)


urlpatterns = [
    path("<slug:slug>/manage/matchmaking/<int:pk>/", matchmaking_session, name="matchmaking"),
    path("<slug:slug>/manage/matchmaking/<int:pk>/slots/", matchmaking_slots, name="matchmaking_slots"),
    path("<slug:slug>/manage/matchmaking/<int:pk>/run/", matchmaking_run, name="matchmaking_run"),
    path("<slug:slug>/manage/matchmaking/<int:pk>/review/", matchmaking_review, name="matchmaking_review"),
    path("<slug:slug>/manage/matchmaking/<int:pk>/publish/", matchmaking_publish, name="matchmaking_publish"),
    path(
        "<slug:slug>/manage/matchmaking/<int:pk>/sheets/tables/",
        matchmaking_sheet,
        {"by": "table"},
        name="matchmaking_sheet_tables",
    ),
    path(
        "<slug:slug>/manage/matchmaking/<int:pk>/sheets/slots/",
        matchmaking_sheet,
        {"by": "slot"},
        name="matchmaking_sheet_slots",
    ),
    path("<slug:slug>/manage/matchmaking/<int:pk>/room/", matchmaking_room, name="matchmaking_room"),
    path("<slug:slug>/manage/matchmaking/<int:pk>/attendance/", matchmaking_attendance, name="matchmaking_attendance"),
    path(
        "<slug:slug>/manage/matchmaking/<int:pk>/attendance/<int:meeting_pk>/",
        matchmaking_mark,
        name="matchmaking_mark",
    ),
]
