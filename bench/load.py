"""Load benchmark: the portal under gunicorn in production mode, driven by wrk, next to a bare view.

    .venv/bin/python -m bench.load [--quick] [--big] [--week] [--database NAME] [--clients 8,32] [--duration 10]
                                   [--only NAME]

Needs PostgreSQL (``DATABASE_URL``'s server), Redis (``REDIS_URL``; a database number of its
own, say ``redis://127.0.0.1:6379/9``) and wrk (Debian's package ``wrk``).

It loads the demo data into a database of its own (``tvet_bench_load``; with ``--big`` the
benchmark database ``tvet_bench`` with 50,000 generated institutions and 20,000 MoUs from
``bench.data`` and ``bench.mous`` as well; with ``--big`` or ``--week`` an exchange week of
4,000 registrations from ``bench.week``, whose registrations list is then the one measured;
``--database`` names another database), collects the static files, then starts two gunicorn
servers with the production image's options (3 sync workers): the portal with its production
settings (``DEBUG`` off, the real PostgreSQL and Redis, WhiteNoise) and ``bench.bare``, a Django
view that answers "ok" with no middleware. For each number of clients and each page it runs
wrk against the bare view and then against the page, one after the other, so that both see
the same load on a shared machine, and prints requests per second, the median, 95th and 99th
percentile latency, answers other than 2xx, socket errors (connect, read, write, timeout) and
the page's share of the bare view measured just before it.

Signed-in pages send the session cookie of a demo user (participant or secretariat; the
demo's waiver of the second factor is on, as in ``make run``). Requests carry
``X-Forwarded-Proto: https``, as behind the TLS-terminating proxy of production, so that the
HTTPS redirect and secure cookies stay on. ``--quick`` runs each page for 2 seconds at 8
clients, to try the benchmark out; a quiet machine and the defaults give the figures to quote.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess  # noqa: S404 -- starts gunicorn and wrk, with fixed arguments
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_DATABASE = "tvet_bench_load"
BIG_DATABASE = "tvet_bench"
WORKERS = 3  # as in the Dockerfile and docker-compose.yml
WRK = "/usr/bin/wrk"
# Demo accounts (portal.demo).
PARTICIPANT = "participant@example.org"
SECRETARIAT = "secretariat@example.org"
# Registrations of the exchange week of ``--week`` and ``--big`` (bench.week).
REGISTRATIONS = 4000

# Written by wrk's Lua ``done`` hook on one line, so that nothing depends on wrk's own layout.
# ``non2xx`` is a global per thread: wrk runs one Lua state per thread and ``thread:get``
# reads each one's globals at the end.
WRK_SCRIPT = """
non2xx = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d " ..
    "non2xx=%d p50_us=%d p95_us=%d p99_us=%d\\n", summary.requests, summary.duration, e.connect,
    e.read, e.write, e.timeout, bad, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Page:
    name: str
    group: str  # "visitor", "signed in" or "htmx"
    path: str
    user: str | None = None  # a key of the cookies passed to run_page()
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Row:
    page: str
    group: str
    clients: int
    result: Result
    bare: Result

    @property
    def share(self) -> float:
        return self.result.per_second / self.bare.per_second if self.bare.per_second else 0.0


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    most_connections: int = 0


def parse_wrk(output: str) -> Result:
    """Read the line that ``WRK_SCRIPT`` writes; ValueError when wrk printed none."""
    for line in output.splitlines():
        if line.startswith("BENCH "):
            values = dict(item.split("=", 1) for item in line.split()[1:])
            number = {key: int(value) for key, value in values.items()}
            return Result(
                requests=number["requests"],
                seconds=number["duration_us"] / 1e6,
                p50_ms=number["p50_us"] / 1000,
                p95_ms=number["p95_us"] / 1000,
                p99_ms=number["p99_us"] / 1000,
                non_2xx=number["non2xx"],
                socket_errors=number["connect"] + number["read"] + number["write"] + number["timeout"],
            )
    raise ValueError(f"wrk printed no result:\n{output}")


def format_table(rows: list[Row]) -> str:
    """The report: one line per page and number of clients, then the bare view's range."""
    header = ("page", "group", "clients", "req/s", "share of bare", "p50 ms", "p95 ms", "p99 ms", "non-2xx", "sock err")
    lines = [header]
    for row in rows:
        result = row.result
        lines.append(
            (
                row.page,
                row.group,
                str(row.clients),
                f"{result.per_second:,.0f}",
                f"{row.share:.1%}",
                f"{result.p50_ms:.1f}",
                f"{result.p95_ms:.1f}",
                f"{result.p99_ms:.1f}",
                str(result.non_2xx),
                str(result.socket_errors),
            )
        )
    for clients in sorted({row.clients for row in rows}):
        bare = [row.bare.per_second for row in rows if row.clients == clients]
        errors = sum(row.bare.non_2xx + row.bare.socket_errors for row in rows if row.clients == clients)
        lines.append(
            (
                "bare Django view",
                "yardstick",
                str(clients),
                f"{statistics.median(bare):,.0f}",
                f"{min(bare):,.0f}–{max(bare):,.0f}",
                "",
                "",
                "",
                str(errors),
                "",
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    left = {0, 1}
    out = []
    for number, line in enumerate(lines):
        cells = [
            cell.ljust(width) if column in left else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def pages() -> list[Page]:
    """The pages measured, with identifiers taken from the demo data in the current database."""
    from django.urls import reverse

    from events.models import Event, Registration
    from institutions.models import Institution
    from mous.models import Mou

    registration = (
        Registration.objects.filter(user__email=PARTICIPANT, status=Registration.Status.APPROVED)
        .select_related("event")
        .order_by("-event__start_date")
        .first()
    )
    public_event = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("-start_date").first()
    busiest = max(Event.objects.all(), key=lambda event: event.registrations.count())
    institution = Institution.objects.filter(slug__startswith="guangdong").order_by("slug").first()
    mou = Mou.objects.filter(is_public=True).exclude(status=Mou.Status.DRAFT).order_by("pk").first()
    directory = reverse("institutions:list")
    registry = reverse("mous:registry")
    htmx = (("HX-Request", "true"),)
    return [
        Page("robots.txt", "visitor", "/robots.txt"),
        Page("home", "visitor", reverse("home")),
        Page("events", "visitor", reverse("events:list")),
        Page("event page", "visitor", reverse("events:detail", args=[public_event.slug])),
        Page("institution page", "visitor", reverse("institutions:detail", args=[institution.slug])),
        Page("directory ?q=polytechnic", "visitor", f"{directory}?q=polytechnic"),
        Page(
            "directory text + 2 filters",
            "visitor",
            f"{directory}?q=technology&country=CN&sector=intelligent-manufacturing",
        ),
        Page("MoU registry", "visitor", registry),
        Page("MoU registry ?q=teacher&country", "visitor", f"{registry}?q=teacher&country=CN"),
        Page("MoU page", "visitor", reverse("mous:detail", args=[mou.pk])),
        Page("dashboard (participant)", "signed in", reverse("dashboard"), user="participant"),
        Page(
            "agenda", "signed in", reverse("matchmaking:my_agenda", args=[registration.event.slug]), user="participant"
        ),
        Page("directory + filter", "signed in", f"{directory}?country=TH", user="participant"),
        # Searches as the page cache never serves them: rendered for every request.
        Page(
            "directory text + 2 filters",
            "signed in",
            f"{directory}?q=technology&country=CN&sector=intelligent-manufacturing",
            user="participant",
        ),
        Page("MoU registry", "signed in", registry, user="participant"),
        Page("MoU registry ?q=teacher&country", "signed in", f"{registry}?q=teacher&country=CN", user="participant"),
        Page("dashboard (secretariat)", "signed in", reverse("dashboard"), user="secretariat"),
        Page(
            "registrations list", "signed in", reverse("events:registrations", args=[busiest.slug]), user="secretariat"
        ),
        Page("dashboard partners", "htmx", reverse("dashboard_partners"), user="participant", headers=htmx),
        Page("dashboard funnel", "htmx", reverse("dashboard_funnel"), user="secretariat", headers=htmx),
        Page("directory results", "htmx", f"{directory}?q=polytechnic", headers=htmx),
        Page("MoU registry results", "htmx", f"{registry}?country=TH", headers=htmx),
    ]


def session_cookies() -> dict[str, str]:
    """Session cookies of the demo participant and secretariat member, stored in the database."""
    from django.conf import settings
    from django.test import Client

    from portal.models import User

    cookies = {}
    for key, email in (("participant", PARTICIPANT), ("secretariat", SECRETARIAT)):
        client = Client()
        client.force_login(User.objects.get(email=email), backend="portal.backends.ModelBackend")
        cookies[key] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--log-level=warning",
        f"--error-logfile={log}",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603


def wait_until_up(port: int, process: subprocess.Popen, path: str = "/robots.txt") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped (exit {process.returncode})")
        try:
            # Any answer will do: this only waits for the workers to listen.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
            return
        except (ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn on port {port} did not answer within 60 s")


def request_headers(page: Page, cookies: dict[str, str]) -> list[tuple[str, str]]:
    headers = [("X-Forwarded-Proto", "https"), ("Accept-Language", "en"), *page.headers]
    if page.user:
        headers.append(("Cookie", cookies[page.user]))
    return headers


def check_page(port: int, page: Page, cookies: dict[str, str]) -> int:
    """One request before the run (which also warms caches); the status, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{page.path}", headers=dict(request_headers(page, cookies))
    )  # noqa: S310
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drain(port: int) -> None:
    """Wait until the server has answered what wrk left queued when it stopped.

    wrk closes its connections at the end of a run, but requests already accepted stay in
    the workers' queue and would slow the next run; one request queued behind them returns
    once they are done.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/robots.txt", headers={"X-Forwarded-Proto": "https"})
    connection.getresponse().read()
    connection.close()


def run_wrk(url: str, clients: int, seconds: int, headers: list[tuple[str, str]], script: Path) -> Result:
    command = [
        WRK,
        f"--connections={clients}",
        f"--threads={min(clients, 2)}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={script}",
    ]
    for name, value in headers:
        command += ["--header", f"{name}: {value}"]
    completed = subprocess.run([*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60)  # noqa: S603
    return parse_wrk(completed.stdout)


def database_connections(url: str) -> int:
    """Connections open to the database of ``url`` now (the portal's, once this process closed its own)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        return connection.execute("select count(*) from pg_stat_activity where datname = %s", [name]).fetchone()[0]


def prepare_database(big: bool, *, week: bool = False, database: str = "") -> str:
    """Point Django at the benchmark's database, migrate it, load the data; return its URL.

    ``week`` (always with ``big``) adds ``bench.week``'s exchange week of 4,000 registrations;
    ``database`` names another database than the default ones (to try data out on one's own).
    """
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tvet_portal")
    parts = urlsplit(base)
    url = parts._replace(path="/" + (database or (BIG_DATABASE if big else DEMO_DATABASE))).geturl()
    os.environ["BENCH_DATABASE_URL"] = url
    import bench

    bench.setup()
    from portal.demo import demo_load

    if big:
        from bench.data import ensure_populated
        from bench.mous import ensure_mous

        ensure_populated(50_000)
        ensure_mous(20_000)
    demo_load()
    if big or week:
        from bench.week import ensure_exchange_week

        ensure_exchange_week(REGISTRATIONS)
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 s per page at 8 clients, to try it out")
    parser.add_argument("--big", action="store_true", help="50,000 institutions and 20,000 MoUs besides the demo")
    parser.add_argument(
        "--week", action="store_true", help="add an exchange week of 4,000 registrations (always with --big)"
    )
    parser.add_argument("--database", default="", help="use this database instead of the default ones")
    parser.add_argument("--clients", default="8,32", help="comma-separated numbers of clients (default 8,32)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and per bare run (default 10)")
    parser.add_argument(
        "--only", default="", help='measure only the pages whose name or group ("signed in") contains this text'
    )
    args = parser.parse_args(argv)
    clients = [8] if args.quick else [int(number) for number in args.clients.split(",")]
    seconds = 2 if args.quick else args.duration
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        raise SystemExit("Set REDIS_URL (a Redis database of the benchmark's own, e.g. redis://127.0.0.1:6379/9).")
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")

    # This process makes the session cookies: with the servers' settings (production, the
    # demo's waiver of the second factor), or the servers sign the secretariat member out.
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DEBUG"] = "0"
    os.environ["PORTAL_DEMO_WAIVE_MFA"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    database_url = prepare_database(args.big, week=args.week, database=args.database)
    measured = [page for page in pages() if args.only.lower() in f"{page.name} ({page.group})".lower()]
    cookies = session_cookies()
    from django.db import connections

    connections.close_all()  # so that the connections counted are the servers' alone

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PORTAL_DEMO_WAIVE_MFA": "1",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"], cwd=BASE_DIR, env=env, check=True
    )
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        script = Path(folder) / "report.lua"
        script.write_text(WRK_SCRIPT)
        portal_port, bare_port = free_port(), free_port()
        portal = start_gunicorn("portal.wsgi", portal_port, env, Path(folder) / "portal.log")
        bare = start_gunicorn("bench.bare", bare_port, env, Path(folder) / "bare.log")
        try:
            wait_until_up(portal_port, portal)
            wait_until_up(bare_port, bare, "/")
            report = Report()
            # Each worker loads its URLs, templates and translations on its first requests, and
            # the first visitor fills the caches: a short run per page before any is measured.
            run_wrk(f"http://127.0.0.1:{bare_port}/", clients[0], 1, [], script)
            for page in measured:
                status = check_page(portal_port, page, cookies)
                if not 200 <= status < 300:
                    print(f"warning: {page.name} ({page.group}) answered {status}", file=sys.stderr)
                run_wrk(
                    f"http://127.0.0.1:{portal_port}{page.path}", clients[0], 1, request_headers(page, cookies), script
                )
            for count in clients:
                for page in measured:
                    bare_result = run_wrk(f"http://127.0.0.1:{bare_port}/", count, seconds, [], script)
                    result = run_wrk(
                        f"http://127.0.0.1:{portal_port}{page.path}",
                        count,
                        seconds,
                        request_headers(page, cookies),
                        script,
                    )
                    drain(portal_port)
                    report.rows.append(Row(page.name, page.group, count, result, bare_result))
                    report.most_connections = max(report.most_connections, database_connections(database_url))
                    print(
                        f"  {page.name} ({page.group}), {count} clients: {result.per_second:,.0f} req/s",
                        file=sys.stderr,
                    )
        finally:
            for process in (portal, bare):
                process.terminate()
            for process in (portal, bare):
                process.wait(timeout=30)
            errors = (Path(folder) / "portal.log").read_text().strip()
            if errors:
                print(f"portal server log:\n{errors[-3000:]}", file=sys.stderr)
    data = "50,000 institutions / 20,000 MoUs and the demo" if args.big else "the demo data"
    if args.big or args.week:
        data += f", an exchange week of {REGISTRATIONS:,} registrations"
    print(f"\n{data}; gunicorn with {WORKERS} sync workers; {seconds} s per run; wrk on 127.0.0.1\n")
    print(format_table(report.rows))
    print(f"\nDatabase connections after each run: at most {report.most_connections} ({WORKERS} gunicorn workers).")


if __name__ == "__main__":
    main()
