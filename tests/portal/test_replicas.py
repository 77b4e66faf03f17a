"""The portal on two servers behind a load balancer (HAProxy), with uploads on S3 (moto's
server), two Celery workers and two beats on one Redis: `bench/replicas.py` runs it all and
this test holds its outcome. Select it alone with ``pytest -m replicas``.

HAProxy is Debian's package (``apt-get install haproxy``; `.ci/run` installs it). Without it
the test skips, unless ``PORTAL_REPLICA_TESTS=required`` (set by `.ci/run`) makes it fail.
"""

import json
import os
from pathlib import Path

import pytest

from bench.replicas import ADMINS, MOUS, PEOPLE, missing_requirements
from tests.portal.harness import run_harness

REQUIRED = os.environ.get("PORTAL_REPLICA_TESTS", "") == "required"


@pytest.fixture
def requirements():
    missing = missing_requirements()
    if missing:
        message = f"the two-replica test needs {', '.join(missing)}"
        if REQUIRED:
            pytest.fail(f"{message} (PORTAL_REPLICA_TESTS=required)", pytrace=False)
        pytest.skip(message)


@pytest.mark.long
@pytest.mark.replicas
def test_two_replicas_share_files_sessions_and_one_schedule(requirements, tmp_path: Path):
    results = tmp_path / "results.json"
    report, returncode = run_harness("bench.replicas", results, timeout=600)
    assert results.exists(), report
    outcome = json.loads(results.read_text())
    assert outcome["problems"] == [], report
    assert returncode == 0, report
    # Every logo and signed document stored, read back through both replicas.
    assert outcome["uploads"] == ADMINS + MOUS
    # A few hundred requests, shared by the two replicas, none answered 5xx.
    assert outcome["requests"] >= 200
    assert set(outcome["replicas"]) == {"one", "two"}
    assert not [status for status in outcome["statuses"] if status.startswith("5")]
    # One reminder for each person in a meeting, each arrived once.
    assert outcome["emails"] >= PEOPLE
    assert outcome["delivered"] == outcome["emails"]
    assert outcome["duplicates"] == 0
    # Both beats sent tasks: the first until it was killed, the second after.
    assert outcome["beat_sends"]["beat1"] > 0
    assert outcome["beat_sends"]["beat2"] > 0
