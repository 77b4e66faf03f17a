"""The secretariat schedules the meetings of a matchmaking session, publishes them, and records
the MoUs signed at a ceremony."""

import io
import re

import openpyxl
from playwright.sync_api import expect

from events.models import Event, Registration, Session
from matchmaking.models import Meeting
from mous.models import Mou
from portal.demo import DEMO_PASSWORD
from portal.models import User
from tests.browser.conftest import DESKTOP, MOBILE, sign_in
from tests.factories import give_second_factor, totp_code

EVENT = "3rd China-SEA Partnership Workshop (demonstration event)"
PAST_EVENT = "2nd China-SEA Partnership Workshop"
CEREMONY = [
    ("MoU on new-energy vehicle training", ["BYD", "Kampong Speu"]),
    ("MoU on hospitality internships", ["Bohol", "Guangxi Technological"]),
    ("MoU on shared e-commerce courses", ["Guizhou Open", "Cendana"]),
]


def test_secretariat_publishes_the_schedule_and_records_a_signing_ceremony(page, audit):
    secretariat = give_second_factor(User.objects.get(email="secretariat@example.org"))
    event = Event.objects.get(title=EVENT)
    session = event.sessions.get(kind=Session.Kind.MATCHMAKING)

    # Staff sign in with their authenticator app as the second step.
    sign_in(page, "secretariat@example.org", DEMO_PASSWORD)
    audit(page)
    page.get_by_label("Code").fill(totp_code(secretariat))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {secretariat.display_name}")
    audit(page)

    page.goto(f"/events/{event.slug}/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    audit(page)

    # The registrations list: Cancel asks first (and nothing happens on "no"); an action
    # replaces its own row through htmx, without leaving the page.
    registration = (
        event.registrations.exclude(status=Registration.Status.CANCELLED)
        .order_by("institution__name", "user__display_name", "pk")
        .first()
    )
    page.goto(f"/events/{event.slug}/manage/registrations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrations")
    audit(page)
    row = page.locator(f"#registration-{registration.pk}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Cancel", exact=True).click()
    with page.expect_response(re.compile(rf"/registrations/{registration.pk}/role/$")):
        row.get_by_role("button", name="Change role").click()
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/manage/registrations/$"))
    expect(page.locator(f"#registration-{registration.pk}")).to_have_count(1)
    assert Registration.objects.get(pk=registration.pk).status == registration.status

    page.goto(f"/events/{event.slug}/manage/")
    page.get_by_role("link", name=f"Matchmaking: {session.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(session.title)
    audit(page)

    page.get_by_role("button", name="Run the scheduler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Provisional agenda")
    expect(page.get_by_role("status")).to_contain_text("Proposal ready:")
    audit(page)
    page.get_by_role("link", name="Publish this agenda…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the agenda")
    audit(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("The schedule is published")
    audit(page)
    published = Meeting.objects.filter(session=session, status=Meeting.Status.PUBLISHED, slot__isnull=False)
    assert published.count() >= 2
    assert not Meeting.objects.filter(session=session, status=Meeting.Status.PROVISIONAL).exists()

    page.get_by_role("navigation", name="Matchmaking session").get_by_role("link", name="Room view").click()
    audit(page)
    # The room view is what organisers keep open on a phone while the meetings run.
    page.set_viewport_size(MOBILE)
    page.reload()
    audit(page, max_width=MOBILE["width"])
    page.set_viewport_size(DESKTOP)

    # Three MoUs signed at one ceremony, recorded together.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="MoU registry").click()
    audit(page)
    page.get_by_role("link", name="Log a signing ceremony").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a signing ceremony")
    audit(page)
    page.get_by_label("Signed on").fill("2025-05-13")
    page.get_by_label("Place of signing").fill("Phnom Penh")
    past_event = Event.objects.get(title=PAST_EVENT)
    ceremony = past_event.sessions.get(kind=Session.Kind.MOU_CEREMONY)
    # Picking the event narrows the sessions offered to its own.
    with page.expect_response(re.compile(r"/mous/ceremony/sessions/")):
        page.get_by_label("Event", exact=True).select_option(str(past_event.pk))
    # htmx swaps the narrowed list in after the response: pick from the new list, not the old.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    page.get_by_label("Signing ceremony").select_option(str(ceremony.pk))
    expect(page.get_by_label("Signing ceremony")).to_have_value(str(ceremony.pk))
    page.get_by_label("List these MoUs in the public registry").check()

    rows = page.locator("#ceremony-rows > .ceremony-row")
    for number, (title, parties) in enumerate(CEREMONY):
        if number:
            page.get_by_role("button", name="+ Add an MoU").click()
            expect(rows).to_have_count(number + 1)
        row = rows.nth(number)
        row.get_by_label("Title").fill(title)
        for party in parties:
            row.get_by_role("searchbox", name="Find an institution by name or acronym").fill(party)
            row.get_by_role("button", name=re.compile(rf"^\+ .*{party}")).first.click()
        expect(row.get_by_role("checkbox", checked=True)).to_have_count(len(parties))
    audit(page)
    expect(page.get_by_label("Signing ceremony")).to_have_value(str(ceremony.pk))
    page.get_by_role("button", name="Save all MoUs").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("MoUs recorded")
    for title, _parties in CEREMONY:
        expect(page.get_by_role("link", name=title)).to_be_visible()
    audit(page)
    recorded = Mou.objects.filter(title__in=[title for title, _parties in CEREMONY])
    assert recorded.count() == 3
    assert {mou.ceremony_session_id for mou in recorded} == {ceremony.pk}
    assert all(mou.parties.count() == 2 for mou in recorded)

    page.get_by_role("link", name=CEREMONY[0][0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CEREMONY[0][0])
    audit(page)

    # The cooperation report for the ministry's annual report: the ceremony's MoUs are in it,
    # and its workbook downloads with one sheet per table.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="MoU registry").click()
    page.get_by_role("link", name="Cooperation report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cooperation report")
    page.get_by_label("From year").fill("2025")
    page.get_by_label("To year").fill("2025")
    page.get_by_role("button", name="Show the report").click()
    expect(page).to_have_url(re.compile(r"year_from=2025"))
    expect(page.get_by_role("heading", name="MoUs with and without recorded cooperation")).to_be_visible()
    expect(page.get_by_role("region", name="MoUs with and without recorded cooperation")).to_contain_text("Cambodia")
    audit(page)
    page.set_viewport_size(MOBILE)
    page.reload()
    audit(page, max_width=MOBILE["width"])
    page.set_viewport_size(DESKTOP)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download for the annual report")).click()
    download = download_info.value
    assert download.suggested_filename == "cooperation-report-2025.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    assert [name.split(" · ")[0] for name in book.sheetnames] == ["Exchanges", "Courses", "Projects", "MoUs"]

    audit.assert_clean()
