"""Reads that combine several apps, for the dashboards."""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from core.pagecache import kept
from events.models import Event, Registration
from events.selectors import events_upcoming, registrations_of
from institutions.models import Institution, Membership
from institutions.onboarding import pending_join_requests
from institutions.permissions import active_institution_ids, is_secretariat, remember_active_institution_ids
from institutions.selectors import institutions_awaiting_verification, memberships_of
from matchmaking.funnel import Funnel, meeting_funnel
from matchmaking.selectors import meetings_of
from mous.models import Mou
from mous.selectors import mous_of_institutions

from .tasks import HEARTBEAT_CACHE_KEY


def background_jobs_status() -> dict:
    """Return when the heartbeat task last ran, and whether that is recent enough."""
    raw = cache.get(HEARTBEAT_CACHE_KEY)
    last = datetime.fromisoformat(raw) if raw else None
    healthy = bool(last and (timezone.now() - last).total_seconds() < 180)
    return {"last": last, "healthy": healthy}


def dashboard_context(*, user) -> dict:
    """Return what the dashboard shows ``user``: one section for each role they hold."""
    memberships = list(memberships_of(user=user))
    # Every membership is here, so the permission checks below need no query of their own.
    active = [membership for membership in memberships if membership.status == Membership.Status.ACTIVE]
    remember_active_institution_ids(
        user,
        {membership.institution_id for membership in active},
        admin_ids={membership.institution_id for membership in active if membership.role == Membership.Role.ADMIN},
    )
    admin_ids = active_institution_ids(user, admin_only=True)
    member_ids = active_institution_ids(user)
    context = {
        "memberships": memberships,
        "registrations": list(registrations_of(user=user)[:10]),
        "meetings": list(meetings_of(user=user)[:10]),
        "upcoming": list(events_upcoming()[:5]),
        "is_institution_admin": bool(admin_ids),
        "is_secretariat": is_secretariat(user),
        # None hides a section that does not apply; an empty list shows it as empty.
        "institution_mous": None,
        "pending_members": None,
        "secretariat": None,
    }
    if member_ids:
        context["institution_mous"] = list(mous_of_institutions(institution_ids=member_ids)[:10])
    if admin_ids or context["is_secretariat"]:
        # The secretariat decides for institutions without admins, so it sees every request.
        context["pending_members"] = pending_join_requests(user=user, limit=20)
    if context["is_secretariat"]:
        context["secretariat"] = {**secretariat_overview(), "jobs": background_jobs_status()}
    return context


def secretariat_overview() -> dict:
    """The secretariat's figures and drafts to look at: the same for every member of it.

    Kept until the next change of a model of the portal's apps (``core.pagecache.kept``):
    seven queries, two of them counts over every institution and MoU, on each view otherwise.
    """

    def compute() -> dict:
        return {
            "institutions": Institution.objects.count(),
            "unverified": list(institutions_awaiting_verification()[:10]),
            "events": Event.objects.count(),
            "draft_events": list(Event.objects.filter(status=Event.Status.DRAFT).order_by("start_date")[:10]),
            "pending_registrations": Registration.objects.filter(status=Registration.Status.PENDING).count(),
            "mous": Mou.objects.count(),
            "draft_mous": list(Mou.objects.filter(status=Mou.Status.DRAFT).order_by("-created_at")[:10]),
        }

    return kept("dashboard:secretariat", compute)


def secretariat_funnel() -> Funnel:
    """Every event's matchmaking together, by the event report's definitions (``matchmaking.funnel``).

    Three queries over every request and meeting, so kept until the next change of a model of
    the portal's apps, and at most ``PAGE_CACHE_SECONDS``: a meeting counts as held once its
    session is over, which the clock decides alone.
    """
    return kept(
        "dashboard:funnel",
        lambda: meeting_funnel(event_filter=Q(), now=timezone.now()),
        timeout=settings.PAGE_CACHE_SECONDS,
    )
