"""Benchmark the directory search on generated institutions and print a table.

    .venv/bin/python -m bench.search [--n 50000] [--runs 30]

Uses the benchmark database (``tvet_bench``; see ``bench.setup()``), filling it with
``bench.data.populate`` first when it does not hold ``n`` generated institutions. Times are
server-side: ``directory_search()`` itself (search, filters, sort, one page, facet counts), and
for the last rows the whole directory view through Django's test client (templates included).
Targets on a 2-core machine: text query + two filters p95 ≤ 100 ms; a broad term matching more
than half the rows p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

CASES: list[tuple[str, dict]] = [
    ("selective English word", {"q": "savannakhet"}),
    ("stemmed word: training", {"q": "training"}),
    ("stemmed word: train", {"q": "train"}),
    ("misspelled name", {"q": "Kampong Spue"}),
    ("CJK substring", {"q": "深圳职业"}),
    ("Thai substring", {"q": "เชียงใหม่"}),
    ("Khmer substring", {"q": "កំពង់ស្ពឺ"}),
    ("text + two filters", {"q": "railway", "country": ["CHINA"], "offers": ["teacher-training"]}),
    ("broad term (> half the rows)", {"q": "college"}),
    ("broad term, sorted by name", {"q": "college", "sort": "name"}),
    ("filters only", {"country": ["ASEAN"], "sector": ["e-commerce"]}),
    # Facet counts without a text query are cached per chunk of institutions until the
    # directory changes: "cold" runs forget them all first, as the first visitor after a bulk
    # change (an import) would; "after an edit" runs save one institution first (untimed), as
    # the first visitor after a profile edit would.
    ("filters only, counts cold", {"country": ["ASEAN"], "sector": ["e-commerce"], "_cold": True}),
    ("filters only, after an edit", {"country": ["ASEAN"], "sector": ["e-commerce"], "_edit": True}),
    ("no search, first page", {}),
    ("no search, first page, cold", {"_cold": True}),
    ("no search, first page, after an edit", {"_edit": True}),
    ("no search, page 100", {"page": 100}),
]
VIEW_CASES: list[tuple[str, dict]] = [
    ("view: text + two filters", {"q": "railway", "country": "CHINA", "offers": "teacher-training"}),
    ("view: broad term", {"q": "college"}),
    ("view: htmx, filters only", {"country": "ASEAN", "sector": "e-commerce", "_htmx": True}),
]


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _measure(run, runs: int, before=None) -> tuple[list[float], int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm caches and connections
    run()  # facet counts are kept from the second count on
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            outcome = run()
            samples.append((time.perf_counter() - started) * 1000)
    return samples, len(queries), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="number of generated institutions")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per case")
    args = parser.parse_args()

    from bench import setup

    print(f"Database: {setup()}")
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench.data import SLUG_PREFIX, ensure_populated
    from institutions.filters import DirectoryForm, Taxonomies, directory_changed, directory_search
    from institutions.models import Institution

    ensure_populated(args.n)
    total = Institution.objects.count()
    print(f"{total} institutions; {args.runs} runs per case\n")

    edited = Institution.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk")
    edited = edited[edited.count() // 2]

    def edit():
        edited.save()  # its chunk's counts are forgotten, as after a profile edit

    rows = []
    for label, params in CASES:
        params = dict(params)
        page = params.pop("page", 1)
        cold = params.pop("_cold", False)
        before = edit if params.pop("_edit", False) else None

        def run(params=params, page=page, cold=cold):
            if cold:
                directory_changed()
            taxonomies = Taxonomies.load()
            form = DirectoryForm(params, taxonomies=taxonomies)
            form.is_valid()
            return directory_search(form.directory_query(), page_number=page, taxonomies=taxonomies)

        samples, queries, result = _measure(run, args.runs, before)
        matches = f"> {result.total:,}" if result.capped else f"{result.total:,}"
        rows.append((label, matches, samples, queries))

    setup_test_environment()  # allows the test client's host
    client = Client()
    for label, params in VIEW_CASES:
        params = dict(params)
        headers = {"HX-Request": "true"} if params.pop("_htmx", False) else {}

        def run(params=params, headers=headers):
            response = client.get("/institutions/", params, headers=headers, secure=True)
            assert response.status_code == 200, response.status_code
            return response

        samples, queries, response = _measure(run, args.runs)
        cards = response.content.decode().count('class="card institution-card"')
        rows.append((label, f"{cards} cards", samples, queries))

    header = f"{'case':<32} {'matches':>10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}"
    print(header)
    print("-" * len(header))
    for label, matches, samples, queries in rows:
        print(
            f"{label:<32} {matches:>10} {statistics.median(samples):>8.1f} "
            f"{_percentile(samples, 0.95):>8.1f} {max(samples):>8.1f} {queries:>8}"
        )


if __name__ == "__main__":
    main()
