"""The outbox crash harness in its short form: real Redis, real Celery workers killed with
SIGKILL, a local SMTP server answering 421 and 550, a Redis restart, and the portal's own kinds
of email queued by its services and periodic tasks (`bench/outbox.py`)."""

import json
from pathlib import Path

import pytest

from bench.outbox import missing_requirements
from tests.portal.harness import run_harness

MISSING = missing_requirements()


@pytest.mark.long
@pytest.mark.skipif(bool(MISSING), reason=f"the outbox harness needs {', '.join(MISSING)}")
def test_outbox_survives_kills_busy_and_refusing_servers_and_a_redis_restart(tmp_path: Path):
    results = tmp_path / "results.json"
    report, returncode = run_harness("bench.outbox", results, "--ci", timeout=300)
    assert results.exists(), report
    outcome = json.loads(results.read_text())
    rows = {row["scenario"].split(".")[0]: row for row in outcome["rows"]}
    assert outcome["problems"] == [], report
    assert returncode == 0, report
    assert set(rows) == {"1", "2", "3", "4", "5", "6", "7"}
    for row in outcome["rows"]:
        assert row["lost"] == 0, row
    kills = rows["1"]
    assert kills["extra"]["kills"] >= 2
    assert kills["duplicates"] <= min(kills["extra"]["kills"], kills["emails"] * 0.005)
    assert rows["2"]["delivered"] == rows["2"]["emails"]
    assert rows["3"]["failed"] == rows["3"]["emails"] - rows["3"]["delivered"] > 0
    assert rows["4"]["duplicates"] == 0
    assert rows["5"]["delivered"] == rows["5"]["emails"]
    assert rows["6"]["extra"]["rate"] > 0
    # The portal's own emails, queued by its services and periodic tasks: each kind arrives
    # once, and a periodic task run twice queues nothing the second time.
    own = rows["7"]
    assert {"meeting_reminder", "request_unanswered", "no_request_yet", "registration_decision", "invitation"} <= set(
        own["extra"]["kinds"]
    )
    assert own["extra"]["queued_again"] == 0
    assert own["delivered"] == own["emails"]
