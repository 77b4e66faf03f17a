"""Who may do what to events, registrations and meetings; registered with django-rules."""

import rules
from django.utils import timezone

from institutions.permissions import has_institution, is_institution_admin, is_secretariat


@rules.predicate
def is_public_event(user, event) -> bool:
    return event is not None and event.status in ("published", "closed")


@rules.predicate
def registration_is_open(user, event) -> bool:
    if event is None or event.status != "published":
        return False
    now = timezone.now()
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    return not (event.registration_closes_at and now >= event.registration_closes_at)


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


@rules.predicate
def takes_part_in_meeting(user, meeting) -> bool:
    if meeting is None or not user.is_authenticated:
        return False
    request = meeting.request
    people = {request.requester.user_id}
    if request.recipient_id:
        people.add(request.recipient.user_id)
    people.update(meeting.sharers.values_list("user_id", flat=True))
    return user.pk in people


rules.add_perm("events.view_event", is_secretariat | is_public_event)
rules.add_perm("events.add_event", is_secretariat)
rules.add_perm("events.change_event", is_secretariat)
rules.add_perm("events.delete_event", is_secretariat)
rules.add_perm("events.register_for_event", rules.is_authenticated & has_institution & registration_is_open)
rules.add_perm(
    "events.view_registration",
    is_secretariat | is_own_registration | is_admin_of_registration_institution | heads_registration_delegation,
)
rules.add_perm("events.change_registration", is_secretariat | heads_registration_delegation)
rules.add_perm("events.cancel_registration", is_secretariat | is_own_registration | heads_registration_delegation)
rules.add_perm("events.check_in", is_secretariat)
rules.add_perm("events.view_meeting", is_secretariat | takes_part_in_meeting)
rules.add_perm("events.run_scheduler", is_secretariat)
