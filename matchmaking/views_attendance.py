"""Both sides of a meeting mark it held or missed from their agenda or the table's QR code.

The buttons post with htmx, or as a plain form without JS. The QR code on a table's sheet
leads to a signed-in page for that table and session, which shows the signed-in person's
meeting there now or just past; anyone not registered for the event gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.models import Session
from events.selectors import agenda_registration
from events.views_agenda import visible_event

from .attendance import attendance_side, meeting_attendance_mark, meeting_registration_of, with_attendance
from .errors import MatchmakingError
from .models import Meeting
from .selectors import MEETING_SIDES, partner_of


@login_required
@require_POST
def meeting_attendance(request, slug: str, pk: int):
    """Mark a published meeting held or missed for the signed-in person's side; others get a 404."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("session__event", *MEETING_SIDES),
        pk=pk,
        session__event__slug=slug,
        status=Meeting.Status.PUBLISHED,
    )
    if attendance_side(meeting, request.user) is None:
        raise Http404
    error = ""
    try:
        meeting_attendance_mark(meeting=meeting, user=request.user, attendance=request.POST.get("attendance", ""))
    except MatchmakingError as exc:
        error = str(exc)
    registration = meeting_registration_of(meeting, request.user)
    if request.htmx and registration is not None:
        meeting.refresh_from_db(fields=["attendance"])
        with_attendance([meeting], registration=registration, now=timezone.now())
        return render(
            request,
            "matchmaking/agenda/_attendance.html",
            {"event": meeting.session.event, "meeting": meeting, "error": error},
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you: your answer was recorded."))
    if request.POST.get("from") == "table" and meeting.table_number:
        return redirect("matchmaking:table_meeting", slug=slug, pk=meeting.session_id, table=meeting.table_number)
    return redirect("matchmaking:my_agenda", slug=slug)


def table_path(session: Session, table: int) -> str:
    """The path a table sign's QR code points to."""
    return reverse("matchmaking:table_meeting", kwargs={"slug": session.event.slug, "pk": session.pk, "table": table})


@login_required
@require_GET
def table_meeting(request, slug: str, pk: int, table: int):
    """The signed-in person's meeting at ``table`` of a session, in the latest slot that has started."""
    event = visible_event(request, slug)
    registration = agenda_registration(user=request.user, event=event)
    if registration is None:
        raise Http404
    session = get_object_or_404(Session, event=event, pk=pk, kind=Session.Kind.MATCHMAKING)
    now = timezone.now()
    meeting = (
        Meeting.objects.filter(
            Q(request__requester=registration) | Q(request__recipient=registration) | Q(sharers=registration),
            session=session,
            table_number=table,
            status=Meeting.Status.PUBLISHED,
            slot__starts_at__lte=now,
        )
        .select_related("session__event", *MEETING_SIDES)
        .order_by("-slot__starts_at")
        .first()
    )
    if meeting is not None:
        meeting.partner = partner_of(meeting, registration)
        with_attendance([meeting], registration=registration, now=now)
    return render(
        request,
        "matchmaking/agenda/table_meeting.html",
        {"event": event, "session": session, "table": table, "meeting": meeting, "from_table": True},
    )


urlpatterns = [
    path("<slug:slug>/agenda/meetings/<int:pk>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("<slug:slug>/matchmaking/<int:pk>/tables/<int:table>/", table_meeting, name="table_meeting"),
]
