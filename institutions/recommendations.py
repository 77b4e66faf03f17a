"""Partner recommendations: which institutions complement yours, how well, and why.

The fit of a candidate institution *for* an institution ("you") is a sum of terms, each
explained in plain words. The weights, and why they are what they are:

Complementarity (what the portal is for)
    Every offer and need is a cooperation type in a sector. A need is met only when the other
    side offers that cooperation type in that sector (``EXACT_MATCH`` = 1.0 each). Summed over
    your needs, this gives ``they_offer``; the same for their needs against your offers gives
    ``you_offer``. Both are capped at ``MATCH_CAP`` = 3, so that an institution listing every
    offer under the sun does not drown out a precise one.

    - ``W_THEY_OFFER`` = 10 per unit of ``they_offer``: what you need is why you look.
    - ``W_YOU_OFFER`` = 7 per unit of ``you_offer``: what you can give makes them say yes,
      but counts a little less, since the list answers *your* search. This is the asymmetry:
      fit(A → B) differs from fit(B → A) whenever A's and B's needs are met unevenly.
    - ``W_MUTUAL`` = 15 per unit of ``min(they_offer, you_offer)``: a partnership where each
      side gives something lasts. With this term one exact match each way (10 + 7 + 15 = 32)
      beats three exact one-way matches (30), so mutual complementarity ranks highest.

Leads (another cooperation type in the sector of a need)
    A partner offering something else in the sector where you need help is a lead, not an
    answer: it meets no need and never makes a fit mutual. Each offer serves as a lead for
    one need at most, and only when it meets no need exactly, so that one offer is never
    counted (or explained) twice. ``W_LEAD`` = 1 per lead, either way, at most ``LEAD_CAP`` =
    3: less than one exact match the weaker way (``W_YOU_OFFER`` = 7), so any partner that
    meets a need ranks above one that only shares sectors, other things being equal. The
    taxonomy has no notion of related sectors, so a cooperation type offered in another
    sector counts for nothing.

Context bonuses (break ties between equally complementary partners)
    - Cross-border: ``BORDER_CHINA_ASEAN`` = 6 between China and an ASEAN country (the
      corridor the portal serves), ``BORDER_ASEAN`` = 3 between two ASEAN countries,
      ``BORDER_OTHER`` = 1 between any two other countries, 0 within one country.
    - ``W_LANGUAGE`` = 3 when you share at least one working language: meetings need one.
    - Complementary kinds: ``KIND_COLLEGE_ENTERPRISE`` = 4 for a school (college, polytechnic,
      university, technical institute) with an enterprise, the pairing behind internships and
      industrial colleges; ``KIND_COLLEGES`` = 2 for two schools, for exchanges.
    - ``W_SECTOR`` = 1 per shared sector, at most ``SECTOR_CAP`` = 3 (weak: a shared sector
      says little about what either side wants).
    - ``W_VERIFIED`` = 1 when the secretariat has verified the candidate: slightly preferred,
      never required. Rejected institutions are never recommended, nor is your own.

An existing MoU with a candidate does not change its score: the candidate is marked
(``has_mou``, with a reason naming the MoU), not hidden, because a second agreement with a
proven partner is often the best next step.

Diversity: the ranked list is re-ranked greedily (in the manner of maximal marginal
relevance) so that each further institution from a country already in the list loses
``DIVERSITY_STEP`` = 4 points per institution of that country already chosen. That is about
one shared language plus a verified badge: enough to let a slightly weaker partner from
another country through, never enough to lift a one-way match above a mutual one.

Ties are broken by name, then id, so the order is deterministic.

``fit_percent`` shows a score as a percentage that saturates: ``score / (score + 20)``, so a
score of 20 (two exact one-way matches) shows as 50 %, and mutual matches approach 100 %.

Performance: candidates are found through the GIN-indexed ``offer_keys`` and ``need_keys``
arrays (``"<cooperation type id>:<sector id>"``), in tiers from the most promising (mutual,
across the border) to the least, each read with a ``LIMIT``, until ``CANDIDATE_POOL``
candidates are found (see ``candidate_profiles``). Only those are scored in Python, and only
the chosen few are loaded as model instances, in a bounded number of queries whatever the
number of institutions.

The scoring (``Profile``, ``score_fit``, ``diversify``) is plain Python over plain data, so it
can be tested and benchmarked without the database; the functions below it load the data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q
from django.utils.translation import gettext as _

from core.countries import countries
from core.lists import listed

from .agreements import agreement_titles
from .languages import WORK_LANGUAGES
from .models import CooperationType, Institution, Sector
from .permissions import active_institution_ids

# --- Weights (see the module docstring) ------------------------------------------------------

EXACT_MATCH = 1.0
MATCH_CAP = 3.0
W_LEAD = 1.0
LEAD_CAP = 3
W_THEY_OFFER = 10.0
W_YOU_OFFER = 7.0
W_MUTUAL = 15.0
BORDER_CHINA_ASEAN = 6.0
BORDER_ASEAN = 3.0
BORDER_OTHER = 1.0
W_LANGUAGE = 3.0
KIND_COLLEGE_ENTERPRISE = 4.0
KIND_COLLEGES = 2.0
W_SECTOR = 1.0
SECTOR_CAP = 3
W_VERIFIED = 1.0
DIVERSITY_STEP = 4.0
HALF_SCORE = 20.0
CANDIDATE_POOL = 300
MAX_PAIR_KEYS = 6

CHINA = frozenset({"CN"})
# The eleven ASEAN member states (Timor-Leste joined in 2025).
ASEAN = frozenset({"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"})
SCHOOL_KINDS = frozenset(
    {
        Institution.Kind.VOCATIONAL_COLLEGE,
        Institution.Kind.POLYTECHNIC,
        Institution.Kind.UNIVERSITY,
        Institution.Kind.TECHNICAL_INSTITUTE,
    }
)
ENTERPRISE_KINDS = frozenset({Institution.Kind.ENTERPRISE})
REGIONS = ("china", "asean", "other")


# --- Plain data and pure scoring -------------------------------------------------------------

Key = tuple[int, int]  # (cooperation type id, sector id)


def parse_keys(keys: Iterable[str]) -> frozenset[Key]:
    """Return the ``(type id, sector id)`` pairs of ``"type:sector"`` strings, skipping malformed ones."""
    pairs = set()
    for key in keys:
        type_id, _sep, sector_id = key.partition(":")
        if type_id.isdigit() and sector_id.isdigit():
            pairs.add((int(type_id), int(sector_id)))
    return frozenset(pairs)


@dataclass(frozen=True)
class Profile:
    """What the score needs to know about one institution."""

    id: int
    name: str
    country: str
    kind: str
    languages: tuple[str, ...] = ()
    offers: frozenset[Key] = frozenset()
    needs: frozenset[Key] = frozenset()
    sectors: frozenset[int] = frozenset()
    verified: bool = False
    rejected: bool = False

    @property
    def all_sectors(self) -> frozenset[int]:
        """Return the declared sectors and those of every offer and need."""
        return self.sectors | {s for _t, s in self.offers} | {s for _t, s in self.needs}


@dataclass(frozen=True)
class Match:
    """One need of one side met by an offer of the other, or (as a lead) sharing its sector."""

    they_offer: bool  # True: the candidate offers, you need; False: you offer, they need
    offered: Key
    needed: Key
    weight: float


@dataclass(frozen=True)
class Fit:
    """The score of a candidate for an institution, with every term that went into it."""

    score: float
    they_offer: float = 0.0
    you_offer: float = 0.0
    matches: tuple[Match, ...] = ()
    leads: tuple[Match, ...] = ()
    border: float = 0.0
    shared_languages: tuple[str, ...] = ()
    kind_bonus: float = 0.0
    shared_sectors: tuple[int, ...] = ()
    verified: bool = False

    @property
    def mutual(self) -> bool:
        """Return whether each side meets at least one need of the other exactly (leads do not count)."""
        return self.they_offer > 0 and self.you_offer > 0


def _meet(needs: frozenset[Key], offers: frozenset[Key], *, they_offer: bool) -> tuple[float, list[Match], list[Match]]:
    """Return how well ``offers`` meet ``needs`` (capped), the exact matches and the leads.

    A lead pairs a need that no offer meets with an offer of another cooperation type in its
    sector that meets no need either; each such offer is paired once at most.
    """
    exact = [Match(they_offer, need, need, EXACT_MATCH) for need in sorted(needs & offers)]
    spare: dict[int, list[Key]] = defaultdict(list)
    for offer in sorted(offers - needs):
        spare[offer[1]].append(offer)
    leads = []
    for need in sorted(needs - offers):
        if spare.get(need[1]):
            leads.append(Match(they_offer, spare[need[1]].pop(0), need, W_LEAD))
    return min(len(exact) * EXACT_MATCH, MATCH_CAP), exact, leads


def border_bonus(mine: str, theirs: str) -> float:
    """Return the cross-border bonus between two country codes."""
    if mine == theirs:
        return 0.0
    if (mine in CHINA and theirs in ASEAN) or (mine in ASEAN and theirs in CHINA):
        return BORDER_CHINA_ASEAN
    if mine in ASEAN and theirs in ASEAN:
        return BORDER_ASEAN
    return BORDER_OTHER


def kind_bonus(mine: str, theirs: str) -> float:
    """Return the bonus for complementary kinds of institution."""
    if (mine in SCHOOL_KINDS and theirs in ENTERPRISE_KINDS) or (mine in ENTERPRISE_KINDS and theirs in SCHOOL_KINDS):
        return KIND_COLLEGE_ENTERPRISE
    if mine in SCHOOL_KINDS and theirs in SCHOOL_KINDS:
        return KIND_COLLEGES
    return 0.0


def score_fit(me: Profile, other: Profile) -> Fit:
    """Return the fit of ``other`` for ``me``; see the module docstring for every term."""
    they_offer, given, their_leads = _meet(me.needs, other.offers, they_offer=True)
    you_offer, taken, your_leads = _meet(other.needs, me.offers, they_offer=False)
    leads = tuple(their_leads + your_leads)
    border = border_bonus(me.country, other.country)
    theirs = set(other.languages)
    shared_languages = tuple(code for code in me.languages if code in theirs)
    kinds = kind_bonus(me.kind, other.kind)
    shared_sectors = tuple(sorted(me.all_sectors & other.all_sectors))
    score = (
        W_THEY_OFFER * they_offer
        + W_YOU_OFFER * you_offer
        + W_MUTUAL * min(they_offer, you_offer)
        + W_LEAD * min(len(leads), LEAD_CAP)
        + border
        + (W_LANGUAGE if shared_languages else 0.0)
        + kinds
        + W_SECTOR * min(len(shared_sectors), SECTOR_CAP)
        + (W_VERIFIED if other.verified else 0.0)
    )
    return Fit(
        score=round(score, 3),
        they_offer=they_offer,
        you_offer=you_offer,
        matches=tuple(given + taken),
        leads=leads,
        border=border,
        shared_languages=shared_languages,
        kind_bonus=kinds,
        shared_sectors=shared_sectors,
        verified=other.verified,
    )


def fit_percent(score: float) -> int:
    """Return ``score`` as a percentage that saturates (``HALF_SCORE`` shows as 50 %)."""
    if score <= 0:
        return 0
    return round(100 * score / (score + HALF_SCORE))


T = TypeVar("T")


def diversify(
    ranked: Sequence[T],
    *,
    limit: int,
    score: Callable[[T], float],
    country: Callable[[T], str],
    step: float = DIVERSITY_STEP,
) -> list[T]:
    """Return the first ``limit`` of ``ranked`` after a small penalty for repeated countries.

    ``ranked`` is in final order (best first, ties already broken). Each pick is the item
    with the highest ``score - step × (items of its country already picked)``; ties go to the
    item ranked earlier. Within a country the order of ``ranked`` is kept, so only the head of
    each country's queue needs comparing.
    """
    queues: dict[str, list[int]] = defaultdict(list)
    for position, item in enumerate(ranked):
        queues[country(item)].append(position)
    heads = dict.fromkeys(queues, 0)
    picked: Counter[str] = Counter()
    chosen: list[T] = []
    while len(chosen) < limit:
        best_key = None
        best_country = None
        for code, positions in queues.items():
            if heads[code] >= len(positions):
                continue
            position = positions[heads[code]]
            key = (-(score(ranked[position]) - step * picked[code]), position)
            if best_key is None or key < best_key:
                best_key, best_country = key, code
        if best_country is None:
            break
        chosen.append(ranked[best_key[1]])
        heads[best_country] += 1
        picked[best_country] += 1
    return chosen


# --- Loading profiles ------------------------------------------------------------------------

_PROFILE_FIELDS = ("id", "name", "country", "kind", "languages", "verification_status", "offer_keys", "need_keys")


def _profile(row: Sequence, sectors: Iterable[int]) -> Profile:
    pk, name, country, kind, languages, status, offer_keys, need_keys = row
    return Profile(
        id=pk,
        name=name,
        country=str(country),
        kind=kind,
        languages=tuple(languages or ()),
        offers=parse_keys(offer_keys or ()),
        needs=parse_keys(need_keys or ()),
        sectors=frozenset(s for s in sectors if s is not None),
        verified=status == Institution.Verification.VERIFIED,
        rejected=status == Institution.Verification.REJECTED,
    )


def load_profiles(ids: Iterable[int]) -> dict[int, Profile]:
    """Return the profiles of the institutions ``ids`` (rejected ones included), in one query.

    Read from the database rather than from model instances, whose ``offer_keys`` may be older
    than the offers saved since they were loaded.
    """
    rows = (
        Institution.objects.filter(pk__in=list(ids))
        .annotate(sector_ids=ArrayAgg("sectors__id", distinct=True))
        .values_list(*_PROFILE_FIELDS, "sector_ids")
    )
    return {row[0]: _profile(row[:8], row[8] or ()) for row in rows}


def _region_q(region: str | None) -> Q:
    if region == "china":
        return Q(country__in=CHINA)
    if region == "asean":
        return Q(country__in=ASEAN)
    if region == "other":
        return ~Q(country__in=CHINA | ASEAN)
    return Q()


def _pairs_q(field_name: str, keys: list[str]) -> Q:
    """Return a condition: the array ``field_name`` holds at least two of ``keys`` (GIN ``@>``)."""
    condition = Q()
    for i, first in enumerate(keys[:MAX_PAIR_KEYS]):
        for second in keys[i + 1 : MAX_PAIR_KEYS]:
            condition |= Q(**{f"{field_name}__contains": [first, second]})
    return condition


def _candidate_tiers(me: Profile) -> list[Q]:
    """Return the conditions that find candidates, most promising first (see ``candidate_profiles``)."""
    needs = [f"{t}:{s}" for t, s in sorted(me.needs)]
    offers = [f"{t}:{s}" for t, s in sorted(me.offers)]
    they_offer = Q(offer_keys__overlap=needs) if needs else None
    you_offer = Q(need_keys__overlap=offers) if offers else None
    if me.country in CHINA:
        near = Q(country__in=ASEAN)
    elif me.country in ASEAN:
        near = Q(country__in=CHINA)
    else:
        near = ~Q(country=me.country)
    speaks = Q(languages__overlap=list(me.languages)) if me.languages else Q()
    tiers: list[Q] = []
    if they_offer is not None and you_offer is not None:
        tiers += [they_offer & you_offer & near, they_offer & you_offer]
    for side, keys, field_name in ((they_offer, needs, "offer_keys"), (you_offer, offers, "need_keys")):
        if side is None:
            continue
        if len(keys) > 1:
            tiers.append(_pairs_q(field_name, keys))
        tiers += [side & near & speaks, side & near, side]
    return tiers


def candidate_profiles(me: Profile, *, region: str | None = None, pool: int = CANDIDATE_POOL) -> list[Profile]:
    """Return up to ``pool`` institutions that meet one of ``me``'s needs exactly or need one of its offers.

    Popular offers and needs are shared by thousands of institutions, and ranking all of them
    would read most of the table. Instead, candidates are gathered tier by tier, most promising
    first, each tier a GIN-indexed condition read with a ``LIMIT`` (so PostgreSQL stops as soon
    as it has enough rows), until ``pool`` candidates are found:

    1. mutual complementarity (they offer what you need *and* need what you offer) with a
       partner across the China–ASEAN border, then mutual anywhere;
    2. they offer at least two of your needs; they offer one of them, across the border with
       a shared working language, then across the border, then anywhere;
    3. the same for what they need of your offers.

    Within a tier the rows come in the table's order, so the pool is approximate for very
    popular profiles; the score ranking the pool is exact. At most ``2 + 2 × 4`` small queries,
    plus one for the pool's sectors.
    """
    found: dict[int, tuple] = {}
    base = (
        Institution.objects.filter(_region_q(region))
        .exclude(pk=me.id)
        .exclude(verification_status=Institution.Verification.REJECTED)
        .order_by()
    )
    for tier in _candidate_tiers(me):
        if len(found) >= pool:
            break
        rows = base.filter(tier)
        if found:
            rows = rows.exclude(pk__in=list(found))
        for row in rows.values_list(*_PROFILE_FIELDS)[: pool - len(found)]:
            found[row[0]] = row
    sectors: dict[int, list[int]] = defaultdict(list)
    if found:
        through = Institution.sectors.through.objects.filter(institution_id__in=list(found))
        for institution_id, sector_id in through.values_list("institution_id", "sector_id"):
            sectors[institution_id].append(sector_id)
    return [_profile(row, sectors[pk]) for pk, row in found.items()]


def _mou_titles(institution_id: int, other_ids: Iterable[int]) -> dict[int, str]:
    """Return, for each of ``other_ids`` that shares an MoU with the institution, the MoU's title.

    MoUs live in the MoU app, above institutions: asked through ``institutions.agreements``.
    """
    return agreement_titles(institution_id=institution_id, other_ids=other_ids)


# --- Reasons and results ---------------------------------------------------------------------


def _inline(label: str) -> str:
    """Return a taxonomy label for use inside a sentence ("Teacher training" → "teacher training").

    Only a capital followed by a lower-case letter is lowered, so acronyms ("ICT") and scripts
    without case are left alone.
    """
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


@dataclass
class Recommendation:
    """A partner institution for another one, with its fit score and the reasons in plain words."""

    institution: Institution
    score: float
    reasons: list[str]
    has_mou: bool = False
    mou_title: str = ""
    mutual: bool = False
    fit: Fit | None = field(default=None, repr=False)

    @property
    def percent(self) -> int:
        return fit_percent(self.score)


class _Labels:
    """Taxonomy and language names for the reasons, loaded once per call (two small queries)."""

    def __init__(self) -> None:
        self.types = {t.pk: t for t in CooperationType.objects.all()}
        self.sectors = {s.pk: s for s in Sector.objects.all()}
        self.languages = dict(WORK_LANGUAGES)

    def type(self, pk: int) -> str:
        term = self.types.get(pk)
        return _inline(term.label) if term else "?"

    def sector(self, pk: int) -> str:
        term = self.sectors.get(pk)
        return _inline(term.label) if term else "?"


def _reasons(me: Profile, other: Profile, fit: Fit, labels: _Labels, mou_title: str) -> list[str]:
    """Return the reasons for ``fit`` in plain words, strongest first."""
    reasons = []
    for match in fit.matches:
        names = {"type": labels.type(match.offered[0]), "sector": labels.sector(match.offered[1])}
        if match.they_offer:
            reasons.append(_("They offer %(type)s in %(sector)s, which you need") % names)
        else:
            reasons.append(_("You offer %(type)s in %(sector)s, which they need") % names)
    for match in fit.leads:
        names = {
            "offered": labels.type(match.offered[0]),
            "needed": labels.type(match.needed[0]),
            "sector": labels.sector(match.needed[1]),
        }
        if match.they_offer:
            reasons.append(
                _("A lead, not a match: they offer %(offered)s in %(sector)s, and you need %(needed)s there") % names,
            )
        else:
            reasons.append(
                _("A lead, not a match: you offer %(offered)s in %(sector)s, and they need %(needed)s there") % names,
            )
    if fit.border:
        reasons.append(
            _("Cross-border: %(yours)s ↔ %(theirs)s")
            % {"yours": countries.name(me.country), "theirs": countries.name(other.country)}
        )
    if fit.shared_languages:
        names = [str(labels.languages.get(code, code)) for code in fit.shared_languages]
        if len(names) == 1:
            reasons.append(_("You share %(language)s as a working language") % {"language": names[0]})
        else:
            reasons.append(_("You share %(languages)s as working languages") % {"languages": listed(names)})
    if fit.kind_bonus == KIND_COLLEGE_ENTERPRISE:
        reasons.append(_("A college–enterprise pairing"))
    elif fit.kind_bonus == KIND_COLLEGES:
        reasons.append(_("Two schools: a natural pair for exchanges"))
    if fit.shared_sectors:
        sectors = listed(labels.sector(pk) for pk in fit.shared_sectors[:SECTOR_CAP])
        reasons.append(_("Sectors in common: %(sectors)s") % {"sectors": sectors})
    if mou_title:
        reasons.append(_("You already have an MoU: %(title)s") % {"title": mou_title})
    return reasons


def _recommendation(
    institution: Institution, me: Profile, other: Profile, fit: Fit, labels: _Labels, mou_title: str
) -> Recommendation:
    return Recommendation(
        institution=institution,
        score=fit.score,
        reasons=_reasons(me, other, fit, labels, mou_title),
        has_mou=bool(mou_title),
        mou_title=mou_title,
        mutual=fit.mutual,
        fit=fit,
    )


def _ranked(me: Profile, candidates: Iterable[Profile]) -> list[tuple[Profile, Fit]]:
    scored = [(candidate, score_fit(me, candidate)) for candidate in candidates]
    scored.sort(key=lambda pair: (-pair[1].score, pair[0].name.casefold(), pair[0].id))
    return scored


# --- Public API ------------------------------------------------------------------------------


def fit_scores(institution: Institution, candidate_ids: Iterable[int]) -> dict[int, float]:
    """Return the fit score of each of ``candidate_ids`` for ``institution``, in one query.

    Meant for ordering up to a few thousand ids (the directory's "fit" order). Every given id
    gets a score; the institution itself, rejected and unknown institutions get 0.0.
    """
    ids = set(candidate_ids)
    scores = dict.fromkeys(ids, 0.0)
    profiles = load_profiles(ids | {institution.pk})
    me = profiles.get(institution.pk)
    if me is None:
        return scores
    for pk in ids:
        other = profiles.get(pk)
        if other is None or pk == institution.pk or other.rejected:
            continue
        scores[pk] = score_fit(me, other).score
    return scores


def recommend(institution: Institution, *, limit: int = 10, region: str | None = None) -> list[Recommendation]:
    """Return up to ``limit`` partner institutions for ``institution``, best first, with reasons.

    ``region`` ("china", "asean" or "other") keeps only candidates from there. A fixed number
    of queries (about seven), whatever the number of institutions or results.
    """
    me = load_profiles([institution.pk]).get(institution.pk)
    if me is None or limit <= 0:
        return []
    ranked = _ranked(me, candidate_profiles(me, region=region))
    chosen = diversify(ranked, limit=limit, score=lambda pair: pair[1].score, country=lambda pair: pair[0].country)
    if not chosen:
        return []
    ids = [profile.id for profile, _fit in chosen]
    institutions = Institution.objects.in_bulk(ids)
    titles = _mou_titles(me.id, ids)
    labels = _Labels()
    return [
        _recommendation(institutions[profile.id], me, profile, fit, labels, titles.get(profile.id, ""))
        for profile, fit in chosen
        if profile.id in institutions
    ]


def recommend_to(user, institution: Institution, *, limit: int, region: str | None = None, rank=None):
    """``recommend`` for ``user`` acting for ``institution``: up to ``limit`` partners, none of them
    another institution ``user`` belongs to (one's own college is no partner to find).

    ``rank(count)`` returns the recommendations for ``institution`` (``recommend`` itself by
    default, or a kept copy of it): asked for as many more as ``user`` has other institutions, so
    that leaving those out still fills ``limit``.
    """
    own = active_institution_ids(user) - {institution.pk}
    count = limit + len(own)
    ranked = rank(count) if rank is not None else recommend(institution, limit=count, region=region)
    return [item for item in ranked if item.institution.pk not in own][:limit]


def explain(institution: Institution, other: Institution) -> Recommendation | None:
    """Return the fit of ``other`` for ``institution`` with its reasons ("why this partner").

    None for the institution itself and for rejected institutions, which are never recommended.
    """
    if other.pk == institution.pk or other.verification_status == Institution.Verification.REJECTED:
        return None
    profiles = load_profiles([institution.pk, other.pk])
    me, them = profiles.get(institution.pk), profiles.get(other.pk)
    if me is None or them is None:
        return None
    fit = score_fit(me, them)
    title = _mou_titles(me.id, [them.id]).get(them.id, "")
    return _recommendation(other, me, them, fit, _Labels(), title)
