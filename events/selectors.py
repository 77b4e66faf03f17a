from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django_countries.fields import Country

from core.collation import sort_key
from institutions.permissions import active_institution_ids, is_secretariat

from .models import Event, Registration, Session


def event_list_public() -> QuerySet[Event]:
    return (
        Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED])
        .annotate(
            participant_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.APPROVED), distinct=True
            )
        )
        .prefetch_related("organisers")
    )


def event_list_visible_to(*, user) -> QuerySet[Event]:
    """The events ``user`` may open, as a query: the ``events.open_event`` rule for a whole list.

    Every event for the secretariat; public (published or closed) events and the events of the
    institutions ``user`` administers for everyone else.
    """
    if is_secretariat(user):
        return Event.objects.all()
    public = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED])
    admin_of = active_institution_ids(user, admin_only=True)
    if not admin_of:
        return Event.objects.filter(public)
    organised = Event.objects.filter(organisers__in=admin_of).values("pk")
    return Event.objects.filter(public | Q(pk__in=organised))


def events_upcoming(*, today: date | None = None) -> QuerySet[Event]:
    today = today or timezone.localdate()
    return event_list_public().filter(end_date__gte=today).order_by("start_date")


def events_recent(*, today: date | None = None) -> QuerySet[Event]:
    today = today or timezone.localdate()
    return event_list_public().filter(end_date__lt=today).order_by("-start_date")


def registrations_of(*, user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event", "institution", "delegation")
        .order_by("-event__start_date")
    )


def participation_by_country(*, event: Event) -> list[dict]:
    """Approved participants and distinct institutions per country, largest delegation first.

    A participant counts for the country of the institution they registered for, so the
    institution counts per country add up to the event's total: an institution has one country.
    Only counts leave this function, never names: the public page shows it to visitors.
    """
    rows = (
        event.registrations.filter(status=Registration.Status.APPROVED)
        .values("institution__country")
        .annotate(participants=Count("pk"), institutions=Count("institution", distinct=True))
        .order_by("-participants", "institution__country")
    )
    lines = [
        {
            "country": row["institution__country"],
            "country_name": Country(row["institution__country"]).name,
            "participants": row["participants"],
            "institutions": row["institutions"],
        }
        for row in rows
    ]
    # Equal delegations by name, as the reader's language sorts it (not by country code).
    return sorted(lines, key=lambda line: (-line["participants"], sort_key(line["country_name"])))


def participation_totals(*, countries: list[dict]) -> dict:
    """Totals of ``participation_by_country``'s rows, summed from them so they cannot disagree."""
    return {
        "participants": sum(row["participants"] for row in countries),
        "institutions": sum(row["institutions"] for row in countries),
        "countries": len(countries),
    }


def agenda_registration(*, user, event: Event) -> Registration | None:
    """The person's own registration that gives them a personal agenda, or None.

    Pending registrations count too: the person plans their trip before the secretariat has
    approved everyone, and the agenda shows nothing that the public page does not, apart from
    their own meetings (which exist only once approved).
    """
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(
            event=event, user=user, status__in=[Registration.Status.APPROVED, Registration.Status.PENDING]
        )
        .select_related("institution")
        .first()
    )


def agenda_sessions(*, event: Event) -> QuerySet[Session]:
    """The event's sessions in order, with the speakers' names and institutions for the agenda."""
    return event.sessions.order_by("starts_at", "title").prefetch_related(
        Prefetch("speakers", queryset=Registration.objects.select_related("user", "institution"))
    )


@dataclass
class AgendaItem:
    """One line of an agenda: a session or a meeting, with its times on the event's clock.

    ``viewer_starts_at``/``viewer_ends_at`` are set only when the viewer's clock shows a
    different time at that moment, so "09:00 (10:00 your time)" appears only where it helps.
    """

    title: str  # the session's title in the reader's language (a ``LocalizedText``)
    starts_at: datetime
    ends_at: datetime
    session: Session | None = None
    # A matchmaking meeting (``matchmaking.models.Meeting``) on a participant's own agenda:
    # the matchmaking app, which sits above events, passes its meetings to ``agenda_days``.
    meeting: object | None = None
    is_speaker: bool = False
    viewer_starts_at: datetime | None = None
    viewer_ends_at: datetime | None = None

    @property
    def viewer_other_day(self) -> bool:
        return self.viewer_starts_at is not None and self.viewer_starts_at.date() != self.starts_at.date()


def agenda_days(
    *,
    time_zone: str,
    sessions=(),
    meetings=(),
    viewer_time_zone: str | None = None,
    speaker_registration: Registration | None = None,
) -> list[tuple[date, list[AgendaItem]]]:
    """Group sessions and meetings by day on the event's clock, in time order.

    Works on already fetched objects (no queries), so the pages that call it keep a fixed
    number of queries however long the agenda is.
    """
    zone = ZoneInfo(time_zone)
    viewer_zone = None
    if viewer_time_zone and viewer_time_zone != time_zone:
        try:
            viewer_zone = ZoneInfo(viewer_time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            viewer_zone = None
    items = []
    for session in sessions:
        is_speaker = speaker_registration is not None and any(
            speaker.pk == speaker_registration.pk for speaker in session.speakers.all()
        )
        items.append(
            AgendaItem(
                title=session.localized("title"),
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                session=session,
                is_speaker=is_speaker,
            )
        )
    for meeting in meetings:
        items.append(
            AgendaItem(
                title=meeting.session.localized("title"),
                starts_at=meeting.slot.starts_at,
                ends_at=meeting.slot.ends_at,
                meeting=meeting,
            )
        )
    days: dict[date, list[AgendaItem]] = {}
    # Sorted on the sessions' original titles, whatever language the reader sees them in.
    for item in sorted(
        items, key=lambda i: (i.starts_at, i.meeting is not None, (i.session or i.meeting.session).title)
    ):
        utc_start, utc_end = item.starts_at, item.ends_at
        item.starts_at, item.ends_at = utc_start.astimezone(zone), utc_end.astimezone(zone)
        if viewer_zone is not None:
            viewer_start = utc_start.astimezone(viewer_zone)
            if viewer_start.utcoffset() != item.starts_at.utcoffset():
                item.viewer_starts_at, item.viewer_ends_at = viewer_start, utc_end.astimezone(viewer_zone)
        days.setdefault(item.starts_at.date(), []).append(item)
    return list(days.items())
