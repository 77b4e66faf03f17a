"""A visitor, on a phone, finds institutions in the directory and reads an MoU of the registry."""

import re

from playwright.sync_api import expect


def search_directory(page, query: str) -> None:
    page.get_by_role("searchbox", name="Search the directory").fill(query)
    page.get_by_role("button", name="Search", exact=True).click()


def test_visitor_searches_the_directory_and_opens_an_mou(mobile_page, audit):
    page = mobile_page

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners across borders, agreements that last")
    audit(page, moderate=True)

    # On a phone the main menu folds behind a button.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of institutions")
    audit(page, moderate=True)

    # A misspelt romanisation still finds the institute, and says which spelling it used.
    search_directory(page, "Kampong Spue")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("status")).to_contain_text("1 institution found")
    expect(results.get_by_role("status")).to_contain_text("speu")
    expect(results.get_by_role("link", name="Kampong Speu Institute of Technology")).to_be_visible()
    audit(page, moderate=True)

    # Chinese has no spaces between words: a part of the name in Hanzi finds it.
    search_directory(page, "深圳职业")
    expect(results.get_by_role("status")).to_contain_text("1 institution found")
    expect(results.get_by_role("link", name="Shenzhen Polytechnic University")).to_be_visible()
    expect(results.get_by_text("深圳职业技术大学")).to_be_visible()
    audit(page, moderate=True)

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="MoU registry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public MoU registry")
    audit(page)

    page.get_by_role("link", name="MoU on teacher training in intelligent manufacturing").click()
    expect(page).to_have_url(re.compile(r"/mous/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("MoU on teacher training in intelligent manufacturing")
    parties = page.get_by_role("heading", name="Parties").locator("xpath=following-sibling::ul[1]")
    expect(parties).to_contain_text("Shenzhen Polytechnic University")
    expect(parties).to_contain_text("Kampong Speu Institute of Technology")
    audit(page)

    audit.assert_clean()
