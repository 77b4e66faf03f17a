"""The directory's search form, filters and facet counts.

``directory_search()`` is the one entry point: it takes the validated form, runs the text
search (``institutions.search``), the filters, the sort and the facet counts with a fixed
number of SQL queries, whatever the number of results, and returns a ``DirectoryResult``.

Without a text query facets are disjunctive, as in most directories: the counts of one facet
are computed with every other filter applied but not its own, so that ticking "Cambodia"
still shows how many Thai institutions there are to add; they are exact. With a text query
every count is taken among the matches, at most the first ``CANDIDATE_CAP`` (the page says
so when there are more), which keeps a search to one facet query.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import uuid4

from django import forms
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.countries import countries
from core.pagecache import kept

from .languages import WORK_LANGUAGES
from .models import AllianceMembership, CooperationType, Institution, Sector
from .search import CANDIDATE_CAP, ParsedQuery, matching, parse_query, search_institutions

PER_PAGE = 24

# Country groups offered above the single countries. "China" is the mainland plus the two
# special administrative regions, which take part in the portal's events as Chinese
# delegations; Taiwan is left to its own country entry. Timor-Leste joined ASEAN as its
# 11th member in October 2025.
COUNTRY_GROUPS: dict[str, tuple[str, ...]] = {
    "CHINA": ("CN", "HK", "MO"),
    "ASEAN": ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL"),
}
COUNTRY_GROUP_LABELS = {
    "CHINA": pgettext_lazy("country group", "China (incl. Hong Kong and Macao)"),
    "ASEAN": pgettext_lazy("country group", "ASEAN (all 11 member states)"),
}


class Sort:
    RELEVANCE = "relevance"
    FIT = "fit"
    NAME = "name"
    UPDATED = "updated"

    LABELS = {
        RELEVANCE: pgettext_lazy("directory sort", "Relevance"),
        FIT: pgettext_lazy("directory sort", "Fit for my institution"),
        NAME: pgettext_lazy("directory sort", "Name"),
        UPDATED: pgettext_lazy("directory sort", "Recently updated"),
    }


@dataclass(frozen=True)
class AllianceChoice:
    """An alliance the directory can filter by: one with active members."""

    pk: int
    slug: str
    label: str


def _alliances_with_members() -> list[AllianceChoice]:
    active = AllianceMembership.objects.filter(status=AllianceMembership.Status.ACTIVE).values("alliance_id")
    rows = (
        Institution.objects.filter(kind=Institution.Kind.ALLIANCE, id__in=active)
        .exclude(verification_status=Institution.Verification.REJECTED)
        .order_by("name")
        .values_list("pk", "slug", "name", "acronym")
    )
    return [AllianceChoice(pk, slug, f"{name} ({acronym})" if acronym else name) for pk, slug, name, acronym in rows]


@dataclass
class Taxonomies:
    """The sectors, cooperation types and alliances with members: three queries, kept until the
    next change of the institutions app (core.pagecache.kept)."""

    sectors: list[Sector]
    types: list[CooperationType]
    alliances: list[AllianceChoice] = field(default_factory=list)

    @classmethod
    def load(cls) -> Taxonomies:
        return kept(
            "directory-taxonomies",
            lambda: cls(
                sectors=list(Sector.objects.all()),
                types=list(CooperationType.objects.all()),
                alliances=_alliances_with_members(),
            ),
        )

    @property
    def alliance_by_slug(self) -> dict[str, AllianceChoice]:
        return {a.slug: a for a in self.alliances}

    @property
    def sector_by_slug(self) -> dict[str, Sector]:
        return {s.slug: s for s in self.sectors}

    @property
    def type_by_slug(self) -> dict[str, CooperationType]:
        return {t.slug: t for t in self.types}

    @property
    def type_by_id(self) -> dict[int, CooperationType]:
        return {t.pk: t for t in self.types}


class DirectoryForm(forms.Form):
    """The directory's GET form. Invalid values are reported and ignored, never fatal."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, acronym, city, 中文, ภาษาไทย, ខ្មែរ…"),
                "autocomplete": "off",
            }
        ),
    )
    country = forms.MultipleChoiceField(label=_("Country"), required=False)
    kind = forms.MultipleChoiceField(label=_("Kind"), required=False, choices=Institution.Kind.choices)
    sector = forms.MultipleChoiceField(label=_("Sector"), required=False)
    offers = forms.MultipleChoiceField(label=_("They offer"), required=False)
    needs = forms.MultipleChoiceField(label=_("They need"), required=False)
    language = forms.MultipleChoiceField(label=_("Language of work"), required=False, choices=WORK_LANGUAGES)
    alliance = forms.MultipleChoiceField(label=_("Alliance or network"), required=False)
    verified = forms.BooleanField(label=_("Verified institutions only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, taxonomies: Taxonomies, can_sort_by_fit: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.taxonomies = taxonomies
        self.can_sort_by_fit = can_sort_by_fit
        self.fields["country"].choices = [*COUNTRY_GROUP_LABELS.items(), *countries]
        self.fields["sector"].choices = [(s.slug, s.label) for s in taxonomies.sectors]
        type_choices = [(t.slug, t.label) for t in taxonomies.types]
        self.fields["offers"].choices = type_choices
        self.fields["needs"].choices = type_choices
        self.fields["alliance"].choices = [(a.slug, a.label) for a in taxonomies.alliances]
        sorts = [Sort.RELEVANCE, *([Sort.FIT] if can_sort_by_fit else []), Sort.NAME, Sort.UPDATED]
        self.fields["sort"].choices = [(value, Sort.LABELS[value]) for value in sorts]

    def directory_query(self) -> DirectoryQuery:
        """Return the search the valid part of the form describes (call ``is_valid()`` first)."""
        data = getattr(self, "cleaned_data", {})
        sectors, types = self.taxonomies.sector_by_slug, self.taxonomies.type_by_slug
        text = (data.get("q") or "").strip()
        sort = data.get("sort") or (Sort.RELEVANCE if text else Sort.NAME)
        if sort == Sort.RELEVANCE and not text:
            sort = Sort.NAME
        return DirectoryQuery(
            text=text,
            countries=list(data.get("country") or []),
            kinds=list(data.get("kind") or []),
            sector_ids=[sectors[slug].pk for slug in data.get("sector") or []],
            offer_type_ids=[types[slug].pk for slug in data.get("offers") or []],
            need_type_ids=[types[slug].pk for slug in data.get("needs") or []],
            languages=list(data.get("language") or []),
            alliance_ids=[self.taxonomies.alliance_by_slug[slug].pk for slug in data.get("alliance") or []],
            verified_only=bool(data.get("verified")),
            sort=sort,
            all_sector_ids=[s.pk for s in self.taxonomies.sectors],
        )


@dataclass
class DirectoryQuery:
    """What the directory is asked for, in database terms."""

    text: str = ""
    countries: list[str] = field(default_factory=list)  # codes and group names
    kinds: list[str] = field(default_factory=list)
    sector_ids: list[int] = field(default_factory=list)
    offer_type_ids: list[int] = field(default_factory=list)
    need_type_ids: list[int] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    alliance_ids: list[int] = field(default_factory=list)
    verified_only: bool = False
    sort: str = Sort.NAME
    all_sector_ids: list[int] = field(default_factory=list)

    @property
    def country_codes(self) -> set[str]:
        codes: set[str] = set()
        for value in self.countries:
            codes.update(COUNTRY_GROUPS.get(value, (value,)))
        return codes

    def profile_keys(self, type_ids: Iterable[int]) -> list[str]:
        """Return the ``offer_keys``/``need_keys`` values meaning "type in a chosen sector".

        With sectors ticked, "they offer teacher training" means teacher training in one of
        those sectors; without, in any sector.
        """
        sector_ids = self.sector_ids or self.all_sector_ids
        return [f"{t}:{s}" for t in type_ids for s in sector_ids]


FACETS = ("country", "kind", "sector", "offers", "needs", "language", "alliance", "verified")


def public_institutions() -> QuerySet[Institution]:
    """Return the institutions the directory shows: all but the rejected ones."""
    return Institution.objects.exclude(verification_status=Institution.Verification.REJECTED)


def apply_filters(queryset: QuerySet[Institution], query: DirectoryQuery, *, skip: str = "") -> QuerySet[Institution]:
    """Return ``queryset`` narrowed by every filter of ``query`` except the facet ``skip``."""
    if query.countries and skip != "country":
        queryset = queryset.filter(country__in=sorted(query.country_codes))
    if query.kinds and skip != "kind":
        queryset = queryset.filter(kind__in=query.kinds)
    if query.sector_ids and skip != "sector":
        links = Institution.sectors.through.objects.filter(
            institution_id=OuterRef("pk"), sector_id__in=query.sector_ids
        )
        queryset = queryset.filter(Exists(links))
    if query.offer_type_ids and skip != "offers":
        queryset = queryset.filter(offer_keys__overlap=query.profile_keys(query.offer_type_ids))
    if query.need_type_ids and skip != "needs":
        queryset = queryset.filter(need_keys__overlap=query.profile_keys(query.need_type_ids))
    if query.languages and skip != "language":
        queryset = queryset.filter(languages__overlap=query.languages)
    if query.alliance_ids and skip != "alliance":
        # An EXISTS on the (member, status, alliance) index, one probe per institution.
        memberships = AllianceMembership.objects.filter(
            member_id=OuterRef("pk"), status=AllianceMembership.Status.ACTIVE, alliance_id__in=query.alliance_ids
        )
        queryset = queryset.filter(Exists(memberships))
    if query.verified_only and skip != "verified":
        queryset = queryset.filter(verification_status=Institution.Verification.VERIFIED)
    return queryset


def _is_set(query: DirectoryQuery, facet: str) -> bool:
    return bool(
        {
            "country": query.countries,
            "kind": query.kinds,
            "sector": query.sector_ids,
            "offers": query.offer_type_ids,
            "needs": query.need_type_ids,
            "language": query.languages,
            "alliance": query.alliance_ids,
            "verified": query.verified_only,
        }[facet]
    )


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None  # None: unknown (see facet_counts)
    selected: bool


@dataclass
class DirectoryResult:
    page: Page
    institutions: list[Institution]
    total: int
    capped: bool  # True: ``total`` is a lower bound ("more than …")
    facets: dict[str, list[FacetOption]]
    query: DirectoryQuery
    parsed: ParsedQuery | None = None
    fit_scores: dict[int, float] = field(default_factory=dict)
    fit_limited: bool = False  # fit order without text: only complementary institutions


def _fit_scores(institution: Institution, ids: list[int]) -> dict[int, float] | None:
    """Return fit scores from the recommendations module, or None where it is unavailable."""
    try:
        from .recommendations import fit_scores
    except ImportError:  # the recommendations are optional for the directory
        return None
    return fit_scores(institution, ids)


def directory_search(
    query: DirectoryQuery,
    *,
    page_number: str | int | None = 1,
    viewer_institution: Institution | None = None,
    taxonomies: Taxonomies,
    per_page: int = PER_PAGE,
) -> DirectoryResult:
    """Run a directory search: one page of institutions, the total and the facet counts.

    A fixed number of queries (about ten, plus one per Latin query word for the spelling
    lookup), however many institutions match or are shown.
    """
    base = public_institutions()
    filtered = apply_filters(base, query)
    parsed = parse_query(query.text) if query.text else None
    if parsed is not None and not parsed:
        parsed = None  # only stop words or punctuation: a search for everything
    scores: dict[int, float] = {}
    fit_limited = False
    sort = query.sort
    if sort == Sort.FIT and viewer_institution is None:
        sort = Sort.RELEVANCE if parsed else Sort.NAME

    ids: list[int] | None = None
    capped = False
    if parsed is not None:
        hits = search_institutions(filtered, parsed, order=sort if sort in (Sort.NAME, Sort.UPDATED) else "relevance")
        ids, capped = hits.ids, hits.capped
    elif sort == Sort.FIT:
        # Scoring all of a broad filter would cost too much: rank the institutions that
        # complement the viewer's (their offers meet its needs or the other way round).
        complementary = filtered.exclude(pk=viewer_institution.pk)
        if viewer_institution.offer_keys or viewer_institution.need_keys:
            complementary = complementary.filter(
                Q(offer_keys__overlap=viewer_institution.need_keys or ["-"])
                | Q(need_keys__overlap=viewer_institution.offer_keys or ["-"])
            )
        ids = list(complementary.order_by().values_list("id", flat=True)[: CANDIDATE_CAP + 1])
        capped = len(ids) > CANDIDATE_CAP
        ids = ids[:CANDIDATE_CAP]
        fit_limited = True
    if ids is not None and sort == Sort.FIT:
        found = _fit_scores(viewer_institution, ids)
        if found is not None:
            scores = found
            ids = sorted(ids, key=lambda pk: -scores.get(pk, 0.0))  # stable: ties keep relevance

    if ids is not None:
        paginator = Paginator(ids, per_page)
        page = paginator.get_page(page_number)
        by_id = {i.pk: i for i in Institution.objects.filter(pk__in=list(page.object_list)).prefetch_related("sectors")}
        institutions = [by_id[pk] for pk in page.object_list if pk in by_id]
        total = len(ids)
    raw = _counts_by_facet(query, base=base, parsed=parsed, hit_ids=ids)
    if ids is None:
        ordering = ("-updated_at", "id") if sort == Sort.UPDATED else (Lower("name"), "id")
        paginator = Paginator(filtered.order_by(*ordering).prefetch_related("sectors"), per_page)
        # Every institution has one country: the country counts (kept per chunk) add up to
        # the number of results, which spares a COUNT over the filtered directory.
        paginator.count = _total_from_counts(query, raw)
        page = paginator.get_page(page_number)
        institutions = list(page.object_list)
        total = paginator.count
    _attach_profile_labels(institutions, taxonomies)
    facets = facet_counts(query, base=base, parsed=parsed, hit_ids=ids, taxonomies=taxonomies, raw=raw)
    return DirectoryResult(
        page=page,
        institutions=institutions,
        total=total,
        capped=capped,
        facets=facets,
        query=query,
        parsed=parsed,
        fit_scores=scores,
        fit_limited=fit_limited,
    )


def _total_from_counts(query: DirectoryQuery, raw: dict[str, dict[str, int]]) -> int:
    """Return how many institutions pass every filter of ``query`` (no text), from the counts.

    The country facet is counted among the rows every filter leaves, or, when countries are
    chosen, among the rows every other filter leaves: then the chosen countries' counts.
    """
    if query.countries:
        return sum(raw["country"].get(code, 0) for code in query.country_codes)
    return sum(raw["country"].values())


def _attach_profile_labels(institutions: Iterable[Institution], taxonomies: Taxonomies) -> None:
    """Set ``offer_types``/``need_types`` (distinct cooperation types) from the stored keys."""
    type_by_id = taxonomies.type_by_id
    for institution in institutions:
        for attr, keys in (("offer_types", institution.offer_keys), ("need_types", institution.need_keys)):
            type_ids = dict.fromkeys(int(key.split(":", 1)[0]) for key in keys)
            setattr(institution, attr, [type_by_id[t] for t in type_ids if t in type_by_id])


def _facet_set(
    query: DirectoryQuery, facet: str, *, base, parsed: ParsedQuery | None, hit_ids: list[int] | None
) -> QuerySet[Institution]:
    """Return the institutions the counts of ``facet`` are taken from."""
    if not facet or not _is_set(query, facet):
        if hit_ids is not None and parsed is not None:
            # One array parameter rather than an IN list of up to CANDIDATE_CAP placeholders.
            return Institution.objects.filter(RawSQL("id = ANY(%s)", [hit_ids], output_field=BooleanField()))
        return apply_filters(base, query)
    others = apply_filters(base, query, skip=facet)
    if parsed is None:
        return others
    # Without its own filter the facet has other matches: the first CANDIDATE_CAP of them.
    return Institution.objects.filter(pk__in=matching(others, parsed).order_by().values("id")[:CANDIDATE_CAP])


def _raw_counts(
    rows: QuerySet[Institution],
    query: DirectoryQuery,
    facets: Iterable[str] = FACETS,
    *,
    chunks: list[int] | None = None,
) -> dict[int, dict[str, dict[str, int]]]:
    """Count the values of ``facets`` over ``rows`` per chunk of ids, in one query (one scan).

    Returns chunk (``id // FACET_CHUNK``) → facet → value → count; chunks without rows are
    left out, and the key ``MAX_ID`` holds the highest institution id of the directory.
    ``chunks``: the chunks ``rows`` are limited to, which lets the sector links be read by
    institution id ranges rather than all of them.

    Offers and needs are counted from the stored ``offer_keys``/``need_keys`` ("type:sector"),
    limited to the chosen sectors when there are any; sectors from the link table. A facet
    counted without its own filter asks for that facet alone, so that its query groups the
    rows once instead of seven times.

    The query runs without JIT and with room to sort in memory: on 50,000 institutions JIT
    compiled the statement for longer than grouping took, and the distinct counts of offers
    and needs spilled to disk with the default ``work_mem``.
    """
    facets = [facet for facet in FACETS if facet in set(facets)]
    rows_sql, rows_params = (
        rows.order_by()
        .annotate(chunk=F("id") / FACET_CHUNK)
        .values("id", "chunk", "country", "kind", "languages", "verification_status", "offer_keys", "need_keys")
        .query.sql_with_params()
    )
    sector_ids = [str(pk) for pk in query.sector_ids]
    in_sectors = "AND split_part(k, ':', 2) = ANY(%s)" if sector_ids else ""
    links = Institution.sectors.through._meta.db_table
    alliance_links = AllianceMembership._meta.db_table
    member_ranges, member_params = _link_ranges(chunks, column="link.member_id")
    parts: dict[str, tuple[str, list]] = {
        "country": ("SELECT chunk, 'country', country, count(*) FROM s GROUP BY 1, 3", []),
        "kind": ("SELECT chunk, 'kind', kind, count(*) FROM s GROUP BY 1, 3", []),
        "language": ("SELECT chunk, 'language', l, count(*) FROM s, unnest(languages) AS l GROUP BY 1, 3", []),
        "verified": (
            "SELECT chunk, 'verified', '1', count(*) FROM s WHERE verification_status = %s GROUP BY 1",
            [Institution.Verification.VERIFIED],
        ),
        "offers": (
            "SELECT chunk, 'offers', split_part(k, ':', 1), count(DISTINCT id) "  # nosec B608 -- a fixed clause
            f"FROM s, unnest(offer_keys) AS k WHERE true {in_sectors} GROUP BY 1, 3",
            [sector_ids] if sector_ids else [],
        ),
        "needs": (
            "SELECT chunk, 'needs', split_part(k, ':', 1), count(DISTINCT id) "  # nosec B608 -- a fixed clause
            f"FROM s, unnest(need_keys) AS k WHERE true {in_sectors} GROUP BY 1, 3",
            [sector_ids] if sector_ids else [],
        ),
        "sector": (
            f"SELECT s.chunk, 'sector', link.sector_id::text, count(*) FROM {links} AS link "  # noqa: S608  # nosec B608
            f"JOIN s ON s.id = link.institution_id {_link_ranges(chunks)[0]} GROUP BY 1, 3",
            _link_ranges(chunks)[1],
        ),
        "alliance": (
            f"SELECT s.chunk, 'alliance', link.alliance_id::text, count(*) FROM {alliance_links} AS link "  # noqa: S608  # nosec B608
            f"JOIN s ON s.id = link.member_id {member_ranges or 'WHERE true'} AND link.status = %s GROUP BY 1, 3",
            [*member_params, AllianceMembership.Status.ACTIVE],
        ),
    }
    institutions = Institution._meta.db_table
    # One scan of the rows when several facets share them; a single facet lets PostgreSQL
    # push its grouping into the scan.
    materialized = "MATERIALIZED" if len(facets) > 1 else "NOT MATERIALIZED"
    selects = [parts[facet][0] for facet in facets]
    # The highest id tells how many chunks the directory has (an index lookup).
    selects.append(f"SELECT {MAX_ID}, 'max', '', coalesce(max(id), 0) FROM {institutions}")  # noqa: S608  # nosec B608
    sql = f"WITH s AS {materialized} ({rows_sql}) " + " UNION ALL ".join(selects)
    params = [*rows_params]
    for facet in facets:
        params += parts[facet][1]
    counts: dict[int, dict[str, dict[str, int]]] = {}
    with connection.cursor() as cursor:
        # One round trip: the settings hold for this statement's transaction only (statements
        # sent together run in one, or in the surrounding one, whose end resets them). Several
        # statements in one execute() need psycopg's client-side binding, Django's default.
        cursor.execute(f"SET LOCAL jit = off; SET LOCAL work_mem = '32MB'; {sql}", params)
        while cursor.description is None and cursor.nextset():
            pass
        for chunk, facet, value, count in cursor.fetchall():
            if chunk == MAX_ID:
                counts[MAX_ID] = count
            else:
                counts.setdefault(chunk, {name: {} for name in FACETS})[facet][value] = count
    return counts


# Without a text query, facet counts scan the whole filtered directory: about half a second on
# 50,000 institutions. They are cached per chunk of FACET_CHUNK institutions (by id): a change
# to some institutions (institutions/signals.py calls ``directory_changed()`` with their ids)
# forgets the counts of their chunks only, so that the next visitor counts a few thousand rows
# and sums the other chunks' kept counts. ``directory_changed()`` without ids (bulk writes)
# forgets every chunk. Counts are kept FACET_CACHE_SECONDS at most in any case.
FACET_CACHE_SECONDS = 600
FACET_CHUNK = 2048
MAX_ID = -1  # the key of _raw_counts()'s answer that holds the highest id
_DIRECTORY_VERSION_KEY = "institutions:directory-version"


# What the facet counts of every chunk are kept under: forgotten by bulk writes only.
_FACET_VERSION_KEY = "institutions:facet-version"


def _version(key: str) -> str:
    version = cache.get(key)
    if version is None:
        version = uuid4().hex
        cache.set(key, version, None)
    return version


def directory_version() -> str:
    """Return a key that changes whenever the directory does; caches of directory reads include it."""
    return _version(_DIRECTORY_VERSION_KEY)


def _chunk_version_key(chunk: int) -> str:
    return f"institutions:directory-chunk-version:{chunk}"


# How many chunks the directory has (the highest id // FACET_CHUNK + 1), once counted.
_CHUNK_COUNT_KEY = "institutions:directory-chunks"


def directory_changed(*, institution_ids: Iterable[int] | None = None) -> None:
    """Forget the cached facet counts: call after writing institutions, offers, needs or sectors.

    With ``institution_ids``, only the counts of their chunks; without, all of them. Either way
    ``directory_version()`` changes, for the other caches of directory reads. Now, and
    again once the current transaction commits: a visitor counting between the two saw the
    rows before the change and must not keep those counts.
    """
    chunks = None if institution_ids is None else {pk // FACET_CHUNK for pk in institution_ids}

    def forget() -> None:
        if chunks is None:
            cache.delete_many([_DIRECTORY_VERSION_KEY, _FACET_VERSION_KEY, _CHUNK_COUNT_KEY])
            return
        cache.delete(_DIRECTORY_VERSION_KEY)
        known = cache.get(_CHUNK_COUNT_KEY)
        if known is not None and max(chunks, default=0) >= known:
            cache.delete(_CHUNK_COUNT_KEY)  # a new chunk: count them again
        cache.delete_many([_chunk_version_key(chunk) for chunk in chunks])

    forget()
    transaction.on_commit(forget)


def _filters_digest(query: DirectoryQuery) -> str:
    filters = [
        sorted(query.country_codes),
        sorted(query.kinds),
        sorted(query.sector_ids),
        sorted(query.offer_type_ids),
        sorted(query.need_type_ids),
        sorted(query.languages),
        query.verified_only,
        *([sorted(query.alliance_ids)] if query.alliance_ids else []),
    ]
    return hashlib.sha256(json.dumps(filters).encode()).hexdigest()[:32]


def _link_ranges(chunks: list[int] | None, *, column: str = "link.institution_id") -> tuple[str, list[int]]:
    """Return a SQL condition on ``column`` (an institution id) for the id ranges of ``chunks``."""
    if chunks is None:
        return "", []
    ranges = " OR ".join(f"{column} >= %s AND {column} < %s" for _chunk in chunks)
    params = [bound for chunk in chunks for bound in (chunk * FACET_CHUNK, (chunk + 1) * FACET_CHUNK)]
    return f"WHERE ({ranges})", params


def _count_chunks(
    query: DirectoryQuery,
    *,
    base: QuerySet[Institution],
    parsed: ParsedQuery | None,
    hit_ids: list[int] | None,
    chunks: list[int] | None = None,
) -> dict[int, dict[str, dict[str, int]]]:
    """Count every facet per chunk (only ``chunks`` when given): one query for the facets
    without a selection, plus, without a text query, one per facet with a selection."""
    if chunks is not None:
        ranges = Q()
        for chunk in chunks:
            ranges |= Q(id__gte=chunk * FACET_CHUNK, id__lt=(chunk + 1) * FACET_CHUNK)
        base = base.filter(ranges)
    # A facet counted without its own filter below needs no count among the filtered rows.
    apart = [facet for facet in FACETS if _is_set(query, facet) and facet != "verified" and parsed is None]
    main_facets = [facet for facet in FACETS if facet not in apart]
    rows = _facet_set(query, "", base=base, parsed=parsed, hit_ids=hit_ids)
    counts = _raw_counts(rows, query, main_facets, chunks=chunks)
    for facet in apart:
        # With a text query, every facet counts among the (capped) matches: counting each
        # selected facet without its filter would search again per facet, which costs more
        # than the search itself on a broad term. Filtering by "verified" does not change
        # how many are verified.
        rows = _facet_set(query, facet, base=base, parsed=parsed, hit_ids=hit_ids)
        for chunk, by_facet in _raw_counts(rows, query, [facet], chunks=chunks).items():
            if chunk != MAX_ID:
                counts.setdefault(chunk, {name: {} for name in FACETS})[facet] = by_facet[facet]
    return counts


def _sum_chunks(chunks: Iterable[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for by_facet in chunks:
        for facet, values in by_facet.items():
            counts = total[facet]
            for value, count in values.items():
                counts[value] = counts.get(value, 0) + count
    return total


def _counts_by_facet(
    query: DirectoryQuery, *, base: QuerySet[Institution], parsed: ParsedQuery | None, hit_ids: list[int] | None
) -> dict[str, dict[str, int]]:
    """Return the raw counts of every facet (value → count), from the cache where possible.

    Without a text query: the kept counts of each chunk, and the counts of the chunks that
    changed since (or of all of them after a bulk change), computed in the same queries. A
    chunk's version is read before its rows are counted, so that counts taken while a
    change commits are kept under a version the change forgets.
    """
    if parsed is not None:
        counts = _count_chunks(query, base=base, parsed=parsed, hit_ids=hit_ids)
        counts.pop(MAX_ID, None)
        return _sum_chunks(counts.values())
    chunk_count = cache.get(_CHUNK_COUNT_KEY)
    if chunk_count is None:
        # The number of chunks is not known yet: count them all, and keep the counts from
        # the next visitor on (their versions must be read before counting).
        counts = _count_chunks(query, base=base, parsed=None, hit_ids=None)
        cache.set(_CHUNK_COUNT_KEY, counts.pop(MAX_ID) // FACET_CHUNK + 1, None)
        return _sum_chunks(counts.values())
    keys = _chunk_keys(query, _version(_FACET_VERSION_KEY), range(chunk_count))
    stored = cache.get_many(list(keys.values()))
    missing = [chunk for chunk, key in keys.items() if key not in stored]
    if missing:
        every = len(missing) == chunk_count
        counts = _count_chunks(query, base=base, parsed=None, hit_ids=None, chunks=None if every else missing)
        fresh = {keys[chunk]: counts.get(chunk, {}) for chunk in missing}
        cache.set_many(fresh, FACET_CACHE_SECONDS)
        stored.update(fresh)
    return _sum_chunks(stored.values())


def _chunk_keys(query: DirectoryQuery, version: str, chunks: Iterable[int]) -> dict[int, str]:
    """Return the cache key of each chunk's counts for ``query``'s filters, at its current version."""
    chunks = list(chunks)
    version_keys = {chunk: _chunk_version_key(chunk) for chunk in chunks}
    versions = cache.get_many(list(version_keys.values()))
    new = {key: uuid4().hex for key in version_keys.values() if key not in versions}
    if new:
        cache.set_many(new, None)
        versions.update(new)
    digest = _filters_digest(query)
    return {
        chunk: f"institutions:facets:{version}:{digest}:{chunk}:{versions[key]}" for chunk, key in version_keys.items()
    }


def facet_counts(
    query: DirectoryQuery,
    *,
    base: QuerySet[Institution],
    parsed: ParsedQuery | None,
    hit_ids: list[int] | None,
    taxonomies: Taxonomies,
    raw: dict[str, dict[str, int]] | None = None,
) -> dict[str, list[FacetOption]]:
    """Return the options of each facet with their counts (``raw``: already counted).

    One query for the facets without a selection (they share the result set), plus, without
    a text query, one per facet with a selection (counted without its own filter); with a
    text query the other values of a facet in use have no count (None). Options with no
    match are left out, except the selected ones, which always show.
    """
    if raw is None:
        raw = _counts_by_facet(query, base=base, parsed=parsed, hit_ids=hit_ids)
    facets: dict[str, list[FacetOption]] = {}
    by_country, selected = raw["country"], set(query.countries)
    options = [
        FacetOption(group, str(label), sum(by_country.get(c, 0) for c in COUNTRY_GROUPS[group]), group in selected)
        for group, label in COUNTRY_GROUP_LABELS.items()
    ]
    for code, name in countries:
        if by_country.get(code) or code in selected:
            options.append(FacetOption(code, str(name), by_country.get(code, 0), code in selected))
    facets["country"] = options
    facets["kind"] = [
        FacetOption(value, str(label), raw["kind"].get(value, 0), value in query.kinds)
        for value, label in Institution.Kind.choices
        if raw["kind"].get(value) or value in query.kinds
    ]
    facets["sector"] = [
        FacetOption(s.slug, s.label, raw["sector"].get(str(s.pk), 0), s.pk in query.sector_ids)
        for s in taxonomies.sectors
        if raw["sector"].get(str(s.pk)) or s.pk in query.sector_ids
    ]
    for facet, selected_ids in (("offers", query.offer_type_ids), ("needs", query.need_type_ids)):
        facets[facet] = [
            FacetOption(t.slug, t.label, raw[facet].get(str(t.pk), 0), t.pk in selected_ids)
            for t in taxonomies.types
            if raw[facet].get(str(t.pk)) or t.pk in selected_ids
        ]
    facets["language"] = [
        FacetOption(code, str(label), raw["language"].get(code, 0), code in query.languages)
        for code, label in WORK_LANGUAGES
        if raw["language"].get(code) or code in query.languages
    ]
    facets["alliance"] = [
        FacetOption(a.slug, a.label, raw["alliance"].get(str(a.pk), 0), a.pk in query.alliance_ids)
        for a in taxonomies.alliances
        if raw["alliance"].get(str(a.pk)) or a.pk in query.alliance_ids
    ]
    facets["verified"] = [FacetOption("1", str(_("Verified only")), raw["verified"].get("1", 0), query.verified_only)]
    if parsed is not None:
        # With a text query a facet's counts are taken among the matches, which its own
        # selection already narrowed: the other values of a facet in use would all read 0 or
        # too little. They show no number rather than a wrong one.
        for facet, options in facets.items():
            if facet != "verified" and _is_set(query, facet):
                for option in options:
                    if not option.selected:
                        option.count = None
    return facets


# --- Exports ---------------------------------------------------------------------------------

# An export holds at most this many institutions (the directory page says so).
EXPORT_CAP = 10_000
_EXPORT_CHUNK = 1000


def export_headers() -> list[str]:
    """Return the translated column headers of a directory export."""
    return [
        str(_("Name (English)")),
        str(_("Name in local script")),
        str(_("Acronym")),
        str(_("Kind")),
        str(_("Country")),
        str(_("Province or state")),
        str(_("City")),
        str(_("Website")),
        str(_("Sectors")),
        str(_("Offers")),
        str(_("Needs")),
        str(_("Languages of work")),
        str(_("Verification status")),
        str(_("Profile")),
    ]


def _export_institutions(query: DirectoryQuery) -> Iterable[Institution]:
    """Yield the institutions of ``query`` in the directory's order, at most EXPORT_CAP."""
    filtered = apply_filters(public_institutions(), query)
    parsed = parse_query(query.text) if query.text else None
    if parsed:
        order = query.sort if query.sort in (Sort.NAME, Sort.UPDATED) else "relevance"
        ids = search_institutions(filtered, parsed, order=order, cap=EXPORT_CAP).ids
        for start in range(0, len(ids), _EXPORT_CHUNK):
            chunk = ids[start : start + _EXPORT_CHUNK]
            by_id = Institution.objects.filter(pk__in=chunk).prefetch_related("sectors").in_bulk()
            yield from (by_id[pk] for pk in chunk if pk in by_id)
        return
    ordering = ("-updated_at", "id") if query.sort == Sort.UPDATED else (Lower("name"), "id")
    rows = filtered.order_by(*ordering).prefetch_related("sectors")[:EXPORT_CAP]
    yield from rows.iterator(chunk_size=_EXPORT_CHUNK)


def export_rows(query: DirectoryQuery, *, taxonomies: Taxonomies, request) -> Iterable[list[str]]:
    """Yield one row of public fields per institution of ``query``; never personal data.

    The download writers (``core.downloads``) neutralise the cells a spreadsheet would run.
    """
    sectors = {s.pk: s.label for s in taxonomies.sectors}
    types = {t.pk: t.label for t in taxonomies.types}
    languages = dict(WORK_LANGUAGES)

    def items(keys: list[str]) -> str:
        labels = []
        for key in keys:
            type_id, _sep, sector_id = key.partition(":")
            type_label, sector_label = types.get(int(type_id)), sectors.get(int(sector_id or 0))
            if type_label and sector_label:
                labels.append(f"{type_label} ({sector_label})")
        return "; ".join(labels)

    for institution in _export_institutions(query):
        row = [
            institution.name,
            institution.name_local,
            institution.acronym,
            str(institution.get_kind_display()),
            str(institution.country.name),
            institution.province,
            institution.city,
            institution.website,
            "; ".join(s.label for s in institution.sectors.all()),
            items(institution.offer_keys),
            items(institution.need_keys),
            ", ".join(str(languages.get(code, code)) for code in institution.languages),
            str(institution.get_verification_status_display()),
            request.build_absolute_uri(institution.get_absolute_url()),
        ]
        yield [value or "" for value in row]
