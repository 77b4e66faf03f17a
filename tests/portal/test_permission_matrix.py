"""Every URL pattern of the project, requested by every role with real objects.

The table is in ``tests/portal/permission_matrix.py``; a new URL without an entry there
fails ``test_every_url_pattern_has_an_entry`` with the line to add. For each pattern and role
the test asks the page (plain and as htmx) and compares the answer with the table, looks for
the world's private markers in everything the role may open (pages, partials, CSV, calendars,
workbooks), asks each page it may open with a NUL byte in its search (400), and sends an empty POST wherever the role is refused: it must be refused as well,
and write nothing to the database.
"""

import io
import re
import time

import openpyxl
import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import URLResolver, path, reverse
from django.urls.resolvers import RoutePattern

from tests.portal.matrix_world import (
    MARKER_TEXT,
    PRIVATE_MARKERS,
    ROLES,
    TOKEN_MARKERS,
    build_world,
    forbidden_texts,
    module_world,
    token_texts,
)
from tests.portal.permission_matrix import MATRIX, Entry, entries_for, missing_entry_hint, url_patterns

# The API has a matrix of its own, for token roles (tests/api/test_matrix.py).
PATTERNS = {key: route for key, route in url_patterns() if not key.startswith("api:")}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
STATUS = {"OK": 200, "BAD": 400, "FORBIDDEN": 403, "NOT_FOUND": 404, "METHOD": 405}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_TYPES = ("text/", "application/json", "application/javascript")
DENIALS = {"LOGIN", "NOT_FOUND", "FORBIDDEN"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the world once for all patterns; every test's own transaction rolls back inside it."""
    with module_world(build_world, django_db_blocker, tmp_path_factory.mktemp("private")) as world:
        yield world


def client_for(user) -> Client:
    """A client signed in as ``user`` the way a real sign-in leaves the session: with its
    password, then its second factor when the person has one."""
    client = Client()
    if isinstance(user, AnonymousUser):
        return client
    client.force_login(user)
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    for authenticator in Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES):
        records.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": authenticator.type})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def writes_so_far() -> dict[str, int]:
    """Rows inserted, updated or deleted per table in the current transaction (sessions aside)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relname <> 'django_session' AND n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return dict(cursor.fetchall())


def outcome_of(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        return "LOGIN" if location.startswith(LOGIN_PATHS) else "REDIRECT"
    return {status: name for name, status in STATUS.items()}.get(response.status_code, str(response.status_code))


def is_text(response) -> bool:
    return response.status_code == 200 and response.headers.get("Content-Type", "").startswith(TEXT_TYPES)


def body_text(response) -> str:
    """The response as text: pages, partials, CSV, calendars and the cells of workbooks."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.headers.get("Content-Type", "").startswith(XLSX):
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value) for sheet in workbook for cells in sheet.iter_rows(values_only=True) for value in cells
        )
    return body.decode("utf-8", "replace") if is_text(response) else ""


def leaks(response, world, role: str, allowed: frozenset[str]) -> list[str]:
    """The private markers of the world that ``role`` may not see but finds in ``response``."""
    if response.status_code != 200:
        return []
    text = body_text(response)
    return [name for name, marker in forbidden_texts(world, role).items() if marker in text and name not in allowed]


def test_every_url_pattern_has_an_entry():
    missing = [missing_entry_hint(key, route) for key, route in PATTERNS.items() if not entries_for(key)]

    assert missing == [], "Add these lines to MATRIX in tests/portal/permission_matrix.py:\n" + "\n".join(missing)


def test_a_new_url_is_reported_with_the_line_to_add():
    resolver = URLResolver(RoutePattern(""), [path("reports/<int:pk>/", lambda request, pk: None, name="report")])

    missing = [missing_entry_hint(key, route) for key, route in url_patterns(resolver) if not entries_for(key)]

    assert missing == [
        '    "report": row("<one outcome for each of: visitor participant admin_a admin_b organiser secretariat>",'
        " lambda w: [...]),  # reports/<int:pk>/"
    ]


def test_every_entry_names_an_existing_pattern():
    assert sorted(set(MATRIX) - set(PATTERNS)) == []


@pytest.mark.django_db
def test_a_visitor_may_see_no_private_marker(world):
    assert set(forbidden_texts(world, "visitor")) == set(PRIVATE_MARKERS) | set(TOKEN_MARKERS)


@pytest.mark.django_db
def test_the_secretariat_may_see_every_marker_but_personal_notes_and_links(world):
    assert set(forbidden_texts(world, "secretariat")) == {
        "shortlist_note",
        "survey_token_x",
        "contact_token_x",
        "follow_up_token_x",
        "invitation_token",
        "calendar_feed_x",
        # An institution's webhook (its address and secret) is its admins' integration.
        "webhook_url_a",
        "webhook_secret_a",
    }


def url_for(key: str, entry: Entry, world) -> str:
    args = entry.args(world) if entry.args else []
    if key != PATTERNS[key]:
        url = reverse(key, args=args)
    else:  # an unnamed pattern, keyed by its route
        url = "/" + re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)\$?", lambda _m: str(args.pop(0)), key)
    query = entry.query(world) if callable(entry.query) else entry.query
    return f"{url}?{query}" if query else url


def request_as_every_role(key: str, entry: Entry, world) -> list[str]:
    """Request the entry's URL as every role; return what differs from the entry."""
    url = url_for(key, entry, world)
    found, problems = [], []
    for role, expected, expected_post in zip(ROLES, entry.get, entry.post or [None] * len(ROLES), strict=True):
        client = client_for(world.people[role])
        response = client.get(url)
        found.append(outcome_of(response))
        if found[-1] != expected:
            problems.append(f"{role}: GET {url} answered {found[-1]}, expected {expected}")
        leaked = leaks(response, world, role, entry.allow)
        # A NUL byte in a search (PostgreSQL refuses it in any query) answers 400, never 500.
        if found[-1] == "OK":
            nul_url = url + ("&" if "?" in url else "?") + "q=ab%00cd"
            nul = outcome_of(client.get(nul_url))
            if nul != "BAD":
                problems.append(f"{role}: GET {nul_url} answered {nul}, expected BAD")
        # The htmx request of the same page (files aside): the same answer, and its partial
        # leaks nothing.
        if response.status_code != 200 or response.headers.get("Content-Type", "").startswith("text/html"):
            partial = client.get(url, headers={"HX-Request": "true"})
            if outcome_of(partial) != found[-1]:
                problems.append(f"{role}: htmx GET {url} answered {outcome_of(partial)}, GET {found[-1]}")
            leaked += leaks(partial, world, role, entry.allow)
        if leaked:
            problems.append(f"{role}: GET {url} shows {sorted(set(leaked))}")
        # A refused POST changes nothing: the POST-only views' own denials, and the same
        # denial as for GET (or a 405) everywhere else.
        if expected_post is None and expected in DENIALS:
            expected_post = {expected, "METHOD"}
        elif expected_post not in (None, "-"):
            expected_post = {expected_post}
        if expected_post not in (None, "-"):
            before = writes_so_far()
            posted = outcome_of(client.post(url, {}))
            if posted not in expected_post:
                problems.append(f"{role}: POST {url} answered {posted}, expected {sorted(expected_post)}")
            after = writes_so_far()
            if after != before:
                changed = sorted(table for table in after if after[table] != before.get(table))
                problems.append(f"{role}: a refused POST to {url} wrote to {changed}")
    if problems:
        problems.append(f'GET outcomes found: "{" ".join(found)}"')
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(PATTERNS), ids=str)
def test_permission_matrix(world, key):
    entries = entries_for(key)
    assert entries, "No entry: add\n" + missing_entry_hint(key, PATTERNS[key])

    problems = [problem for entry in entries for problem in request_as_every_role(key, entry, world)]

    assert problems == []


# Where each marker does show to a role allowed to see it: proof that the markers are on the
# pages at all, so their absence elsewhere means something.
MARKER_SIGHTINGS = [
    ("mou_private_a", "participant", "mous:detail", lambda w: [w.mou_private_a.pk]),
    ("mou_unrelated", "secretariat", "mous:detail", lambda w: [w.mou_unrelated.pk]),
    ("mou_draft", "admin_a", "mous:detail", lambda w: [w.mou_draft.pk]),
    ("event_draft", "organiser", "events:detail", lambda w: [w.event_draft.slug]),
    ("unrelated_name_x", "organiser", "events:registrations", lambda w: [w.event.slug]),
    ("unrelated_email_y", "organiser", "events:registrations_export_csv", lambda w: [w.event.slug]),
    ("admin_b_email", "organiser", "events:registrations_export_csv", lambda w: [w.event.slug]),
    ("pending_email", "admin_a", "institutions:join_requests", lambda w: []),
    ("invitee_email", "admin_a", "institutions:members", lambda w: [w.inst_a.slug]),
    ("outbox_error", "secretariat", "outbox", lambda w: []),
    ("shortlist_note", "participant", "institutions:shortlist", lambda w: []),
    ("request_message", "participant", "matchmaking:my_meetings", lambda w: [w.event.slug]),
    ("survey_text", "organiser", "events:survey_results", lambda w: [w.event.slug]),
    ("badge_x", "organiser", "events:checkin_scan", lambda w: [w.event.slug, w.reg_x.badge_token]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("marker", "role", "name", "args"), MARKER_SIGHTINGS, ids=lambda value: value if isinstance(value, str) else ""
)
def test_each_marker_shows_to_a_role_allowed_to_see_it(world, marker, role, name, args):
    response = client_for(world.people[role]).get(reverse(name, args=args(world)))
    texts = {**MARKER_TEXT, **token_texts(world)}

    assert texts[marker] in body_text(response)
