"""An institution admin, on a phone, records an exchange under one of the 2nd workshop's MoUs
from the MoU page, sees it in the year's table, edits it on its own page and deletes it again,
then opens a project of the MoU."""

from playwright.sync_api import expect

from mous.models import Exchange, Mou
from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import read_in_english, sign_in

MOU_TITLE = "MoU on teacher training in intelligent manufacturing"


def test_institution_admin_records_an_exchange_on_the_mou_page(mobile_page, audit):
    page = mobile_page
    mou = Mou.objects.get(title=MOU_TITLE, event__slug="2nd-china-sea-partnership-workshop-2025")
    sign_in(page, "admin@example.org", DEMO_PASSWORD)
    read_in_english(page)
    page.goto(mou.get_absolute_url())
    section = page.locator("#exchanges")
    expect(section.get_by_role("heading", name="Exchanges")).to_be_visible()
    audit(page)

    section.get_by_text("Record an exchange").click()
    form = page.locator("#exchange-form-new")
    form.get_by_label("Year").select_option("2027")
    form.get_by_label("Who").select_option(label="students")
    form.get_by_label("From").select_option(label="Kampong Speu Institute of Technology")
    # The same party twice is refused with a message beside the field, and nothing is saved.
    form.get_by_label("To:", exact=True).select_option(label="Kampong Speu Institute of Technology")
    form.get_by_label("Actual").fill("6")
    form.get_by_role("button", name="Record the exchange").click()
    expect(page.locator("#exchange-form-new")).to_contain_text("choose two different parties")
    assert not Exchange.objects.filter(mou=mou, year=2027).exists()
    audit(page)

    form = page.locator("#exchange-form-new")
    form.get_by_label("To:", exact=True).select_option(label="Shenzhen Polytechnic University")
    form.get_by_label("Planned (quota)").fill("8")
    form.get_by_label("Duration:", exact=True).fill("5")
    form.get_by_label("Duration unit").select_option(label="months")
    form.get_by_role("button", name="Record the exchange").click()
    table = page.get_by_role("table", name="2027: 6 people of 8 planned")
    expect(table).to_be_visible()
    expect(table).to_contain_text("5 months")
    exchange = Exchange.objects.get(mou=mou, year=2027)
    assert (exchange.planned, exchange.actual, exchange.recorded_by.email) == (8, 6, "admin@example.org")
    audit(page)

    table.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the exchange")
    audit(page)
    page.get_by_role("button", name="Delete this exchange").click()
    expect(page.get_by_text("The exchange was deleted.")).to_be_visible()
    assert not Exchange.objects.filter(mou=mou, year=2027).exists()

    page.locator("#projects").get_by_role("link", name="Industrial robotics training base").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Industrial robotics training base")
    audit(page)
    audit.assert_clean()
