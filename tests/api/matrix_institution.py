"""The API matrix's entries for api/views_institution.py (an institution admin's profile, offers, needs).

Only a token bound to the institution, of a person still its admin, reaches them: A's member,
B's admin, the secretariat (bound to none) and the token of the institution A's admin left get
404; read tokens 403 on writes.
"""

from institutions.models import Need, Offer
from tests.api.matrix import row


def offer_a(w) -> Offer:
    return Offer.objects.get(institution=w.inst_a)


def need_b(w) -> Need:
    return Need.objects.get(institution=w.inst_b)


def new_item(w) -> dict:
    return {"cooperation_type": w.cooperation_type.slug, "sector": w.sector.slug, "note": "Matrix note"}


MATRIX = {
    # visitor participant admin_a_read admin_a_write admin_b secretariat expired revoked removed
    "api:manage_institution": (
        row("UNAUTH NOT_FOUND OK OK NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: [w.inst_a.slug]),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN OK NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug],
            method="PATCH",
            data=lambda w: {"city": "Siem Reap"},
        ),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN BAD NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug],
            method="PATCH",
            data=lambda w: {"name": w.inst_k.name, "country": "KH"},
        ),
        row("UNAUTH NOT_FOUND NOT_FOUND NOT_FOUND OK NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: [w.inst_b.slug]),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN METHOD METHOD METHOD UNAUTH UNAUTH METHOD",
            lambda w: [w.inst_a.slug],
            method="DELETE",
        ),
    ),
    "api:manage_offers": (
        row("UNAUTH NOT_FOUND OK OK NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: [w.inst_a.slug]),
        # A already offers this cooperation type in this sector: the page's rule refuses a second row.
        row(
            "UNAUTH FORBIDDEN FORBIDDEN BAD NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug],
            method="POST",
            data=new_item,
        ),
    ),
    "api:manage_offer": (
        row(
            "UNAUTH NOT_FOUND OK OK NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug, offer_a(w).pk],
        ),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN OK NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug, offer_a(w).pk],
            method="PATCH",
            data=lambda w: {"capacity": "12 places"},
        ),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NO_CONTENT NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug, offer_a(w).pk],
            method="DELETE",
        ),
    ),
    "api:manage_needs": (
        row("UNAUTH NOT_FOUND OK OK NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND", lambda w: [w.inst_a.slug]),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN CREATED NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug],
            method="POST",
            data=new_item,
        ),
    ),
    "api:manage_need": (
        # B's need: only B's admin; through A's address it is nobody's.
        row(
            "UNAUTH NOT_FOUND NOT_FOUND NOT_FOUND OK NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_b.slug, need_b(w).pk],
        ),
        row(
            "UNAUTH NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug, need_b(w).pk],
        ),
        row(
            "UNAUTH FORBIDDEN FORBIDDEN NOT_FOUND NOT_FOUND NOT_FOUND UNAUTH UNAUTH NOT_FOUND",
            lambda w: [w.inst_a.slug, need_b(w).pk],
            method="DELETE",
        ),
    ),
}
