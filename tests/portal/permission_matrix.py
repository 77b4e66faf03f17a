"""The permission matrix: what every role gets from every URL pattern of the project.

One entry per URL pattern (its name, namespaces included; the route for the few unnamed
ones), written as one line::

    "events:detail": row("OK OK OK OK OK OK", event),

A pattern may also have a tuple of such entries, to request it with several objects (a
published and a draft event, one's own MoU and an unrelated one). The six outcomes are for the roles in ``ROLES`` order: visitor, participant (member of A),
admin of A, admin of B, organiser admin (admin of O, which organises the event) and
secretariat. The second argument builds the URL's arguments from the world (a function of
``World``, so the objects are real). Outcomes:

- ``OK``: 200, and no private marker the role may not see is on the page or its htmx partial
- ``LOGIN``: a redirect to a login page (the portal's or the admin's)
- ``NOT_FOUND``: 404; another institution's private object is always 404, never 403
- ``FORBIDDEN``: 403; only for one's own object with an action not allowed, or non-object pages
- ``REDIRECT``: a redirect elsewhere
- ``BAD``: 400 (a token or input the view refuses)
- ``METHOD``: 405 to a GET; the entry then also says, in ``post=``, what an empty POST gets
  for each role; ``-`` marks the roles allowed to act, whose POST is not sent. Every other
  POST must be refused and change nothing in the database.

``allow="marker ..."`` lets every role see those private markers on a page whose URL is itself
the capability (a personal link from an email shows its owner's data to whoever holds it).

The Django admin is covered by rules per pattern group (``ADMIN_RULES``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from core.admin import KeptByThePortalAdmin
from portal.receivers import SECRETARIAT_APPS
from tests.portal.matrix_world import ROLES, World

OUTCOMES = {"OK", "LOGIN", "NOT_FOUND", "FORBIDDEN", "REDIRECT", "BAD", "METHOD", "-"}


@dataclass(frozen=True)
class Entry:
    get: tuple[str, ...]
    args: Callable[[World], list] | None = None
    post: tuple[str, ...] | None = None
    query: Callable[[World], str] | str = ""
    # Markers every role may see on this page, because the URL itself is the capability
    # (a personal link from an email): the page shows what its owner may see.
    allow: frozenset[str] = frozenset()


def row(
    get: str,
    args: Callable[[World], list] | None = None,
    *,
    post: str = "",
    query: Callable[[World], str] | str = "",
    allow: str = "",
) -> Entry:
    get_outcomes = tuple(get.split())
    post_outcomes = tuple(post.split()) if post else None
    for outcomes in filter(None, [get_outcomes, post_outcomes]):
        assert len(outcomes) == len(ROLES), f"{outcomes}: one outcome per role in {ROLES}"
        assert set(outcomes) <= OUTCOMES, f"{outcomes}: outcomes are {sorted(OUTCOMES)}"
    assert ("METHOD" in get_outcomes) <= (post_outcomes is not None), f"{get}: a 405 needs post=..."
    return Entry(get_outcomes, args, post_outcomes, query, frozenset(allow.split()))


# Argument builders, named for what they point at.
def inst_a(w):
    return [w.inst_a.slug]


def inst_b(w):
    return [w.inst_b.slug]


def event(w):
    return [w.event.slug]


def draft_event(w):
    return [w.event_draft.slug]


def mou_a(w):
    return [w.mou_private_a.pk]


def mou_draft(w):
    return [w.mou_draft.pk]


def mou_unrelated(w):
    return [w.mou_unrelated.pk]


def session(w):
    return [w.event.slug, w.session.pk]


# A pattern may list several entries, to request it with several objects.
MATRIX: dict[str, Entry | tuple[Entry, ...]] = {
    # portal
    "home": row("OK OK OK OK OK OK"),
    "dashboard": row("LOGIN OK OK OK OK OK"),
    "dashboard_partners": row("LOGIN OK OK OK OK OK"),
    "dashboard_funnel": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "preferences": row("LOGIN OK OK OK OK OK"),
    # API tokens (api.services): a person creates and revokes their own; an empty POST names
    # no token of theirs (404).
    "api_token_create": row("LOGIN METHOD METHOD METHOD METHOD METHOD", post="LOGIN - - - - -"),
    "api_token_revoke": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND"
    ),
    "privacy": row("OK OK OK OK OK OK"),
    "account_data": row("LOGIN OK OK OK OK OK"),
    "account_delete": row("LOGIN OK OK OK OK OK"),
    "activity": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "activity_export": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "mfa_required": row("LOGIN OK OK OK OK OK"),
    "mfa_list_webauthn": row("LOGIN OK OK OK OK OK"),
    "mfa_add_webauthn": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "mfa_reauthenticate_webauthn": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "mfa_login_webauthn": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    # Keys are looked up among the person's own only after the password is entered again, so
    # everyone signed in is first sent to re-authenticate, whoever's key the number names
    # (tests/portal/test_mfa.py: another person's key then answers 404).
    "mfa_edit_webauthn": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT", lambda w: [w.secretariat_totp.pk]),
    "mfa_remove_webauthn": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT", lambda w: [w.secretariat_totp.pk]),
    "set_language": row("METHOD METHOD METHOD METHOD METHOD METHOD", post="- - - - - -"),
    "healthz": row("OK OK OK OK OK OK"),
    "readyz": row("OK OK OK OK OK OK"),
    "robots.txt": row("OK OK OK OK OK OK"),
    "outbox": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "outbox_retry": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.outbox_row.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -",
    ),
    "outbox_retry_all": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -"
    ),
    "email_unsubscribe": row("OK OK OK OK OK OK", lambda w: [w.unsubscribe_token]),
    # webhooks (api.webhooks_views): A's are its admins', the secretariat's its own; 404 to anyone else.
    "webhooks:secretariat": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "webhooks:institution": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND NOT_FOUND", inst_a),
        row("LOGIN NOT_FOUND NOT_FOUND OK NOT_FOUND NOT_FOUND", inst_b),
    ),
    "webhooks:endpoint": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND NOT_FOUND", lambda w: [w.webhook_a.pk]),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", lambda w: [w.webhook_secretariat.pk]),
    ),
    "webhooks:secret": (
        row(
            "LOGIN METHOD METHOD METHOD METHOD METHOD",
            lambda w: [w.webhook_a.pk],
            post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND NOT_FOUND",
        ),
        row(
            "LOGIN METHOD METHOD METHOD METHOD METHOD",
            lambda w: [w.webhook_secretariat.pk],
            post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -",
        ),
    ),
    "webhooks:delete": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.webhook_a.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND NOT_FOUND",
    ),
    "webhooks:test": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.webhook_secretariat.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -",
    ),
    "webhooks:send_again": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.webhook_a.pk, w.webhook_delivery_a.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND NOT_FOUND",
    ),
    # allauth
    "account_login": row("OK REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "account_logout": row("REDIRECT OK OK OK OK OK"),
    "account_inactive": row("OK OK OK OK OK OK"),
    "account_signup": row("OK REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "account_reauthenticate": row("LOGIN OK OK OK OK OK"),
    "account_email": row("LOGIN OK OK OK OK OK"),
    "account_email_verification_sent": row("OK OK OK OK OK OK"),
    "account_change_password": row("LOGIN OK OK OK OK OK"),
    "account_set_password": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "account_reset_password": row("OK OK OK OK OK OK"),
    "account_confirm_login_code": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "account_confirm_email": row("OK OK OK OK OK OK", lambda w: ["not-a-key"]),
    "account_reset_password_from_key_done": row("OK OK OK OK OK OK"),
    "account_reset_password_from_key": row("OK OK OK OK OK OK", lambda w: ["1", "not-a-key"]),
    "account_reset_password_done": row("OK OK OK OK OK OK"),
    "mfa_index": row("LOGIN OK OK OK OK OK"),
    "mfa_authenticate": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "mfa_reauthenticate": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT OK"),
    "mfa_activate_totp": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "mfa_deactivate_totp": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND REDIRECT"),
    "mfa_view_recovery_codes": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND"),
    "mfa_generate_recovery_codes": row("LOGIN REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT"),
    "mfa_download_recovery_codes": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND"),
    # institutions
    "institutions:welcome": row("LOGIN OK OK OK OK OK"),
    "institutions:create": row("LOGIN OK OK OK OK OK"),
    "institutions:join": row("LOGIN OK OK REDIRECT OK OK", inst_b),
    "institutions:join_requests": row("LOGIN NOT_FOUND OK OK OK OK"),
    "institutions:join_request_approve": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.join_request.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "institutions:join_request_reject": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.join_request.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "institutions:verification": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", inst_a, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -"
    ),
    "institutions:import_upload": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    # The secretariat's own import job: nobody else opens it.
    "institutions:import_preview": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", lambda w: [w.import_institutions.pk]
    ),
    "institutions:import_rejected": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", lambda w: [w.import_institutions.pk]
    ),
    "institutions:partners": row("LOGIN OK OK OK OK OK"),
    "institutions:shortlist": row("LOGIN OK OK OK OK OK"),
    "institutions:shortlist_add": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", lambda w: [w.inst_k.pk], post="LOGIN - - - - -"
    ),
    "institutions:shortlist_remove": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", lambda w: [w.inst_b.pk], post="LOGIN - - - - -"
    ),
    "institutions:shortlist_note": row(
        "LOGIN OK NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", lambda w: [w.shortlist_entry.pk]
    ),
    "institutions:invitation_accept": row(
        "LOGIN OK OK OK OK OK", lambda w: [w.invitation.token], allow="invitation_token"
    ),
    "institutions:edit": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", inst_a),
        row("LOGIN NOT_FOUND NOT_FOUND OK NOT_FOUND OK", inst_b),
    ),
    "institutions:edit_row": row(
        "LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", lambda w: [w.inst_a.slug, "offers"], query="offers-TOTAL_FORMS=1"
    ),
    "institutions:edit_row_removed": row(
        "LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", lambda w: [w.inst_a.slug, "offers"], query="prefix=offers-1"
    ),
    "institutions:members": row("LOGIN OK OK NOT_FOUND NOT_FOUND OK", inst_a),
    "institutions:member_invite": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", inst_a, post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -"
    ),
    "institutions:member_job_title": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", inst_a, post="LOGIN - - NOT_FOUND NOT_FOUND NOT_FOUND"
    ),
    "institutions:member_role": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_a.slug, w.participant_membership.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "institutions:member_remove": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_a.slug, w.participant_membership.pk],
        post="LOGIN - - NOT_FOUND NOT_FOUND -",
    ),
    "institutions:invitation_revoke": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_a.slug, w.invitation.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "institutions:contact": row("LOGIN OK OK REDIRECT OK OK", inst_b),
    # Alliance O's members: managed by its admin (the organiser) and the secretariat.
    "institutions:alliance_members": (
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.inst_o.slug]),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", inst_a),
    ),
    "institutions:alliance_member_candidates": (
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.inst_o.slug]),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", inst_a),
    ),
    "institutions:alliance_member_add": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_o.slug],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "institutions:alliance_request_decide": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_o.slug, w.alliance_request.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "institutions:alliance_member_change": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_o.slug, w.alliance_member.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "institutions:alliance_member_end": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_o.slug, w.alliance_member.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    # Asking to join: the admins of an institution other than the alliance.
    "institutions:alliance_join": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_o.slug],
        post="LOGIN NOT_FOUND - - NOT_FOUND NOT_FOUND",
    ),
    "institutions:list": row("OK OK OK OK OK OK", query="q=Matrix"),
    "institutions:export_csv": row("LOGIN OK OK OK OK OK"),
    "institutions:export_xlsx": row("LOGIN OK OK OK OK OK"),
    "institutions:detail": (
        row("OK OK OK OK OK OK", inst_a),
        row("OK OK OK OK OK OK", lambda w: [w.inst_x.slug]),
    ),
    # Shared courses: the catalogue and a published course are public; an unpublished one is
    # its institution's and the secretariat's. Writes are the course institution's admins'
    # (answers too); a request is made and withdrawn by the requesting institution's admins.
    "institutions:course_list": row("OK OK OK OK OK OK", query="q=Matrix&format=on_site"),
    "institutions:course_detail": (
        row("OK OK OK OK OK OK", lambda w: [w.course_a.pk]),
        row("NOT_FOUND NOT_FOUND NOT_FOUND OK NOT_FOUND OK", lambda w: [w.course_hidden_b.pk]),
    ),
    "institutions:course_request": (
        row(
            "LOGIN METHOD METHOD METHOD METHOD METHOD",
            lambda w: [w.course_a.pk],
            post="LOGIN NOT_FOUND NOT_FOUND - - NOT_FOUND",
        ),
        row(
            "LOGIN METHOD METHOD METHOD METHOD METHOD",
            lambda w: [w.course_hidden_b.pk],
            post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND",
        ),
    ),
    "institutions:course_requests": row("LOGIN NOT_FOUND OK OK OK OK"),
    "institutions:course_request_decide": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.course_request.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "institutions:course_request_withdraw": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.course_request.pk],
        post="LOGIN NOT_FOUND NOT_FOUND - NOT_FOUND -",
    ),
    "institutions:course_manage": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", inst_a),
        row("LOGIN NOT_FOUND NOT_FOUND OK NOT_FOUND OK", inst_b),
    ),
    "institutions:course_create": row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", inst_a),
    "institutions:course_edit": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", lambda w: [w.inst_a.slug, w.course_a.pk]),
        row("LOGIN NOT_FOUND NOT_FOUND OK NOT_FOUND OK", lambda w: [w.inst_b.slug, w.course_hidden_b.pk]),
        # A's course under B's address: no such course of B.
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", lambda w: [w.inst_b.slug, w.course_a.pk]),
    ),
    "institutions:course_publish": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_a.slug, w.course_a.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "institutions:course_delete": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.inst_a.slug, w.course_a.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    # events
    "events:new": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "events:manage": (
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", draft_event),
    ),
    "events:manage_edit": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:manage_status": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "events:manage_sessions": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:manage_session_new": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:manage_session_edit": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.plenary.pk]
    ),
    "events:manage_session_delete": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.plenary.pk]
    ),
    "events:manage_delegations": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:manage_delegation_new": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:manage_delegation_edit": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.delegation.pk]
    ),
    "events:manage_delegation_delete": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.delegation.pk]
    ),
    "events:mine": row("LOGIN OK OK OK OK OK"),
    "events:register": (
        row("LOGIN REDIRECT OK REDIRECT OK REDIRECT", event),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND REDIRECT REDIRECT", draft_event),
    ),
    "events:cancel_registration": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    "events:my_delegation": row("LOGIN OK NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", event),
    "events:registrations": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:registrations_bulk_approve": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "events:registrations_export_csv": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:registrations_export_xlsx": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:registration_action": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.reg_pending.pk, "approve"],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "matchmaking:my_agenda": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    "matchmaking:my_agenda_ics": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    # A table sign's QR code: the signed-in person's own meeting at that table, for registrants only.
    "matchmaking:table_meeting": row(
        "LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", lambda w: [w.event.slug, w.session.pk, 1]
    ),
    # Both sides of the meeting, and the event's organisers and the secretariat; nobody else.
    "matchmaking:meeting_attendance": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.meeting_ab.pk],
        post="LOGIN - NOT_FOUND - - -",
    ),
    # A person's agenda as a calendar feed: the URL is the capability (a calendar app cannot sign
    # in), so everyone holding it gets the participant's feed. It holds no marker: the request's
    # message stays out of feeds. An unknown (or renewed, or revoked) token is 404 for everyone.
    "calendar_feed": (
        row("OK OK OK OK OK OK", lambda w: [w.calendar_feed_token], allow=""),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", lambda w: ["0" * 50]),
    ),
    # Creating, resetting or turning off one's own feed link: everyone signed in, for themselves.
    "calendar_feed_renew": row("LOGIN METHOD METHOD METHOD METHOD METHOD", post="LOGIN - - - - -"),
    "calendar_feed_revoke": row("LOGIN METHOD METHOD METHOD METHOD METHOD", post="LOGIN - - - - -"),
    "events:calendar_feed": (
        row("OK OK OK OK OK OK", event),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", draft_event),
    ),
    "events:calendar_ics": (
        row("OK OK OK OK OK OK", event),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK OK", draft_event),
    ),
    "events:import": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    # The organiser's import job: the organiser and the secretariat open it, nobody else.
    "events:import_preview": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.import_participants.pk]
    ),
    # Its rows with errors: the same people download them.
    "events:import_rejected": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.import_participants.pk]
    ),
    "events:badges": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:my_badge": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    "events:checkin": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:checkin_token": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "events:checkin_scan": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.reg_x.badge_token]
    ),
    "events:checkin_registration": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.reg_x.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "events:checkin_counts": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:survey_table": row("OK OK OK OK OK OK", lambda w: [w.table.token]),
    "events:survey_answer": row("OK OK OK OK OK OK", lambda w: [w.reg_participant.survey_token]),
    "events:survey_manage": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:survey_create": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "events:survey_settings": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "events:survey_status": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "events:survey_question_new": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:survey_question_edit": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.question.pk]
    ),
    "events:survey_question_delete": row(
        "LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", lambda w: [w.event.slug, w.question.pk]
    ),
    "events:survey_question_move": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.question.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "events:survey_tables_add": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "events:survey_table_delete": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.table.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "events:survey_table_cards": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:survey_results": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "events:contact_add": row("LOGIN OK OK OK OK OK", lambda w: [w.reg_y.contact_token]),
    "events:my_contacts": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    "events:contact_scan": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", event, post="LOGIN - NOT_FOUND - NOT_FOUND NOT_FOUND"
    ),
    "events:contact_remove": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.contact.pk],
        post="LOGIN - NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND",
    ),
    "events:contacts_vcf": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    "events:contacts_csv": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    "matchmaking:report": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "matchmaking:report_pdf": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "matchmaking:request_new": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", query=lambda w: f"person={w.reg_y.pk}"),
    "matchmaking:request_answer": row("OK OK OK OK OK OK", lambda w: [w.request_answer_token], allow="request_message"),
    "matchmaking:participants": (
        row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", draft_event),
    ),
    "matchmaking:my_meetings": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    "matchmaking:request_accept": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.request_to_participant.pk],
        post="LOGIN - NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND",
    ),
    "matchmaking:request_decline": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.request_to_participant.pk],
        post="LOGIN - NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND",
    ),
    "matchmaking:request_cancel": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.request_to_participant.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND",
    ),
    "matchmaking:slot_toggle": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.slots[1].pk],
        post="LOGIN - NOT_FOUND - NOT_FOUND NOT_FOUND",
    ),
    "matchmaking:matchmaking": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", session),
    "matchmaking:matchmaking_slots": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", session, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "matchmaking:matchmaking_run": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", session, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -"
    ),
    "matchmaking:matchmaking_review": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", session),
    "matchmaking:matchmaking_publish": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", session),
    "matchmaking:matchmaking_sheet_tables": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", session),
    "matchmaking:matchmaking_sheet_slots": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", session),
    "matchmaking:matchmaking_room": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", session),
    "matchmaking:matchmaking_attendance": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", session),
    "matchmaking:matchmaking_mark": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.session.pk, w.meeting_xy.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "matchmaking:follow_up_opt_out": row("OK OK OK OK OK OK", lambda w: [w.follow_up_ab.token]),
    "matchmaking:follow_up_answer": row("OK OK OK OK OK OK", lambda w: [w.follow_up_ab.token, "mou_signed"]),
    "matchmaking:meeting_outcome": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.meeting_ab.pk],
        post="LOGIN - NOT_FOUND - NOT_FOUND NOT_FOUND",
    ),
    "matchmaking:my_meeting_outcomes": row("LOGIN OK NOT_FOUND OK NOT_FOUND NOT_FOUND", event),
    # The organisers' MoU picker must not list private MoUs they cannot open.  # fixed in form choices
    "matchmaking:manage_follow_ups": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND OK OK", event),
    "matchmaking:manage_follow_up_mou": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.event.slug, w.meeting_xy.pk],
        post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND - -",
    ),
    "events:list": row("OK OK OK OK OK OK"),
    "events:detail": (
        row("OK OK OK OK OK OK", event),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK OK", draft_event),
    ),
    # mous
    "mous:new": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    # The meeting and session choices must not show draft events.  # fixed in form choices
    "mous:propose": row("LOGIN NOT_FOUND OK OK OK NOT_FOUND"),
    "mous:proposals": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "mous:to_log": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "mous:institution_search": row("LOGIN OK OK OK OK OK", query="q=Matrix"),
    # The meeting and session choices must not show draft events.  # fixed in form choices
    "mous:edit": row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", mou_draft),
    "mous:proposal_confirm": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", mou_draft, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -"
    ),
    "mous:proposal_reject": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", mou_draft, post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -"
    ),
    "mous:ceremony": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "mous:ceremony_row": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND BAD"),
    "mous:ceremony_row_removed": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND BAD"),
    "mous:ceremony_institutions": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND BAD", query="q=Matrix"),
    "mous:ceremony_party": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND BAD"),
    "mous:ceremony_sessions": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", query=""),
    "mous:ceremony_done": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    "mous:document": (
        row("NOT_FOUND OK OK NOT_FOUND NOT_FOUND OK", mou_a),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
    ),
    "mous:document_upload": row(
        "METHOD METHOD METHOD METHOD METHOD METHOD", mou_a, post="NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -"
    ),
    "mous:document_visibility": row(
        "METHOD METHOD METHOD METHOD METHOD METHOD", mou_a, post="NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -"
    ),
    "mous:milestone_evidence": row(
        "NOT_FOUND OK OK NOT_FOUND NOT_FOUND OK", lambda w: [w.mou_private_a.pk, w.milestone.pk]
    ),
    "mous:summary_pdf": (
        row("NOT_FOUND OK OK NOT_FOUND NOT_FOUND OK", mou_a),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
    ),
    # An alliance's page is public; another institution's slug is not an alliance's page.
    "alliances:detail": (
        row("OK OK OK OK OK OK", lambda w: [w.inst_o.slug]),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND", inst_a),
    ),
    "mous:detail": (
        row("NOT_FOUND OK OK NOT_FOUND NOT_FOUND OK", mou_a),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
        row("NOT_FOUND OK OK NOT_FOUND NOT_FOUND OK", mou_draft),
        row("OK OK OK OK OK OK", lambda w: [w.mou_public.pk]),
    ),
    # Courses shared under an MoU: linked and unlinked by the parties' admins (and the
    # secretariat); a party's member who is not an admin, and everyone else, gets 404.
    "mous:course_link": (
        row("LOGIN METHOD METHOD METHOD METHOD METHOD", mou_a, post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -"),
        row(
            "LOGIN METHOD METHOD METHOD METHOD METHOD",
            mou_unrelated,
            post="LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND -",
        ),
    ),
    "mous:course_unlink": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.mou_private_a.pk, w.course_a.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "mous:status": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD", mou_a, post="LOGIN FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND -"
    ),
    "mous:terminate": row("LOGIN FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND OK", mou_a),
    "mous:renew": (
        row("LOGIN FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND OK", mou_a),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
    ),
    "mous:history": (
        row("LOGIN FORBIDDEN OK NOT_FOUND NOT_FOUND OK", mou_a),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
    ),
    "mous:milestone_add": (
        row("LOGIN OK OK NOT_FOUND NOT_FOUND OK", mou_a),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
    ),
    "mous:activity_add": row("LOGIN OK OK NOT_FOUND NOT_FOUND OK", mou_a),
    "mous:milestone_edit": row("LOGIN OK OK NOT_FOUND NOT_FOUND OK", lambda w: [w.mou_private_a.pk, w.milestone.pk]),
    "mous:exchange_add": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", mou_a),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
    ),
    "mous:exchange_edit": row(
        "LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", lambda w: [w.mou_private_a.pk, w.exchange.pk]
    ),
    "mous:exchange_delete": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.mou_private_a.pk, w.exchange.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "mous:project_add": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", mou_a),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", mou_unrelated),
    ),
    "mous:alliance_project_add": row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", lambda w: [w.alliance.pk]),
    "mous:project_detail": (
        row("NOT_FOUND OK OK NOT_FOUND NOT_FOUND OK", lambda w: [w.project_a.pk]),
        row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", lambda w: [w.project_unrelated.pk]),
        row("OK OK OK OK OK OK", lambda w: [w.alliance_project.pk]),
    ),
    "mous:project_edit": (
        row("LOGIN NOT_FOUND OK NOT_FOUND NOT_FOUND OK", lambda w: [w.project_a.pk]),
        row("LOGIN NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK", lambda w: [w.alliance_project.pk]),
    ),
    "mous:project_delete": row(
        "LOGIN METHOD METHOD METHOD METHOD METHOD",
        lambda w: [w.project_a.pk],
        post="LOGIN NOT_FOUND - NOT_FOUND NOT_FOUND -",
    ),
    "mous:registry": (row("OK OK OK OK OK OK"), row("OK OK OK OK OK OK", query="q=Memorandum")),
    "mous:registry_export_csv": row("OK OK OK OK OK OK", query="q=Memorandum"),
    "mous:registry_export_xlsx": row("OK OK OK OK OK OK"),
    "mous:statistics": row("NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK"),
    # The cooperation report (mous.reporting): the secretariat's figures of every MoU, an
    # institution admin's of its own MoUs and courses; a member who administers nothing gets 404.
    "mous:report": (row("LOGIN NOT_FOUND OK OK OK OK"), row("LOGIN NOT_FOUND BAD BAD BAD BAD", query="year_from=x")),
    "mous:report_xlsx": row("LOGIN NOT_FOUND OK OK OK OK", query="year_from=2020&year_to=2026"),
    "mous:network": row("LOGIN OK OK OK OK OK"),
}


# The Django admin: staff with the model's permissions open it, everyone else is sent to
# the admin login. The secretariat is staff and holds every permission of the portal's apps.
def _admin_object(model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"Add a {model._meta.label} to build_world() in tests/portal/matrix_world.py"
    return obj


def _admin_model(key: str):
    for model in admin.site._registry:
        if key.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    raise LookupError(key)


def _admin_secretariat_outcome(model) -> str:
    return "OK" if model._meta.app_label in SECRETARIAT_APPS else "FORBIDDEN"


@dataclass(frozen=True)
class AdminRule:
    pattern: str  # a regular expression over the pattern's key
    entry: Callable[[str], Entry]


def _model_view(key: str) -> Entry:
    model = _admin_model(key)
    outcome = _admin_secretariat_outcome(model)
    # Rows only the portal's pages write: the admin shows them, and adds and deletes none.
    if isinstance(admin.site._registry[model], KeptByThePortalAdmin) and key.endswith(("_add", "_delete")):
        outcome = "FORBIDDEN"
    if key.endswith(("_changelist", "_add")):
        return row(f"LOGIN LOGIN LOGIN LOGIN LOGIN {outcome}")
    return row(f"LOGIN LOGIN LOGIN LOGIN LOGIN {outcome}", lambda w: [_admin_object(model).pk])


def _object_redirect(key: str) -> Entry:
    app_label, model_name = key.split("/")[1:3]
    model = apps.get_model(app_label, model_name)
    return row("LOGIN LOGIN LOGIN LOGIN LOGIN REDIRECT", lambda w: [_admin_object(model).pk])


def _simple_history(key: str) -> Entry:
    model = _admin_model(key)

    def args(w):
        obj = _admin_object(model)
        return [obj.pk, obj.history.order_by("history_id").first().history_id]

    return row("LOGIN LOGIN LOGIN LOGIN LOGIN OK", args)


def _private_file(key: str) -> Entry:
    field = {"admin:mous_mou_private_file": "document", "admin:mous_milestone_private_file": "evidence_file"}[key]
    obj = "mou_private_a" if field == "document" else "milestone"
    return row("LOGIN LOGIN LOGIN LOGIN LOGIN OK", lambda w: [getattr(w, obj).pk, field])


# The first rule whose expression matches the whole key applies.
ADMIN_RULES = [
    AdminRule(r"admin:\w+_simple_history", _simple_history),
    AdminRule(r"admin:mous_(mou|milestone)_private_file", _private_file),
    AdminRule(r"admin:\w+_(changelist|add|change|delete|history)", _model_view),
    AdminRule(r"admin/\w+/\w+/<path:object_id>/", _object_redirect),
]
MATRIX.update(
    {
        "admin:index": row("LOGIN LOGIN LOGIN LOGIN LOGIN OK"),
        # Every way in goes through allauth: visitors are sent to the portal's login, and
        # signed-in people who are not staff are refused.  # fixed in auth/MFA
        "admin:login": row("LOGIN FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN REDIRECT"),
        "admin:logout": row("REDIRECT REDIRECT REDIRECT REDIRECT REDIRECT METHOD", post="- - - - - -"),
        "admin:password_change": row("LOGIN LOGIN LOGIN LOGIN LOGIN OK"),
        "admin:password_change_done": row("LOGIN LOGIN LOGIN LOGIN LOGIN OK"),
        "admin:autocomplete": row("LOGIN LOGIN LOGIN LOGIN LOGIN FORBIDDEN"),
        "admin:jsi18n": row("LOGIN LOGIN LOGIN LOGIN LOGIN OK"),
        "admin:app_list": row("LOGIN LOGIN LOGIN LOGIN LOGIN OK", lambda w: ["events"]),
        "admin:auth_user_password_change": row(
            "LOGIN LOGIN LOGIN LOGIN LOGIN FORBIDDEN", lambda w: [w.people["participant"].pk]
        ),
        "admin:view_on_site": row(
            "LOGIN LOGIN LOGIN LOGIN LOGIN REDIRECT",
            lambda w: [ContentType.objects.get_for_model(w.event).pk, w.event.pk],
        ),
        # Records kept: an event with registrations is closed, never deleted, and a signed MoU is
        # terminated; their delete pages send back with a message, and the parts of a signed MoU
        # are changed only through it (the first object of each model is the signed, public MoU's).
        "admin:events_event_delete": row("LOGIN LOGIN LOGIN LOGIN LOGIN REDIRECT", lambda w: [w.event.pk]),
        "admin:mous_mou_delete": row("LOGIN LOGIN LOGIN LOGIN LOGIN REDIRECT", lambda w: [w.mou_private_a.pk]),
        "admin:mous_milestone_delete": row("LOGIN LOGIN LOGIN LOGIN LOGIN FORBIDDEN", lambda w: [w.milestone.pk]),
        "admin:mous_mouparty_delete": row(
            "LOGIN LOGIN LOGIN LOGIN LOGIN FORBIDDEN", lambda w: [w.mou_private_a.parties.first().pk]
        ),
        # Runs of the nightly purge are written by the job alone: listed and read, never added.
        "admin:events_retentionrun_add": row("LOGIN LOGIN LOGIN LOGIN LOGIN FORBIDDEN"),
        "admin/(?P<url>.*)$": row("LOGIN LOGIN LOGIN LOGIN LOGIN NOT_FOUND", lambda w: ["no-such-page/"]),
    }
)


def pattern_key(pattern: URLPattern, namespace: str, route: str) -> str:
    if pattern.name is None:
        return route
    return f"{namespace}:{pattern.name}" if namespace else pattern.name


def url_patterns(resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""):
    """Yield (key, route) for every URL pattern of the project, namespaces included."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, inner, route)
        else:
            yield pattern_key(pattern, namespace, route), route


def entries_for(key: str) -> tuple[Entry, ...]:
    """The entries that say what each role gets from the pattern ``key``; none if it has none."""
    if key in MATRIX:
        entries = MATRIX[key]
        return entries if isinstance(entries, tuple) else (entries,)
    for rule in ADMIN_RULES:
        if re.fullmatch(rule.pattern, key):
            return (rule.entry(key),)
    return ()


def missing_entry_hint(key: str, route: str) -> str:
    return f'    "{key}": row("<one outcome for each of: {" ".join(ROLES)}>", lambda w: [...]),  # {route}'
