"""Who may do what to meeting requests, meetings and schedules; registered with django-rules.

Rules named like Django's model permissions (add_/change_/delete_/view_<model>) are also asked by
the admin, so only secretariat-only rules would take those names; these use open_/run_/answer_
verbs.
"""

import rules

from events.models import Registration
from events.permissions import administers_an_organiser
from institutions.permissions import active_institution_ids, is_secretariat


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


@rules.predicate
def administers_a_meeting_institution(user, meeting) -> bool:
    if meeting is None or not user.is_authenticated:
        return False
    request = meeting.request
    institutions = {request.requester.institution_id, request.recipient_institution_id}
    if request.recipient_id:
        institutions.add(request.recipient.institution_id)
    return bool(institutions & active_institution_ids(user, admin_only=True))


rules.add_perm("matchmaking.open_meeting", is_secretariat | takes_part_in_meeting | administers_a_meeting_institution)


# --- Matchmaking: running the scheduler --------------------------------------------------------
# The organisers' admins run their own sessions' schedules, like the rest of their event; the
# rule is asked with a session.
@rules.predicate
def administers_session_event(user, session) -> bool:
    return session is not None and administers_an_organiser(user, session.event)


rules.add_perm("matchmaking.run_scheduler", is_secretariat | administers_session_event)


# --- Meeting requests (matchmaking/requests.py, matchmaking/views_requests.py) ----------------------------


@rules.predicate
def answers_meeting_request(user, meeting_request) -> bool:
    """The user is the request's recipient, or an approved participant of its recipient institution."""
    if meeting_request is None or not user.is_authenticated:
        return False
    registrations = Registration.objects.filter(
        user=user, event_id=meeting_request.session.event_id, status=Registration.Status.APPROVED
    )
    if meeting_request.recipient_id:
        return registrations.filter(pk=meeting_request.recipient_id).exists()
    return registrations.filter(institution_id=meeting_request.recipient_institution_id).exists()


@rules.predicate
def sent_meeting_request(user, meeting_request) -> bool:
    return meeting_request is not None and user.is_authenticated and meeting_request.requester.user_id == user.pk


rules.add_perm("matchmaking.answer_meeting_request", answers_meeting_request)
rules.add_perm("matchmaking.withdraw_meeting_request", sent_meeting_request)
