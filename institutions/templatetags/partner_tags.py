"""Template tags for partner recommendations on pages other views render.

The dashboard (portal app) and the institution page show recommendations without their views
knowing about them: ``{% partners_for_you %}`` renders the dashboard section and
``{% why_this_partner institution as fit %}`` gives the fit for the viewer's institution.
"""

from django import template

from core.pagecache import kept
from institutions.permissions import active_institution_ids
from institutions.recommendations import Recommendation, explain, recommend, recommend_to
from institutions.selectors import acting_institution, shortlisted_institution_ids

register = template.Library()

DASHBOARD_PARTNERS = 6
DASHBOARD_REASONS = 3


@register.inclusion_tag("institutions/partners/_dashboard_section.html", takes_context=True)
def partners_for_you(context) -> dict:
    """Render the dashboard's "Partners for you" section; empty for people without an institution."""
    user = context.get("user")
    institution = acting_institution(user) if user is not None else None
    if institution is None:
        return {"institution": None}
    # acting_institution() has just read the institution, so its offer and need keys are
    # current: without any, nothing complements it and the queries can be spared.
    has_profile = bool(institution.offer_keys or institution.need_keys)
    return {
        "institution": institution,
        # Kept until a profile, the directory or an MoU changes, rather than ranked per view.
        "recommendations": recommend_to(
            user,
            institution,
            limit=DASHBOARD_PARTNERS,
            rank=lambda count: kept(
                f"partners-for-you:{institution.pk}:{count}", lambda: recommend(institution, limit=count)
            ),
        )
        if has_profile
        else [],
        "reason_count": DASHBOARD_REASONS,
        "shortlisted_ids": shortlisted_institution_ids(user),
        "user": user,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def why_this_partner(context, institution) -> Recommendation | None:
    """Return the fit of ``institution`` for the viewer's institution, or None.

    None for visitors, people without an institution and on the page of any institution of one's own.
    """
    user = context.get("user")
    mine = acting_institution(user) if user is not None else None
    if mine is None or institution is None or institution.pk in active_institution_ids(user):
        return None
    return explain(mine, institution)
