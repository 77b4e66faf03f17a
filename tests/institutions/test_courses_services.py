import pytest

from core.models import OutboundEmail
from institutions.errors import InstitutionError
from institutions.models import CourseUseRequest, Institution, Membership, SharedCourse
from institutions.services_courses import (
    course_request_accept,
    course_request_create,
    course_request_decline,
    course_request_withdraw,
    shared_course_create,
    shared_course_delete,
    shared_course_set_published,
    shared_course_update,
)
from tests.factories import (
    CourseUseRequestFactory,
    MembershipFactory,
    SectorFactory,
    SharedCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_shared_course_create_by_admin_keeps_titles_in_every_language(roles):
    sector = SectorFactory()

    course = shared_course_create(
        institution=roles.institution_a,
        by=roles["institution_admin"],
        title="Industrial robot maintenance",
        translations={"title": {"zh-hans": "工业机器人维护"}},
        language="zh",
        level=SharedCourse.Level.CERTIFICATE,
        sector=sector,
        format=SharedCourse.Format.BLENDED,
        link="https://example.org/robots",
        hours=48,
    )

    assert course.institution == roles.institution_a
    assert course.created_by == roles["institution_admin"]
    assert course.localized("title", "zh-hans") == "工业机器人维护"
    assert "工业机器人维护" in course.search_text
    assert "机器" in course.search_grams
    assert course.history.count() == 1


@pytest.mark.parametrize("role", ["participant", "other_admin", "no_institution", "pending_member"])
def test_shared_course_create_refused_to_others(roles, role):
    with pytest.raises(InstitutionError):
        shared_course_create(
            institution=roles.institution_a,
            by=roles[role],
            title="Welding",
            language="en",
            level=SharedCourse.Level.SHORT_COURSE,
            sector=SectorFactory(),
            format=SharedCourse.Format.ON_SITE,
        )

    assert SharedCourse.objects.count() == 0


def test_shared_course_create_by_secretariat_for_any_institution(roles):
    course = shared_course_create(
        institution=roles.institution_b,
        by=roles["secretariat"],
        title="Welding",
        language="en",
        level=SharedCourse.Level.SHORT_COURSE,
        sector=SectorFactory(),
        format=SharedCourse.Format.ON_SITE,
    )

    assert course.institution == roles.institution_b


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/course", "not a link"])
def test_shared_course_create_refuses_links_that_are_not_web_addresses(roles, link):
    with pytest.raises(InstitutionError, match="URL"):
        shared_course_create(
            institution=roles.institution_a,
            by=roles["institution_admin"],
            title="Welding",
            language="en",
            level=SharedCourse.Level.SHORT_COURSE,
            sector=SectorFactory(),
            format=SharedCourse.Format.ON_SITE,
            link=link,
        )

    assert SharedCourse.objects.count() == 0


def test_shared_course_update_and_unpublish(roles):
    course = SharedCourseFactory(institution=roles.institution_a)

    shared_course_update(course=course, by=roles["institution_admin"], title="CNC machining", hours=120)
    shared_course_set_published(course=course, published=False, by=roles["institution_admin"])

    course.refresh_from_db()
    assert (course.title, course.hours, course.is_published) == ("CNC machining", 120, False)
    assert "cnc machining" in course.search_text


def test_shared_course_update_refused_to_another_institutions_admin(roles):
    course = SharedCourseFactory(institution=roles.institution_a, title="Welding")

    with pytest.raises(InstitutionError):
        shared_course_update(course=course, by=roles["other_admin"], title="Taken over")

    course.refresh_from_db()
    assert course.title == "Welding"


def test_shared_course_delete_refused_when_another_institution_uses_it(roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    CourseUseRequestFactory(course=course, institution=roles.institution_b, status=CourseUseRequest.Status.ACCEPTED)

    with pytest.raises(InstitutionError, match="Unpublish"):
        shared_course_delete(course=course, by=roles["institution_admin"])

    assert SharedCourse.objects.filter(pk=course.pk).exists()


def test_shared_course_delete_by_admin(roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    CourseUseRequestFactory(course=course, institution=roles.institution_b, status=CourseUseRequest.Status.DECLINED)

    shared_course_delete(course=course, by=roles["institution_admin"])

    assert not SharedCourse.objects.filter(pk=course.pk).exists()


def test_course_request_create_emails_the_course_institutions_admins(roles, django_capture_on_commit_callbacks):
    course = SharedCourseFactory(institution=roles.institution_a)
    second_admin = MembershipFactory(institution=roles.institution_a, role=Membership.Role.ADMIN).user

    request = course_request_create(
        course=course, institution=roles.institution_b, by=roles["other_admin"], message="For our teachers."
    )

    assert (request.status, request.requested_by, request.message) == (
        CourseUseRequest.Status.PENDING,
        roles["other_admin"],
        "For our teachers.",
    )
    recipients = set(OutboundEmail.objects.filter(kind="course_request").values_list("user", flat=True))
    assert recipients == {roles["institution_admin"].pk, second_admin.pk}


def test_course_request_for_own_course_refused(roles):
    course = SharedCourseFactory(institution=roles.institution_a)

    with pytest.raises(InstitutionError, match="own courses"):
        course_request_create(course=course, institution=roles.institution_a, by=roles["institution_admin"])

    assert CourseUseRequest.objects.count() == 0


def test_course_request_duplicate_open_request_refused_with_a_message(roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    course_request_create(course=course, institution=roles.institution_b, by=roles["other_admin"])

    with pytest.raises(InstitutionError, match="already asked"):
        course_request_create(course=course, institution=roles.institution_b, by=roles["other_admin"])

    assert CourseUseRequest.objects.count() == 1


def test_course_request_after_a_decline_may_be_made_again(roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    first = course_request_create(course=course, institution=roles.institution_b, by=roles["other_admin"])
    course_request_decline(request=first, by=roles["institution_admin"], reply="Not this year.")

    second = course_request_create(course=course, institution=roles.institution_b, by=roles["other_admin"])

    assert second.pk != first.pk
    assert second.status == CourseUseRequest.Status.PENDING


def test_course_request_refused_to_a_member_who_is_not_admin(roles):
    course = SharedCourseFactory(institution=roles.institution_a)

    with pytest.raises(InstitutionError):
        course_request_create(course=course, institution=roles.institution_b, by=roles["other_member"])

    assert CourseUseRequest.objects.count() == 0


def test_course_request_for_unpublished_course_refused(roles):
    course = SharedCourseFactory(institution=roles.institution_a, is_published=False)

    with pytest.raises(InstitutionError, match="not offered"):
        course_request_create(course=course, institution=roles.institution_b, by=roles["other_admin"])


def test_course_request_accept_emails_the_requesters_admins_in_their_language(roles):
    course = SharedCourseFactory(institution=roles.institution_a, title="Welding")
    request = CourseUseRequestFactory(course=course, institution=roles.institution_b, requested_by=roles["other_admin"])

    course_request_accept(request=request, by=roles["institution_admin"], reply="Welcome.")

    request.refresh_from_db()
    assert (request.status, request.reply, request.decided_by) == (
        CourseUseRequest.Status.ACCEPTED,
        "Welcome.",
        roles["institution_admin"],
    )
    email = OutboundEmail.objects.get(kind="course_request")
    assert email.user == roles["other_admin"]
    assert email.context["template"] == "accepted"


def test_course_request_decide_refused_to_the_requester_and_twice(roles):
    course = SharedCourseFactory(institution=roles.institution_a)
    request = CourseUseRequestFactory(course=course, institution=roles.institution_b)

    with pytest.raises(InstitutionError):
        course_request_accept(request=request, by=roles["other_admin"])
    course_request_decline(request=request, by=roles["institution_admin"])
    with pytest.raises(InstitutionError, match="already answered"):
        course_request_accept(request=request, by=roles["institution_admin"])

    request.refresh_from_db()
    assert request.status == CourseUseRequest.Status.DECLINED


def test_course_request_withdraw_only_by_the_requesters_admins(roles):
    request = CourseUseRequestFactory(
        course=SharedCourseFactory(institution=roles.institution_a), institution=roles.institution_b
    )

    with pytest.raises(InstitutionError):
        course_request_withdraw(request=request, by=roles["institution_admin"])
    course_request_withdraw(request=request, by=roles["other_admin"])

    request.refresh_from_db()
    assert request.status == CourseUseRequest.Status.WITHDRAWN


def test_course_of_rejected_institution_cannot_be_requested(roles):
    roles.institution_a.verification_status = Institution.Verification.REJECTED
    roles.institution_a.save()
    course = SharedCourseFactory(institution=roles.institution_a)

    with pytest.raises(InstitutionError):
        course_request_create(course=course, institution=roles.institution_b, by=roles["other_admin"])


def test_open_course_permission(roles):
    published = SharedCourseFactory(institution=roles.institution_a)
    hidden = SharedCourseFactory(institution=roles.institution_a, is_published=False)

    assert roles["anonymous"].has_perm("institutions.open_course", published)
    assert not roles["anonymous"].has_perm("institutions.open_course", hidden)
    assert not roles["other_admin"].has_perm("institutions.open_course", hidden)
    assert roles["participant"].has_perm("institutions.open_course", hidden)
    assert roles["secretariat"].has_perm("institutions.open_course", hidden)
    assert roles["other_admin"].has_perm("institutions.request_course", published)
    assert not roles["institution_admin"].has_perm("institutions.request_course", published)
    assert not roles["other_member"].has_perm("institutions.request_course", published)
    assert not UserFactory().has_perm("institutions.request_course", published)
