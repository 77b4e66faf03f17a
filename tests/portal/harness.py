"""Running one of the harnesses of `bench/` (real workers, servers, Redis) from a test."""

import os
import subprocess
import sys
from pathlib import Path

from tests.portal.production import PROJECT_DIR


def run_harness(module: str, results: Path, *args: str, timeout: float) -> tuple[str, int]:
    """Run ``python -m module *args --json results`` with the test's environment minus its own
    variables; return what it printed (the end of its error output) and its exit status.

    Past ``timeout`` seconds the harness gets SIGTERM, not the SIGKILL of ``subprocess.run``:
    it then stops its workers, servers and Redis and drops what it created, instead of leaving
    them running after the test.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_"))}
    run = subprocess.Popen(
        [sys.executable, "-m", module, *args, "--json", str(results)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.terminate()
        stdout, stderr = run.communicate(timeout=60)
    return stdout + stderr[-4000:], run.returncode
