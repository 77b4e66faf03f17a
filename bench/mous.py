"""Benchmark the MoU registry, statistics and network picture on 20,000 MoUs.

    .venv/bin/python -m bench.mous [--mous 20000] [--runs 30]

Uses the benchmark database (``tvet_bench``; see ``bench.setup()``) with its 50,000 generated
institutions (``bench.data.ensure_populated``), and adds ``--mous`` generated MoUs (reference
``BENCH-MOU-…``) unless exactly that many are there: 2–3 parties each, mostly a Chinese
institution with an ASEAN one (some ASEAN–ASEAN, some with a third party), Zipf-like sectors and
cooperation types, signed 2015–2026, a realistic mix of statuses, 70 % public, a quarter with
milestones or recorded activity, a third with a Chinese translation of the title. Rows are bulk-inserted, so ``party_countries`` and ``party_names`` are computed here.

Then it measures server-side, through Django's test client (p50/p95/max and the SQL query count):
the public registry with two filters (country pair and sector) and text searches (the rows
marked "fresh" with the kept pages and sections made stale before each request, as after any
change, so that the search itself is timed, not the shared section read back), the secretariat's statistics
page, and the network picture for one country pair and sector. Targets: registry p95 ≤ 100 ms
with a fixed number of queries; statistics ≤ 1 s; network ≤ 1 s. The MoUs stay for the next
run; the secretariat user it creates is deleted.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import time
from datetime import date, timedelta

REFERENCE_PREFIX = "BENCH-MOU-"
BATCH = 2000
ASEAN = ["TH", "VN", "KH", "ID", "MY", "PH", "LA", "MM", "SG", "BN", "TL"]
ASEAN_WEIGHTS = [10, 9, 7, 9, 6, 6, 3, 3, 1, 0.5, 0.5]
# (status, weight); signed statuses need a signing date.
STATUSES = [
    ("draft", 4),
    ("signed", 10),
    ("active", 45),
    ("expiring", 6),
    ("expired", 18),
    ("renewed", 7),
    ("terminated", 3),
]
TOPICS = [
    "Teacher training in {s}",
    "Joint programme in {s}",
    "Student exchange for {s}",
    "Industrial college for {s}",
    "Internships and apprenticeships in {s}",
    "Curriculum standards for {s}",
]
# The same topics in Chinese: a third of the MoUs carry a Chinese translation of their title.
TOPICS_ZH = ["{s}师资培训", "{s}联合培养项目", "{s}学生交流", "{s}产业学院", "{s}实习与学徒制", "{s}课程标准"]
SECTORS_ZH = {
    "mechanical-electrical": "机电",
    "intelligent-manufacturing": "智能制造",
    "electronic-information-ict": "电子信息",
    "automotive-nev": "新能源汽车",
    "new-energy": "新能源",
    "e-commerce": "电子商务",
    "logistics-supply-chain": "物流与供应链",
    "tourism-hospitality": "旅游与酒店",
    "railway": "轨道交通",
}


def _zipf(n: int) -> list[float]:
    return [1 / (rank + 1) for rank in range(n)]


def populate_mous(n: int, seed: int = 1) -> None:
    """Replace the generated MoUs with ``n`` new ones (needs the generated institutions)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.data import SECTOR_POPULARITY, TYPE_POPULARITY, generated_institutions
    from institutions.models import CooperationType, Sector
    from mous.models import Milestone, Mou, MouMeeting, MouParty, party_names_text, search_bigrams

    started = time.monotonic()
    rng = random.Random(seed)
    by_country: dict[str, list[int]] = {}
    names_of: dict[int, tuple[str, str, str]] = {}
    for pk, country, *names in generated_institutions().values_list("pk", "country", "name", "name_local", "acronym"):
        by_country.setdefault(str(country), []).append(pk)
        names_of[pk] = tuple(names)
    sectors = dict(Sector.objects.values_list("slug", "pk"))
    types = dict(CooperationType.objects.values_list("slug", "pk"))
    sector_slugs = [slug for slug in SECTOR_POPULARITY if slug in sectors]
    type_slugs = [slug for slug in TYPE_POPULARITY if slug in types]
    sector_weights, type_weights = _zipf(len(sector_slugs)), _zipf(len(type_slugs))
    asean = [code for code in ASEAN if by_country.get(code)]
    asean_weights = [ASEAN_WEIGHTS[ASEAN.index(code)] for code in asean]
    status_names = [name for name, _weight in STATUSES]
    status_weights = [weight for _name, weight in STATUSES]
    SectorLink, TypeLink = Mou.sectors.through, Mou.cooperation_types.through
    now = timezone.now()

    def countries_of_one() -> list[str]:
        draw = rng.random()
        if draw < 0.75:
            chosen = ["CN", rng.choices(asean, asean_weights)[0]]
        elif draw < 0.9:
            chosen = rng.sample(asean, 2)
        else:
            chosen = ["CN", *rng.sample(asean, 2)]
        if rng.random() < 0.15:  # some three-party MoUs with a second institution of a country
            chosen.append(rng.choice(chosen))
        return chosen

    with transaction.atomic():
        generated = Mou.objects.filter(reference__startswith=REFERENCE_PREFIX)
        for model in (Milestone, MouParty, MouMeeting, SectorLink, TypeLink):
            model.objects.filter(mou__in=generated)._raw_delete(model.objects.db)
        generated._raw_delete(Mou.objects.db)
        for start in range(0, n, BATCH):
            mous, parties_of, sectors_of, types_of = [], [], [], []
            for index in range(start, min(start + BATCH, n)):
                institution_ids: list[int] = []
                drawn = countries_of_one()
                for code in drawn:
                    pool = by_country[code]
                    pk = rng.choice(pool)
                    while pk in institution_ids:
                        pk = rng.choice(pool)
                    institution_ids.append(pk)
                countries = sorted(set(drawn))
                status = rng.choices(status_names, status_weights)[0]
                signed_on = None
                if status != "draft":
                    signed_on = date(rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28))
                chosen_sectors = set(rng.choices(sector_slugs, sector_weights, k=rng.randint(1, 2)))
                chosen_types = set(rng.choices(type_slugs, type_weights, k=rng.randint(1, 2)))
                sector_slug = next(iter(chosen_sectors))
                topic = rng.randrange(len(TOPICS))
                translations = {}
                if rng.random() < 1 / 3:
                    zh = TOPICS_ZH[topic].format(s=SECTORS_ZH.get(sector_slug, "职业教育"))
                    translations = {"title": {"zh-hans": zh}}
                mou = Mou(
                    title=TOPICS[topic].format(s=sector_slug.replace("-", " ")).capitalize(),
                    translations=translations,
                    reference=f"{REFERENCE_PREFIX}{index:06d}",
                    status=status,
                    signed_on=signed_on,
                    valid_from=signed_on,
                    valid_until=signed_on + timedelta(days=365 * rng.choice([3, 5])) if signed_on else None,
                    is_public=status != "draft" and rng.random() < 0.7,
                    party_countries=countries,
                    last_activity_at=now - timedelta(days=rng.randint(1, 900)) if rng.random() < 0.25 else None,
                )
                # bulk_create skips save() and the parties' signals, which keep the search columns.
                mou.party_names = party_names_text(name for pk in institution_ids for name in names_of[pk])
                mou.search_text = mou.compute_search_text()
                mou.search_grams = search_bigrams(mou.search_text)
                mous.append(mou)
                parties_of.append(institution_ids)
                sectors_of.append(chosen_sectors)
                types_of.append(chosen_types)
            created = Mou.objects.bulk_create(mous)
            MouParty.objects.bulk_create(
                MouParty(mou_id=mou.pk, institution_id=pk, position=position)
                for mou, ids in zip(created, parties_of, strict=True)
                for position, pk in enumerate(ids)
            )
            SectorLink.objects.bulk_create(
                SectorLink(mou_id=mou.pk, sector_id=sectors[slug])
                for mou, slugs in zip(created, sectors_of, strict=True)
                for slug in slugs
            )
            TypeLink.objects.bulk_create(
                TypeLink(mou_id=mou.pk, cooperationtype_id=types[slug])
                for mou, slugs in zip(created, types_of, strict=True)
                for slug in slugs
            )
            Milestone.objects.bulk_create(
                Milestone(mou_id=mou.pk, title="First teacher-training cohort", due_on=mou.signed_on)
                for mou in created
                if mou.signed_on and rng.random() < 0.1
            )
            print(f"  {start + len(created):>6} MoUs", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE mous_mou")
        cursor.execute("VACUUM ANALYZE mous_mouparty")
        cursor.execute("VACUUM ANALYZE mous_mou_sectors")
        cursor.execute("VACUUM ANALYZE mous_mou_cooperation_types")
    print(f"Generated {n} MoUs in {time.monotonic() - started:.0f} s")


def ensure_mous(n: int) -> None:
    from django.db import connection

    from mous.models import Mou

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(748205)")
        try:
            if Mou.objects.filter(reference__startswith=REFERENCE_PREFIX).count() != n:
                populate_mous(n)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(748205)")


def _measure(client, url: str, params: dict, runs: int, *, fresh: bool = False) -> tuple[list[float], int]:
    """Durations in ms of ``runs`` requests after a first one, and that first one's query count.

    ``fresh``: the kept pages, sections and values are made stale before each request (as
    any change of an MoU or institution does), so that each one searches and renders anew;
    otherwise a signed-in page after the first one is mostly its shared section read back.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.pagecache import public_pages_changed

    if fresh:
        public_pages_changed()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, secure=True)
    # Counted now: the next request's request_started signal empties the log it reads.
    query_count = len(queries)
    assert response.status_code == 200, (url, response.status_code)
    durations = []
    for _run in range(runs):
        if fresh:
            public_pages_changed()
        began = time.perf_counter()
        client.get(url, params, secure=True)
        durations.append((time.perf_counter() - began) * 1000)
    return durations, query_count


def _row(label: str, durations: list[float], queries: int, target: str) -> str:
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"| {label:<44} | {statistics.median(ordered):8.1f} | {p95:8.1f} | {ordered[-1]:8.1f} "
        f"| {queries:7} | {target:<10} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mous", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from bench import setup

    print(f"Database: {setup()}")
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from bench.data import ensure_populated
    from institutions.permissions import SECRETARIAT_GROUP
    from mous.models import Mou
    from portal.models import User

    setup_test_environment()
    ensure_populated()
    ensure_mous(args.mous)
    total = Mou.objects.count()
    public = Mou.objects.filter(is_public=True).exclude(status="draft").count()
    print(f"{total} MoUs ({public} in the public registry)")

    secretariat = User.objects.create_user(email=f"secretariat-{secrets.token_hex(4)}@bench.example.org", password=None)
    secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    # The secretariat must hold a second factor, or every page sends it to set one up.
    Authenticator.objects.create(
        user=secretariat, type=Authenticator.Type.TOTP, data={"secret": encrypt(generate_totp_secret())}
    )
    # Visitors' pages come from the page cache after the first request: a signed-in person
    # without an institution sees the same public registry, rendered for every request.
    person = User.objects.create_user(email=f"person-{secrets.token_hex(4)}@bench.example.org", password=None)
    try:
        visitor, staff, signed_in = Client(), Client(), Client()
        staff.force_login(secretariat)
        signed_in.force_login(person)
        registry = reverse("mous:registry")
        two_filters = {"pair_a": "CN", "pair_b": "TH", "sector": "automotive-nev"}
        network_filters = {"pair_a": "CN", "pair_b": "KH", "sector": "railway"}
        rows = [
            ("registry, visitor, pair CN–TH + sector", *_measure(visitor, registry, two_filters, args.runs), "p95≤100"),
            (
                "registry, visitor, search 'teacher' + CN",
                *_measure(visitor, registry, {"q": "teacher", "country": "CN"}, args.runs),
                "p95≤100",
            ),
            (
                "registry, signed in, search 'teacher' + CN",
                *_measure(signed_in, registry, {"q": "teacher", "country": "CN"}, args.runs),
                "p95≤100",
            ),
            (
                "registry, signed in, search '师资培训' + CN",
                *_measure(signed_in, registry, {"q": "师资培训", "country": "CN"}, args.runs),
                "p95≤100",
            ),
            (
                "registry, signed in, pair CN–TH + sector",
                *_measure(signed_in, registry, two_filters, args.runs),
                "p95≤100",
            ),
            (
                "registry, secretariat, search 'teacher' + CN",
                *_measure(staff, registry, {"q": "teacher", "country": "CN"}, args.runs),
                "p95≤100",
            ),
            (
                "registry, signed in, 'teacher' + CN, fresh",
                *_measure(signed_in, registry, {"q": "teacher", "country": "CN"}, args.runs, fresh=True),
                "p95≤100",
            ),
            (
                "registry, signed in, '师资培训' + CN, fresh",
                *_measure(signed_in, registry, {"q": "师资培训", "country": "CN"}, args.runs, fresh=True),
                "p95≤100",
            ),
            (
                "registry, secretariat, 'teacher' + CN, fresh",
                *_measure(staff, registry, {"q": "teacher", "country": "CN"}, args.runs, fresh=True),
                "p95≤100",
            ),
            ("registry, secretariat, pair + sector", *_measure(staff, registry, two_filters, args.runs), "p95≤100"),
            ("registry, visitor, page 40 unfiltered", *_measure(visitor, registry, {"page": 40}, args.runs), "p95≤100"),
            (
                "statistics (secretariat)",
                *_measure(staff, reverse("mous:statistics"), {}, max(3, args.runs // 5)),
                "≤1000",
            ),
            (
                "network, secretariat, pair CN–KH + railway",
                *_measure(staff, reverse("mous:network"), network_filters, max(3, args.runs // 5)),
                "≤1000",
            ),
            (
                "network, secretariat, unfiltered (capped)",
                *_measure(staff, reverse("mous:network"), {}, max(3, args.runs // 5)),
                "—",
            ),
        ]
        print(f"| {'page':<44} | {'p50 ms':>8} | {'p95 ms':>8} | {'max ms':>8} | {'queries':>7} | {'target':<10} |")
        print(f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 12}|")
        for label, durations, queries, target in rows:
            print(_row(label, durations, queries, target))
    finally:
        secretariat.delete()
        person.delete()


if __name__ == "__main__":
    main()
