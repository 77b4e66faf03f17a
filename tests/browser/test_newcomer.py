"""A newcomer signs up, confirms their address from the email, adds their institution and says
what it offers and needs."""

import re

from django.core import mail
from playwright.sync_api import expect

from institutions.models import Institution
from tests.browser.conftest import DESKTOP, MOBILE

PASSWORD = "mekong-river-2026"


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_newcomer_signs_up_and_adds_an_institution_with_offers_and_needs(page, audit):
    mail.outbox.clear()
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    audit(page)

    page.get_by_label("Email:").fill("sok.dara@example.net")
    page.get_by_label("Your name:").fill("Sok Dara")
    page.get_by_label("Time zone:").select_option("Asia/Phnom_Penh")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    audit(page)

    # The email goes out through the outbox (core.outbox) to the test mailbox.
    assert [message.to for message in mail.outbox] == [["sok.dara@example.net"]]
    page.goto(confirmation_path(mail.outbox[0]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    audit(page)
    page.get_by_role("button", name="Confirm").click()

    # Confirming signs in and leads a person without an institution to find or add theirs.
    expect(page.get_by_role("heading", level=1)).to_have_text("Find your institution")
    expect(page.get_by_role("status")).to_contain_text("You have confirmed sok.dara@example.net")
    audit(page)
    page.get_by_role("link", name="Add a new institution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a new institution")
    audit(page)

    page.get_by_label("Name (English):").fill("Takeo Polytechnic Institute")
    page.get_by_label("Name in local script:").fill("វិទ្យាស្ថានពហុបច្ចេកទេសតាកែវ")
    page.get_by_label("Kind:").select_option("polytechnic")
    page.get_by_label("Country:").select_option("KH")
    page.get_by_label("City:").fill("Takeo")
    page.get_by_role("button", name="Add the institution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Takeo Polytechnic Institute")
    expect(page.get_by_role("status")).to_contain_text("with you as its admin")
    audit(page)

    page.get_by_role("link", name="Edit profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit profile")
    audit(page)
    page.get_by_label("Description:").fill(
        "A public polytechnic south of Phnom Penh training electricians and mechanics for the "
        "special economic zones. We look for partners for teacher training and internships."
    )
    offers = page.get_by_role("group", name="Offers")
    offers.get_by_label("Cooperation type:").select_option(label="Internship and employment placement")
    offers.get_by_label("Sector:").select_option(label="Mechanical and electrical")
    offers.get_by_label("Capacity:").fill("15 internship places a year")
    needs = page.get_by_role("group", name="Needs")
    needs.get_by_label("Cooperation type:").select_option(label="Teacher training")
    needs.get_by_label("Sector:").select_option(label="Intelligent manufacturing")
    needs.get_by_label("Note:").fill("Trainers for PLC programming")
    # The description and the note in other languages, each folded until opened.
    page.locator("summary", has_text="ខ្មែរ").click()
    page.get_by_label("Description (ខ្មែរ):").fill("វិទ្យាស្ថានពហុបច្ចេកទេសសាធារណៈ បណ្តុះបណ្តាលជាងអគ្គិសនី")
    needs.get_by_text("Translations of the note").click()
    needs.get_by_label("Note (简体中文):").fill("PLC 编程培训师")
    audit(page)
    # Unfolded, the translations still fit a phone's screen.
    page.set_viewport_size(MOBILE)
    audit(page, max_width=MOBILE["width"])
    page.set_viewport_size(DESKTOP)
    # A second need, in a row the form adds on the page.
    needs.get_by_role("button", name="+ Add a need").click()
    expect(needs.get_by_label("Cooperation type:")).to_have_count(2)
    needs.get_by_label("Cooperation type:").nth(1).select_option(label="Equipment and lab donation")
    needs.get_by_label("Sector:").nth(1).select_option(label="Intelligent manufacturing")
    page.get_by_role("button", name="Save the profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Takeo Polytechnic Institute")
    offers_list = page.get_by_role("heading", name="Offers", exact=True).locator("xpath=following-sibling::*[1]")
    needs_list = page.get_by_role("heading", name="Needs", exact=True).locator("xpath=following-sibling::*[1]")
    expect(offers_list).to_contain_text("Internship and employment placement")
    expect(offers_list).to_contain_text("15 internship places a year")
    expect(needs_list).to_contain_text("Teacher training")
    expect(needs_list).to_contain_text("Trainers for PLC programming")
    expect(needs_list).to_contain_text("Equipment and lab donation")
    audit(page)

    institution = Institution.objects.get(name="Takeo Polytechnic Institute")
    assert institution.memberships.get().user.email == "sok.dara@example.net"
    assert sorted(institution.needs.values_list("cooperation_type__name", flat=True)) == [
        "Equipment and lab donation",
        "Teacher training",
    ]
    assert institution.translation("description", "km").startswith("វិទ្យាស្ថានពហុបច្ចេកទេស")
    assert institution.needs.get(note="Trainers for PLC programming").translation("note", "zh-hans") == "PLC 编程培训师"
    audit.assert_clean()
