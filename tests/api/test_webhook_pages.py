"""The webhook pages: institution admins manage their institution's, the secretariat its own;
every write through the services, bad input refused with a message, others answered 404."""

import pytest
from django.test import override_settings
from django.urls import reverse

from api.models import WebhookDelivery, WebhookEndpoint
from institutions.models import Membership
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory, make_secretariat

Status = WebhookDelivery.Status


@pytest.fixture
def people(db):
    a, b = InstitutionFactory(name="Alpha"), InstitutionFactory(name="Beta")
    admin_a = MembershipFactory(institution=a, role=Membership.Role.ADMIN).user
    endpoint = WebhookEndpoint.objects.create(
        owner=admin_a, institution=a, url="http://127.0.0.1:9/alpha", event_types=["mou.logged"]
    )
    return {
        "a": a,
        "b": b,
        "admin_a": admin_a,
        "other_admin_a": MembershipFactory(institution=a, role=Membership.Role.ADMIN).user,
        "member_a": MembershipFactory(institution=a).user,
        "admin_b": MembershipFactory(institution=b, role=Membership.Role.ADMIN).user,
        "secretariat": make_secretariat(UserFactory()),
        "endpoint": endpoint,
        "delivery": WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="mou.logged", payload={}, status=Status.GIVEN_UP, attempts=7
        ),
    }


def test_an_admin_adds_a_webhook_for_the_institution(client, people):
    client.force_login(people["admin_a"])
    url = reverse("webhooks:institution", args=[people["a"].slug])

    response = client.post(
        url,
        {"url": "http://127.0.0.1:8080/in", "description": "ERP", "event_types": ["mou.logged", "meeting.scheduled"]},
    )

    endpoint = WebhookEndpoint.objects.exclude(pk=people["endpoint"].pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:endpoint", args=[endpoint.pk])
    assert (endpoint.owner, endpoint.institution, endpoint.event_types) == (
        people["admin_a"],
        people["a"],
        ["mou.logged", "meeting.scheduled"],
    )
    assert endpoint.secret.startswith("whsec_")
    page = client.get(url)
    assert "127.0.0.1:8080/in" in page.content.decode()
    # The institution's page leads there, for its admins only.
    detail = people["a"].get_absolute_url()
    assert url in client.get(detail).content.decode()
    client.force_login(people["member_a"])
    assert url not in client.get(detail).content.decode()


@override_settings(WEBHOOKS_ALLOW_LOCAL_RECEIVERS=False)
@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://example.org/in", "must start with https://"),
        ("https://127.0.0.1/in", "private or local network"),
        ("https://169.254.169.254/latest/meta-data/", "private or local network"),
    ],
)
def test_an_address_refused_is_said_and_nothing_is_saved(client, people, address, message):
    client.force_login(people["admin_a"])

    response = client.post(
        reverse("webhooks:institution", args=[people["a"].slug]), {"url": address, "event_types": ["mou.logged"]}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert WebhookEndpoint.objects.count() == 1


def test_no_event_chosen_is_refused(client, people):
    client.force_login(people["secretariat"])

    response = client.post(reverse("webhooks:secretariat"), {"url": "http://127.0.0.1:9/s"})

    assert response.status_code == 400
    assert not WebhookEndpoint.objects.filter(institution=None).exists()


def test_the_secretariat_adds_its_own_webhook(client, people):
    client.force_login(people["secretariat"])

    response = client.post(
        reverse("webhooks:secretariat"), {"url": "http://127.0.0.1:9/s", "event_types": ["mou.changed"]}
    )

    assert response.status_code == 302
    assert WebhookEndpoint.objects.get(institution=None).owner == people["secretariat"]


def test_the_endpoint_page_lists_its_deliveries_and_saves_its_settings(client, people):
    client.force_login(people["other_admin_a"])
    endpoint = people["endpoint"]
    url = reverse("webhooks:endpoint", args=[endpoint.pk])

    page = client.get(url).content.decode()
    assert str(people["delivery"].event_id) in page
    assert "given up" in page
    assert endpoint.secret not in page

    response = client.post(
        url, {"url": "http://127.0.0.1:9/alpha2", "event_types": ["registration.approved"], "is_active": ""}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types, endpoint.is_active) == (
        "http://127.0.0.1:9/alpha2",
        ["registration.approved"],
        False,
    )


def test_the_secret_is_shown_to_the_owner_alone(client, people):
    endpoint = people["endpoint"]
    url = reverse("webhooks:secret", args=[endpoint.pk])

    client.force_login(people["other_admin_a"])
    response = client.post(url, follow=True)
    assert endpoint.secret not in response.content.decode()
    assert "Only the person who added this webhook" in response.content.decode()

    client.force_login(people["admin_a"])
    response = client.post(url)
    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_send_again_and_a_test_event(client, people):
    client.force_login(people["admin_a"])
    endpoint, delivery = people["endpoint"], people["delivery"]

    client.post(reverse("webhooks:send_again", args=[endpoint.pk, delivery.pk]))
    client.post(reverse("webhooks:test", args=[endpoint.pk]))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 0)
    test_event = WebhookDelivery.objects.get(event_type="webhook.test")
    assert test_event.endpoint == endpoint
    assert test_event.payload["type"] == "webhook.test"


@pytest.mark.parametrize("role", ["admin_b", "member_a", "secretariat"])
def test_others_get_404_and_change_nothing(client, people, role):
    client.force_login(people[role])
    endpoint, delivery = people["endpoint"], people["delivery"]
    before = list(WebhookDelivery.objects.values_list("pk", "status"))

    assert client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).status_code == 404
    assert client.get(reverse("webhooks:institution", args=[people["a"].slug])).status_code == 404
    for name, args in [
        ("webhooks:endpoint", [endpoint.pk]),
        ("webhooks:secret", [endpoint.pk]),
        ("webhooks:test", [endpoint.pk]),
        ("webhooks:send_again", [endpoint.pk, delivery.pk]),
        ("webhooks:delete", [endpoint.pk]),
    ]:
        response = client.post(reverse(name, args=args), {"url": "http://127.0.0.1:9/x", "event_types": ["mou.logged"]})
        assert response.status_code == 404, name
    post = client.post(
        reverse("webhooks:institution", args=[people["a"].slug]),
        {"url": "http://127.0.0.1:9/x", "event_types": ["mou.logged"]},
    )
    assert post.status_code == 404

    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/alpha"
    assert WebhookEndpoint.objects.count() == 1
    assert list(WebhookDelivery.objects.values_list("pk", "status")) == before


def test_a_delivery_of_another_endpoint_is_404(client, people):
    other = WebhookEndpoint.objects.create(
        owner=people["admin_b"], institution=people["b"], url="http://127.0.0.1:9/b", event_types=["mou.logged"]
    )
    foreign = WebhookDelivery.objects.create(
        endpoint=other, event_type="mou.logged", payload={}, status=Status.GIVEN_UP
    )
    client.force_login(people["admin_a"])

    response = client.post(reverse("webhooks:send_again", args=[people["endpoint"].pk, foreign.pk]))

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.GIVEN_UP


def test_an_admin_deletes_the_webhook(client, people):
    client.force_login(people["other_admin_a"])

    response = client.post(reverse("webhooks:delete", args=[people["endpoint"].pk]))

    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_page_warns_when_the_owner_no_longer_manages_the_webhook(client, people):
    url = reverse("webhooks:endpoint", args=[people["endpoint"].pk])
    client.force_login(people["other_admin_a"])
    assert "receives no events" not in client.get(url).content.decode()

    Membership.objects.filter(user=people["admin_a"]).delete()

    assert "receives no events" in client.get(url).content.decode()
