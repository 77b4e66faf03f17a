from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import AllianceMembership, Institution, Membership, ShortlistEntry
from .permissions import remember_active_institution_ids


def institution_list_public() -> QuerySet[Institution]:
    """Return the institutions of the public directory, with what the list shows."""
    return (
        Institution.objects.exclude(verification_status=Institution.Verification.REJECTED)
        .prefetch_related("sectors")
        .order_by("name")
    )


def institution_choices_queryset():
    return Institution.objects.exclude(verification_status="rejected").order_by("name")


# How many matches an institution picker offers at once (as the person types, or after a search).
FIND_LIMIT = 10


def institutions_matching(query: str, *, limit: int = FIND_LIMIT, exclude_ids: Iterable[int] = (), among=None):
    """Institutions whose English name, local-script name or acronym contains ``query``.

    What the pickers of an institution suggest as someone types (an MoU's parties, a ceremony's,
    an alliance's new member), taken from ``among`` (by default every listed institution) and
    leaving out ``exclude_ids`` (those already picked).
    """
    query = query.strip()
    if not query:
        return Institution.objects.none()
    among = institution_choices_queryset() if among is None else among
    return (
        among.filter(Q(name__icontains=query) | Q(name_local__icontains=query) | Q(acronym__icontains=query))
        .exclude(pk__in=list(exclude_ids))
        .order_by("name")[:limit]
    )


def memberships_of(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("institution").order_by("institution__name")


def institutions_awaiting_verification() -> QuerySet[Institution]:
    return Institution.objects.filter(verification_status=Institution.Verification.UNVERIFIED).order_by("-created_at")


def acting_institution(user) -> Institution | None:
    """Return the institution ``user`` acts for: their first active membership, admins first.

    Recommendations, the directory's "fit" order and shortlists are seen from this
    institution's point of view. None for visitors and people without an active membership.
    """
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_acting_institution", False)
    if cached is False:
        memberships = list(
            Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
            .select_related("institution")
            .order_by("role", "created_at")  # "admin" sorts before "member"
        )
        cached = memberships[0].institution if memberships else None
        user._acting_institution = cached
        # The same read answers "is this one of mine?" for every card on the page.
        remember_active_institution_ids(user, {membership.institution_id for membership in memberships})
    return cached


def shortlist_of(user) -> QuerySet:
    """Return ``user``'s shortlist entries, newest first, with their institutions.

    The one read of a person's shortlist: the shortlist page uses it, and the event
    matchmaking (meeting requests) reuses it to offer the shortlisted institutions first.
    Empty for visitors.
    """
    if not user.is_authenticated:
        return ShortlistEntry.objects.none()
    return ShortlistEntry.objects.filter(user=user).select_related("institution").order_by("-created_at", "-pk")


def shortlisted_institution_ids(user) -> set[int]:
    """Return the ids of the institutions on ``user``'s shortlist, in one query, cached on ``user``.

    For the "Save to shortlist" buttons of list pages (``institutions/_shortlist_button.html``).
    """
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_shortlisted_ids", None)
    if cached is None:
        cached = set(user.shortlist.values_list("institution_id", flat=True))
        user._shortlisted_ids = cached
    return cached


# --- Alliances -------------------------------------------------------------------------------


@dataclass
class CountryMembers:
    """One line of an alliance's map-free overview: a country, its members and their roles."""

    country: object  # django_countries Country
    members: list[AllianceMembership]

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def roles(self) -> list[tuple[str, int]]:
        """(role label, count) in the order of the roles, only those present."""
        counts = Counter(m.role for m in self.members)
        return [(label, counts[value]) for value, label in AllianceMembership.Role.choices if counts[value]]


def alliance_members_active(*, alliance: Institution) -> list[AllianceMembership]:
    """The active memberships of ``alliance`` with their (listed) member institutions, by name."""
    return list(
        AllianceMembership.objects.filter(alliance=alliance, status=AllianceMembership.Status.ACTIVE)
        .exclude(member__verification_status=Institution.Verification.REJECTED)
        .select_related("member")
        .order_by("member__name")
    )


def alliance_members_by_country(memberships: list[AllianceMembership]) -> list[CountryMembers]:
    """Group ``memberships`` by their member's country, most members first, then by country name."""
    groups: dict[str, list[AllianceMembership]] = {}
    for membership in memberships:
        groups.setdefault(membership.member.country.code, []).append(membership)
    lines = [CountryMembers(country=members[0].member.country, members=members) for members in groups.values()]
    return sorted(lines, key=lambda line: (-line.count, str(line.country.name)))


def alliance_candidates(alliance: Institution):
    """The institutions that may be added to ``alliance``: listed, neither it nor a member already."""
    members = AllianceMembership.objects.filter(alliance=alliance, status__in=AllianceMembership.OPEN_STATUSES).values(
        "member_id"
    )
    return institution_choices_queryset().exclude(pk=alliance.pk).exclude(pk__in=members)


def alliance_memberships_for_management(*, alliance: Institution) -> list[AllianceMembership]:
    """Every membership of ``alliance``, by member name, for its managers (the page splits them by status)."""
    return list(
        AllianceMembership.objects.filter(alliance=alliance)
        .select_related("member", "requested_by")
        .order_by("member__name", "-created_at")
    )


def alliances_of(*, member: Institution) -> list[AllianceMembership]:
    """The alliances ``member`` belongs to now (active memberships), by alliance name."""
    return list(
        AllianceMembership.objects.filter(member=member, status=AllianceMembership.Status.ACTIVE)
        .exclude(alliance__verification_status=Institution.Verification.REJECTED)
        .select_related("alliance")
        .order_by("alliance__name")
    )


def alliance_requests_of(*, member_ids, alliance: Institution) -> list[AllianceMembership]:
    """The open (requested or active) memberships in ``alliance`` of the institutions ``member_ids``."""
    return list(
        AllianceMembership.objects.filter(
            alliance=alliance, member_id__in=member_ids, status__in=AllianceMembership.OPEN_STATUSES
        ).select_related("member")
    )
