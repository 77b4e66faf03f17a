"""Headers and cookies as production sends them: CSP, Permissions-Policy, HSTS, caching, cookie flags.

The production values are read from ``portal.settings`` in a child process with DEBUG off
and no test overrides, then applied here, so the assertions hold for what a deployment runs.
"""

import json
import re
from pathlib import Path

import pytest
from csp.utils import build_policy
from django.test import Client
from django.urls import reverse

from events.survey import create_default_survey
from tests.factories import (
    TEST_PASSWORD,
    EventFactory,
    FollowUpFactory,
    InvitationFactory,
    MouPartyFactory,
    RegistrationFactory,
    SurveyTableFactory,
)
from tests.portal.production import run_production

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "MIDDLEWARE",
]
DUMP = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in %r}))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    result = run_production("-c", DUMP % PRODUCTION_SETTINGS, check=True)
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture
def prod(settings, production):
    """The test process configured as production is; requests go over HTTPS like behind the proxy."""
    for name, value in production.items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["portal.example.org", "testserver"]
    return Client(headers={"X-Forwarded-Proto": "https"})


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_production_settings_are_secure(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    for middleware in (
        "core.middleware.ControlCharacterMiddleware",
        "core.middleware.CSPMiddleware",
        "core.middleware.PolicyHeadersMiddleware",
        "core.middleware.PublicMediaMiddleware",
        "core.middleware.PrivateCacheMiddleware",
    ):
        assert middleware in production["MIDDLEWARE"]


def test_the_policy_is_django_csp_s_and_follows_a_change_of_the_settings(prod, settings):
    """core.middleware.CSPMiddleware builds the policy once: as django-csp does, and again after a change."""
    before = prod.get(reverse("home"))
    expected = build_policy()
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://example.org"]}
    }
    after = prod.get(reverse("home"))

    assert _directives(before["Content-Security-Policy"]) == _directives(expected)
    assert _directives(after["Content-Security-Policy"]) == {
        "default-src": ["'self'"],
        "img-src": ["'self'", "https://example.org"],
    }


def test_content_security_policy_is_strict(prod):
    response = prod.get(reverse("home"))

    assert response.status_code == 200
    assert _directives(response["Content-Security-Policy"]) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    assert "unsafe" not in response["Content-Security-Policy"]


def test_permissions_policy_allows_only_the_camera_on_the_portal_itself(prod):
    response = prod.get(reverse("home"))

    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert features["camera"] == "(self)"
    assert {name: value for name, value in features.items() if name != "camera"} == {
        name: "()" for name in features if name != "camera"
    }
    assert {"microphone", "geolocation", "payment", "usb"} <= set(features)


def test_pdfs_get_a_policy_the_browser_viewer_can_work_under(prod, roles):
    """Chrome shows a PDF through an <embed>: object-src 'none' would leave the tab blank."""
    mou = MouPartyFactory(institution=roles.institution_a).mou
    prod.force_login(roles["secretariat"])

    response = prod.get(reverse("mous:summary_pdf", args=[mou.pk]))

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_hsts_nosniff_referrer_and_framing(prod):
    response = prod.get(reverse("home"))

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_plain_http_is_redirected_to_https(settings, production):
    for name, value in production.items():
        setattr(settings, name, value)

    response = Client().get(reverse("home"))

    assert (response.status_code, response["Location"]) == (301, "https://testserver/")


def test_signed_in_pages_are_private_and_not_stored(prod, roles):
    prod.force_login(roles["participant"])

    dashboard = prod.get(reverse("dashboard"))
    home = prod.get(reverse("home"))

    for response in (dashboard, home):
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives


def test_anonymous_public_pages_stay_cacheable(prod):
    response = prod.get(reverse("events:list"))

    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "kind", ["survey", "survey_table", "follow_up", "request_answer", "invitation", "unsubscribe", "confirm_email"]
)
def test_pages_opened_by_a_personal_token_are_not_stored(prod, kind):
    if kind in ("survey", "survey_table"):
        registration = RegistrationFactory()
        survey = create_default_survey(event=registration.event)
        survey.is_open = True
        survey.save()
        url = (
            reverse("events:survey_answer", args=[registration.survey_token])
            if kind == "survey"
            else reverse("events:survey_table", args=[SurveyTableFactory(survey=survey).token])
        )
    elif kind == "follow_up":
        url = reverse("matchmaking:follow_up_answer", args=[FollowUpFactory().token, "in_discussion"])
    elif kind == "request_answer":
        url = reverse("matchmaking:request_answer", args=["not-a-real-token"])
    elif kind == "invitation":
        url = reverse("institutions:invitation_accept", args=[InvitationFactory().token])
    elif kind == "unsubscribe":
        url = reverse("email_unsubscribe", args=["not-a-real-token"])
    else:
        url = reverse("account_confirm_email", args=["not-a-real-key"])

    response = prod.get(url)

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_language_cookie_is_secure_and_http_only(prod):
    response = prod.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    cookie = response.cookies["django_language"]
    assert (cookie.value, bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]) == (
        "zh-hans",
        True,
        True,
        "Lax",
    )


def test_language_cookie_from_preferences_is_secure(prod, roles):
    user = roles["participant"]
    prod.force_login(user)

    response = prod.post(
        reverse("preferences"),
        {"display_name": "Dara", "preferred_language": "zh-hans", "time_zone": "Asia/Phnom_Penh"},
    )

    cookie = response.cookies["django_language"]
    assert (response.status_code, bool(cookie["secure"]), bool(cookie["httponly"])) == (302, True, True)


def test_survey_browser_cookie_is_secure_and_http_only(prod):
    event = EventFactory()
    survey = create_default_survey(event=event)
    survey.is_open = True
    survey.save()
    table = SurveyTableFactory(survey=survey)

    response = prod.get(reverse("events:survey_table", args=[table.token]))

    cookie = response.cookies["tvet_survey_browser"]
    assert (response.status_code, bool(cookie["secure"]), bool(cookie["httponly"])) == (200, True, True)


def test_session_and_csrf_cookies_are_secure(prod, roles):
    login = prod.get(reverse("account_login"))
    response = prod.post(reverse("account_login"), {"login": roles["participant"].email, "password": TEST_PASSWORD})

    assert (login.status_code, bool(login.cookies["csrftoken"]["secure"])) == (200, True)
    session = response.cookies["sessionid"]
    assert (response.status_code, bool(session["secure"]), bool(session["httponly"])) == (302, True, True)


INLINE_CODE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "on*= handler"),
    (re.compile(r"\shx-on", re.IGNORECASE), "hx-on attribute (needs eval)"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_templates_hold_no_inline_script_or_style():
    """The CSP forbids inline code and styles: keep them out of every template of the portal."""
    templates = sorted(PROJECT_DIR.glob("templates/**/*.html")) + sorted(PROJECT_DIR.glob("*/templates/**/*.html"))
    found = [
        f"{path.relative_to(PROJECT_DIR)}: {label}"
        for path in templates
        if ".venv" not in path.parts
        for pattern, label in INLINE_CODE
        if pattern.search(path.read_text())
    ]

    assert len(templates) > 100
    assert found == []


def test_server_drawn_svg_carries_no_style_attribute_or_script():
    """Charts and QR codes are drawn inline; under style-src 'self' a style= attribute would be dropped."""
    from core.qr import qr_svg
    from events.charts import bar_chart, ring_chart

    drawings = [
        bar_chart([("Cambodia", 12), ("China", 30)], title="Participants"),
        ring_chart(3, 7, title="Checked in"),
        qr_svg("https://portal.example.org/events/x/check-in/scan/abcdefghijklmnopqrstuvwxyz012345/"),
    ]

    found = [label for drawing in drawings for pattern, label in INLINE_CODE if pattern.search(str(drawing))]
    assert (found, all("<svg" in str(drawing) for drawing in drawings)) == ([], True)
