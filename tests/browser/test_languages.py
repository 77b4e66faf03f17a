"""Journeys in Khmer and in Chinese: the language switcher, then pages in that language.

The expected texts come from the catalogues themselves (``gettext`` in that language), and each
must differ from the English: a page that fell back to English fails.
"""

from django.utils import translation
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD
from portal.models import User
from tests.browser.conftest import sign_in


def translated(language: str, message: str, **values) -> str:
    with translation.override(language):
        text = translation.gettext(message)
    assert text != message, f"{message!r} is not translated into {language}"
    return text % values if values else text


def switch_language(page, language: str) -> None:
    """Pick a language in the header's switcher, which submits itself."""
    page.get_by_role("banner").get_by_role("combobox").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_visitor_browses_in_khmer(page, audit):
    page.goto("/")
    audit(page, moderate=True)
    switch_language(page, "km")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        translated("km", "Partners across borders, agreements that last")
    )
    audit(page, moderate=True)

    page.get_by_role("navigation", name=translated("km", "Main")).get_by_role(
        "link", name=translated("km", "Directory")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("km", "Directory of institutions"))
    audit(page, moderate=True)

    # The institute's own name in Khmer script finds it.
    page.get_by_role("searchbox", name=translated("km", "Search the directory")).fill("កំពង់ស្ពឺ")
    page.get_by_role("button", name=translated("km", "Search"), exact=True).click()
    results = page.get_by_role("region", name=translated("km", "Results"))
    link = results.get_by_role("link", name="Kampong Speu Institute of Technology")
    expect(link).to_be_visible()
    audit(page, moderate=True)

    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kampong Speu Institute of Technology")
    expect(page.get_by_role("heading", name=translated("km", "Offers"), exact=True)).to_be_visible()
    audit(page)

    audit.assert_clean()


def test_institution_admin_works_in_chinese(page, audit):
    admin = User.objects.get(email="admin@example.org")
    sign_in(page, "admin@example.org", DEMO_PASSWORD)
    audit(page)
    switch_language(page, "zh-hans")

    name = admin.get_short_name()
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("zh-hans", "Welcome, %(name)s", name=name))
    audit(page)
    admin.refresh_from_db()
    assert admin.preferred_language == "zh-hans"

    institution = admin.memberships.get().institution
    page.get_by_role("region", name=translated("zh-hans", "Your institutions")).get_by_role(
        "link", name=institution.name
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(institution.name)
    audit(page)

    page.get_by_role("link", name=translated("zh-hans", "Edit profile")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("zh-hans", "Edit profile"))
    expect(page.get_by_role("button", name=translated("zh-hans", "Save the profile"))).to_be_visible()
    audit(page)

    page.get_by_role("navigation", name=translated("zh-hans", "Main")).get_by_role(
        "link", name=translated("zh-hans", "My events")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("zh-hans", "My events"))
    audit(page)

    audit.assert_clean()
