from urllib.parse import urlencode

import pytest
from django.urls import reverse

from events.models import Registration
from tests.factories import EventFactory, InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MESSAGE = "The request contains control characters and cannot be processed."


@pytest.fixture
def event(roles):
    event = EventFactory()
    event.organisers.add(roles.institution_a)
    return event


@pytest.mark.parametrize(
    ("role", "url_name", "needs_event"),
    [
        ("participant", "mous:institution_search", False),
        ("secretariat", "mous:ceremony_institutions", False),
        ("institution_admin", "events:checkin", True),
        ("anonymous", "institutions:list", False),
    ],
)
def test_nul_byte_in_a_search_answers_400(client, roles, event, role, url_name, needs_event):
    if role != "anonymous":
        client.force_login(roles[role])
    url = reverse(url_name, args=[event.slug] if needs_event else [])

    response = client.get(url, {"q": "Phnom\x00Penh", "prefix": "mous-0"})

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_nul_byte_in_a_link_token_answers_400(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a)
    client.force_login(roles["participant"])

    response = client.get(reverse("institutions:invitation_accept", args=[invitation.token + "\x00"]))

    assert response.status_code == 400


def test_nul_byte_in_a_posted_form_answers_400_and_checks_nobody_in(client, roles, event):
    registration = RegistrationFactory(event=event)
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("events:checkin_token", args=[event.slug]),
        urlencode({"token": registration.badge_token + "\x00"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_a_request_without_nul_bytes_passes(client, roles):
    client.force_login(roles["participant"])

    response = client.get(reverse("mous:institution_search"), {"q": "Phnom Penh"})

    assert response.status_code == 200
