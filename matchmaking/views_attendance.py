"""Both sides of a meeting mark it held or missed from their agenda (htmx, or a plain form without JS)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .attendance import attendance_side, meeting_attendance_mark, meeting_registration_of, with_attendance
from .errors import MatchmakingError
from .models import Meeting
from .selectors import MEETING_SIDES


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
    return redirect("matchmaking:my_agenda", slug=slug)


urlpatterns = [
    path("<slug:slug>/agenda/meetings/<int:pk>/attendance/", meeting_attendance, name="meeting_attendance"),
]
