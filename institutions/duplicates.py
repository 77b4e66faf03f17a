"""Find institutions that are probably the one someone is about to create or import again.

The same college turns up under many spellings: "Shenzhen Polytechnic Univ." and "Shenzhen
Polytechnic University", "Ha Noi" and "Hanoi" and "Hà Nội", "Science & Technology" and
"Science and Technology", words in another order, a typo ("Kampong Spue"). Sign-up and the
secretariat's import both ask :func:`likely_duplicates` before writing a new institution.

How a match is scored (0..1, the highest signal wins; see ``_score``):

- English name: both names are folded (lower case, no accents, no punctuation), common
  abbreviations are expanded (Univ. → university, Inst. → institute, Tech. → technology …) and
  filler words dropped (of, the, and, &). The similarity is the larger of
  * a *soft, weighted token-set Jaccard*: words match when equal or spelt almost alike
    (difflib ratio ≥ 0.75, "spue"/"speu"), weighted by how distinctive they are: generic words
    ("college", "vocational", "technology") count half, so two colleges of one province that
    differ only in their field ("… of Transport" / "… of Agriculture") stay apart;
  * 0.9 × the trigram Jaccard of the words joined without spaces (as written, or sorted),
    which forgives split or joined words ("ha noi" / "hanoi") and word order.
- Local-script name: equal modulo spaces and punctuation → 1.0; otherwise the Jaccard of its
  character bigrams.
- Same registrable website domain (www. and subdomains ignored) → 0.95.
- Same acronym → +0.15 on top of the name's score (alone it proves little: acronyms collide).
- A different country multiplies the score by 0.8: namesakes across borders are common.

A score of :data:`DUPLICATE_THRESHOLD` or more makes a *likely duplicate*.

Candidates are fetched through indexes only (the directory holds up to 50,000 institutions):
the full-text ``search_document`` for the name's distinctive words and the acronym, then,
when those find little, the names nearest to the typed one by pg_trgm's trigram distance
(GiST index on the name), the ``search_grams`` bigram array for the local-script name; the
website domain is matched with a plain ``icontains`` (a short sequential scan). Scoring
happens in Python on at most a few hundred candidates.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from urllib.parse import urlsplit

from django.contrib.postgres.search import SearchQuery, TrigramDistance, TrigramWordDistance
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Institution
from .text import bigrams, fold, latin_words, trigrams, unspaced_runs

DUPLICATE_THRESHOLD = 0.72
# The joined-words trigram score forgives split words but also rewards long shared generic
# words ("vocationaltechnicalcollege"), so it counts a little less than the word score.
COMPACT_WEIGHT = 0.9
CANDIDATE_LIMIT = 50
# Fewer candidates than this from the all-words lookup: try the broader any-word lookup.
FALLBACK_BELOW = 5

# Abbreviations and variants, mapped to one canonical word.
CANONICAL_WORDS = {
    "univ": "university",
    "uni": "university",
    "universiti": "university",
    "universitas": "university",
    "universidad": "university",
    "inst": "institute",
    "institut": "institute",
    "instituto": "institute",
    "tech": "technology",
    "technol": "technology",
    "technical": "technology",
    "technological": "technology",
    "technologies": "technology",
    "teknologi": "technology",
    "coll": "college",
    "colleges": "college",
    "poly": "polytechnic",
    "polytech": "polytechnic",
    "politeknik": "polytechnic",
    "voc": "vocational",
    "vocation": "vocational",
    "sci": "science",
    "sciences": "science",
    "eng": "engineering",
    "engg": "engineering",
    "intl": "international",
    "natl": "national",
    "nat": "national",
    "mgmt": "management",
    "assoc": "association",
    "assn": "association",
    "dept": "department",
    "co": "company",
    "corp": "corporation",
    "ltd": "limited",
    "centre": "center",
    "ctr": "center",
    "prof": "professional",
    "st": "saint",
}
STOP_WORDS = {"of", "the", "and", "for", "in", "at", "de", "da", "di", "dan", "a", "an"}
# Words that name what an institution is rather than which one it is.
GENERIC_WORDS = {
    "university",
    "institute",
    "technology",
    "college",
    "polytechnic",
    "vocational",
    "science",
    "engineering",
    "school",
    "academy",
    "center",
    "training",
    "education",
    "professional",
    "national",
    "international",
    "company",
    "limited",
    "corporation",
    "group",
    "industrial",
    "industry",
    "association",
    "department",
    "higher",
    "province",
    "provincial",
    "city",
    "municipal",
    "state",
    "community",
    "applied",
}
GENERIC_WEIGHT = 0.5
SIMILAR_WORD_RATIO = 0.75

# Free-mail providers: an address there says nothing about where a person works.
FREE_MAIL_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "aliyun.com",
    "139.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "mail.com",
    "yandex.com",
    "zoho.com",
    "aol.com",
}
# Second-level labels under which a country-code domain is registered (szpu.edu.cn, ac.th …).
_SECOND_LEVEL = {"edu", "com", "gov", "ac", "org", "net", "co", "or", "go", "mil", "sch", "int", "in", "nic"}
_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass
class DuplicateMatch:
    institution: Institution
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def name_words(name: str) -> list[str]:
    """Return the canonical words of a Latin-script name, abbreviations expanded, filler dropped."""
    words = []
    for word in latin_words(name.replace("&", " and ")):
        word = CANONICAL_WORDS.get(word, word)
        if word not in STOP_WORDS:
            words.append(word)
    return words


def local_key(text: str) -> str:
    """Return a local-script name without spaces, punctuation or case (for equality)."""
    return _PUNCT_OR_SPACE.sub("", unicodedata.normalize("NFKC", text).casefold())


def registrable_domain(value: str) -> str:
    """Return the registrable domain of a URL, host or email address ("" if there is none).

    ``https://www.szpu.edu.cn/en/`` and ``mail.szpu.edu.cn`` both give ``szpu.edu.cn``. Without
    the public-suffix list, a country-code domain keeps three labels when its second level is
    one of the usual ``edu``/``ac``/``com``/``gov``… labels, and two otherwise.
    """
    value = (value or "").strip().lower()
    if not value:
        return ""
    if "@" in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    labels = [label for label in host.strip(".").split(".") if label]
    if len(labels) < 2:
        return ""
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def email_domain_matches_website(email: str, website: str) -> bool:
    """Tell whether an address belongs to the domain of ``website`` (free-mail never does)."""
    domain = registrable_domain(email)
    if not domain or domain in FREE_MAIL_DOMAINS or "@" not in (email or ""):
        return False
    if email.rsplit("@", 1)[1].lower() in FREE_MAIL_DOMAINS:
        return False
    return domain == registrable_domain(website)


def _weight(word: str) -> float:
    return GENERIC_WEIGHT if word in GENERIC_WORDS else 1.0


def _soft_token_similarity(words_a: list[str], words_b: list[str]) -> float:
    """Return a weighted Jaccard of two word sets in which near-identical words half-match."""
    set_a, set_b = set(words_a), set(words_b)
    if not set_a or not set_b:
        return 0.0
    matched = 0.0
    for word in set_a:
        if word in set_b:
            matched += _weight(word)
            continue
        best = 0.0
        if len(word) >= 4:
            for other in set_b:
                if len(other) >= 4 and abs(len(other) - len(word)) <= 2:
                    best = max(best, difflib.SequenceMatcher(None, word, other).ratio())
        if best >= SIMILAR_WORD_RATIO:
            matched += _weight(word) * best
    total = sum(_weight(w) for w in set_a) + sum(_weight(w) for w in set_b)
    return matched / (total - matched) if total > matched else 1.0


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _compact_similarity(words_a: list[str], words_b: list[str]) -> float:
    """Return the trigram Jaccard of the words joined without spaces, as written or sorted.

    As written forgives split or joined words ("ha noi" / "hanoi"); sorted forgives word order.
    """
    if not words_a or not words_b:
        return 0.0
    return max(
        _jaccard(set(trigrams("".join(a))), set(trigrams("".join(b))))
        for a, b in ((words_a, words_b), (sorted(words_a), sorted(words_b)))
    )


def name_similarity(name_a: str, name_b: str) -> float:
    """Return how alike two Latin-script institution names are, from 0 to 1."""
    words_a, words_b = name_words(name_a), name_words(name_b)
    if words_a and words_a == words_b:
        return 1.0
    return max(_soft_token_similarity(words_a, words_b), COMPACT_WEIGHT * _compact_similarity(words_a, words_b))


def local_name_similarity(local_a: str, local_b: str) -> float:
    """Return how alike two local-script names are: 1 when equal modulo spacing and punctuation."""
    key_a, key_b = local_key(local_a), local_key(local_b)
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 1.0
    grams_a = {g for run in unspaced_runs(key_a) for g in bigrams(run)}
    grams_b = {g for run in unspaced_runs(key_b) for g in bigrams(run)}
    if grams_a and grams_b:
        return _jaccard(grams_a, grams_b)
    # Local names in spaced scripts (Vietnamese, Malay …) compare like English ones.
    return name_similarity(local_a, local_b)


def _score(
    candidate: Institution,
    *,
    name: str,
    name_local: str,
    acronym: str,
    domain: str,
    country: str | None,
) -> DuplicateMatch:
    reasons: list[str] = []
    score = 0.0
    if name:
        similarity = max(name_similarity(name, candidate.name), name_similarity(name, candidate.name_local or ""))
        if similarity >= 0.5:
            reasons.append(_("similar name (%(percent)s%%)") % {"percent": round(similarity * 100)})
        score = max(score, similarity)
    if name_local:
        similarity = max(
            local_name_similarity(name_local, candidate.name_local or ""),
            local_name_similarity(name_local, candidate.name),
        )
        if similarity == 1.0:
            reasons.append(_("same local-script name"))
        elif similarity >= 0.5:
            reasons.append(_("similar local-script name (%(percent)s%%)") % {"percent": round(similarity * 100)})
        score = max(score, similarity)
    if domain and registrable_domain(candidate.website) == domain:
        reasons.append(_("same website domain (%(domain)s)") % {"domain": domain})
        score = max(score, 0.95)
    if acronym and candidate.acronym and fold(acronym).strip() == fold(candidate.acronym).strip():
        reasons.append(_("same acronym"))
        score = min(1.0, score + 0.15)
    if country and str(candidate.country) != str(country):
        score *= 0.8
    return DuplicateMatch(institution=candidate, score=round(score, 3), reasons=reasons)


def _grams_halves(text: str) -> list[list[str]]:
    """Return the bigrams of the first and second halves of each unspaced run in ``text``.

    A near-duplicate local name (one character changed, a suffix added) keeps one half intact,
    and containment of a half (``@>``) is answered by the GIN index without matching every
    institution that merely shares "职业" or "学院".
    """
    halves = []
    for run in unspaced_runs(text):
        grams = bigrams(run)
        if len(grams) <= 2:
            halves.append(grams)
        else:
            middle = len(grams) // 2
            halves.extend([grams[:middle], grams[middle:]])
    return [h for h in halves if h]


def _candidates(
    *, name: str, name_local: str, acronym: str, domain: str, exclude_pk: int | None, within: bool = False
) -> list[Institution]:
    """Fetch the institutions worth scoring, each signal by its own small, index-served query.

    Names are looked up twice at most: first the rows holding *all* the distinctive words (few
    and cheap, and where a real duplicate nearly always is); only when that finds little, the
    ``CANDIDATE_LIMIT`` names nearest to the typed one by pg_trgm's trigram distance, which the
    GiST index on the name yields nearest first. Trigrams forgive what whole words cannot: a
    typo anywhere in a word ("Spue"), split or joined words ("Ha Noi" / "Hanoi"), word order.
    With ``within``, the distance is the word-similarity one (how well the typed words fit
    somewhere in a name), for a search box where the name may go on after them.
    """
    base = Institution.objects.exclude(verification_status=Institution.Verification.REJECTED).defer("description")
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    found: dict[int, Institution] = {}

    def collect(queryset) -> None:
        for institution in queryset:
            found.setdefault(institution.pk, institution)

    words = list(dict.fromkeys(name_words(name))) if name else []
    distinctive = [w for w in words if w not in GENERIC_WORDS] or words
    if distinctive:
        all_words = reduce(and_, (SearchQuery(w, config="english", search_type="plain") for w in distinctive))
        collect(base.filter(search_document=all_words).order_by("pk")[:CANDIDATE_LIMIT])
    if words and len(found) < FALLBACK_BELOW:
        typed = " ".join(latin_words(name))
        distance = TrigramWordDistance(typed, "name") if within else TrigramDistance("name", typed)
        # Ordered by the distance alone: a second sort key would make PostgreSQL compute the
        # distance of every row instead of walking the index nearest first.
        collect(base.annotate(distance=distance).order_by("distance")[:CANDIDATE_LIMIT])
    gram_conditions = [Q(search_grams__contains=half) for half in _grams_halves(f"{name_local} {name}")]
    if gram_conditions:
        collect(base.filter(reduce(or_, gram_conditions))[:CANDIDATE_LIMIT])
    acronym_words = latin_words(acronym)
    if acronym_words:
        collect(
            base.filter(
                search_document=SearchQuery(" ".join(acronym_words), config="simple", search_type="plain"),
                acronym__iexact=acronym.strip(),
            )[:20]
        )
    if domain:
        # No index serves a substring of the website; the scan is short and only runs here.
        collect(base.filter(website__icontains=domain)[:20])
    return list(found.values())


def likely_duplicates(
    *,
    name: str = "",
    name_local: str = "",
    acronym: str = "",
    website: str = "",
    country: str | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
    min_score: float = DUPLICATE_THRESHOLD,
) -> list[DuplicateMatch]:
    """Return the existing institutions most likely to be the one described, best first.

    Rejected institutions are never returned. ``country`` (an ISO code) lowers the score of
    namesakes elsewhere; ``exclude_pk`` leaves out the institution being edited. Read-only.
    """
    name, name_local, acronym = (name or "").strip(), (name_local or "").strip(), (acronym or "").strip()
    domain = registrable_domain(website)
    if domain in FREE_MAIL_DOMAINS:
        domain = ""
    candidates = _candidates(name=name, name_local=name_local, acronym=acronym, domain=domain, exclude_pk=exclude_pk)
    matches = [
        _score(c, name=name, name_local=name_local, acronym=acronym, domain=domain, country=country) for c in candidates
    ]
    matches = [m for m in matches if m.score >= min_score]
    matches.sort(key=lambda m: (-m.score, m.institution.name))
    return matches[:limit]


def _coverage(query_words: list[str], name: str) -> float:
    """Return the weighted share of ``query_words`` found, exactly or nearly, among a name's words."""
    words = set(name_words(name))
    total = sum(_weight(w) for w in query_words)
    found = 0.0
    for word in query_words:
        if word in words:
            found += _weight(word)
        elif len(word) >= 4:
            best = max(
                (difflib.SequenceMatcher(None, word, other).ratio() for other in words if len(other) >= 4),
                default=0.0,
            )
            if best >= SIMILAR_WORD_RATIO:
                found += _weight(word) * best
    return found / total if total else 0.0


def institutions_named_like(query: str, *, limit: int = 10) -> list[Institution]:
    """Return institutions whose names contain the words of ``query``, tolerating misspellings.

    For a search box ("Shenzen Poly"), where :func:`likely_duplicates` would compare whole names:
    here every word typed should be in the name, nearly enough; the rest of the name may differ.
    """
    query_words = list(dict.fromkeys(name_words(query)))
    if not query_words:
        return []
    candidates = _candidates(name=query, name_local="", acronym="", domain="", exclude_pk=None, within=True)
    scored = [(_coverage(query_words, c.name), c) for c in candidates]
    scored = [(score, c) for score, c in scored if score >= 0.75]
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [c for _score, c in scored[:limit]]
