"""Reads of meetings: whose they are, who is on the other side, what a participant's agenda shows."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from events.models import Registration
from institutions.models import Institution

from .models import Meeting, MeetingRequest


def meetings_of_institutions(*, institution_ids) -> QuerySet[Meeting]:
    """Meetings in which one of ``institution_ids`` took part, as requester or as recipient."""
    return Meeting.objects.filter(
        Q(request__requester__institution_id__in=institution_ids)
        | Q(request__recipient__institution_id__in=institution_ids)
        | Q(request__recipient_institution_id__in=institution_ids)
    )


def meetings_of(*, user) -> QuerySet[Meeting]:
    """The person's meetings, not cancelled, in slot order: what the dashboard lists.

    The requests are chosen in a subquery, and the sides' registrations and institutions are
    fetched by small queries of their own: PostgreSQL took 5 to 10 ms to plan the one query
    that joined all ten tables (with an OR across two of them), longer than the rest of the
    dashboard's queries together. Only the sides' institutions' names are shown.
    """
    requests = MeetingRequest.objects.filter(Q(requester__user=user) | Q(recipient__user=user)).values("pk")
    names = Institution.objects.only("name")
    return (
        Meeting.objects.filter(request__in=requests)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("session__event", "slot", "request")
        .prefetch_related(
            Prefetch("request__requester__institution", queryset=names),
            Prefetch("request__recipient__institution", queryset=names),
            Prefetch("request__recipient_institution", queryset=names),
        )
        .order_by("slot__starts_at")
    )


# Both sides of a meeting with their people and institutions: what every list of meetings shows.
MEETING_SIDES = (
    "slot",
    "request__requester__user",
    "request__requester__institution",
    "request__recipient__user",
    "request__recipient__institution",
    "request__recipient_institution",
)


def _scheduled_meetings(registration: Registration, statuses: list[str]) -> QuerySet[Meeting]:
    """Meetings on a slot that the registration asked for, was asked for, or shares."""
    # Subqueries, not joins with an OR across them and DISTINCT: with the sides' eleven tables
    # joined as well, PostgreSQL took some 25 ms to plan the query that way.
    requests = MeetingRequest.objects.filter(Q(requester=registration) | Q(recipient=registration)).values("pk")
    shared = Meeting.sharers.through.objects.filter(registration=registration).values("meeting_id")
    return (
        Meeting.objects.filter(
            Q(request__in=requests) | Q(pk__in=shared),
            session__event_id=registration.event_id,
            status__in=statuses,
            slot__isnull=False,
        )
        .select_related("session", *MEETING_SIDES)
        .order_by("slot__starts_at", "table_number")
    )


def meetings_of_registration(*, registration: Registration) -> QuerySet[Meeting]:
    """Published, scheduled meetings the registration takes part in (asked, was asked, or shares).

    Provisional meetings stay out until the organisers publish the schedule, so nobody adds a
    meeting to their calendar that may still move.
    """
    return _scheduled_meetings(registration, [Meeting.Status.PUBLISHED])


# --- Meetings on a participant's agenda (matchmaking) ------------------------------------------


@dataclass(frozen=True)
class Partner:
    """Whom a participant meets, as participants may see them."""

    name: str
    institution: str


def shown_name(registration: Registration) -> str:
    """A participant's name as other participants may see it: hidden profiles show the institution."""
    if registration.user.show_profile_to_participants:
        return registration.user.display_name or str(registration.user)
    return _("a participant of %(institution)s") % {"institution": registration.institution.name}


def partner_of(meeting: Meeting, registration: Registration) -> Partner:
    """The other side of ``meeting`` for ``registration`` (who asked, was asked, or shares it)."""
    request = meeting.request
    if request.requester_id == registration.pk:
        other = request.recipient
    elif request.recipient_id == registration.pk:
        other = request.requester
    elif request.requester.institution_id == registration.institution_id:
        # A colleague sharing the requester's side meets the recipient.
        other = request.recipient
    else:
        other = request.requester
    if other is None:
        return Partner(request.recipient_institution.name, "")
    return Partner(shown_name(other), other.institution.name)


def agenda_meetings(*, registration: Registration) -> list[Meeting]:
    """``meetings_of_registration`` fetched, each with ``partner`` set for this registration."""
    meetings = list(meetings_of_registration(registration=registration))
    for meeting in meetings:
        meeting.partner = partner_of(meeting, registration)
    return meetings


def calendar_meetings_of_registration(*, registration: Registration) -> list[Meeting]:
    """The registration's published meetings, plus those cancelled after being published.

    A cancelled meeting keeps its last slot, so its calendar entry can be sent once more with
    STATUS:CANCELLED and a higher SEQUENCE: calendars that imported it then remove it. Meetings
    cancelled before any publication never had a slot and stay out.
    """
    meetings = list(_scheduled_meetings(registration, [Meeting.Status.PUBLISHED, Meeting.Status.CANCELLED]))
    for meeting in meetings:
        meeting.partner = partner_of(meeting, registration)
    return meetings
