"""Who may manage which webhook endpoints; registered with django-rules.

An institution's endpoints are managed by the institution's active admins; the secretariat's
(no institution) by the secretariat. The signing secret is shown to the endpoint's owner alone.
Nobody else learns that an endpoint exists: the pages answer 404.
"""

import rules
from django.urls import reverse
from django.utils.translation import gettext as _

from institutions.permissions import is_institution_admin, is_secretariat


@rules.predicate
def manages_endpoint(user, endpoint) -> bool:
    if endpoint is None:
        return False
    if endpoint.institution_id is None:
        return is_secretariat(user)
    return is_institution_admin(user, endpoint.institution)


@rules.predicate
def owns_endpoint(user, endpoint) -> bool:
    return endpoint is not None and user.is_authenticated and endpoint.owner_id == user.pk


@rules.predicate
def may_add_endpoint_for(user, institution) -> bool:
    """Asked with the institution; None stands for the secretariat's own endpoints."""
    return is_secretariat(user) if institution is None else is_institution_admin(user, institution)


rules.add_perm("api.manage_webhook_endpoint", manages_endpoint)
rules.add_perm("api.view_webhook_secret", manages_endpoint & owns_endpoint)
rules.add_perm("api.add_webhook_endpoint", may_add_endpoint_for)


def webhooks_profile_link(user, institution) -> list[tuple[str, str]]:
    """The "Webhooks" button on an institution's page, for its admins."""
    if not is_institution_admin(user, institution):
        return []
    return [(_("Webhooks"), reverse("webhooks:institution", args=[institution.slug]))]
