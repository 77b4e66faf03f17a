"""The API matrix's entries for api/views_participant.py (a participant's registrations, requests, agenda).

Every token reaches its own person's lists (tokens bound to an institution the person left see
nothing through it); another person's registration or request answers 404, read tokens 403 on
writes. In the world, the participant (read token) has an approved registration with a pending
request from X and an accepted meeting with B's admin, who is registered too; A's admin and the
secretariat are not registered.
"""

from tests.api.matrix import row


def request_ab(w) -> int:
    return w.meeting_ab.request_id


MATRIX = {
    # visitor participant admin_a_read admin_a_write admin_b secretariat expired revoked removed
    "api:my_registrations": (
        row("UNAUTH OK OK OK OK OK UNAUTH UNAUTH OK"),
        # A's admin registers for A (the token's institution); B's admin is registered already;
        # the secretariat belongs to no institution; K's token acts for an institution left.
        row(
            "UNAUTH FORBIDDEN FORBIDDEN CREATED CONFLICT BAD UNAUTH UNAUTH BAD",
            method="POST",
            data=lambda w: {"event": w.event.slug},
        ),
    ),
    "api:my_registration": (
        row(
            "UNAUTH OK NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.reg_participant.pk],
        ),
        row("UNAUTH NOT_FOUND NOT_FOUND NOT_FOUND OK NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: [w.reg_admin_b.pk]),
    ),
    "api:my_registration_cancel": (
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.reg_participant.pk],
            method="POST",
        ),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND OK NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.reg_admin_b.pk],
            method="POST",
        ),
        row(
            "UNAUTH METHOD METHOD METHOD METHOD METHOD UNAUTH UNAUTH METHOD",
            lambda w: [w.reg_admin_b.pk],
        ),
    ),
    "api:my_meeting_requests": (
        row("UNAUTH OK OK OK OK OK UNAUTH UNAUTH OK"),
        # B's admin asks Y's institution; the others have no approved registration to ask from.
        row(
            "UNAUTH FORBIDDEN FORBIDDEN BAD CREATED BAD UNAUTH UNAUTH BAD",
            method="POST",
            data=lambda w: {"session": w.session.pk, "institution": w.inst_y.slug},
        ),
    ),
    "api:my_meeting_request": (
        row(
            "UNAUTH OK NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.request_to_participant.pk],
        ),
        row("UNAUTH OK NOT_FOUND NOT_FOUND OK NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: [request_ab(w)]),
    ),
    "api:my_meeting_request_accept": (
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.request_to_participant.pk],
            method="POST",
            data=lambda w: {},
        ),
        # B's admin accepted it already: the same state again.
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND OK NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [request_ab(w)],
            method="POST",
            data=lambda w: {},
        ),
    ),
    "api:my_meeting_request_decline": (
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.request_to_participant.pk],
            method="POST",
        ),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND CONFLICT NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [request_ab(w)],
            method="POST",
        ),
    ),
    "api:my_meeting_request_withdraw": (
        # Sent by X: the participant received it, and only its sender may withdraw it.
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.request_to_participant.pk],
            method="POST",
        ),
        # The participant's request to B's admin was accepted: it can no longer be withdrawn.
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [request_ab(w)],
            method="POST",
        ),
    ),
    "api:my_agenda": row(
        "UNAUTH OK NOT_FOUND NOT_FOUND OK NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: [w.event.slug]
    ),
}
