"""A participant registers for an event, asks someone for a meeting and downloads their agenda."""

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from events import services as event_services
from events.models import Event, Registration
from matchmaking.models import MeetingRequest
from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in

EVENT = "3rd China-SEA Partnership Workshop (demonstration event)"


def test_participant_registers_requests_a_meeting_and_downloads_the_agenda(page, audit):
    event = Event.objects.get(title=EVENT)
    assert event.start_date > timezone.localdate(), "the demo event must lie ahead"
    # The demo registers this participant already: start from a cancelled registration, as
    # someone who changed their mind and comes back.
    registration = Registration.objects.get(event=event, user__email="participant@example.org")
    event_services.cancel_registration(registration=registration)

    sign_in(page, "participant@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Chan Sophea")
    audit(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events", exact=True).click()
    audit(page)
    page.get_by_role("main").get_by_role("link", name=EVENT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    audit(page)

    page.get_by_role("complementary").get_by_role("link", name="Register").click()
    audit(page)
    page.get_by_label("Job title").fill("Lecturer in electrical engineering")
    page.get_by_role("main").get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_contain_text(f"You are registered for {EVENT}")
    audit(page)

    # The organisers approve the registration (their own journey); meeting requests need it.
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    event_services.approve_registration(registration=registration)

    page.goto(f"/events/{event.slug}/")
    page.get_by_role("link", name="Participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants")
    audit(page)
    person = page.get_by_role("listitem").filter(has_text="Somchai Wongsakul")
    person.get_by_role("link", name="Request a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a meeting")
    expect(page.get_by_text("With Somchai Wongsakul (Andaman College of Tourism and Technology).")).to_be_visible()
    audit(page)
    page.get_by_label("Message").fill("Internships in hotel maintenance for our electrical students?")
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My meetings")
    expect(page.get_by_role("status")).to_contain_text("Your meeting request was sent.")
    sent = page.get_by_role("heading", name="Requests sent").locator("xpath=following-sibling::ul[1]")
    expect(sent).to_contain_text("Somchai Wongsakul")
    expect(sent).to_contain_text("Internships in hotel maintenance")
    audit(page)
    assert MeetingRequest.objects.filter(
        requester=registration, recipient__user__display_name="Somchai Wongsakul", status=MeetingRequest.Status.PENDING
    ).exists()

    page.get_by_role("link", name="My agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My agenda")
    audit(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download calendar file (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(download.path().read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == f"{EVENT} · my agenda"
    summaries = {str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")}
    assert {"Opening ceremony", "Partner matchmaking", "Closing ceremony"} <= summaries

    audit.assert_clean()
