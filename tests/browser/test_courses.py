"""On a phone: an institution's admin shares a course with a Chinese title; another institution's admin finds it
and asks to use it; the first accepts."""

from playwright.sync_api import expect

from institutions.models import CourseUseRequest, Institution, Membership, SharedCourse
from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import TIMEOUT_MS, read_in_english, sign_in
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

TITLE = "数控机床编程"


def test_admin_shares_a_course_and_another_admin_requests_it(mobile_page, audit):
    page = mobile_page
    # The admin of Shenzhen Polytechnic University adds a course on a phone.
    sign_in(mobile_page, "admin@example.org", DEMO_PASSWORD)
    read_in_english(mobile_page)
    mobile_page.goto("/institutions/shenzhen-polytechnic-university/")
    mobile_page.get_by_role("link", name="Shared courses").first.click()
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Shared courses")
    audit(mobile_page)
    mobile_page.get_by_role("link", name="Add a course").click()
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Add a course")
    audit(mobile_page)
    mobile_page.get_by_label("Title").first.fill(TITLE)
    mobile_page.get_by_label("Language of the text").select_option("zh-hans")
    mobile_page.get_by_label("Level").select_option("certificate")
    mobile_page.get_by_label("Format").select_option("blended")
    mobile_page.get_by_label("Language of instruction").select_option("zh")
    mobile_page.get_by_label("Sector").select_option(label="Intelligent manufacturing")
    mobile_page.get_by_label("Hours of study").fill("40")
    mobile_page.get_by_role("button", name="Save the course").click()
    expect(mobile_page.get_by_role("status")).to_contain_text(f"The course “{TITLE}” was added.")
    expect(mobile_page.get_by_role("main")).to_contain_text(TITLE)
    audit(mobile_page)
    course = SharedCourse.objects.get(title=TITLE)
    assert (course.institution.slug, course.original_language, course.is_published) == (
        "shenzhen-polytechnic-university",
        "zh-hans",
        True,
    )

    # The admin of another institution finds it in the catalogue and asks to use it.
    page.context.clear_cookies()
    cendana = Institution.objects.get(slug="cendana-polytechnic")
    other_admin = MembershipFactory(
        user=UserFactory(email="course.requester@example.org", display_name="Dewi Lestari", verified_email=True),
        institution=cendana,
        role=Membership.Role.ADMIN,
    ).user
    sign_in(page, other_admin.email, TEST_PASSWORD)
    page.goto("/institutions/courses/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared courses")
    audit(page)
    page.get_by_label("Search").fill("数控")
    expect(page.get_by_role("status")).to_contain_text("1 course found.", timeout=TIMEOUT_MS)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    audit(page)
    page.get_by_label("Message").fill("For the teachers of our mechatronics department.")
    page.get_by_role("button", name="Request to use this course").click()
    expect(page.get_by_role("status")).to_contain_text("Your request was sent to Shenzhen Polytechnic University.")
    audit(page)
    request = CourseUseRequest.objects.get(course=course)
    assert (request.institution, request.requested_by, request.status) == (cendana, other_admin, "pending")

    page.goto("/institutions/courses/requests/")
    expect(page.get_by_role("heading", name="Your institution's requests")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(TITLE)
    audit(page)

    # The course's admin accepts it with a reply.
    page.context.clear_cookies()
    sign_in(mobile_page, "admin@example.org", DEMO_PASSWORD)
    read_in_english(mobile_page)
    mobile_page.goto("/institutions/courses/requests/")
    item = mobile_page.get_by_role("listitem").filter(has_text=TITLE).filter(has_text="Cendana")
    item.get_by_label("Accept").check()
    item.get_by_label("Reply").fill("Welcome: the first cohort starts in March.")
    audit(mobile_page)
    item.get_by_role("button", name="Send the answer").click()
    expect(mobile_page.get_by_role("status")).to_contain_text(
        "Your answer was sent to Cendana Polytechnic of Technology."
    )
    request.refresh_from_db()
    assert (request.status, request.reply) == ("accepted", "Welcome: the first cohort starts in March.")
    audit.assert_clean()
