"""The API matrix's entries for api/views_public.py (public reads)."""

from tests.api.matrix import row

# Everyone, but a call with an unusable token (expired, revoked): 401.
PUBLIC = "OK OK OK OK OK OK UNAUTH UNAUTH OK"

MATRIX = {
    "api:root": row(PUBLIC),
    "api:events": (row(PUBLIC), row(PUBLIC, query="when=upcoming&kind=workshop&country=TH")),
    "api:event": (
        row(PUBLIC, lambda w: [w.event.slug]),
        # A draft: its organisers' and the secretariat's (no token role organises it).
        row(
            "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.event_draft.slug],
        ),
        row(
            "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: ["no-such"]
        ),
    ),
    "api:institutions": (
        row(PUBLIC),
        row(PUBLIC, query="q=matrix&country=ASEAN&verified=on"),
        row("BAD BAD BAD BAD BAD BAD UNAUTH UNAUTH BAD", query="kind=spaceship"),
        # The sort by fit: for a token acting for an institution, as on the page.
        row("BAD OK OK OK OK BAD UNAUTH UNAUTH BAD", query="sort=fit"),
    ),
    "api:institution": (row(PUBLIC, lambda w: [w.inst_a.slug]), row(PUBLIC, lambda w: [w.inst_b.slug])),
    "api:taxonomies": row(PUBLIC),
    "api:mous": (
        row(PUBLIC),
        row(PUBLIC, query="q=memorandum&country=KH"),
        row("BAD BAD BAD BAD BAD BAD UNAUTH UNAUTH BAD", query="year=17"),
    ),
    "api:mou": (
        row(PUBLIC, lambda w: [w.mou_public.pk]),
        # Private, with A as party: A's people and the secretariat; not a token bound to K, which
        # its person (A's admin) has left: it reads as a member of K alone.
        row("NOT_FOUND OK OK OK NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND", lambda w: [w.mou_private_a.pk]),
        row("NOT_FOUND OK OK OK NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND", lambda w: [w.mou_draft.pk]),
        row(
            "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND OK UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.mou_unrelated.pk],
        ),
    ),
    "api:statistics": row(PUBLIC),
}
