"""A participant's dashboard and partners section are kept per person, and never shown stale."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from institutions.models import Membership
from tests.factories import (
    CooperationTypeFactory,
    InstitutionFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    RegistrationFactory,
    SectorFactory,
    ShortlistEntryFactory,
    UserFactory,
    make_secretariat,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _dashboard(client) -> str:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_of_the_dashboard_asks_the_database_nothing(client, django_assert_num_queries):
    membership = MembershipFactory(user=UserFactory(verified_email=True))
    RegistrationFactory(user=membership.user, institution=membership.institution)
    client.force_login(membership.user)
    first = _dashboard(client)

    with django_assert_num_queries(0):
        second = _dashboard(client)

    assert membership.institution.name in second
    # The same page, but for the CSRF tokens, masked anew each time.
    assert re.sub(TOKEN, "", first) == re.sub(TOKEN, "", second)


def test_a_new_registration_and_a_renamed_institution_show_on_the_next_view(client):
    membership = MembershipFactory(user=UserFactory(verified_email=True), institution__name="Old Polytechnic")
    client.force_login(membership.user)
    assert "Old Polytechnic" in _dashboard(client)

    registration = RegistrationFactory(user=membership.user, institution=membership.institution)
    institution = membership.institution
    institution.name = "New Polytechnic"
    institution.save()

    html = _dashboard(client)
    assert registration.event.title in html
    assert "New Polytechnic" in html
    assert "Old Polytechnic" not in html


def test_becoming_an_admin_shows_on_the_next_view(client):
    membership = MembershipFactory(user=UserFactory(verified_email=True))
    client.force_login(membership.user)
    assert "You administer an institution" not in _dashboard(client)

    membership.role = Membership.Role.ADMIN
    membership.save()

    assert "You administer an institution" in _dashboard(client)


def test_each_person_sees_their_own_dashboard():
    first = MembershipFactory(user=UserFactory(verified_email=True), institution__name="First Institute")
    second = MembershipFactory(user=UserFactory(verified_email=True), institution__name="Second Institute")
    first_client, second_client = Client(), Client()
    first_client.force_login(first.user)
    second_client.force_login(second.user)

    assert "First Institute" in _dashboard(first_client)
    second_html = _dashboard(second_client)

    assert "Second Institute" in second_html
    assert "First Institute" not in second_html


def test_joining_the_secretariat_shows_the_secretariat_dashboard_at_once(client):
    user = UserFactory(verified_email=True)
    client.force_login(user)
    _dashboard(client)

    make_secretariat(user)

    assert "You are signed in as secretariat staff." in _dashboard(client)


def test_forms_on_a_kept_dashboard_carry_tokens_of_the_browsers_current_secret():
    """Signing in rotates the CSRF secret: the kept sections must not serve tokens of the old one."""
    admin = MembershipFactory(user=UserFactory(verified_email=True), role=Membership.Role.ADMIN)
    pending = MembershipFactory(institution=admin.institution, status=Membership.Status.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    _dashboard(client)
    # A new CSRF secret, as signing in again gives.
    del client.cookies[settings.CSRF_COOKIE_NAME]

    html = _dashboard(client)
    approve = reverse("institutions:join_request_approve", args=[pending.pk])
    form = html[html.index(f'action="{approve}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w{64})"', form).group(1)
    response = client.post(approve, {"csrfmiddlewaretoken": token, "next": reverse("dashboard")})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE


def test_the_partners_section_shows_a_new_shortlist_entry_at_once(client):
    training, nev = CooperationTypeFactory(name="Teacher training"), SectorFactory(name="New-energy vehicles")
    home = InstitutionFactory(name="Home Polytechnic", country="KH")
    NeedFactory(institution=home, cooperation_type=training, sector=nev)
    other = InstitutionFactory(name="Liuzhou Auto College", country="CN")
    OfferFactory(institution=other, cooperation_type=training, sector=nev)
    user = MembershipFactory(user=UserFactory(verified_email=True), institution=home).user
    client.force_login(user)
    html = client.get(reverse("dashboard_partners")).content.decode()
    assert "Liuzhou Auto College" in html
    assert "Saved ✓" not in html

    ShortlistEntryFactory(user=user, institution=other)

    assert "Saved ✓" in client.get(reverse("dashboard_partners")).content.decode()


def test_requests_without_the_csrf_cookie_share_the_kept_copy(client, django_assert_num_queries):
    """Each such request gets a new secret: the kept copy must not depend on it."""
    membership = MembershipFactory(user=UserFactory(verified_email=True), role=Membership.Role.ADMIN)
    MembershipFactory(institution=membership.institution, status=Membership.Status.PENDING)
    client.force_login(membership.user)
    _dashboard(client)
    client.cookies.pop(settings.CSRF_COOKIE_NAME, None)

    with django_assert_num_queries(0):
        html = _dashboard(client)

    assert "__portal_csrf_token__" not in html
    assert 'name="csrfmiddlewaretoken" value="' in html


def test_the_secretariat_s_kept_dashboard_shows_a_new_join_request_and_a_fresh_heartbeat(client):
    """Its sections are kept per person; the background jobs' heartbeat is read on every view."""
    from portal.tasks import heartbeat_task

    client.force_login(make_secretariat(UserFactory(verified_email=True)))
    first = client.get(reverse("dashboard"))
    institution = InstitutionFactory(name="Takeo Polytechnic Institute")
    MembershipFactory(institution=institution, status=Membership.Status.PENDING)
    heartbeat_task.delay()

    second = client.get(reverse("dashboard"))

    assert "Takeo Polytechnic Institute" not in first.content.decode()
    assert "Takeo Polytechnic Institute" in second.content.decode()
    assert "not seen recently" in first.content.decode()
    assert "not seen recently" not in second.content.decode()
    assert ">running</span>" in second.content.decode()


def test_the_secretariat_card_is_rendered_once_for_all_its_members_with_their_own_tokens():
    from django.middleware.csrf import _unmask_cipher_token

    from core.pagecache import CSRF_PLACEHOLDER

    InstitutionFactory(name="Kampot Polytechnic Institute")  # awaiting verification: a form with a token
    pages = []
    for _ in range(2):
        browser = Client()
        browser.force_login(make_secretariat(UserFactory(verified_email=True)))
        html = _dashboard(browser)
        token = html.split('class="verification-form"', 1)[1].split('name="csrfmiddlewaretoken" value="', 1)[1][:64]
        pages.append((html, token, browser.cookies[settings.CSRF_COOKIE_NAME].value))

    from django.core.cache import cache

    cards = [
        cache.get(key.split(":", 2)[-1])["content"]
        for key in list(cache._cache)  # noqa: SLF001 -- the test inspects what the cache holds
        if ":pagecache:shared:dashboard:secretariat-card:" in key
    ]
    assert len(cards) == 1
    assert CSRF_PLACEHOLDER in cards[0]
    assert "Kampot Polytechnic Institute" in cards[0]
    for html, token, secret in pages:
        assert "Kampot Polytechnic Institute" in html
        assert _unmask_cipher_token(token) == secret
    assert pages[0][1] != pages[1][1]


def test_the_secretariat_card_is_kept_per_language(client):
    client.force_login(make_secretariat(UserFactory(verified_email=True)))
    english = _dashboard(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = _dashboard(client)

    assert "Institutions awaiting verification" in english
    assert "Institutions awaiting verification" not in chinese


def test_the_secretariat_card_counts_a_meeting_reported_as_mou_signed_at_once(client):
    """The MoUs-to-log line inside the shared card shows a new outcome on the next view."""
    from matchmaking.models import MeetingOutcome
    from tests.factories import MeetingFactory

    client.force_login(make_secretariat(UserFactory(verified_email=True)))
    meeting = MeetingFactory()
    before = _dashboard(client)
    meeting.outcome = MeetingOutcome.MOU_SIGNED
    meeting.save()
    after = _dashboard(client)

    assert "0 MoUs reported signed to log" in before
    assert "1 MoU reported signed to log" in after
