"""The API matrix's entries for api/views_secretariat.py (running events, the MoU registry).

In the world, the published event ``mekong-matrix`` and the draft ``quartz-draft`` are organised
by O, whose admin has no token role: of the token roles only the secretariat runs them. Everyone
else gets 403 on what they may see (the published event, their own registration, an MoU they
are party to or that is public) and 404 on the rest; a read token is refused any write (403)
before its object is looked up.
"""

from tests.api.matrix import row

# Roles: visitor participant admin_a_read admin_a_write admin_b secretariat expired revoked removed


def event(w):
    return [w.event.slug]


def draft(w):
    return [w.event_draft.slug]


def reg(name):
    return lambda w: [w.event.slug, w.objects[name].pk]


def mou(name):
    return lambda w: [w.objects[name].pk]


def job(w):
    return [w.event.slug, w.import_participants.pk]


def event_data(w):
    return {
        "title": "Matrix Forum",
        "city": "Vientiane",
        "country": "LA",
        "start_date": "2027-03-01",
        "end_date": "2027-03-02",
        "organisers": [w.inst_o.pk],
    }


def mou_data(w):
    return {
        "title": "Matrix agreement",
        "status": "signed",
        "signed_on": "2026-11-20",
        "parties": [{"institution": w.inst_a.pk}, {"institution": w.inst_b.pk}],
    }


def ceremony_data(w):
    return {
        "signed_on": "2026-11-21",
        "event": w.event.pk,
        "mous": [{"title": "Matrix ceremony MoU", "parties": [w.inst_a.pk, w.inst_b.pk]}],
    }


# Reading what one runs: a public object is 403 to those who do not run it, a private one 404.
SEE_PUBLIC = "UNAUTH FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN OK UNAUTH UNAUTH FORBIDDEN"
SEE_PRIVATE = "UNAUTH NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND"


def write_public(ok: str) -> str:
    return f"UNAUTH FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN {ok} UNAUTH UNAUTH FORBIDDEN"


def write_private(ok: str) -> str:
    return f"UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND {ok} UNAUTH UNAUTH NOT_FOUND"


def write_party(ok: str) -> str:
    """A write on an object of A (a registration for A, an MoU A is party to): A's admin sees it."""
    return f"UNAUTH FORBIDDEN FORBIDDEN FORBIDDEN NOT_FOUND {ok} UNAUTH UNAUTH NOT_FOUND"


MATRIX = {
    "api:manage-event-list": (
        # Everyone with a token may ask; the list holds what they run (nothing but for the secretariat).
        row("UNAUTH OK OK OK OK OK UNAUTH UNAUTH OK"),
        row(write_public("CREATED"), method="POST", data=event_data),
    ),
    "api:manage-event-detail": (
        row(SEE_PUBLIC, event),
        row(SEE_PRIVATE, draft),
        row(write_public("OK"), event, method="PATCH", data=lambda w: {"title": "Renamed"}),
        row(write_private("OK"), draft, method="PATCH", data=lambda w: {"capacity": 10}),
        row("UNAUTH FORBIDDEN FORBIDDEN METHOD METHOD METHOD UNAUTH UNAUTH METHOD", event, method="DELETE"),
    ),
    "api:manage-event-status": (
        row(write_public("OK"), event, method="POST", data=lambda w: {"status": "closed"}),
        row(write_private("OK"), draft, method="POST", data=lambda w: {"status": "published"}),
        # Back to draft is refused once people registered.
        row(write_public("CONFLICT"), event, method="POST", data=lambda w: {"status": "draft"}),
        row("UNAUTH METHOD METHOD METHOD METHOD METHOD UNAUTH UNAUTH METHOD", event),
    ),
    "api:manage-registration-list": (
        row(SEE_PUBLIC, event),
        row(SEE_PRIVATE, draft),
        row(SEE_PUBLIC, event, query="status=pending&country=KH"),
    ),
    "api:manage-registration-bulk-approve": (
        row(write_public("OK"), event, method="POST", data=lambda w: {"ids": [w.reg_pending.pk]}),
        row(write_public("BAD"), event, method="POST", data=lambda w: {"ids": [w.reg_pending.pk, 10**9]}),
    ),
    # One's own registration, or one of the institution the token acts for: 403; others' 404.
    "api:manage-registration-detail": (
        row("UNAUTH FORBIDDEN FORBIDDEN FORBIDDEN NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND", reg("reg_participant")),
        row(SEE_PRIVATE, reg("reg_x")),
        row("UNAUTH NOT_FOUND NOT_FOUND NOT_FOUND FORBIDDEN OK UNAUTH UNAUTH NOT_FOUND", reg("reg_admin_b")),
    ),
    "api:manage-registration-approve": (
        row(write_party("OK"), reg("reg_pending"), method="POST"),
        row(write_party("CONFLICT"), reg("reg_participant"), method="POST"),  # already approved
    ),
    "api:manage-registration-reject": row(write_party("OK"), reg("reg_pending"), method="POST"),
    "api:manage-registration-cancel": row(
        "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND FORBIDDEN OK UNAUTH UNAUTH NOT_FOUND", reg("reg_admin_b"), method="POST"
    ),
    "api:manage-registration-role": (
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND",
            reg("reg_x"),
            method="POST",
            data=lambda w: {"role": "speaker"},
        ),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND BAD UNAUTH UNAUTH NOT_FOUND",
            reg("reg_x"),
            method="POST",
            data=lambda w: {"role": "king"},
        ),
    ),
    # Sent as JSON here, so without the file: the secretariat is told it is missing.
    "api:manage-import-create": row(write_public("BAD"), event, method="POST", data=lambda w: {}),
    "api:manage-import-detail": (row(SEE_PUBLIC, job),),
    # The world's job is done: it cannot be committed again.
    "api:manage-import-commit": row(write_public("CONFLICT"), job, method="POST", data=lambda w: {}),
    "api:manage-mou-create": (
        row(write_public("CREATED"), method="POST", data=mou_data),
        row(write_public("BAD"), method="POST", data=lambda w: {**mou_data(w), "signed_on": None}),
        row("UNAUTH METHOD METHOD METHOD METHOD METHOD UNAUTH UNAUTH METHOD"),
    ),
    "api:manage-mou-ceremony": (
        row(write_public("CREATED"), method="POST", data=ceremony_data),
        row(
            write_public("BAD"),
            method="POST",
            data=lambda w: {**ceremony_data(w), "mous": [{"title": "Alone", "parties": [w.inst_a.pk, w.inst_a.pk]}]},
        ),
    ),
    # A's members may open the MoUs A is party to (403); B's admin and the token for K may not (404).
    "api:manage-mou-detail": (
        row("UNAUTH FORBIDDEN FORBIDDEN FORBIDDEN NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND", mou("mou_private_a")),
        row("UNAUTH FORBIDDEN FORBIDDEN FORBIDDEN NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND", mou("mou_draft")),
        row(SEE_PUBLIC, mou("mou_public")),
        row(SEE_PRIVATE, mou("mou_unrelated")),
        row(write_party("OK"), mou("mou_private_a"), method="PATCH", data=lambda w: {"summary": "Changed"}),
        row(write_private("OK"), mou("mou_unrelated"), method="PATCH", data=lambda w: {"summary": "Changed"}),
    ),
    "api:manage-mou-status": (
        row(write_public("OK"), mou("mou_public"), method="POST", data=lambda w: {"status": "active"}),
        row(write_party("CONFLICT"), mou("mou_private_a"), method="POST", data=lambda w: {"status": "expired"}),
        row(
            write_private("OK"),
            mou("mou_unrelated"),
            method="POST",
            data=lambda w: {"status": "terminated", "reason": "Ended"},
        ),
    ),
}
