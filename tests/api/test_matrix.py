"""Every ``api:`` URL pattern, called by every token role with real objects.

The table is merged from tests/api/matrix_*.py (tests/api/matrix.py explains it). A new
``api:`` pattern without an entry fails ``test_every_api_pattern_has_an_entry`` with the line to
add. Besides the status, each answer is checked for the world's private markers the role may
not see, refusals are problem details, and a refused call writes nothing.
"""

import json
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from api.throttling import AnonRateThrottle, TokenRateThrottle
from tests.api.matrix import (
    API_MATRIX,
    DENIALS,
    MARKER_ROLE,
    STATUS,
    TOKEN_ROLES,
    Entry,
    api_patterns,
    entries_for,
    missing_entry_hint,
)
from tests.api.token_world import build_api_world
from tests.portal.matrix_world import forbidden_texts, module_world

PATTERNS = api_patterns()
# Tables a call may write without changing anything: the token's last use.
BOOKKEEPING = {"django_session", "api_apitoken"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_world(build_api_world, django_db_blocker, tmp_path_factory.mktemp("private")) as world:
        yield world


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "allow_request", lambda self, request, view: True)
    monkeypatch.setattr(TokenRateThrottle, "allow_request", lambda self, request, view: True)


def writes_so_far() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: count for table, count in cursor.fetchall() if table not in BOOKKEEPING}


def outcome_of(response) -> str:
    return {status: name for name, status in STATUS.items()}.get(response.status_code, str(response.status_code))


def url_for(key: str, entry: Entry, world) -> str:
    url = reverse(key, args=entry.args(world) if entry.args else [])
    query = entry.query(world) if callable(entry.query) else entry.query
    return f"{url}?{query}" if query else url


def call(client: Client, entry: Entry, url: str, token: str | None, world):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = json.dumps(entry.data(world)) if entry.data else None
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    return client.generic(entry.method, url, headers=headers, **kwargs)


def test_every_api_pattern_has_an_entry():
    missing = [missing_entry_hint(key, route) for key, route in PATTERNS.items() if not entries_for(key)]

    assert missing == [], "Add these lines to a MATRIX in tests/api/matrix_<module>.py:\n" + "\n".join(missing)


def test_every_entry_names_an_existing_pattern():
    assert sorted(set(API_MATRIX) - set(PATTERNS)) == []


def test_the_site_matrix_leaves_the_api_to_this_one():
    from tests.portal.test_permission_matrix import PATTERNS as SITE_PATTERNS

    assert not [key for key in SITE_PATTERNS if key.startswith("api:")]
    assert PATTERNS, "the API has URL patterns"


def problems_of(key: str, entry: Entry, world) -> list[str]:
    url = url_for(key, entry, world)
    tokens = world.api_tokens
    found, problems = [], []
    client = Client()
    for role, expected in zip(TOKEN_ROLES, entry.outcomes, strict=True):
        if expected == "-":
            found.append("-")
            continue
        before = writes_so_far()
        with transaction.atomic():
            response = call(client, entry, url, tokens.get(role), world)
            transaction.set_rollback(True)
        found.append(outcome_of(response))
        if found[-1] != expected:
            problems.append(f"{role}: {entry.method} {url} answered {found[-1]}, expected {expected}")
        if response.status_code >= 400 and not response.headers.get("Content-Type", "").startswith(
            "application/problem+json"
        ):
            problems.append(f"{role}: {entry.method} {url} refused without problem details")
        if found[-1] in DENIALS:
            after = writes_so_far()
            if after != before:
                changed = sorted(table for table in after if after[table] != before.get(table))
                problems.append(f"{role}: a refused {entry.method} {url} tried to write to {changed}")
        if response.status_code == 200 and not getattr(response, "streaming", False):
            text = response.content.decode("utf-8", "replace")
            leaked = [
                name
                for name, marker in forbidden_texts(world, MARKER_ROLE[role]).items()
                if marker in text and name not in entry.allow
            ]
            if leaked:
                problems.append(f"{role}: {entry.method} {url} shows {sorted(leaked)}")
    if problems:
        problems.append(f'outcomes found: "{" ".join(found)}"')
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(PATTERNS), ids=str)
def test_api_permission_matrix(world, key):
    entries = entries_for(key)
    assert entries, "No entry: add\n" + missing_entry_hint(key, PATTERNS[key])

    problems = [problem for entry in entries for problem in problems_of(key, entry, world)]

    assert problems == []


def test_outcome_names_are_statuses():
    assert all(re.fullmatch(r"[A-Z_]+", name) for name in STATUS)
