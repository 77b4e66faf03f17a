"""`make run` on a machine with neither PostgreSQL nor Redis: the whole development stack.

Starts ``python -m portal.launch run`` with the service variables unset, so that it starts
its embedded PostgreSQL and Redis in a temporary folder, migrates, loads the demo data and
serves; then stops it as Ctrl-C would and checks that nothing it started is left running.
On the way it checks that the migrations created pg_trgm in the embedded server.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.core.management import get_commands

PROJECT_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180
STOP_TIMEOUT = 60

pytestmark = [pytest.mark.smoke, pytest.mark.long]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-40:])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def _wait_for_home_page(url: str, launcher: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if launcher.poll() is not None:
            pytest.fail(f"the launcher exited with {launcher.returncode} before serving:\n{_log_tail(log)}")
        try:
            status, body = _get(url)
        except OSError:
            time.sleep(1)
            continue
        if status == 200 and "TVET Partnership Portal" in body:
            return body
        time.sleep(1)
    pytest.fail(f"{url} did not serve the home page within {START_TIMEOUT} s:\n{_log_tail(log)}")


def _started_processes(launcher_pid: int, data: Path) -> list[psutil.Process]:
    """The launcher's children, and the embedded servers, which detach from it on purpose."""
    processes = psutil.Process(launcher_pid).children(recursive=True)
    postmaster = data / "postgres" / "postmaster.pid"
    processes.append(psutil.Process(int(postmaster.read_text().split()[0])))
    registry = json.loads((data / "valkey" / "valkey.db.settings").read_text())
    processes.append(psutil.Process(int(Path(registry["pidfile"]).read_text())))
    return processes


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _processes_using(data: Path) -> list[str]:
    """Any process still naming the data folder (postgres -D)."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if str(data) in cmdline and _alive(process):
            found.append(f"{process.info['pid']}: {cmdline}")
    return found


def _embedded_extensions(data: Path) -> tuple[set[str], set[str]]:
    """The extensions installed in the portal's database and those the server could install."""
    import psycopg

    # postmaster.pid: pid, data folder, start time, port, socket folder, ...
    lines = (data / "postgres" / "postmaster.pid").read_text().splitlines()
    with psycopg.connect(host=lines[4], port=int(lines[3]), user="postgres", dbname="tvet_portal") as connection:
        installed = {row[0] for row in connection.execute("SELECT extname FROM pg_extension")}
        available = {row[0] for row in connection.execute("SELECT name FROM pg_available_extensions")}
    return installed, available


def test_run_serves_the_portal_and_stops_cleanly(tmp_path):
    data = tmp_path / "data"
    port = _free_port()
    log = tmp_path / "launch.log"
    env = os.environ.copy()
    # Empty rather than removed: an empty variable also beats a developer's .env, which the
    # launcher and settings read without overwriting what the environment already has.
    env.update(DATABASE_URL="", REDIS_URL="", PORTAL_DATA_DIR=str(data), PORT=str(port))
    # pytest-django exported the test settings; the launched portal uses its real ones.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DEBUG", None)

    with log.open("wb") as output:
        # A session of its own, as under a terminal's Ctrl-C only the launcher gets the signal.
        launcher = subprocess.Popen(
            [sys.executable, "-m", "portal.launch", "run"],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started: list[psutil.Process] = []
    try:
        home = _wait_for_home_page(f"http://127.0.0.1:{port}/", launcher, log)
        started = _started_processes(launcher.pid, data)
        names = " ".join(" ".join(p.cmdline()) for p in started)
        assert "runserver" in names
        assert "worker" in names
        assert "beat" in names

        # The migrations created pg_trgm (directory search, duplicates) in the embedded server,
        # whose contrib modules also hold unaccent.
        installed, available = _embedded_extensions(data)
        assert "pg_trgm" in installed
        assert "unaccent" in available

        if "load_demo" in get_commands():
            assert re.search(r'href="/events/[\w-]+/"', home), "the home page lists no demo event"

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=STOP_TIMEOUT) == 0, _log_tail(log)
    finally:
        if launcher.poll() is None:  # The test failed; leave nothing behind all the same.
            for process in started:
                if _alive(process):
                    process.kill()
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()

    output = log.read_text(errors="replace")
    assert f"http://127.0.0.1:{port}/" in output
    if "load_demo" in get_commands():
        from portal.demo import DEMO_ACCOUNTS

        for account in DEMO_ACCOUNTS:
            assert account["email"] in output, "the demo logins were not printed"
    survivors = [f"{p.pid}: {' '.join(p.cmdline())}" for p in started if _alive(p)]
    survivors += _processes_using(data)
    assert not survivors, "left running:\n" + "\n".join(survivors)
