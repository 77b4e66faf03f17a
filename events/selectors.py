from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Event, Meeting, Registration


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


def meetings_of(*, user) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(Q(request__requester__user=user) | Q(request__recipient__user=user))
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related(
            "session__event",
            "slot",
            "request__requester__user",
            "request__requester__institution",
            "request__recipient__user",
            "request__recipient__institution",
        )
        .order_by("slot__starts_at")
    )
