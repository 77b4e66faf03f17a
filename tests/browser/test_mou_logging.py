"""On a phone, the secretariat logs an MoU, finding each party by typing part of its name: the
party selects offer what was found, never the whole directory."""

from playwright.sync_api import expect

from mous.models import Mou
from portal.demo import DEMO_PASSWORD
from portal.models import User
from tests.browser.conftest import read_in_english, sign_in
from tests.factories import give_second_factor, totp_code

TITLE = "MoU on mechatronics teacher training (journey)"
PARTIES = [("wuhan city", "Wuhan City Polytechnic"), ("kampong speu", "Kampong Speu Institute of Technology")]


def test_secretariat_logs_an_mou_finding_its_parties_by_name(mobile_page, audit):
    page = mobile_page
    Mou.objects.filter(title=TITLE).delete()
    secretariat = give_second_factor(User.objects.get(email="secretariat@example.org"))
    sign_in(page, "secretariat@example.org", DEMO_PASSWORD)
    page.get_by_label("Code").fill(totp_code(secretariat))
    page.get_by_role("button", name="Sign In").click()
    read_in_english(page)

    page.goto("/mous/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an MoU")
    audit(page)
    page.get_by_label("Title:", exact=True).fill(TITLE)
    page.get_by_label("Status:", exact=True).select_option("signed")
    page.get_by_label("Signed on:", exact=True).fill("2026-11-20")
    for index, (typed, name) in enumerate(PARTIES):
        select = page.locator(f"#id_parties-{index}-institution")
        # Before a search the select offers nothing but its prompt.
        expect(select.locator("option")).to_have_count(1)
        page.locator(f"#parties-{index}-find").fill(typed)
        expect(select).to_contain_text(name)
        expect(select.locator("option:checked")).to_contain_text(name)
    audit(page)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("The MoU was recorded.")
    audit(page)
    mou = Mou.objects.get(title=TITLE)
    assert sorted(mou.parties.values_list("institution__name", flat=True)) == sorted(name for _typed, name in PARTIES)
