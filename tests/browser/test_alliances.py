"""On a phone: an institution's admin asks to join an alliance from its page, the secretariat
approves on the alliance's members page, and the directory finds the institution by alliance."""

from playwright.sync_api import expect

from institutions.models import AllianceMembership
from portal.demo import DEMO_PASSWORD
from portal.models import User
from tests.browser.conftest import read_in_english, sign_in
from tests.factories import give_second_factor, totp_code

ALLIANCE = "China–ASEAN Belt and Road Mechanical and Electrical Industry–Education Alliance"
SLUG = "china-asean-mechanical-electrical-alliance"
MEMBER = "Shenzhen Polytechnic University"
ADDED = "Wuhan City Polytechnic"


def test_an_admin_asks_to_join_an_alliance_and_the_secretariat_approves(mobile_page, audit):
    page = mobile_page
    AllianceMembership.objects.filter(alliance__slug=SLUG, member__name=MEMBER).delete()

    sign_in(page, "admin@example.org", DEMO_PASSWORD)
    read_in_english(page)
    page.goto(f"/alliances/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ALLIANCE)
    expect(page.get_by_role("heading", name="Events it organises")).to_be_visible()
    audit(page)
    page.get_by_label("Message to the alliance").fill("We train mechatronics teachers for ASEAN partners.")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_role("status")).to_contain_text("was sent to the alliance's admins")
    expect(page.get_by_text("is waiting for the alliance's decision")).to_be_visible()
    audit(page)
    request = AllianceMembership.objects.get(alliance__slug=SLUG, member__name=MEMBER)
    assert request.status == AllianceMembership.Status.REQUESTED

    # The alliance has no admin of its own in the demo: the secretariat decides.
    page.context.clear_cookies()
    secretariat = give_second_factor(User.objects.get(email="secretariat@example.org"))
    sign_in(page, "secretariat@example.org", DEMO_PASSWORD)
    page.get_by_label("Code").fill(totp_code(secretariat))
    page.get_by_role("button", name="Sign In").click()
    read_in_english(page)
    page.goto(f"/institutions/{SLUG}/alliance-members/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alliance members")
    audit(page)
    row = page.locator(f"#alliance-request-{request.pk}")
    row.get_by_label("Role").select_option("member")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text(f"{MEMBER} is now a member.")
    audit(page)
    request.refresh_from_db()
    assert request.status == AllianceMembership.Status.ACTIVE

    # Another member added directly: found by typing part of its name, never a list of them all.
    AllianceMembership.objects.filter(alliance__slug=SLUG, member__name=ADDED).delete()
    add = page.locator("section[aria-labelledby=alliance-add-heading]")
    expect(add.locator("select[name=member]").locator("option")).to_have_count(1)
    add.get_by_label("Find an institution").fill("wuhan city")
    expect(add.locator("select[name=member]")).to_contain_text(ADDED)
    add.get_by_label("Role").select_option("observer")
    add.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text(f"{ADDED} is now a member.")
    audit(page)
    added = AllianceMembership.objects.get(alliance__slug=SLUG, member__name=ADDED)
    assert (added.status, added.role) == (AllianceMembership.Status.ACTIVE, "observer")

    page.goto(f"/institutions/?alliance={SLUG}")
    expect(page.get_by_role("main").get_by_role("link", name=MEMBER)).to_be_visible()
    audit(page)
