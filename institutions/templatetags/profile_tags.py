"""Template tags for the profile features shown on pages other views render.

The institution page and the dashboard belong to other views; these tags bring in the
profile's actions, its completeness and the people who chose to be shown, each with a fixed
number of queries.
"""

from django import template

from institutions.completeness import profile_completeness, with_has_sectors
from institutions.models import Institution, Membership
from institutions.permissions import active_institution_ids
from institutions.profile_links import profile_links

register = template.Library()


def _can_contact(user, institution: Institution) -> bool:
    """Signed-in people who are not active members may write to an institution."""
    return (
        user.is_authenticated
        and institution.verification_status != Institution.Verification.REJECTED
        and institution.pk not in active_institution_ids(user)
    )


@register.inclusion_tag("institutions/profile/_actions.html", takes_context=True)
def profile_actions(context, institution: Institution) -> dict:
    """Edit, members and contact buttons for the viewer (and those of apps above, see
    ``institutions.profile_links``), and the completeness hint for admins."""
    user = context["user"]
    can_edit = user.has_perm("institutions.edit_institution", institution)
    return {
        "institution": institution,
        "can_edit": can_edit,
        "can_view_members": user.has_perm("institutions.view_members", institution),
        "can_contact": _can_contact(user, institution),
        "extra_links": profile_links(user=user, institution=institution),
        "completeness": profile_completeness(institution) if can_edit else None,
    }


@register.inclusion_tag("institutions/profile/_people.html", takes_context=True)
def institution_people(context, institution: Institution) -> dict:
    """The names and titles of members who chose to show them; signed-in people only.

    Visitors see no personal data at all, and nobody sees an email address here.
    """
    user = context["user"]
    if not user.is_authenticated:
        return {"show": False}
    people = (
        Membership.objects.filter(
            institution=institution,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
            user__show_profile_to_participants=True,
        )
        .exclude(user__display_name="")
        .select_related("user")
        .order_by("user__display_name")
    )
    return {
        "show": True,
        "institution": institution,
        "people": list(people),
        "can_contact": _can_contact(user, institution),
    }


@register.inclusion_tag("institutions/profile/_dashboard_completeness.html", takes_context=True)
def profile_completeness_cards(context) -> dict:
    """A "complete your profile" card for each incomplete institution the viewer administers."""
    user = context["user"]
    admin_ids = active_institution_ids(user, admin_only=True)
    if not admin_ids:
        return {"profiles": []}
    institutions = with_has_sectors(Institution.objects.filter(pk__in=admin_ids)).order_by("name")
    profiles = [(institution, profile_completeness(institution)) for institution in institutions]
    return {"profiles": [(i, c) for i, c in profiles if not c.is_complete]}
