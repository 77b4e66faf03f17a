"""Shared courses' pages: the catalogue's search and filters, a course's page, management, requests."""

import pytest
from django.urls import reverse

from core.models import OutboundEmail
from institutions.models import CourseUseRequest, Institution, SharedCourse
from tests.factories import CourseUseRequestFactory, InstitutionFactory, SectorFactory, SharedCourseFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("institutions:course_list")


def titles(response) -> list[str]:
    return [course.title for course in response.context["page_obj"]]


def test_catalogue_finds_a_course_by_its_chinese_title_and_shows_published_ones_only(client):
    robots = SharedCourseFactory(title="Industrial robots", translations={"title": {"zh-hans": "工业机器人维护"}})
    SharedCourseFactory(title="Welding")
    SharedCourseFactory(
        title="Robot maintenance (draft)", translations={"title": {"zh-hans": "机器人草稿"}}, is_published=False
    )

    response = client.get(CATALOGUE, {"q": "机器人"})

    assert response.status_code == 200
    assert titles(response) == [robots.title]


def test_catalogue_search_ignores_case_in_english(client):
    SharedCourseFactory(title="Industrial Robots")
    SharedCourseFactory(title="Welding")

    response = client.get(CATALOGUE, {"q": "ROBOT"})

    assert titles(response) == ["Industrial Robots"]


def test_catalogue_filters_by_sector_format_level_language_and_country(client):
    sector = SectorFactory(slug="new-energy")
    vietnam = InstitutionFactory(country="VN")
    wanted = SharedCourseFactory(
        title="Solar installation",
        sector=sector,
        format=SharedCourse.Format.BLENDED,
        level=SharedCourse.Level.CERTIFICATE,
        language="vi",
        institution=vietnam,
    )
    SharedCourseFactory(
        title="Other sector",
        format=SharedCourse.Format.BLENDED,
        level="certificate",
        language="vi",
        institution=vietnam,
    )
    SharedCourseFactory(title="Other format", sector=sector, level="certificate", language="vi", institution=vietnam)
    SharedCourseFactory(title="Other level", sector=sector, format="blended", language="vi", institution=vietnam)
    SharedCourseFactory(
        title="Other language", sector=sector, format="blended", level="certificate", institution=vietnam
    )
    SharedCourseFactory(title="Other country", sector=sector, format="blended", level="certificate", language="vi")

    response = client.get(
        CATALOGUE,
        {"sector": "new-energy", "format": "blended", "level": "certificate", "language": "vi", "country": "VN"},
    )

    assert titles(response) == [wanted.title]


def test_catalogue_ignores_an_invalid_filter_and_says_so(client):
    SharedCourseFactory(title="Welding")

    response = client.get(CATALOGUE, {"format": "by-pigeon"})

    assert response.status_code == 200
    assert titles(response) == ["Welding"]
    assert "was left out" in response.content.decode()


def test_catalogue_leaves_out_courses_of_rejected_institutions(client):
    rejected = InstitutionFactory(verification_status=Institution.Verification.REJECTED)
    SharedCourseFactory(title="Hidden", institution=rejected)
    SharedCourseFactory(title="Shown")

    assert titles(client.get(CATALOGUE)) == ["Shown"]


def test_catalogue_is_paginated(client):
    for number in range(23):
        SharedCourseFactory(title=f"Course {number:02d}")

    first = client.get(CATALOGUE)
    second = client.get(CATALOGUE, {"page": 2})

    assert len(titles(first)) == 20
    assert titles(second) == ["Course 20", "Course 21", "Course 22"]


def test_catalogue_htmx_answers_the_results_only(client):
    SharedCourseFactory(title="Welding")

    response = client.get(CATALOGUE, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "Welding" in content
    assert "<form" not in content


@pytest.mark.parametrize("item_count", [1, 3])
def test_catalogue_query_count_is_fixed(client, django_assert_num_queries, item_count):
    for _ in range(item_count):
        SharedCourseFactory()

    # The countries offered, the sectors offered, the count and the page (with institutions and sectors).
    with django_assert_num_queries(4):
        client.get(CATALOGUE, {"q": "course", "format": "on_site"})


def test_unpublished_course_of_another_institution_answers_404(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a, is_published=False)
    url = reverse("institutions:course_detail", args=[course.pk])

    client.force_login(roles["other_admin"])
    assert client.get(url).status_code == 404
    client.force_login(roles["participant"])
    assert client.get(url).status_code == 200


def test_course_page_offers_the_request_form_to_other_institutions_admins_only(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    url = reverse("institutions:course_detail", args=[course.pk])

    client.force_login(roles["other_admin"])
    assert client.get(url).context["can_request"] is True
    for role in ("institution_admin", "other_member", "participant"):
        client.force_login(roles[role])
        assert client.get(url).context["can_request"] is False, role


def test_request_to_use_a_course_from_its_page(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    client.force_login(roles["other_admin"])

    response = client.post(
        reverse("institutions:course_request", args=[course.pk]),
        {"institution": roles.institution_b.pk, "message": "For our teachers."},
    )

    assert response.status_code == 302
    request = CourseUseRequest.objects.get()
    assert (request.course, request.institution, request.message) == (course, roles.institution_b, "For our teachers.")
    assert OutboundEmail.objects.filter(kind="course_request", user=roles["institution_admin"]).exists()


def test_request_on_behalf_of_an_institution_one_does_not_administer_is_refused(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    elsewhere = InstitutionFactory()
    client.force_login(roles["other_admin"])

    response = client.post(
        reverse("institutions:course_request", args=[course.pk]), {"institution": elsewhere.pk, "message": ""}
    )

    assert response.status_code == 400
    assert CourseUseRequest.objects.count() == 0


def test_duplicate_request_is_refused_with_a_message_on_the_page(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    CourseUseRequestFactory(course=course, institution=roles.institution_b)
    client.force_login(roles["other_admin"])

    response = client.post(
        reverse("institutions:course_request", args=[course.pk]), {"institution": roles.institution_b.pk}
    )

    assert response.status_code == 400
    assert "already asked" in response.content.decode()
    assert CourseUseRequest.objects.count() == 1


def test_admin_adds_a_course_with_a_chinese_title(client, roles):
    sector = SectorFactory()
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:course_create", args=[roles.institution_a.slug]),
        {
            "title": "工业机器人维护",
            "original_language": "zh-hans",
            "translation_title_en": "Industrial robot maintenance",
            "language": "zh",
            "level": "certificate",
            "sector": sector.pk,
            "format": "online",
            "link": "https://example.org/robots",
            "hours": "48",
            "is_published": "on",
        },
    )

    assert response.status_code == 302
    course = SharedCourse.objects.get()
    assert (course.institution, course.title, course.original_language) == (
        roles.institution_a,
        "工业机器人维护",
        "zh-hans",
    )
    assert course.localized("title", "en") == "Industrial robot maintenance"


def test_course_form_refuses_a_javascript_link_and_saves_nothing(client, roles):
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:course_create", args=[roles.institution_a.slug]),
        {
            "title": "Welding",
            "language": "en",
            "level": "certificate",
            "sector": SectorFactory().pk,
            "format": "online",
            "link": "javascript:alert(1)",
        },
    )

    assert response.status_code == 400
    assert SharedCourse.objects.count() == 0


def test_admin_unpublishes_a_course_and_it_leaves_the_catalogue_and_the_institution_page(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a, title="Welding")
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:course_publish", args=[roles.institution_a.slug, course.pk]), {"published": "0"})

    course.refresh_from_db()
    assert course.is_published is False
    client.logout()
    assert titles(client.get(CATALOGUE)) == []
    assert "Welding" not in client.get(roles.institution_a.get_absolute_url()).content.decode()


def test_institution_page_lists_its_published_courses(client, roles):
    SharedCourseFactory(institution=roles.institution_a, title="Welding")

    response = client.get(roles.institution_a.get_absolute_url())

    assert "Welding" in response.content.decode()


def test_requests_page_lists_incoming_and_outgoing_and_an_answer_is_emailed(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a, title="Welding")
    request = CourseUseRequestFactory(course=course, institution=roles.institution_b, requested_by=roles["other_admin"])
    client.force_login(roles["institution_admin"])

    page = client.get(reverse("institutions:course_requests"))
    response = client.post(
        reverse("institutions:course_request_decide", args=[request.pk]), {"decision": "accept", "reply": "Welcome."}
    )

    assert list(page.context["incoming"]) == [request]
    assert list(page.context["outgoing"]) == []
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.reply) == (CourseUseRequest.Status.ACCEPTED, "Welcome.")
    assert OutboundEmail.objects.filter(kind="course_request", user=roles["other_admin"]).exists()


def test_answer_to_another_institutions_request_answers_404_and_changes_nothing(client, roles):
    request = CourseUseRequestFactory(
        course=SharedCourseFactory(institution=roles.institution_a), institution=roles.institution_b
    )
    client.force_login(roles["other_admin"])

    response = client.post(reverse("institutions:course_request_decide", args=[request.pk]), {"decision": "accept"})

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == CourseUseRequest.Status.PENDING


def test_course_request_email_is_written_in_the_recipients_language(roles, django_capture_on_commit_callbacks):
    from core import outbox
    from institutions.services_courses import course_request_create

    roles["institution_admin"].preferred_language = "zh-hans"
    roles["institution_admin"].save()
    course = SharedCourseFactory(
        institution=roles.institution_a, title="Welding", translations={"title": {"zh-hans": "焊接"}}
    )
    course_request_create(course=course, institution=roles.institution_b, by=roles["other_admin"], message="Hello")

    email = OutboundEmail.objects.get(kind="course_request", user=roles["institution_admin"])
    rendered = outbox.render(email)

    assert "焊接" in rendered.subject
    assert "/institutions/courses/requests/" in rendered.text
    assert "Hello" in rendered.text


def test_request_form_for_an_admin_of_one_institution_names_it_without_a_choice(client, roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    client.force_login(roles["other_admin"])

    content = client.get(reverse("institutions:course_detail", args=[course.pk])).content.decode()

    assert f'type="hidden" name="institution" value="{roles.institution_b.pk}"' in content
    assert f"On behalf of {roles.institution_b.name}" in content
