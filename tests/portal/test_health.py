"""The liveness and readiness probes: /healthz/ needs nothing but the process, /readyz/ every service a request needs."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse

from portal import health
from portal.celery import app as celery_app
from tests.portal.production import run_production

pytestmark = pytest.mark.django_db

CHECKS = {"database", "migrations", "cache", "broker", "storage"}
# Where nothing listens: a connection there is refused at once.
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _forget_applied_migrations(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(health, "_last_readiness", None)


def _statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_healthz_answers_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_ok_with_the_database_and_cache_down(client, django_assert_num_queries):
    down = OperationalError("connection to server at db.example.org failed")
    with (
        mock.patch.object(connection, "cursor", side_effect=down),
        mock.patch.object(health.cache, "get", side_effect=ConnectionError("redis down")),
        django_assert_num_queries(0),
    ):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200


def test_readyz_answers_ok_when_everything_answers(client):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}


def test_readyz_names_an_unreachable_database_and_hides_the_error(client):
    secret = "password=hunter2 host=db.internal.example.org"
    with mock.patch.object(connection, "cursor", side_effect=OperationalError(secret)):
        response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "failed"
    # Migrations cannot be read without the database; the rest are still reported.
    assert response.json()["checks"]["migrations"] == "skipped"
    assert response.json()["checks"]["cache"] == "ok"
    assert "hunter2" not in response.content.decode()
    assert "db.internal" not in response.content.decode()


def test_readyz_fails_a_database_slower_than_the_statement_timeout(client, monkeypatch):
    monkeypatch.setattr(health, "DATABASE_PROBE_QUERY", "SELECT pg_sleep(1)")
    monkeypatch.setattr(health, "DATABASE_STATEMENT_TIMEOUT_MS", 50)

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed"


def test_the_database_check_leaves_the_connection_s_statement_timeout_as_it_was():
    before = _statement_timeout()

    health.check_database()

    assert _statement_timeout() == before


def test_readyz_names_unapplied_migrations(client):
    latest = MigrationRecorder.Migration.objects.filter(app="portal").latest("id")
    MigrationRecorder(connection).record_unapplied("portal", latest.name)

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {**dict.fromkeys(CHECKS, "ok"), "migrations": "failed"}


def test_applied_migrations_are_checked_once_per_process(client):
    assert client.get(reverse("readyz")).status_code == 200
    latest = MigrationRecorder.Migration.objects.filter(app="portal").latest("id")
    MigrationRecorder(connection).record_unapplied("portal", latest.name)

    # Migrations are never undone under a running release: the first success is kept.
    assert client.get(reverse("readyz")).status_code == 200


def test_readyz_runs_its_checks_at_most_once_a_second_per_process(client, monkeypatch):
    runs = []
    monkeypatch.setattr(health, "READINESS_CHECKS", {"database": lambda: runs.append("database")})
    now = [1000.0]
    monkeypatch.setattr(health.time, "monotonic", lambda: now[0])

    for _ in range(5):
        assert client.get(reverse("readyz")).json() == {"status": "ok", "checks": {"database": "ok"}}
    assert runs == ["database"]

    now[0] += health.READINESS_KEPT_SECONDS
    client.get(reverse("readyz"))
    assert runs == ["database", "database"]


def test_a_failed_readiness_is_kept_as_briefly_as_a_success(client, monkeypatch):
    def down():
        raise ConnectionError("redis down")

    monkeypatch.setattr(health, "READINESS_CHECKS", {"cache": down})
    now = [1000.0]
    monkeypatch.setattr(health.time, "monotonic", lambda: now[0])
    assert client.get(reverse("readyz")).status_code == 503

    monkeypatch.setattr(health, "READINESS_CHECKS", {"cache": lambda: None})
    assert client.get(reverse("readyz")).status_code == 503
    now[0] += health.READINESS_KEPT_SECONDS
    assert client.get(reverse("readyz")).status_code == 200


def test_readyz_names_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT_URL}
    }

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {**dict.fromkeys(CHECKS, "ok"), "cache": "failed"}


def test_readyz_names_an_unreachable_broker(client, monkeypatch):
    # The write URL follows the broker URL unless set apart.
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT_URL)

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {**dict.fromkeys(CHECKS, "ok"), "broker": "failed"}


def test_readyz_names_an_unreachable_object_storage(client, settings):
    from botocore.config import Config

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "portal-private",
                "endpoint_url": "http://127.0.0.1:1",
                "region_name": "us-east-1",
                "access_key": "probe",
                "secret_key": "probe-secret",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 1, "mode": "standard"}),
            },
        },
    }

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {**dict.fromkeys(CHECKS, "ok"), "storage": "failed"}
    assert "probe-secret" not in response.content.decode()


@pytest.mark.parametrize("url_name", ["healthz", "readyz"])
def test_probes_answer_a_kubelet_over_plain_http_by_the_pod_s_address(settings, url_name):
    """Production settings: an unknown host and plain HTTP, which a kubelet's probe is, still get an answer."""
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    kubelet = Client(HTTP_HOST="10.244.1.17:8000")

    response = kubelet.get(reverse(url_name))

    assert response.status_code == 200
    # Any other page refuses that host: the probes alone are let through.
    assert kubelet.get(reverse("home")).status_code == 400


@pytest.mark.parametrize("url_name", ["healthz", "readyz"])
def test_probes_set_no_cookie_and_are_never_cached(client, url_name):
    response = client.get(reverse(url_name))

    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("url_name", ["healthz", "readyz"])
def test_probes_answer_only_get(client, url_name):
    assert client.post(reverse(url_name)).status_code == 405


def test_a_probe_with_a_query_string_goes_through_every_check_as_any_page(settings):
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    kubelet = Client(HTTP_HOST="10.244.1.17:8000")

    assert kubelet.get(reverse("healthz") + "?verbose=1").status_code == 400


def test_the_probes_are_answered_before_any_other_middleware(settings):
    assert settings.MIDDLEWARE[0] == "portal.health.ProbeMiddleware"


PROBE_BOTH = """
import json, django
django.setup()
from django.test import Client
kubelet = Client(HTTP_HOST="10.244.1.17:8000")
print(json.dumps({path: [r.status_code, r.json()] for path in ("/healthz/", "/readyz/") for r in [kubelet.get(path)]}))
"""


def test_production_with_database_and_redis_down_stays_alive_but_not_ready():
    """A real outage in a production process: nothing listens where the database and Redis should be."""
    result = run_production(
        "-c",
        PROBE_BOTH,
        check=True,
        DATABASE_URL="postgres://portal:secret-password@127.0.0.1:1/tvet_portal",
        REDIS_URL=CLOSED_PORT_URL,
    )

    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["/healthz/"] == [200, {"status": "ok"}]
    assert answers["/readyz/"] == [
        503,
        {
            "status": "unavailable",
            "checks": {
                "database": "failed",
                "migrations": "skipped",
                "cache": "failed",
                "broker": "failed",
                "storage": "ok",
            },
        },
    ]
    assert "secret-password" not in result.stdout
