"""Courses shared under an MoU: linking by the parties' admins, the choices offered, the pages."""

import pytest
from django.urls import reverse

from mous.errors import MouError
from mous.forms_courses import MouCourseLinkForm
from mous.models import Mou, MouSharedCourse
from mous.services_courses import mou_course_choices, mou_course_link, mou_course_unlink
from tests.factories import MouFactory, MouPartyFactory, SharedCourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mou(roles):
    """A private MoU between A and B."""
    mou = MouFactory(title="Private cooperation memorandum")
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    return mou


def test_party_admin_links_a_course_and_it_counts_as_activity(roles, mou):
    course = SharedCourseFactory(institution=roles.institution_a)

    link = mou_course_link(mou=mou, course=course, by=roles["institution_admin"])

    assert (link.mou, link.course, link.linked_by) == (mou, course, roles["institution_admin"])
    assert list(mou.shared_courses.all()) == [course]
    mou.refresh_from_db()
    assert mou.last_activity_at is not None


def test_link_choices_are_the_parties_courses_the_person_may_see(roles, mou):
    own_hidden = SharedCourseFactory(institution=roles.institution_a, title="A hidden", is_published=False)
    own = SharedCourseFactory(institution=roles.institution_a, title="A published")
    partner = SharedCourseFactory(institution=roles.institution_b, title="B published")
    SharedCourseFactory(institution=roles.institution_b, title="B hidden", is_published=False)
    SharedCourseFactory(title="Not a party's")
    linked = SharedCourseFactory(institution=roles.institution_b, title="B linked")
    MouSharedCourse.objects.create(mou=mou, course=linked)

    choices = mou_course_choices(mou=mou, user=roles["institution_admin"])

    assert sorted(course.title for course in choices) == sorted([own_hidden.title, own.title, partner.title])


def test_link_form_refuses_a_posted_course_outside_the_choices(roles, mou):
    outsider = SharedCourseFactory(title="Not a party's")

    form = MouCourseLinkForm({"course": outsider.pk}, mou=mou, user=roles["institution_admin"])

    assert not form.is_valid()
    assert "course" in form.errors


def test_course_of_a_non_party_is_refused(roles, mou):
    with pytest.raises(MouError, match="parties"):
        mou_course_link(mou=mou, course=SharedCourseFactory(), by=roles["institution_admin"])

    assert MouSharedCourse.objects.count() == 0


@pytest.mark.parametrize("role", ["participant", "other_member", "no_institution"])
def test_link_refused_to_people_who_are_not_party_admins(roles, mou, role):
    course = SharedCourseFactory(institution=roles.institution_a)

    with pytest.raises(MouError):
        mou_course_link(mou=mou, course=course, by=roles[role])

    assert MouSharedCourse.objects.count() == 0


def test_link_refused_on_a_terminated_mou(roles, mou):
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.TERMINATED)
    mou.refresh_from_db()

    with pytest.raises(MouError):
        mou_course_link(mou=mou, course=SharedCourseFactory(institution=roles.institution_a), by=roles["secretariat"])


def test_duplicate_link_refused_with_a_message(roles, mou):
    course = SharedCourseFactory(institution=roles.institution_a)
    mou_course_link(mou=mou, course=course, by=roles["institution_admin"])

    with pytest.raises(MouError, match="already linked"):
        mou_course_link(mou=mou, course=course, by=roles["other_admin"])

    assert MouSharedCourse.objects.count() == 1


def test_unlink_keeps_the_course(roles, mou):
    course = SharedCourseFactory(institution=roles.institution_a)
    mou_course_link(mou=mou, course=course, by=roles["institution_admin"])

    mou_course_unlink(mou=mou, course=course, by=roles["other_admin"])

    assert MouSharedCourse.objects.count() == 0
    course.refresh_from_db()


def test_a_linked_course_cannot_be_deleted(roles, mou):
    from institutions.errors import InstitutionError
    from institutions.services_courses import shared_course_delete

    course = SharedCourseFactory(institution=roles.institution_a)
    mou_course_link(mou=mou, course=course, by=roles["institution_admin"])

    with pytest.raises(InstitutionError, match="agreement"):
        shared_course_delete(course=course, by=roles["institution_admin"])


def test_course_page_names_a_private_mou_only_to_those_who_may_open_it(client, roles, mou):
    course = SharedCourseFactory(institution=roles.institution_a)
    mou_course_link(mou=mou, course=course, by=roles["institution_admin"])
    url = reverse("institutions:course_detail", args=[course.pk])

    visitor_page = client.get(url).content.decode()
    client.force_login(roles["participant"])
    member_page = client.get(url).content.decode()

    assert "Private cooperation memorandum" not in visitor_page
    assert "Private cooperation memorandum" in member_page


def test_mou_page_lists_the_shared_courses_and_links_one_from_the_form(client, roles, mou):
    course = SharedCourseFactory(institution=roles.institution_b, title="Mechatronics fundamentals")
    client.force_login(roles["institution_admin"])

    response = client.post(reverse("mous:course_link", args=[mou.pk]), {"course": course.pk})
    page = client.get(mou.get_absolute_url()).content.decode()

    assert response.status_code == 302
    assert list(mou.shared_courses.all()) == [course]
    assert "Mechatronics fundamentals" in page
    assert reverse("mous:course_unlink", args=[mou.pk, course.pk]) in page


def test_mou_page_shows_no_link_form_to_a_member_who_is_not_admin(client, roles, mou):
    SharedCourseFactory(institution=roles.institution_a)
    client.force_login(roles["participant"])

    page = client.get(mou.get_absolute_url()).content.decode()

    assert reverse("mous:course_link", args=[mou.pk]) not in page
