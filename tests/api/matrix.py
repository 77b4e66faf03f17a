"""The API's permission matrix: what every token role gets from every ``api:`` URL pattern.

The site's matrix (tests/portal/permission_matrix.py) covers the pages for session roles and
skips ``api:`` patterns; this one covers the API for token roles. Each views module of the
API has its entries in a file of its own here, ``matrix_<module>.py`` (``views_public`` ->
``matrix_public.py``), holding a dict named ``MATRIX``; every such file is merged below, so a
new module adds a file and touches nothing else. One entry per pattern name::

    "api:event": row("OK OK OK OK OK OK UNAUTH UNAUTH UNAUTH", lambda w: [w.event.slug]),

or a tuple of entries (other objects, other methods). The outcomes are for the roles in
``TOKEN_ROLES`` order:

- ``visitor``: no token
- ``participant``: a read token of a member of A, bound to A
- ``admin_a_read`` / ``admin_a_write``: tokens of A's admin bound to A, read / read and write
- ``admin_b``: a write token of B's admin, bound to B
- ``secretariat``: a write token of a secretariat member, bound to no institution
- ``expired``, ``revoked``: A's admin's write tokens bound to A, expired / revoked
- ``removed``: a write token of A's admin bound to K, which A's admin has since left (it
  reads and acts as a member of K alone, so as a stranger)

Outcomes: ``OK`` 200, ``CREATED`` 201, ``NO_CONTENT`` 204, ``BAD`` 400, ``UNAUTH`` 401,
``FORBIDDEN`` 403 (one's own object with a scope or right that does not allow the action),
``NOT_FOUND`` 404 (another institution's private object is always 404), ``METHOD`` 405,
``CONFLICT`` 409, ``-`` not requested. ``method`` is the HTTP method (GET by default), ``data``
a function of the world giving the JSON body. Every request runs in a savepoint that is rolled
back, so each role meets the same world; a refused request must not even try to write.
"""

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.urls import get_resolver

from tests.portal.permission_matrix import url_patterns

TOKEN_ROLES = (
    "visitor",
    "participant",
    "admin_a_read",
    "admin_a_write",
    "admin_b",
    "secretariat",
    "expired",
    "revoked",
    "removed",
)
# The site matrix's role whose private markers each token role may see.
MARKER_ROLE = {
    "visitor": "visitor",
    "participant": "participant",
    "admin_a_read": "admin_a",
    "admin_a_write": "admin_a",
    "admin_b": "admin_b",
    "secretariat": "secretariat",
    "expired": "visitor",
    "revoked": "visitor",
    "removed": "admin_a",
}
STATUS = {
    "OK": 200,
    "CREATED": 201,
    "NO_CONTENT": 204,
    "BAD": 400,
    "UNAUTH": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD": 405,
    "CONFLICT": 409,
}
OUTCOMES = set(STATUS) | {"-"}
DENIALS = {"BAD", "UNAUTH", "FORBIDDEN", "NOT_FOUND", "METHOD", "CONFLICT"}


@dataclass(frozen=True)
class Entry:
    outcomes: tuple[str, ...]
    args: Callable | None = None
    method: str = "GET"
    data: Callable | None = None
    query: Callable | str = ""
    allow: frozenset[str] = frozenset()


def row(
    outcomes: str,
    args: Callable | None = None,
    *,
    method: str = "GET",
    data: Callable | None = None,
    query: Callable | str = "",
    allow: str = "",
) -> Entry:
    found = tuple(outcomes.split())
    assert len(found) == len(TOKEN_ROLES), f"{outcomes}: one outcome per role in {TOKEN_ROLES}"
    assert set(found) <= OUTCOMES, f"{outcomes}: outcomes are {sorted(OUTCOMES)}"
    return Entry(found, args, method.upper(), data, query, frozenset(allow.split()))


def _load() -> dict[str, Entry | tuple[Entry, ...]]:
    merged: dict = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if not re.fullmatch(r"matrix_\w+", module.name):
            continue
        entries = importlib.import_module(f"tests.api.{module.name}").MATRIX
        duplicated = set(merged) & set(entries)
        assert not duplicated, f"{module.name} repeats entries of another file: {sorted(duplicated)}"
        merged.update(entries)
    return merged


API_MATRIX = _load()


def api_patterns() -> dict[str, str]:
    """Pattern name -> route of every ``api:`` URL pattern."""
    return {key: route for key, route in url_patterns(get_resolver()) if key.startswith("api:")}


def entries_for(key: str) -> tuple[Entry, ...]:
    entries = API_MATRIX.get(key, ())
    return entries if isinstance(entries, tuple) else (entries,)


def missing_entry_hint(key: str, route: str) -> str:
    return f'    "{key}": row("<one outcome for each of: {" ".join(TOKEN_ROLES)}>", lambda w: [...]),  # {route}'
