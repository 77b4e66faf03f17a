"""Run ``manage.py`` or Python with the portal's production settings, in a separate process.

pytest-django loads the test settings into this process; production behaviour (DEBUG off,
secure defaults, deployment checks) is read from ``portal.settings`` in a child process with
the variables a real deployment sets.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def production_environment(**overrides: str) -> dict[str, str]:
    """The environment of a production deployment; ``overrides`` replace or add variables.

    Variables of this process that would change the defaults under test (DEBUG, SECURE_*,
    SESSION_*, SITE_URL) are left out. An override of ``None`` removes a variable.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "SECURE_", "SESSION_")) and key != "SITE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org",
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://portal@db.example.org:5432/tvet_portal",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://redis.example.org:6379/0",
        EMAIL_URL="smtp+tls://user:pw@smtp.example.org:587",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_production(*args: str, check: bool = False, **overrides: str) -> subprocess.CompletedProcess:
    """Run ``python <args>`` in the project folder with the production environment."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )
