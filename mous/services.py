"""Writing MoUs: the rules every way of recording one shares (form, ceremony, proposal)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import domain_events
from core.multilingual import FALLBACK_LANGUAGE
from institutions.models import Institution
from matchmaking.models import Meeting

from .errors import MouError
from .models import Mou, MouMeeting, MouParty, party_names_text, search_bigrams


def check_parties(*, institutions: Iterable[Institution | None]) -> list[Institution]:
    """The parties of an MoU: at least two, all distinct; raise MouError otherwise."""
    chosen = [institution for institution in institutions if institution is not None]
    if len({institution.pk for institution in chosen}) != len(chosen):
        raise MouError(_("The same institution cannot be a party twice."), code="duplicate_party")
    if len(chosen) < 2:
        raise MouError(_("An MoU needs at least two different institutions."), code="too_few_parties")
    return chosen


def refresh_party_countries(*, mou: Mou) -> None:
    """Store the sorted countries of the MoU's parties (after any change of its parties)."""
    countries = sorted({str(country) for country in mou.parties.values_list("institution__country", flat=True)})
    if countries != mou.party_countries:
        mou.party_countries = countries
        Mou.objects.filter(pk=mou.pk).update(party_countries=countries)


# What an MoU is found by among its parties' fields (mous.signals watches them).
PARTY_NAME_FIELDS = ("name", "name_local", "acronym")


def refresh_party_names(*, mou_ids: Iterable[int]) -> int:
    """Keep the parties' names in the search text of the MoUs ``mou_ids``; return how many changed.

    After a party joined or left an MoU, or an institution's names changed (``mous.signals``
    calls it): ``party_names``, ``search_text`` and ``search_grams`` of each MoU whose names
    differ are written with ``update()`` (derived columns: no history record, no new
    ``updated_at``). Two queries, and one update per MoU changed.
    """
    ids = set(mou_ids)
    if not ids:
        return 0
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    fields = [f"institution__{field}" for field in PARTY_NAME_FIELDS]
    for mou_id, *texts in (
        MouParty.objects.filter(mou_id__in=ids).order_by("mou_id", "position", "pk").values_list("mou_id", *fields)
    ):
        names[mou_id].extend(texts)
    changed = 0
    mous = (
        Mou.objects.filter(pk__in=ids).order_by().only("reference", "title", "summary", "translations", "party_names")
    )
    for mou in mous:
        text = party_names_text(names[mou.pk])
        if text == mou.party_names:
            continue
        mou.party_names = text
        search_text = mou.compute_search_text()
        Mou.objects.filter(pk=mou.pk).update(
            party_names=text, search_text=search_text, search_grams=search_bigrams(search_text)
        )
        changed += 1
    return changed


def mou_meetings_set(*, mou: Mou, meeting_ids: Iterable[int]) -> None:
    """Make ``meeting_ids`` exactly the meetings ``mou`` came from.

    A meeting linked to another MoU moves to ``mou`` (a meeting leads to one MoU at most);
    meetings no longer chosen are unlinked. Idempotent. Written in bulk, like the rest of the
    MoU's relations saved by ``mou_save``.
    """
    chosen = set(meeting_ids)
    MouMeeting.objects.filter(mou=mou).exclude(meeting_id__in=chosen).delete()
    MouMeeting.objects.filter(meeting_id__in=chosen).exclude(mou=mou).update(mou=mou)
    present = set(MouMeeting.objects.filter(mou=mou).values_list("meeting_id", flat=True))
    MouMeeting.objects.bulk_create([MouMeeting(mou=mou, meeting_id=pk) for pk in sorted(chosen - present)])


# --- Logging and proposing MoUs (part M1) ---------------------------------------------------


def add_months(*, start: date, months: int) -> date:
    """The last day of a validity of ``months`` months from ``start``: 12 months from 1 January
    2024 end on 31 December 2024 (the same day ``months`` later, clamped to the month's end, less a day)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def meeting_institution_ids(*, meeting: Meeting) -> set[int]:
    """The two institutions that met: the requester's and the recipient's (person or institution)."""
    request = meeting.request
    other = request.recipient.institution_id if request.recipient_id else request.recipient_institution_id
    return {request.requester.institution_id, other}


@transaction.atomic
def mou_save(
    *,
    mou: Mou,
    parties: Iterable[dict],
    cooperation_types=None,
    sectors=None,
    meetings: Iterable[Meeting] | None = None,
    user=None,
) -> Mou:
    """Save an MoU with its parties (kept, updated, added or removed in the given order), its
    tags and the matchmaking meetings it came from, all in one transaction.

    Raises MouError (and saves nothing) when the parties are not at least two different
    institutions. A new MoU is recorded as created by ``user``.
    """
    rows = [row for row in parties if row.get("institution") is not None]
    check_parties(institutions=[row["institution"] for row in rows])
    for row in rows:
        if row.get("on_behalf_of_members") and row["institution"].kind != Institution.Kind.ALLIANCE:
            raise MouError(_("Only an alliance or network can sign on behalf of its members."))
    creating = mou.pk is None
    if creating and user is not None and user.is_authenticated:
        mou.created_by = user
    mou.save()
    existing = {party.institution_id: party for party in mou.parties.all()}
    wanted = {row["institution"].pk for row in rows}
    for institution_id, party in existing.items():
        if institution_id not in wanted:
            party.delete()
    for position, row in enumerate(rows):
        party = existing.get(row["institution"].pk) or MouParty(mou=mou, institution=row["institution"])
        values = {
            "signatory_name": row.get("signatory_name", ""),
            "signatory_title": row.get("signatory_title", ""),
            "on_behalf_of_members": bool(row.get("on_behalf_of_members")),
            "position": position,
        }
        if party.pk is None or any(getattr(party, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(party, key, value)
            party.save()
    if cooperation_types is not None:
        mou.cooperation_types.set(cooperation_types)
    if sectors is not None:
        mou.sectors.set(sectors)
    if meetings is not None:
        mou_meetings_set(mou=mou, meeting_ids={meeting.pk for meeting in meetings})
    refresh_party_countries(mou=mou)
    domain_events.publish(domain_events.MOU_LOGGED if creating else domain_events.MOU_CHANGED, instance=mou)
    return mou


@transaction.atomic
def mou_proposal_confirm(*, mou: Mou, signed_on: date | None = None) -> Mou:
    """The secretariat confirms a proposed draft: it becomes signed (a signing date is needed).

    Raises MouError when ``mou`` is not a proposed draft or no signing date is known.
    """
    if mou.status != Mou.Status.DRAFT or mou.proposed_by_id is None:
        raise MouError(_("Only a proposed draft can be confirmed."), code="not_a_proposal")
    signed_on = signed_on or mou.signed_on
    if signed_on is None:
        raise MouError(_("Give the signing date to confirm the MoU."), code="no_signing_date")
    mou.signed_on = signed_on
    mou.status = Mou.Status.SIGNED
    mou.save(update_fields=["signed_on", "status", "updated_at"])
    domain_events.publish(domain_events.MOU_CHANGED, instance=mou)
    return mou


@transaction.atomic
def mou_proposal_reject(*, mou: Mou) -> None:
    """The secretariat rejects a proposed draft: it is deleted (its meetings are unlinked).

    Raises MouError when ``mou`` is not a proposed draft.
    """
    if mou.status != Mou.Status.DRAFT or mou.proposed_by_id is None:
        raise MouError(_("Only a proposed draft can be rejected."), code="not_a_proposal")
    mou.delete()


@transaction.atomic
def meeting_mou_link(*, meeting: Meeting, mou: Mou | None) -> None:
    """Record that ``meeting`` led to ``mou``, replacing any earlier link (None: unlink it).

    Idempotent. The link is saved row by row, so the audit trail records it.
    """
    current = MouMeeting.objects.filter(meeting=meeting).first()
    if mou is None:
        if current is not None:
            current.delete()
        return
    if current is None:
        MouMeeting.objects.create(mou=mou, meeting=meeting)
    elif current.mou_id != mou.pk:
        current.mou = mou
        current.save(update_fields=["mou"])


@transaction.atomic
def mou_document_visibility_set(*, mou: Mou, is_public: bool) -> Mou:
    """Say whether anyone may download the signed document of ``mou`` (when the MoU is public).

    Idempotent: nothing is written when the visibility is already ``is_public``.
    """
    if mou.document_is_public != is_public:
        mou.document_is_public = is_public
        mou.save(update_fields=["document_is_public", "updated_at"])
    return mou


def mous_ceremony_create(*, shared: dict, rows: Iterable[dict], created_by) -> list[Mou]:
    """Create the MoUs signed at one ceremony, all or none, in one transaction.

    ``shared`` holds the ceremony's fields (signing date and place, event, session, visibility,
    the language of the titles),
    each of ``rows`` one MoU's (title, reference, parties in the order picked, sectors,
    cooperation types, whether its alliance parties sign on behalf of their members). Each MoU is signed, recorded as created by ``created_by``, gets its
    parties one by one (each with its history row) and its party countries refreshed. Raises
    MouError (and saves nothing) when another person took one of the reference numbers meanwhile.
    """
    try:
        with transaction.atomic():
            mous = [_ceremony_mou_create(row=row, shared=shared, created_by=created_by) for row in rows]
            domain_events.publish_many(domain_events.MOU_LOGGED, instances=mous)
            return mous
    except IntegrityError as error:
        raise MouError(
            _("A reference number was taken meanwhile; nothing was saved."), code="reference_taken"
        ) from error


def _ceremony_mou_create(*, row: dict, shared: dict, created_by) -> Mou:
    mou = Mou(
        title=row["title"],
        original_language=shared.get("original_language") or FALLBACK_LANGUAGE,
        reference=row["reference"],
        status=Mou.Status.SIGNED,
        signed_on=shared["signed_on"],
        signed_place=shared["signed_place"],
        event=shared["event"],
        ceremony_session=shared["ceremony_session"],
        is_public=shared["is_public"],
        created_by=created_by,
    )
    mou.full_clean(validate_unique=False, validate_constraints=False)
    mou.save()
    # One by one, not bulk_create, so each party gets its history record.
    on_behalf = bool(row.get("on_behalf_of_members"))
    for position, institution in enumerate(row["parties"]):
        MouParty.objects.create(
            mou=mou,
            institution=institution,
            position=position,
            on_behalf_of_members=on_behalf and institution.kind == Institution.Kind.ALLIANCE,
        )
    mou.sectors.set(row["sectors"])
    mou.cooperation_types.set(row["cooperation_types"])
    refresh_party_countries(mou=mou)
    return mou
