"""Asking to join an institution, and its admins' (or the secretariat's) decision."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.pagecache import public_pages_changed
from institutions.models import Institution, Membership
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def join_url(institution) -> str:
    return reverse("institutions:join", args=[institution.slug])


def approve_url(membership) -> str:
    return reverse("institutions:join_request_approve", args=[membership.pk])


def reject_url(membership) -> str:
    return reverse("institutions:join_request_reject", args=[membership.pk])


@pytest.fixture
def szpu(db) -> Institution:
    return InstitutionFactory(name="Shenzhen Polytechnic University", website="https://www.szpu.edu.cn/", country="CN")


def test_join_request_pending_and_admins_emailed(client, szpu, django_capture_on_commit_callbacks):
    admin = MembershipFactory(institution=szpu, role=Membership.Role.ADMIN).user
    MembershipFactory(institution=szpu)  # an ordinary member decides nothing
    MembershipFactory(institution=szpu, role=Membership.Role.ADMIN, status=Membership.Status.PENDING)
    requester = UserFactory(verified_email=True, email="wang@mail.szpu.edu.cn", display_name="Wang Li")
    client.force_login(requester)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url(szpu), {"job_title": "Dean", "request_message": "International office"})

    assert response.url == reverse("dashboard")
    membership = Membership.objects.get(user=requester)
    assert (membership.institution, membership.role, membership.status) == (
        szpu,
        Membership.Role.MEMBER,
        Membership.Status.PENDING,
    )
    assert (membership.job_title, membership.request_message) == ("Dean", "International office")
    assert [m.to for m in mail.outbox] == [[admin.email]]
    body = mail.outbox[0].body
    assert "Wang Li (wang@mail.szpu.edu.cn)" in body
    assert "belongs to the domain of the institution's website" in body
    assert settings.SITE_URL.rstrip("/") + reverse("institutions:join_requests") in body


def test_join_request_without_admins_goes_to_secretariat(
    client, szpu, secretariat_user, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(verified_email=True, email="someone@gmail.com"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(join_url(szpu), {"job_title": "", "request_message": ""})

    assert [m.to for m in mail.outbox] == [[secretariat_user.email]]
    assert "does not belong to the domain" in mail.outbox[0].body


def test_join_request_email_in_recipient_language(client, szpu, django_capture_on_commit_callbacks, monkeypatch):
    MembershipFactory(institution=szpu, role=Membership.Role.ADMIN, user__preferred_language="zh-hans")
    rendered_in = []

    def render(name, context):
        rendered_in.append(translation.get_language())
        return name

    monkeypatch.setattr("core.outbox.render_to_string", render)
    client.force_login(UserFactory(verified_email=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(join_url(szpu), {})

    assert rendered_in == ["zh-hans", "zh-hans"]  # subject and body


def test_join_request_twice_refused(client, szpu):
    user = UserFactory(verified_email=True)
    client.force_login(user)
    client.post(join_url(szpu), {})

    response = client.post(join_url(szpu), {}, follow=True)

    assert Membership.objects.filter(user=user).count() == 1
    assert "already asked to join this institution" in response.content.decode()


def test_join_request_by_member_refused(client, szpu):
    membership = MembershipFactory(institution=szpu)
    client.force_login(membership.user)

    response = client.post(join_url(szpu), {}, follow=True)

    assert list(Membership.objects.filter(user=membership.user).values_list("status", flat=True)) == ["active"]
    assert "already a member of this institution" in response.content.decode()


def test_join_rejected_institution_not_found(client):
    institution = InstitutionFactory(verification_status=Institution.Verification.REJECTED)
    client.force_login(UserFactory(verified_email=True))

    assert client.get(join_url(institution)).status_code == 404
    assert client.post(join_url(institution), {}).status_code == 404
    assert not Membership.objects.exists()


def test_join_visitor_redirected_to_login(client, szpu):
    response = client.post(join_url(szpu), {})

    assert response.url.startswith(reverse("account_login"))
    assert not Membership.objects.exists()


@pytest.fixture
def pending(szpu) -> Membership:
    return MembershipFactory(
        institution=szpu,
        user=UserFactory(verified_email=True, email="li@szpu.edu.cn"),
        status=Membership.Status.PENDING,
    )


def test_approve_by_admin_activates_and_tells_requester(client, pending, django_capture_on_commit_callbacks):
    admin = MembershipFactory(institution=pending.institution, role=Membership.Role.ADMIN).user
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(approve_url(pending))

    pending.refresh_from_db()
    assert response.url == reverse("institutions:join_requests")
    assert (pending.status, pending.decided_by) == (Membership.Status.ACTIVE, admin)
    assert pending.decided_at is not None
    assert [m.to for m in mail.outbox] == [["li@szpu.edu.cn"]]
    assert "approved" in mail.outbox[0].body


def test_reject_by_secretariat_deletes_and_tells_requester(
    client, pending, secretariat_user, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reject_url(pending), {"next": reverse("dashboard")})

    assert not Membership.objects.filter(pk=pending.pk).exists()
    assert [m.to for m in mail.outbox] == [["li@szpu.edu.cn"]]
    assert "declined" in mail.outbox[0].body


@pytest.mark.parametrize("role", ["other_admin", "participant", "other_member", "no_institution", "pending_member"])
def test_decide_without_right_not_found(client, roles, role):
    pending = MembershipFactory(institution=roles.institution_a, status=Membership.Status.PENDING)
    client.force_login(roles[role])

    approve = client.post(approve_url(pending))
    reject = client.post(reject_url(pending))

    assert (approve.status_code, reject.status_code) == (404, 404)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_decide_visitor_redirected_to_login(client, pending):
    response = client.post(approve_url(pending))

    assert response.url.startswith(reverse("account_login"))
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_decide_needs_post(client, pending, secretariat_user):
    client.force_login(secretariat_user)

    assert client.get(approve_url(pending)).status_code == 405


def test_decide_twice_second_is_not_found(client, pending, secretariat_user):
    client.force_login(secretariat_user)
    client.post(approve_url(pending))

    response = client.post(reject_url(pending))

    assert response.status_code == 404
    assert Membership.objects.get(pk=pending.pk).status == Membership.Status.ACTIVE


def test_decide_with_htmx_returns_row_fragment(client, pending, secretariat_user):
    client.force_login(secretariat_user)

    response = client.post(approve_url(pending), headers={"HX-Request": "true"})

    content = response.content.decode()
    assert content.startswith('<li class="join-request" role="status">')
    assert "is now a member of Shenzhen Polytechnic University" in content
    assert "<html" not in content


def test_requests_page_lists_own_institutions_with_domain_hint(client, pending, roles):
    other = MembershipFactory(
        institution=roles.institution_b, user__email="x@gmail.com", status=Membership.Status.PENDING
    )
    admin = MembershipFactory(institution=pending.institution, role=Membership.Role.ADMIN).user
    client.force_login(admin)

    response = client.get(reverse("institutions:join_requests"))

    assert response.context["pending"] == [pending]
    content = response.content.decode()
    assert "email domain matches the website" in content
    assert approve_url(pending) in content
    assert approve_url(other) not in content


def test_requests_page_secretariat_sees_all(client, pending, roles, secretariat_user):
    other = MembershipFactory(institution=roles.institution_b, status=Membership.Status.PENDING)

    client.force_login(secretariat_user)
    response = client.get(reverse("institutions:join_requests"))

    everyone_pending = Membership.objects.filter(status=Membership.Status.PENDING).order_by("created_at", "pk")
    assert response.context["pending"] == list(everyone_pending)
    assert {pending, other} <= set(response.context["pending"])


def test_requests_page_member_not_found(client, roles):
    client.force_login(roles["participant"])

    assert client.get(reverse("institutions:join_requests")).status_code == 404


def test_dashboard_requests_have_buttons_and_hint(client, pending):
    admin = MembershipFactory(institution=pending.institution, role=Membership.Role.ADMIN).user
    client.force_login(admin)

    content = client.get(reverse("dashboard")).content.decode()

    assert approve_url(pending) in content
    assert reject_url(pending) in content
    assert "email domain matches the website" in content


def test_dashboard_requests_fixed_query_count(client, szpu):
    admin = MembershipFactory(institution=szpu, role=Membership.Role.ADMIN).user
    client.force_login(admin)
    MembershipFactory(institution=szpu, status=Membership.Status.PENDING)
    client.get(reverse("dashboard"))  # warm caches (sessions, content types)
    # The dashboard is kept per person until the next change (core.personalcache): measure
    # building it, both times.
    public_pages_changed()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard"))
    for _ in range(4):
        MembershipFactory(institution=szpu, status=Membership.Status.PENDING)

    public_pages_changed()
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("dashboard"))

    assert len(response.context["pending_members"]) == 5
    assert len(five) == len(one)
