"""An alliance's public page: its members by country, its events, its MoUs and its members' offers.

An alliance (or network, platform, council) is an institution of kind ``alliance``; its
membership lives in ``institutions``. The page lives here because it lists the events the
alliance organises and the MoUs it is a party to, which institutions cannot name. Each list
follows its own visibility rule: events as ``events.open_event`` lets the person open them,
MoUs as ``mous.open_mou`` (public ones for visitors).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from core.pagecache import public_page
from events.selectors import event_list_visible_to
from institutions.alliance_pages import register_alliance_page
from institutions.forms_alliances import AllianceJoinForm
from institutions.models import Institution, Offer
from institutions.permissions import active_institution_ids
from institutions.selectors import alliance_members_active, alliance_members_by_country, alliance_requests_of

from .selectors import mous_of_alliance
from .selectors_cooperation import projects_for_alliance

# The members' offers shown on the page, most recent members' first; the directory has the rest.
OFFERS_SHOWN = 30


def alliance_url(alliance: Institution) -> str:
    return reverse("alliances:detail", kwargs={"slug": alliance.slug})


def register() -> None:
    """Make ``institutions`` link to this page for alliances (called from ``MousConfig.ready()``)."""
    register_alliance_page(alliance_url)


@require_GET
@public_page
def alliance_detail(request, slug: str):
    alliance = get_object_or_404(Institution, slug=slug, kind=Institution.Kind.ALLIANCE)
    if not request.user.has_perm("institutions.open_institution", alliance):
        raise Http404
    user = request.user
    members = alliance_members_active(alliance=alliance)
    member_ids = [m.member_id for m in members]
    offers = list(
        Offer.objects.filter(institution_id__in=member_ids)
        .select_related("institution", "cooperation_type", "sector")
        .order_by("cooperation_type__position", "institution__name", "pk")[:OFFERS_SHOWN]
    )
    events = list(event_list_visible_to(user=user).filter(organisers=alliance).order_by("-start_date").distinct())
    can_join = user.has_perm("institutions.join_alliance", alliance)
    mine = alliance_requests_of(member_ids=active_institution_ids(user, admin_only=True), alliance=alliance)
    context = {
        "alliance": alliance,
        "members": members,
        "by_country": alliance_members_by_country(members),
        "events": events,
        "mous": mous_of_alliance(alliance=alliance, user=user),
        "projects": list(projects_for_alliance(alliance, user).order_by("name")),
        "offers": offers,
        "offers_capped": len(offers) == OFFERS_SHOWN,
        "can_manage": user.has_perm("institutions.manage_alliance_members", alliance),
        "my_memberships": mine,
        "join_form": AllianceJoinForm(user=user, alliance=alliance) if can_join else None,
    }
    return render(request, "mous/alliances/alliance_detail.html", context)


app_name = "alliances"

urlpatterns = [
    path("<slug:slug>/", alliance_detail, name="detail"),
]
