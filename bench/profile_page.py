"""Where a page's time goes: one page of the load benchmark, profiled in production mode.

    .venv/bin/python -m bench.profile_page "dashboard (participant)" [--requests 50] [--big] [--week]
                                           [--database NAME] [--html FILE]

Needs PostgreSQL (``DATABASE_URL``'s server) and Redis (``REDIS_URL``, a database number of
its own, as for ``bench.load``). It uses the load benchmark's database (``tvet_bench_load``
with the demo; ``tvet_bench`` with ``--big``), loaded as ``bench.load`` loads it, and the
production settings (``DEBUG`` off, the Redis cache, cached templates), then sends the page's
request through the whole middleware stack in this process: a few requests to warm the caches,
then ``--requests`` more under pyinstrument. It prints the mean time and database queries per
request, each distinct query with its count, and pyinstrument's call tree (or writes its HTML
view to ``--html``). The page names are those of ``bench.load`` (a part of one will do).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

WARM_UP = 5


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", help="a page name of bench.load, or a part of one")
    parser.add_argument("--requests", type=int, default=50, help="requests profiled (default 50)")
    parser.add_argument("--big", action="store_true", help="the 50,000-institution database of bench.load --big")
    parser.add_argument("--week", action="store_true", help="with bench.load --week's exchange week of 4,000")
    parser.add_argument("--database", default="", help="use this database instead of bench.load's default ones")
    parser.add_argument("--html", help="write pyinstrument's HTML view to this file instead of the text tree")
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL (a Redis database of the benchmark's own, e.g. redis://127.0.0.1:6379/9).")

    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DEBUG"] = "0"
    os.environ["PORTAL_DEMO_WAIVE_MFA"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from bench import load

    load.prepare_database(args.big, week=args.week, database=args.database)
    matches = [page for page in load.pages() if args.page.lower() in f"{page.name} ({page.group})".lower()]
    if not matches:
        names = ", ".join(f"{page.name} ({page.group})" for page in load.pages())
        raise SystemExit(f"No page matches {args.page!r}; the pages are: {names}")
    page = matches[0]

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(raise_request_exception=True)
    cookies = load.session_cookies()
    extra = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, value in load.request_headers(page, cookies)
        if name != "Cookie"
    }
    extra["HTTP_HOST"] = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS[0] != "*" else "localhost"
    if page.user:
        client.cookies.load(cookies[page.user])

    queries: Counter[str] = Counter()

    def count(execute, sql, params, many, context):
        queries[sql] += 1
        return execute(sql, params, many, context)

    for _ in range(WARM_UP):
        status = client.get(page.path, **extra).status_code
    print(f"{page.name} ({page.group}) {page.path}: answers {status}", file=sys.stderr)

    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        profiler.start()
        for _ in range(args.requests):
            client.get(page.path, **extra)
        profiler.stop()
    elapsed = time.perf_counter() - started

    print(
        f"\n{args.requests} requests: {elapsed / args.requests * 1000:.1f} ms each (profiler running), "
        f"{sum(queries.values()) / args.requests:.1f} queries each\n"
    )
    for sql, number in queries.most_common():
        print(f"{number / args.requests:5.1f} × {sql[:160]}")
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())
        print(f"\npyinstrument's view written to {args.html}")
    else:
        print(profiler.output_text(unicode=True, show_all=False))


if __name__ == "__main__":
    main()
