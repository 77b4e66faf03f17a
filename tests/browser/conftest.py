"""Real-browser tests: Chromium, driven by Playwright, against a live server with the demo data.

The journeys need what a real browser does (JavaScript, htmx, downloads, the language switch)
and axe-core checks each page they visit. They share one site: the first browser test starts
a live server (pytest-django's), loads the demo (``portal.demo``) and commits it, and starts
Playwright with one Chromium; after the last browser test all of that stops and the database
is emptied, as pytest-django does after a transactional test. Loading and emptying once instead
of per test keeps the browser tests within their time budget; so each journey is written to
leave the others' starting points alone (its own accounts, events or sessions, or a state
it sets up first). Each test still gets a fresh browser context: no cookie or storage
carries over.

Chromium is the system's (Debian's ``chromium`` package at ``/usr/bin/chromium``, or
``PORTAL_CHROMIUM``): Playwright never downloads a browser here. Without it these tests skip,
unless ``PORTAL_BROWSER_TESTS=required`` (set by ``.ci/run``) makes them fail instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("PORTAL_BROWSER_TESTS", "") == "required"
MISSING = (
    f"Chromium is not installed at {CHROMIUM}: install Debian's package (sudo apt-get install chromium) "
    "or point PORTAL_CHROMIUM at a Chromium binary"
)
BROWSER_DIR = Path(__file__).resolve().parent

MOBILE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Long enough for a page of the demo on a busy two-core machine; a stuck page fails in
# seconds instead of Playwright's default half minute.
TIMEOUT_MS = 15_000


def _is_browser_test(item) -> bool:
    return item is not None and Path(str(item.path)).is_relative_to(BROWSER_DIR)


def pytest_itemcollected(item):
    if _is_browser_test(item):
        item.add_marker(pytest.mark.browser)
        # With pytest-xdist (`--dist loadgroup`), one worker runs them all on one site.
        item.add_marker(pytest.mark.xdist_group("browser"))


class Site:
    """The live server with the demo committed, and Playwright with one Chromium.

    Opened by the first browser test, closed after the last (or when the session ends early).

    While Playwright runs, its event loop counts as running in the main thread, and Django
    refuses database queries from a thread with a running loop. The tests query the database
    between browser steps from that one thread, one step at a time, never concurrently with
    the loop: DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly as long as Playwright runs, and put
    back as it was afterwards.
    """

    def __init__(self) -> None:
        self.blocker = None
        self.server = None
        self.playwright = None
        self.browser = None
        self.saved_allow_async_unsafe: str | None = None
        self.next_is_browser_test = False

    def open(self, django_db_blocker) -> None:
        if self.browser is not None:
            return
        # Whatever a failed start left running.
        self.close()
        if not CHROMIUM.exists():
            if REQUIRED:
                pytest.fail(f"{MISSING} (PORTAL_BROWSER_TESTS=required)", pytrace=False)
            pytest.skip(MISSING)
        from playwright.sync_api import sync_playwright
        from pytest_django.live_server_helper import LiveServer

        from portal.demo import demo_load

        if not _on_test_database():
            raise RuntimeError("The browser tests must run on the test database")
        self.blocker = django_db_blocker
        with django_db_blocker.unblock():
            demo_load()
        self.server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
        self.server._live_server_modified_settings.enable()
        self.saved_allow_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=str(CHROMIUM))

    def close(self) -> None:
        if self.blocker is None:
            return
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connection

        try:
            if self.browser is not None:
                self.browser.close()
            if self.playwright is not None:
                self.playwright.stop()
            if self.server is not None:
                self.server.stop()
                self.server._live_server_modified_settings.disable()
        finally:
            if self.saved_allow_async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.saved_allow_async_unsafe
            # What TransactionTestCase does after a test: empty every table, then let
            # post_migrate put back what migrations create (content types, groups). Never
            # anything but a test database.
            if not _on_test_database():
                raise RuntimeError(f"Refusing to empty {connection.settings_dict['NAME']!r}: not a test database")
            with self.blocker.unblock():
                call_command("flush", verbosity=0, interactive=False, allow_cascade=False, inhibit_post_migrate=False)
            cache.clear()
            self.blocker = self.server = self.playwright = self.browser = None


_site = Site()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    # Read by the ``site`` fixture's own teardown, which runs after this.
    _site.next_is_browser_test = _is_browser_test(nextitem)


def _on_test_database() -> bool:
    from django.db import connection

    return connection.settings_dict["NAME"].startswith("test_")


@pytest.fixture(scope="session")
def _site_database(django_db_setup, django_db_blocker, django_db_keepdb, django_db_createdb):
    """The test database for the browser tests, and the site's end at the latest with it.

    pytest-django sets up the test database only when a test of the session asks for it
    through its marker or its ``db`` fixtures. The browser tests use neither (they commit,
    and empty the database once, after the last), so run on their own they would find the
    development database: then the test database is set up here, the same way.
    """
    from django.test.utils import setup_databases, teardown_databases

    config = None
    if not _on_test_database():
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=0, interactive=False, aliases={"default"}, keepdb=django_db_keepdb and not django_db_createdb
            )
    yield
    # Before the test database goes away, should the last browser test not have closed it.
    _site.close()
    if config is not None and not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=0)


@pytest.fixture
def site(_site_database, django_db_blocker):
    """The shared site, with database access from the test for as long as it runs; closed after
    the last browser test, while the test database is still the one in use."""
    from django.db import connections

    _site.open(django_db_blocker)
    with django_db_blocker.unblock():
        yield _site
        # Django keeps connections per context (asgiref's Local), and Playwright's greenlets
        # give the test a context of its own: the connection it opened is closed here, or it
        # would outlive the test and keep the test database from being dropped.
        connections.close_all()
    if not _site.next_is_browser_test:
        _site.close()


@pytest.fixture
def audit():
    """axe-core's findings on every page a test checks, asserted together at the end."""
    return Audit()


def _new_page(site, viewport):
    context = site.browser.new_context(base_url=site.server.url, viewport=viewport, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(site, audit):
    """A page in a fresh desktop-sized browser context (cookies and storage of its own)."""
    context, page = _new_page(site, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def mobile_page(site, audit):
    """A page in a fresh phone-sized browser context, 360 × 740 CSS pixels; the audit also
    checks that no page is wider than that."""
    audit.max_width = MOBILE["width"]
    context, page = _new_page(site, MOBILE)
    yield page
    context.close()


def sign_in(page, email: str, password: str) -> None:
    """Sign in through allauth's form, from whatever page is open."""
    page.goto("/accounts/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


def read_in_english(page) -> None:
    """Show the pages in English to a person who reads them in another language (the demo's
    admin reads Chinese once the languages journey ran), through the switcher's cookie,
    without changing the stored preference other journeys start from."""
    origin = re.match(r"https?://[^/]+/", page.url).group(0)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": origin}])


# --- Accessibility --------------------------------------------------------------------------

# Impacts that fail on every page; "moderate" fails too on the pages named in ``strict``.
BLOCKING = ("critical", "serious")


@dataclass
class Audit:
    """Runs axe-core on pages and keeps what fails, so that one journey reports every page."""

    max_width: int | None = None
    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def __call__(self, page, *, moderate: bool = False, max_width: int | None = None) -> None:
        """Check the page as it is now: axe-core, and on a phone, that nothing is wider than it.

        ``moderate`` also fails on violations of moderate impact (the home page and the
        directory); ``max_width`` checks the width of this page on a desktop journey's page
        turned phone-sized.
        """
        from axe_playwright_python.sync_playwright import Axe

        page.wait_for_load_state()
        where = re.sub(r"^https?://[^/]+", "", page.url)
        self.pages.append(where)
        impacts = (*BLOCKING, "moderate") if moderate else BLOCKING
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in impacts:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
                self.problems.append(
                    f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} — {targets}"
                )
        max_width = max_width or self.max_width
        if max_width is not None:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > max_width:
                self.problems.append(f"{where}: {width} px wide, wider than the {max_width} px screen")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)
