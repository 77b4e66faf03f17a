"""The directory's search engine: full text, substrings of unspaced scripts, typo tolerance.

One search box looks at the English name, the local-script name, the acronym, the city, the
province and the description in each of its languages, with three techniques, all served by
indexes (PostgreSQL's full text search, arrays, and the pg_trgm extension that the
migrations create):

1. Latin-script words go through the stored, GIN-indexed ``Institution.search_document``
   (English stemming for names and descriptions, 'simple' for acronyms, places and the
   description's translations). A query
   word becomes ``to_tsquery('english', w) || to_tsquery('simple', w)``; the last word is a
   prefix (``w:*``) so that results follow typing. The search vector is never built per query.
2. Runs of Chinese, Thai, Khmer, … characters (no spaces between words) are found through the
   GIN-indexed ``search_grams`` bigram array (``search_grams @> bigrams(run)``), then confirmed
   with ``strpos`` on the text columns, which drops rows that hold the bigrams apart. pg_trgm
   does not replace it: most Chinese words have two characters, which hold no trigram, so a
   trigram index answers ``LIKE '%师资%'`` by fetching and rechecking every row.
3. Spelling: the ``SearchWord`` vocabulary holds the words of names, acronyms and places, and
   each word folded (no accents, lower case) under a pg_trgm GiST index. A query word's
   nearest vocabulary words by trigram distance come from the index nearest first
   (``folded <-> word``, one query); a query word missing from the vocabulary is corrected to
   those within a Damerau–Levenshtein distance of 1 (short words) or 2. The distance decides,
   not a similarity threshold: one swapped letter in a short word leaves few trigrams in
   common ("spue"/"speu" share 2 of 8, similarity 0.25), so any threshold low enough to
   accept it accepts unrelated words too. The same lookup maps a folded query word to the
   accented spellings stored in the documents ("ha noi" finds "Hà Nội"): the documents keep
   their accents.

Ranking a broad term over every match is the classic trap: the search takes the first
``CANDIDATE_CAP`` matches that the GIN index yields, ranks only those with ``ts_rank_cd`` and
reports "more than CANDIDATE_CAP results" instead of counting exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from .models import Institution, SearchWord
from .text import bigrams, fold, latin_words, unspaced_runs

# How many matches of a text query are fetched, ranked, sorted and counted at most.
CANDIDATE_CAP = 1000
# Vocabulary words of this length or more; shorter ones are too ambiguous to correct.
MIN_WORD_LENGTH = 3
MAX_WORD_LENGTH = 60  # SearchWord.word's max_length
# How many vocabulary words nearest to a query word (by trigram distance) are compared in
# Python with the edit distance.
SIMILAR_CANDIDATES = 100
# How many corrections one query word may add to the query.
MAX_CORRECTIONS = 8

_WORD = re.compile(r"\w+")

# PostgreSQL's 'english' text search configuration drops these words (its snowball stop word
# list). A query word that is one of them would otherwise have to match the 'simple' fields
# (acronym, places) and make "Institute of Technology" find nothing.
ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "doing",
        "don",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "s",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "t",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)


# --- Vocabulary ------------------------------------------------------------------------------


def vocabulary_words(*texts: str) -> set[str]:
    """Return the vocabulary words of ``texts``: folded words and their accented spellings.

    A word is kept when it has at least ``MIN_WORD_LENGTH`` characters, or when it carries
    accents (so that "Hà" in "Hà Nội" can be found from "ha"). Accented spellings are kept
    in lower case as PostgreSQL's text search stores them, next to the folded word.
    """
    words: set[str] = set()
    for text in texts:
        for raw in _WORD.findall((text or "").lower()):
            if raw.isdigit() or len(raw) > MAX_WORD_LENGTH or "_" in raw:
                continue
            folded = fold(raw)
            if not folded.isascii():  # another script: the bigram search handles it
                continue
            if len(folded) >= MIN_WORD_LENGTH:
                words.add(folded)
            if raw != folded and len(folded) >= 2:
                words.add(raw)
    return words


def institution_vocabulary(institution: Institution) -> set[str]:
    """Return the vocabulary words of one institution's names, acronym and places."""
    return vocabulary_words(
        institution.name, institution.name_local, institution.acronym, institution.city, institution.province
    )


def _word_rows(words: Iterable[str]) -> list[SearchWord]:
    return [SearchWord(word=word, folded=fold(word)) for word in sorted(words)]


def add_search_words(words: Iterable[str]) -> None:
    """Add ``words`` to the vocabulary; words already there are left alone (idempotent)."""
    SearchWord.objects.bulk_create(_word_rows(words), ignore_conflicts=True, batch_size=2000)


@transaction.atomic
def rebuild_search_words() -> int:
    """Rebuild the whole vocabulary from the institutions; return the number of words.

    For bulk loads (imports, benchmarks), where ``bulk_create`` sends no signals, and to drop
    the words of names that were edited away: the post-save receiver only ever adds words.
    """
    words: set[str] = set()
    rows = Institution.objects.values_list("name", "name_local", "acronym", "city", "province")
    for texts in rows.iterator(chunk_size=5000):
        words |= vocabulary_words(*texts)
    SearchWord.objects.all().delete()
    add_search_words(words)
    return len(words)


def damerau_levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Return the optimal-string-alignment distance between ``a`` and ``b``.

    Insertions, deletions, substitutions and swaps of two neighbours each cost 1 ("Spue" →
    "Speu" is 1). With ``limit``, stops early and returns ``limit + 1`` once the distance is
    certainly larger, which keeps comparing the nearest candidates cheap.
    """
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_distance(word: str) -> int:
    """Return how many edits a correction of ``word`` may need: 1 up to 5 letters, else 2."""
    return 1 if len(word) <= 5 else 2


def _vocabulary_candidates(word: str, max_distance: int) -> list[tuple[str, str]]:
    """Return up to SIMILAR_CANDIDATES vocabulary words of a similar length nearest to ``word``
    (folded) by pg_trgm's trigram distance, nearest first, as ``(word, folded)`` pairs.

    One query: the GiST index on ``folded`` walks the words in order of distance (``<->``),
    so there is no similarity threshold to tune and the exact folded word comes first. The
    distance is the only sort key: a second one would make PostgreSQL compute the distance of
    every word instead of walking the index (on a small vocabulary it scans it anyway).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT word, folded FROM {SearchWord._meta.db_table}
            WHERE char_length(folded) BETWEEN %s AND %s
            ORDER BY folded <-> %s
            LIMIT %s
            """,  # noqa: S608 -- the table name comes from the model, values are parameters  # nosec B608
            [max(len(word) - max_distance, 1), len(word) + max_distance, word, SIMILAR_CANDIDATES],
        )
        return cursor.fetchall()


def _corrections(word: str, candidates: list[tuple[str, str]], max_distance: int, limit: int) -> list[str]:
    """Return the candidates within ``max_distance`` edits of ``word``, closest first."""
    scored = []
    for candidate, folded in candidates:
        if folded == word:
            continue
        distance = damerau_levenshtein(word, folded, max_distance)
        if distance <= max_distance:
            scored.append((distance, candidate))
    scored.sort()
    return [candidate for _distance, candidate in scored[:limit]]


def similar_words(word: str, *, limit: int = MAX_CORRECTIONS) -> list[str]:
    """Return vocabulary words spelled like ``word`` (folded), closest first; one SQL query.

    Includes the accented spellings whose folded form is ``word`` itself (distance 0) and the
    words within ``allowed_distance(word)`` edits among the ``SIMILAR_CANDIDATES`` nearest by
    trigram distance.
    """
    word = fold(word)
    if len(word) < 2:
        return []
    max_distance = allowed_distance(word)
    candidates = _vocabulary_candidates(word, max_distance)
    variants = sorted(candidate for candidate, folded in candidates if folded == word and candidate != word)
    return (variants + _corrections(word, candidates, max_distance, limit))[:limit]


def _spellings(word: str) -> tuple[bool, list[str], list[str]]:
    """Return whether ``word`` is in the vocabulary, its accented spellings and its corrections.

    One query. Corrections are only looked for when the word itself is not in the vocabulary:
    a known word is what the person meant.
    """
    max_distance = allowed_distance(word)
    candidates = _vocabulary_candidates(word, max_distance)
    known = any(candidate == word for candidate, _folded in candidates)
    variants = sorted(candidate for candidate, folded in candidates if folded == word and candidate != word)
    corrections = []
    if not known and len(word) >= MIN_WORD_LENGTH:
        corrections = _corrections(word, candidates, max_distance, MAX_CORRECTIONS)
    return known, variants, corrections


# --- Queries ---------------------------------------------------------------------------------


@dataclass
class QueryWord:
    """A Latin-script word of the query with the spellings that may stand for it."""

    word: str
    prefix: bool = False
    variants: list[str] = field(default_factory=list)  # accented spellings: count as exact
    corrections: list[str] = field(default_factory=list)  # close spellings: rank lower


def _term(spelling: str, prefix: bool) -> tuple[str, list[str]]:
    value = f"{spelling}:*" if prefix else spelling
    return "(to_tsquery('english', %s) || to_tsquery('simple', %s))", [value, value]


@dataclass
class ParsedQuery:
    """A search box text, parsed: Latin words (with spellings) and runs of unspaced scripts."""

    text: str
    words: list[QueryWord] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.words or self.runs)

    @property
    def corrected(self) -> list[str]:
        return [c for w in self.words for c in w.corrections]

    def tsquery(self, *, exact: bool) -> tuple[str, list]:
        """Return SQL for the tsquery of the words (all words, each with its spellings)."""
        parts, params = [], []
        for word in self.words:
            alternatives, alt_params = [], []
            spellings = [(word.word, word.prefix)] + [(v, word.prefix) for v in word.variants]
            if not exact:
                spellings += [(c, False) for c in word.corrections]
            for spelling, prefix in spellings:
                sql, sql_params = _term(spelling, prefix)
                alternatives.append(sql)
                alt_params += sql_params
            parts.append("(" + " || ".join(alternatives) + ")")
            params += alt_params
        # A scalar subquery: PostgreSQL builds the tsquery once (an InitPlan), not once per row.
        return "(SELECT " + " && ".join(parts) + ")", params

    def condition(self) -> tuple[str, list]:
        """Return a SQL boolean (columns unqualified) true for the institutions that match."""
        clauses, params = [], []
        if self.words:
            sql, sql_params = self.tsquery(exact=False)
            clauses.append(f"search_document @@ ({sql})")
            params += sql_params
        for run in self.runs:
            found = " OR ".join(f"strpos({column}, %s) > 0" for column in _RUN_COLUMNS)
            params_found = [run] * len(_RUN_COLUMNS)
            if len(run) >= 2:
                # The GIN index finds the rows holding every bigram; strpos drops those that
                # hold them apart (深圳 … 职业 for 深圳职业).
                clauses.append(f"(search_grams @> %s::varchar[] AND ({found}))")
                params += [sorted(set(bigrams(run))), *params_found]
            else:
                clauses.append(f"({found})")
                params += params_found
        return " AND ".join(clauses), params

    def relevance(self) -> tuple[str, list]:
        """Return SQL for a relevance score: exact spellings first, then ts_rank_cd.

        A match of the exact words (or their accented spellings) adds 10, so that corrected
        matches always come after them; a run found in a name adds 1; ts_rank_cd (at most 1
        with normalisation 32) orders the rest, weighing names (A) over places (B) over
        descriptions (C).
        """
        terms, params = ["0"], []
        if self.words:
            exact_sql, exact_params = self.tsquery(exact=True)
            all_sql, all_params = self.tsquery(exact=False)
            terms.append(f"(CASE WHEN search_document @@ ({exact_sql}) THEN 10 ELSE 0 END)")
            terms.append(f"ts_rank_cd(search_document, ({all_sql}), 32)")
            params += exact_params + all_params
        for run in self.runs:
            terms.append("(CASE WHEN strpos(name_local, %s) > 0 OR strpos(name, %s) > 0 THEN 1 ELSE 0 END)")
            params += [run, run]
        return " + ".join(terms), params


_RUN_COLUMNS = ("name_local", "name", "acronym", "city", "province", "description", "search_translations")
# At most this many Latin words of a query are looked up in the vocabulary (one query each).
MAX_LOOKED_UP_WORDS = 6


def parse_query(text: str) -> ParsedQuery:
    """Parse the search box ``text``; looks each word up in the vocabulary (one query per word).

    English stop words are dropped (PostgreSQL's 'english' configuration has none of them in
    the documents). The last word is a prefix unless the text ends with a space, so that
    results follow typing.
    """
    text = (text or "").strip()[:200]
    parsed = ParsedQuery(text=text)
    words = [w for w in latin_words(text) if w not in ENGLISH_STOP_WORDS]
    words = list(dict.fromkeys(words))[:12]
    for index, word in enumerate(words):
        query_word = QueryWord(word=word, prefix=index == len(words) - 1 and len(word) >= 2)
        if index < MAX_LOOKED_UP_WORDS and not word.isdigit():
            _known, query_word.variants, query_word.corrections = _spellings(word)
        parsed.words.append(query_word)
    parsed.runs = list(dict.fromkeys(unspaced_runs(text)))[:6]
    return parsed


@dataclass
class SearchHits:
    """The ids of the institutions a text query found, best first, at most ``cap``."""

    ids: list[int]
    capped: bool  # True when there are more than ``cap`` matches: ``ids`` holds the first ones
    query: ParsedQuery


def matching(queryset: QuerySet[Institution], query: ParsedQuery) -> QuerySet[Institution]:
    """Narrow ``queryset`` to the institutions that match ``query`` (no ranking, no cap)."""
    if not query:
        return queryset
    sql, params = query.condition()
    # bandit: the condition is built by ParsedQuery from fixed fragments; user words are bound parameters.
    return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))  # nosec B611


def search_institutions(
    queryset: QuerySet[Institution],
    text: str | ParsedQuery,
    *,
    order: str = "relevance",
    cap: int = CANDIDATE_CAP,
) -> SearchHits:
    """Return the ids of ``queryset``'s institutions matching ``text``, ordered, capped.

    The first ``cap`` + 1 matches the GIN indexes yield are fetched (whatever their rank) and
    only those are ranked and sorted, in one query: ranking every match of a broad term would
    cost a full scan. ``order`` is "relevance", "name" or "updated". ``queryset`` carries the
    directory's filters; it must not be sliced.
    """
    query = text if isinstance(text, ParsedQuery) else parse_query(text)
    if not query:
        return SearchHits(ids=[], capped=False, query=query)
    # The ranking columns are computed in the same index scan as the match, for at most
    # cap + 1 rows, and the outer query only sorts those.
    if order == "name":
        key, key_params, direction = "lower(name)", [], "ASC"
    elif order == "updated":
        key, key_params, direction = "updated_at", [], "DESC"
    else:
        key, key_params = query.relevance()
        direction = "DESC"
    candidates = (
        matching(queryset, query)
        .order_by()
        # bandit: the sort key is built by ParsedQuery from fixed fragments; user words are bound parameters.
        .annotate(sort_key=RawSQL(key, key_params), sort_name=Lower("name"))  # nosec B611
        .values("id", "sort_key", "sort_name")[: cap + 1]
    )
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM ({sql}) AS candidate ORDER BY sort_key {direction}, sort_name, id",  # noqa: S608 -- ORM SQL  # nosec B608
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    return SearchHits(ids=ids[:cap], capped=len(ids) > cap, query=query)
