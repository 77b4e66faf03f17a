"""API tokens on a phone, and the API's documentation under the portal's Content-Security-Policy."""

import re

from playwright.sync_api import expect

from api.models import ApiToken
from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import read_in_english, sign_in


def test_an_admin_creates_copies_and_revokes_a_token_on_a_phone(mobile_page, audit):
    page = mobile_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, "admin@example.org", DEMO_PASSWORD)
    read_in_english(page)
    page.goto("/accounts/preferences/")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    audit(page)

    page.get_by_label("Name:", exact=True).fill("Browser test import")
    page.get_by_label("Read and write").check()
    page.get_by_label("Acts for:").select_option(index=1)
    page.get_by_role("button", name="Create token").click()

    field = page.get_by_label("New token")
    expect(field).to_have_value(re.compile(r"^tvp_[0-9a-f]{10}_"))
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == field.input_value()
    audit(page)
    token = ApiToken.objects.get(user__email="admin@example.org", name="Browser test import")
    assert token.can_write
    assert token.institution is not None

    page.goto("/accounts/preferences/")
    expect(page.get_by_label("New token")).to_have_count(0)
    item = page.get_by_role("listitem").filter(has_text="Browser test import")
    item.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status").first).to_contain_text("was revoked")
    token.refresh_from_db()
    assert token.revoked_at is not None
    audit.assert_clean()


def test_the_api_documentation_runs_without_policy_violations(page):
    """Swagger UI and ReDoc run whole from the portal's own files. ReDoc's sidebar shows its
    maker's logo from their CDN, which the policy blocks (nothing is loaded from elsewhere):
    that one refusal is expected, any other is not."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    page.goto("/api/v1/docs/")
    expect(page.get_by_text("/api/v1/institutions/", exact=True).first).to_be_visible()
    page.goto("/api/v1/redoc/")
    expect(page.get_by_role("heading", name="TVET Partnership Portal API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/institutions/").first).to_be_attached()

    assert [text for text in violations if "https://cdn.redoc.ly/redoc/logo-mini.svg" not in text] == []
