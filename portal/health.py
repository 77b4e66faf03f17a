"""Liveness (``/healthz/``) and readiness (``/readyz/``) of a web process, for load balancers and Kubernetes.

``/healthz/`` says only that the process answers: it touches neither the database nor
Redis, so that an outage of either makes no orchestrator restart every web process (a
restart cures nothing there, and all of them would come back to the same outage at once).

``/readyz/`` says whether this process can serve a request now: the database answers
(within a short statement timeout) with every migration applied, the cache answers, the
Celery broker accepts a connection and the file storages answer. Until it does, Kubernetes
sends the process no traffic; a rolling update waits for it before stopping older pods.

Both are answered by ``ProbeMiddleware``, first in ``MIDDLEWARE``: before the host check (a
kubelet asks by the pod's address, which is in no ``ALLOWED_HOSTS``), the HTTPS redirect (it
asks over plain HTTP inside the cluster), sessions, CSRF, language and sign-in. They set no
cookie and are never cached. What failed is named, never how: exception text can carry host
names or credentials, so it goes to the log only.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from .celery import app as celery_app

logger = logging.getLogger(__name__)

# Milliseconds the database check's query may take: a database too busy to answer ``SELECT 1``
# in this time cannot serve a page either.
DATABASE_STATEMENT_TIMEOUT_MS = 2000
DATABASE_PROBE_QUERY = "SELECT 1"
# Seconds the broker check waits for a connection.
BROKER_CONNECT_TIMEOUT = 2
# The storages whose files pages serve and views write (uploads and MoU documents).
CHECKED_STORAGES = ("default", "private")
# A name no file is ever stored under: asking whether it exists is the cheapest round trip.
STORAGE_PROBE_NAME = "readiness-probe"
CACHE_PROBE_KEY = "portal:readiness-probe"

# Seconds a process keeps its last readiness outcome. /readyz/ is reachable from outside (the
# Ingress sends every path to the web pods): without this, each request to it would cost a
# round trip to the database, Redis, the broker and the object store, an easy way to load them.
# Probes come every few seconds, so a second's memory changes nothing for Kubernetes.
READINESS_KEPT_SECONDS = 1.0

# Set once every migration is found applied: migrations are applied before a release rolls
# out and never undone under a running process, so there is no need to ask again.
_migrations_applied = False


def check_database() -> None:
    """One query under a statement timeout, in a transaction rolled back so the timeout goes with it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(DATABASE_STATEMENT_TIMEOUT_MS)])
        cursor.execute(DATABASE_PROBE_QUERY)
        transaction.set_rollback(True)


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        raise RuntimeError(f"{len(unapplied)} migrations not applied, first {unapplied[0][0]}")
    _migrations_applied = True


def check_cache() -> None:
    """A read from the shared cache: a round trip to Redis where it is configured."""
    cache.get(CACHE_PROBE_KEY)


def check_broker() -> None:
    """A connection to the broker the tasks are sent to (an in-memory one without Redis)."""
    with celery_app.connection_for_write(connect_timeout=BROKER_CONNECT_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_CONNECT_TIMEOUT)


def check_storage() -> None:
    for alias in CHECKED_STORAGES:
        storages[alias].exists(STORAGE_PROBE_NAME)


# In order: the migrations check needs the database, and is skipped when it failed.
READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


_last_readiness: tuple[float, dict[str, str]] | None = None
_readiness_lock = threading.Lock()


def readiness() -> dict[str, str]:
    """Each readiness check's outcome, run at most once per ``READINESS_KEPT_SECONDS`` in a process.

    Concurrent requests wait for the one running the checks and share its outcome.
    """
    global _last_readiness
    with _readiness_lock:
        if _last_readiness is not None and time.monotonic() - _last_readiness[0] < READINESS_KEPT_SECONDS:
            return dict(_last_readiness[1])
        results = run_readiness_checks()
        _last_readiness = (time.monotonic(), results)
        return dict(results)


def run_readiness_checks() -> dict[str, str]:
    """Run every readiness check; return each one's outcome, ``"ok"``, ``"failed"`` or ``"skipped"``."""
    results: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        if name == "migrations" and results["database"] != "ok":
            results[name] = "skipped"
            continue
        try:
            check()
        except Exception:
            # Any failure at all means not ready; what it was goes to the log, not to the caller.
            logger.warning("Readiness check %r failed", name, exc_info=True)
            results[name] = "failed"
        else:
            results[name] = "ok"
    return results


def _probe_response(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def healthz(request):
    """Answer 200 as long as the process answers requests (liveness); asks nothing of any service."""
    return _probe_response({"status": "ok"})


@require_GET
def readyz(request):
    """Answer 200 when this process can serve requests (readiness), 503 naming the failed checks otherwise."""
    checks = readiness()
    ready = all(outcome == "ok" for outcome in checks.values())
    return _probe_response({"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)


PROBES = {"/healthz/": healthz, "/readyz/": readyz}


class ProbeMiddleware:
    """Answer ``/healthz/`` and ``/readyz/`` before any other middleware runs (see the module's docstring).

    First in ``MIDDLEWARE``. A probe carries no query string: a request with one goes through
    every middleware like any page (its control characters refused, its host checked) to the
    URL patterns of the same paths, which answer the same views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and not request.META.get("QUERY_STRING"):
            return probe(request)
        return self.get_response(request)
