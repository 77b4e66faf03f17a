"""Benchmark the API's directory and registry endpoints on the benchmark database.

    .venv/bin/python -m bench.api [--runs 30]

Uses the benchmark database (``tvet_bench``; see ``bench.setup()``) as ``bench.data`` (50,000
institutions) and ``bench.mous`` (20,000 MoUs) left it; it generates nothing itself (run those
two first) and says how many rows it found. Measures server-side, through Django's test client
(so every middleware, the token check and the JSON rendering are in), p50/p95/max in ms and
the SQL queries per call: ``/api/v1/institutions/`` and ``/api/v1/mous/`` with text search and
filters, without a token and with a read token of a person acting for an institution; each
built afresh (a call nobody made before) and, marked "kept", taken from the cache
(``api.caching``) as repeated calls are until the public data changes. The rate limits stay on
but are set out of reach. Targets are the pages' (bench.search, bench.mous):
directory text + filters p95 ≤ 100 ms, a broad term p95 ≤ 300 ms, registry p95 ≤ 100 ms.
The person and token it creates are deleted at the end.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time
from base64 import b64encode

DIRECTORY_CASES = [
    ("directory: text + two filters", {"q": "railway", "country": "CHINA", "offers": "teacher-training"}, "p95≤100"),
    ("directory: selective word", {"q": "savannakhet"}, "p95≤100"),
    ("directory: CJK substring", {"q": "深圳职业"}, "p95≤100"),
    ("directory: broad term", {"q": "college"}, "p95≤300"),
    ("directory: filters only", {"country": "ASEAN", "sector": "e-commerce"}, "p95≤100"),
    ("directory: no search, first page", {}, "p95≤100"),
    ("directory: no search, 40th page", {"cursor": b64encode(b"p=40").decode()}, "p95≤100"),
]
REGISTRY_CASES = [
    ("registry: pair CN–TH + sector", {"pair_a": "CN", "pair_b": "TH", "sector": "automotive-nev"}, "p95≤100"),
    ("registry: search 'teacher' + CN", {"q": "teacher", "country": "CN"}, "p95≤100"),
    ("registry: search '师资培训' + CN", {"q": "师资培训", "country": "CN"}, "p95≤100"),
    ("registry: unfiltered, 40th page", {"cursor": b64encode(b"p=40").decode()}, "p95≤100"),
]


def _measure(client, url: str, params: dict, runs: int, headers: dict, *, cold: bool) -> tuple[list[float], int]:
    """Times of ``runs`` calls, and the queries of one; ``cold``: each a call nobody made before
    (an extra parameter the filters ignore), so that the answer is built, not taken from the
    cache; the caches the pages share (taxonomies, filter options, facet counts) stay warm."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def call(number: int):
        extra = {"_run": f"{secrets.token_hex(4)}-{number}"} if cold else {}
        return client.get(url, {**params, **extra}, headers=headers, secure=True)

    call(-1)  # warm connections and caches
    with CaptureQueriesContext(connection) as queries:
        response = call(0)
    query_count = len(queries)
    assert response.status_code == 200, (url, params, response.status_code, response.content[:300])
    durations = []
    for run in range(runs):
        began = time.perf_counter()
        call(run + 1)
        durations.append((time.perf_counter() - began) * 1000)
    return durations, query_count


def _row(label: str, durations: list[float], queries: int, target: str) -> str:
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"| {label:<46} | {statistics.median(ordered):8.1f} | {p95:8.1f} | {ordered[-1]:8.1f} "
        f"| {queries:7} | {target:<8} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from bench import setup

    print(f"Database: {setup()}")
    from datetime import timedelta

    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from api.services import token_create
    from api.throttling import AnonRateThrottle, TokenRateThrottle
    from institutions.models import Institution, Membership
    from mous.models import Mou
    from portal.models import User

    setup_test_environment()
    institutions, mous = Institution.objects.count(), Mou.objects.count()
    print(f"{institutions} institutions, {mous} MoUs ({Mou.objects.filter(is_public=True).count()} public)")
    if institutions < 50_000 or mous < 20_000:
        print("Fewer rows than the targets assume (run bench.search and bench.mous first to generate them).")
    for throttle in (AnonRateThrottle, TokenRateThrottle):
        throttle.THROTTLE_RATES = {"anon": "1000000/minute", "token": "1000000/minute"}

    person = User.objects.create_user(email=f"api-{secrets.token_hex(4)}@bench.example.org", password=None)
    institution = Institution.objects.filter(country="CN").order_by("pk").first()
    Membership.objects.create(user=person, institution=institution, role=Membership.Role.ADMIN)
    _token, plain = token_create(
        user=person,
        name="bench",
        scopes=["read"],
        institution=institution,
        expires_at=timezone.now() + timedelta(days=1),
    )
    try:
        client = Client()
        callers = [("", {}), ("token, ", {"Authorization": f"Bearer {plain}"})]
        rows = []
        for url, cases in (("/api/v1/institutions/", DIRECTORY_CASES), ("/api/v1/mous/", REGISTRY_CASES)):
            for label, params, target in cases:
                for caller, headers in callers:
                    for cold in (True, False):
                        name = label.replace(": ", f": {caller}{'' if cold else 'kept, '}", 1)
                        durations, queries = _measure(client, url, params, args.runs, headers, cold=cold)
                        rows.append((name, durations, queries, target if cold else "—"))
        print(f"| {'call':<46} | {'p50 ms':>8} | {'p95 ms':>8} | {'max ms':>8} | {'queries':>7} | {'target':<8} |")
        print(f"|{'-' * 48}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 10}|")
        for label, durations, queries, target in rows:
            print(_row(label, durations, queries, target))
    finally:
        person.delete()


if __name__ == "__main__":
    main()
