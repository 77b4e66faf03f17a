"""Celery beat is safe to run twice: RedBeat keeps the schedule and a lock in Redis, and a
second beat waits as a standby until the first stops."""

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bench.replicas import BEAT_ACQUIRED, beat_command, wait_for_line
from portal import launch
from tests.portal.production import PROJECT_DIR, run_production

READ_BEAT_SETTINGS = """
import json
import django
django.setup()
from portal.celery import app
from celery.beat import Service
from redbeat.schedulers import ensure_conf
conf = ensure_conf(app)
# The scheduler beat would run, without connecting to Redis (lazy).
scheduler = Service(app, scheduler_cls=app.conf.beat_scheduler).get_scheduler(lazy=True)
print(json.dumps({
    "scheduler": app.conf.beat_scheduler,
    "broker": app.conf.broker_url,
    "redis_url": conf.redis_url,
    "key_prefix": conf.key_prefix,
    "lock_timeout": getattr(scheduler, "lock_timeout", None),
    "max_interval": scheduler.max_interval,
}))
"""


def _beat_settings(**overrides: str) -> dict:
    completed = run_production("-W", "error::DeprecationWarning:redbeat", "-c", READ_BEAT_SETTINGS, **overrides)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_beat_uses_redbeat_on_the_redis_of_redis_url():
    found = _beat_settings(REDIS_URL="redis://redis.example.org:6379/2", BEAT_KEY_PREFIX="tvet-staging:beat:")

    assert found["scheduler"] == "redbeat.RedBeatScheduler"
    assert found["redis_url"] == "redis://redis.example.org:6379/2"
    assert found["key_prefix"] == "tvet-staging:beat:"
    # The lock outlives a few ticks (each renews it) but not the shortest interval of the
    # schedule (a minute): a standby takes over before a run is missed.
    assert 3 * found["max_interval"] <= found["lock_timeout"] < 60


def test_beat_lock_timeout_sets_how_often_beat_ticks():
    found = _beat_settings(REDIS_URL="redis://redis.example.org:6379/2", BEAT_LOCK_TIMEOUT="6")

    assert (found["lock_timeout"], found["max_interval"]) == (6, 2)


def test_beat_reads_a_unix_socket_url_as_redis_py_does():
    """The embedded Valkey of `make run` listens on a unix socket: the broker gets kombu's
    spelling of it, RedBeat's redis-py client the URL as it is."""
    found = _beat_settings(REDIS_URL="unix:///run/valkey/valkey.sock")

    assert found["broker"] == "redis+socket:///run/valkey/valkey.sock"
    assert found["redis_url"] == "unix:///run/valkey/valkey.sock"


def test_without_redis_beat_keeps_celerys_own_scheduler():
    found = _beat_settings(REDIS_URL="")

    assert found["scheduler"] == "celery.beat:PersistentScheduler"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.long
def test_two_beats_on_the_embedded_valkey_one_sends_the_other_waits_then_takes_over(tmp_path: Path):
    """Two beats of `make run`'s kind (the embedded Valkey on a unix socket): only one holds
    the lock and sends; stopped, it hands over to the other, which goes on with the schedule."""
    with contextlib.ExitStack() as stack:
        redis_url = launch.start_redis(stack, tmp_path)
        assert redis_url.startswith("unix://")
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="bench.replicas_settings",
            REDIS_URL=redis_url,
            BEAT_LOCK_TIMEOUT="3",
            BEAT_KEY_PREFIX=f"test-beat-{os.getpid()}:",
            REPLICA_SCHEDULE_SECONDS="1",
            PYTHONUNBUFFERED="1",
        )
        logs = [tmp_path / "beat1.log", tmp_path / "beat2.log"]
        beats = []
        for log in logs:
            with log.open("wb") as output:
                beats.append(
                    subprocess.Popen(
                        beat_command(),
                        cwd=PROJECT_DIR,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            stack.callback(_stop, beats[-1])
            # The first one takes the lock before the second starts.
            if len(beats) == 1:
                assert wait_for_line(log, BEAT_ACQUIRED, 60), log.read_text()

        # The second one is up and trying for the lock (every second): several of its tries,
        # and several ticks of the first.
        assert wait_for_line(logs[1], "beat: Starting...", 60), logs[1].read_text()
        time.sleep(4)
        first, second = (log.read_text() for log in logs)
        assert "Sending due task" in first, first
        assert BEAT_ACQUIRED not in second, second
        assert "Sending due task" not in second, second

        _stop(beats[0])
        assert wait_for_line(logs[1], BEAT_ACQUIRED, 30), logs[1].read_text()
        assert wait_for_line(logs[1], "Sending due task", 15), logs[1].read_text()
        assert beats[1].poll() is None
