"""Benchmark partner recommendations over 50,000 generated institutions.

Run by hand: ``python -m bench.recommendations [n]``. Uses the benchmark database of
``bench.setup()`` (``tvet_bench`` unless ``BENCH_DATABASE_URL`` says otherwise), fills it with
``bench.data`` when it does not hold ``n`` generated institutions, and prints a table:

- ``recommend()`` for about 50 institutions chosen to vary the work: those with the most
  offers and needs, holders of the most popular and of the rarest offer/need keys, and a
  random draw; each timed three times after one warm-up call;
- ``fit_scores()`` for 1,000 random ids (the directory's "fit" order);
- the dashboard and the partners page, rendered through the test client (server-side time,
  everything but the network), for a person acting for one of the sampled institutions.

Target from the issue: recommendations for one institution over 50,000 at p95 ≤ 200 ms.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

SAMPLE_RUNS = 3
SEED = 7


def _ms(seconds: float) -> float:
    return seconds * 1000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def _sample(rng: random.Random) -> list[tuple[str, int]]:
    """Return about 50 (group, institution id) pairs that vary the work recommend() does."""
    from django.db import connection

    from bench.data import SLUG_PREFIX

    picked: list[tuple[str, int]] = []
    seen: set[int] = set()

    def add(group: str, ids) -> None:
        for pk in ids:
            if pk not in seen:
                seen.add(pk)
                picked.append((group, pk))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM institutions_institution WHERE slug LIKE %s "
            "ORDER BY cardinality(offer_keys) + cardinality(need_keys) DESC, id LIMIT 12",
            [SLUG_PREFIX + "%"],
        )
        add("many offers and needs", [row[0] for row in cursor.fetchall()])
        cursor.execute(
            "SELECT key, count(*) FROM (SELECT unnest(offer_keys || need_keys) AS key "
            "FROM institutions_institution WHERE slug LIKE %s) keys GROUP BY key ORDER BY count(*) DESC, key",
            [SLUG_PREFIX + "%"],
        )
        keys = [row[0] for row in cursor.fetchall()]
        for group, chosen_keys in (("popular keys", keys[:3]), ("rare keys", keys[-3:])):
            cursor.execute(
                "SELECT id FROM institutions_institution WHERE slug LIKE %s "
                "AND (offer_keys && %s::varchar[] OR need_keys && %s::varchar[]) ORDER BY id",
                [SLUG_PREFIX + "%", chosen_keys, chosen_keys],
            )
            ids = [row[0] for row in cursor.fetchall()]
            add(group, rng.sample(ids, min(12, len(ids))))
        cursor.execute("SELECT id FROM institutions_institution WHERE slug LIKE %s ORDER BY id", [SLUG_PREFIX + "%"])
        everyone = [row[0] for row in cursor.fetchall()]
    add("random", rng.sample(everyone, 14))
    return picked


def _page_times(institution_ids: list[int]) -> dict[str, list[float]]:
    """Time the dashboard and the partners page for a person acting for each institution."""
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from institutions.models import Membership
    from portal.models import User

    setup_test_environment()  # lets the test client's "testserver" host through
    # Production settings serve static files from a collected manifest the benchmark does not build.
    plain_static = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    )
    plain_static.enable()
    user, _created = User.objects.get_or_create(
        email="bench-recommendations@example.org", defaults={"display_name": "Benchmark"}
    )
    client = Client()
    client.force_login(user)
    times: dict[str, list[float]] = {"dashboard": [], "partners page": []}
    try:
        for institution_id in institution_ids:
            Membership.objects.filter(user=user).delete()
            Membership.objects.create(user=user, institution_id=institution_id, role=Membership.Role.ADMIN)
            for label, url in (
                ("dashboard", reverse("dashboard")),
                ("partners page", reverse("institutions:partners")),
            ):
                client.get(url, secure=True)  # warm-up; production settings redirect plain HTTP
                elapsed, response = _timed(client.get, url, secure=True)
                assert response.status_code == 200, response.status_code
                times[label].append(elapsed)
    finally:
        user.delete()
        plain_static.disable()
    return times


def run(n: int = 50_000) -> None:
    from bench import setup

    print(f"Database: {setup()}")
    from bench.data import SLUG_PREFIX, ensure_populated

    ensure_populated(n)
    # bulk_create leaves the new GIN entries in the indexes' pending lists, which every lookup
    # then scans linearly (about 20 ms each here) until autovacuum merges them. Merge them now,
    # so the benchmark measures the steady state a live database is in.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list('institution_offer_keys_gin'), "
            "gin_clean_pending_list('institution_need_keys_gin')"
        )

    from institutions.models import Institution
    from institutions.recommendations import CANDIDATE_POOL, candidate_profiles, fit_scores, load_profiles, recommend

    rng = random.Random(SEED)
    total = Institution.objects.count()
    sample = _sample(rng)
    institutions = Institution.objects.in_bulk([pk for _group, pk in sample])

    recommend_times: list[float] = []
    candidate_counts: list[int] = []
    by_group: dict[str, list[float]] = {}
    for group, pk in sample:
        institution = institutions[pk]
        me = load_profiles([pk])[pk]
        candidate_counts.append(len(candidate_profiles(me)))
        recommend(institution)  # warm-up
        for _run in range(SAMPLE_RUNS):
            elapsed, result = _timed(recommend, institution, limit=10)
            recommend_times.append(elapsed)
            by_group.setdefault(group, []).append(elapsed)

    generated = list(Institution.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True))
    fit_times = []
    for group_pk in [pk for _group, pk in sample[:20]]:
        ids = rng.sample(generated, 1000)
        elapsed, scores = _timed(fit_scores, institutions[group_pk], ids)
        assert len(scores) == 1000
        fit_times.append(elapsed)

    page_sample = [pk for _group, pk in sample[:: max(1, len(sample) // 10)]][:10]
    pages = _page_times(page_sample)

    rows = [("recommend(limit=10), all sampled", recommend_times)]
    rows += [(f"  … {group}", times) for group, times in by_group.items()]
    rows += [("fit_scores(1,000 ids)", fit_times)]
    rows += [(f"{label} (test client)", times) for label, times in pages.items()]

    print()
    print(f"Institutions: {total:,}   sampled for recommend(): {len(sample)} × {SAMPLE_RUNS} runs")
    print(
        f"Candidates considered per institution (pool {CANDIDATE_POOL:,}): "
        f"min {min(candidate_counts):,}, median {int(statistics.median(candidate_counts)):,}, "
        f"max {max(candidate_counts):,}"
    )
    print()
    print(f"| {'measure':<36} | {'n':>4} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} |")
    print(f"|{'-' * 38}|{'-' * 6}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for label, times in rows:
        millis = [_ms(t) for t in times]
        print(
            f"| {label:<36} | {len(millis):>4} | {statistics.median(millis):>7.1f} | "
            f"{_percentile(millis, 0.95):>7.1f} | {max(millis):>7.1f} |"
        )
    p95 = _percentile([_ms(t) for t in recommend_times], 0.95)
    verdict = "meets" if p95 <= 200 else "MISSES"
    print()
    print(f"recommend() p95 {p95:.1f} ms {verdict} the 200 ms target.")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
