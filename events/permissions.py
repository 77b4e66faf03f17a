"""Who may do what to events, registrations and meetings; registered with django-rules."""

from zoneinfo import ZoneInfo

import rules
from django.utils import timezone

from institutions.permissions import active_institution_ids, has_institution, is_institution_admin, is_secretariat


@rules.predicate
def is_public_event(user, event) -> bool:
    return event is not None and event.status in ("published", "closed")


@rules.predicate
def registration_is_open(user, event) -> bool:
    if event is None or event.status != "published":
        return False
    now = timezone.now()
    if event.end_date < timezone.localdate(now, timezone=ZoneInfo(event.time_zone)):
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    return not (event.registration_closes_at and now >= event.registration_closes_at)


# Set by with_organiser_ids() on an event instance: its organisers' ids, read without a query.
ORGANISER_IDS = "kept_organiser_ids"


def with_organiser_ids(event):
    """``event`` with its organisers' ids loaded, so that asking its permissions needs no query.

    For an instance kept for a while (``core.pagecache.shared_section_about``, which keeps it
    only until the next change of an event or its organisers); other instances ask the
    database at each check.
    """
    event.__dict__[ORGANISER_IDS] = frozenset(event.organisers.values_list("pk", flat=True))
    return event


@rules.predicate
def administers_an_organiser(user, event) -> bool:
    """The user is an active admin of one of the event's organiser institutions."""
    if event is None or not user.is_authenticated:
        return False
    admin_ids = active_institution_ids(user, admin_only=True)
    if not admin_ids:
        return False
    organiser_ids = event.__dict__.get(ORGANISER_IDS)
    if organiser_ids is None:
        organiser_ids = event.organisers.values_list("pk", flat=True)
    return any(pk in admin_ids for pk in organiser_ids)


@rules.predicate
def administers_registration_event(user, registration) -> bool:
    return registration is not None and administers_an_organiser(user, registration.event)


@rules.predicate
def is_own_registration(user, registration) -> bool:
    return registration is not None and user.is_authenticated and registration.user_id == user.pk


@rules.predicate
def is_admin_of_registration_institution(user, registration) -> bool:
    return registration is not None and is_institution_admin(user, registration.institution)


@rules.predicate
def heads_registration_delegation(user, registration) -> bool:
    delegation = registration.delegation if registration is not None else None
    if delegation is None or delegation.head_id is None or not user.is_authenticated:
        return False
    return delegation.head.user_id == user.pk


# Rules named like Django's model permissions (add_/change_/delete_/view_<model>) are also
# asked by the admin, so only secretariat-only rules take those names; the rest use
# open_/manage_ verbs.
rules.add_perm("events.open_event", is_secretariat | is_public_event | administers_an_organiser)
# Running an event (editing it, its agenda and delegations, registrations, imports, badges,
# check-in, the report) belongs to the secretariat and the admins of its organisers.
rules.add_perm("events.manage_event", is_secretariat | administers_an_organiser)
rules.add_perm("events.add_event", is_secretariat)
rules.add_perm("events.change_event", is_secretariat)
rules.add_perm("events.delete_event", is_secretariat)
rules.add_perm("events.register_for_event", rules.is_authenticated & has_institution & registration_is_open)
rules.add_perm(
    "events.open_registration",
    is_secretariat
    | is_own_registration
    | is_admin_of_registration_institution
    | heads_registration_delegation
    | administers_registration_event,
)
rules.add_perm(
    "events.manage_registration", is_secretariat | administers_registration_event | heads_registration_delegation
)
rules.add_perm("events.cancel_registration", is_secretariat | is_own_registration | heads_registration_delegation)
rules.add_perm("events.check_in", is_secretariat | administers_registration_event)
