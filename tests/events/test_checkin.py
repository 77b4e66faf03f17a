"""Check-in at the venue: by badge QR code or typed code, by name search, undo, live arrivals."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.checkin import registration_check_in_by_token
from events.models import Registration
from events.views_checkin import arrivals_by_country
from tests.events.conftest import register
from tests.factories import (
    DelegationFactory,
    EventFactory,
    InstitutionFactory,
)

pytestmark = pytest.mark.django_db


def url(name, event, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


def post_token(client, event, token, *, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url("checkin_token", event), {"token": token}, headers=headers)


# --- who may use the desk ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("secretariat", True),
        ("institution_admin", True),  # admin of the organiser institution
        ("participant", False),  # a plain member of the organiser institution
        ("other_admin", False),
        ("other_member", False),
        ("no_institution", False),
    ],
)
def test_only_the_people_who_run_the_event_check_in(client, roles, event, role, allowed):
    registration = register(event, name="Sok Dara")
    client.force_login(roles[role])

    page = client.get(url("checkin", event))
    counts = client.get(url("checkin_counts", event))
    by_token = post_token(client, event, registration.badge_token)
    by_click = client.post(url("checkin_registration", event, pk=registration.pk))
    scan_page = client.get(url("checkin_scan", event, token=registration.badge_token))

    expected = 200 if allowed else 404
    assert page.status_code == counts.status_code == by_token.status_code == scan_page.status_code == expected
    assert by_click.status_code == (302 if allowed else 404)
    registration.refresh_from_db()
    assert (registration.checked_in_at is not None) == allowed


def test_visitors_are_sent_to_sign_in_and_nothing_changes(client, event):
    registration = register(event)

    for response in (
        client.get(url("checkin", event)),
        post_token(client, event, registration.badge_token),
        client.post(url("checkin_scan", event, token=registration.badge_token)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_check_in_endpoints_refuse_get(client, roles, event):
    registration = register(event)
    client.force_login(roles["secretariat"])

    assert client.get(url("checkin_token", event)).status_code == 405
    assert client.get(url("checkin_registration", event, pk=registration.pk)).status_code == 405


# --- by badge code -------------------------------------------------------------------------


def test_first_scan_checks_in_and_the_second_says_already(client, roles, event):
    registration = register(event, name="Sok Dara")
    client.force_login(roles["secretariat"])

    first = post_token(
        client, event, f"http://testserver/events/{event.slug}/check-in/scan/{registration.badge_token}/"
    )
    registration.refresh_from_db()
    arrived = registration.checked_in_at
    second = post_token(client, event, registration.badge_token)

    assert first.context["result"].outcome == "checked_in"
    assert arrived is not None
    assert abs(timezone.now() - arrived) < timedelta(minutes=1)
    assert second.context["result"].outcome == "already"
    registration.refresh_from_db()
    assert registration.checked_in_at == arrived  # the first arrival time stands
    assert "Already checked in." in second.content.decode()
    assert "Sok Dara" in second.content.decode()


def test_arrival_time_is_shown_on_the_events_clock(client, roles, event):
    registration = register(event, name="Sok Dara")
    client.force_login(roles["secretariat"])
    arrival = timezone.now().replace(hour=2, minute=12, second=0, microsecond=0)  # 09:12 in Phnom Penh
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=arrival)

    response = post_token(client, event, registration.badge_token, htmx=True)

    assert "Arrived at 09:12" in response.content.decode()


def test_htmx_scan_returns_only_the_result(client, roles, event):
    registration = register(event, name="Sok Dara")
    client.force_login(roles["secretariat"])

    response = post_token(client, event, registration.badge_token, htmx=True)

    html = response.content.decode()
    assert 'data-outcome="checked_in"' in html
    assert "<html" not in html


def test_badge_of_another_event_is_refused_without_saying_whose(client, roles, event):
    elsewhere = register(EventFactory(), name="Elsewhere Person")
    client.force_login(roles["secretariat"])

    response = post_token(client, event, elsewhere.badge_token, htmx=True)

    assert 'data-outcome="wrong_event"' in response.content.decode()
    assert "not for this event" in response.content.decode()
    assert "Elsewhere Person" not in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


@pytest.mark.parametrize("scanned", ["x" * 32, "https://example.org/", "", str(12)])
def test_unknown_codes_are_reported(client, roles, event, scanned):
    register(event)
    client.force_login(roles["secretariat"])

    response = post_token(client, event, scanned)

    assert response.status_code == 200
    assert response.context["result"].outcome == "unknown"
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 0


@pytest.mark.parametrize(
    "status", [Registration.Status.PENDING, Registration.Status.REJECTED, Registration.Status.CANCELLED]
)
def test_only_approved_registrations_can_be_checked_in(client, roles, event, status):
    registration = register(event, status=status)
    client.force_login(roles["secretariat"])

    response = post_token(client, event, registration.badge_token)

    assert response.context["result"].outcome == "not_approved"
    assert "only approved participants can be checked in" in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_scan_url_from_a_phone_camera_asks_before_checking_in(client, roles, event):
    registration = register(event, name="Sok Dara")
    client.force_login(roles["institution_admin"])
    scan_url = url("checkin_scan", event, token=registration.badge_token)

    preview = client.get(scan_url)
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # a GET changes nothing
    assert "Sok Dara" in preview.content.decode()
    assert f'action="{scan_url}"' in preview.content.decode()

    confirmed = client.post(scan_url)

    assert confirmed.context["result"].outcome == "checked_in"
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_scan_url_of_a_pending_registration_offers_no_check_in(client, roles, event):
    registration = register(event, name="Sok Pending", status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])

    html = client.get(url("checkin_scan", event, token=registration.badge_token)).content.decode()

    assert "Sok Pending" in html
    assert "pending" in html
    assert f'action="{url("checkin_scan", event, token=registration.badge_token)}"' not in html


def test_scan_url_of_another_event_shows_nothing_about_the_person(client, roles, event):
    elsewhere = register(EventFactory(), name="Elsewhere Person")
    client.force_login(roles["secretariat"])

    response = client.get(url("checkin_scan", event, token=elsewhere.badge_token))

    assert "not for this event" in response.content.decode()
    assert "Elsewhere Person" not in response.content.decode()


def test_check_in_by_token_service_is_idempotent(event):
    registration = register(event)

    outcomes = [registration_check_in_by_token(event=event, scanned=registration.badge_token).outcome for _ in range(3)]

    assert outcomes == ["checked_in", "already", "already"]


# --- by search -----------------------------------------------------------------------------


def test_search_finds_people_by_name_email_institution_and_delegation(client, roles, event):
    delegation = DelegationFactory(event=event, name="Lao delegation", country="LA")
    li = register(event, name="李文", institution=InstitutionFactory(name="Shenzhen Polytechnic", country="CN"))
    sok = register(event, name="Sok Dara", delegation=delegation)
    pending = register(event, name="Sok Pending", status=Registration.Status.PENDING)
    register(EventFactory(), name="Sok Elsewhere")
    client.force_login(roles["secretariat"])

    def found(query):
        return set(client.get(url("checkin", event), {"q": query}).context["results"])

    assert found("李") == {li}
    assert found("shenzhen") == {li}
    assert found("sok") == {sok, pending}
    assert found(sok.user.email) == {sok}
    assert found("lao deleg") == {sok}
    assert found("s") == set()  # too short to search


def test_htmx_search_returns_only_the_results(client, roles, event):
    register(event, name="Sok Dara")
    client.force_login(roles["secretariat"])

    response = client.get(
        url("checkin", event), {"q": "sok"}, headers={"HX-Request": "true", "HX-Target": "checkin-search-results"}
    )

    html = response.content.decode()
    assert "Sok Dara" in html
    assert "<html" not in html
    assert ">Check in<" in html


def test_search_results_offer_check_in_only_to_approved_people(client, roles, event):
    register(event, name="Sok Dara")
    register(event, name="Sok Pending", status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])

    html = client.get(url("checkin", event), {"q": "sok"}).content.decode()

    assert html.count(">Check in<") == 2  # one result row, plus the badge-code form's button
    assert "pending" in html


def test_check_in_and_undo_from_the_search(client, roles, event):
    registration = register(event, name="Sok Dara")
    client.force_login(roles["secretariat"])
    action = url("checkin_registration", event, pk=registration.pk)

    checked = client.post(action, {"action": "check_in"}, headers={"HX-Request": "true"})
    registration.refresh_from_db()
    assert "Checked in." in checked.content.decode()
    assert registration.checked_in_at is not None
    assert "Undo check-in" in checked.content.decode()
    # The row comes back with its new button focused: a keyboard user stays on the row.
    assert 'type="submit" autofocus>Undo check-in</button>' in checked.content.decode()

    undone = client.post(action, {"action": "undo", "q": "sok"})
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert undone.status_code == 302
    assert undone["Location"] == url("checkin", event) + "?q=sok"


def test_registration_of_another_event_cannot_be_checked_in_through_this_one(client, roles, event):
    other_event = EventFactory()
    other_event.organisers.add(roles.institution_b)
    elsewhere = register(other_event)
    client.force_login(roles["institution_admin"])  # runs `event`, not `other_event`

    response = client.post(url("checkin_registration", event, pk=elsewhere.pk))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


# --- arrivals by country -------------------------------------------------------------------


def test_arrivals_by_country_on_a_hand_made_set(event):
    now = timezone.now()
    for country, approved, arrived in (("KH", 3, 2), ("CN", 4, 1), ("TH", 1, 0)):
        institution = InstitutionFactory(country=country)
        for index in range(approved):
            register(event, institution=institution, checked_in_at=now if index < arrived else None)
    register(event, country="VN", status=Registration.Status.PENDING)
    register(event, country="VN", status=Registration.Status.CANCELLED, checked_in_at=now)
    register(EventFactory(), country="KH", checked_in_at=now)

    arrivals = arrivals_by_country(event)

    rows = {row["code"]: (row["arrived"], row["approved"], row["rate"]) for row in arrivals["countries"]}
    assert rows == {"KH": (2, 3, 67), "CN": (1, 4, 25), "TH": (0, 1, 0)}
    assert (arrivals["arrived"], arrivals["approved"], arrivals["rate"]) == (3, 8, 38)
    assert sum(row["arrived"] for row in arrivals["countries"]) == arrivals["arrived"]
    assert [row["code"] for row in arrivals["countries"]] == ["KH", "CN", "TH"]


def test_arrivals_panel_polls_and_shows_the_counts(client, roles, event):
    register(event, country="KH", checked_in_at=timezone.now())
    register(event, country="KH")
    client.force_login(roles["secretariat"])

    html = client.get(url("checkin_counts", event)).content.decode()

    assert 'hx-trigger="every 10s"' in html
    assert "1 / 2" in html
    assert "Cambodia" in html
    assert "50%" in html


def test_arrivals_with_nobody_approved(event):
    assert arrivals_by_country(event) == {"countries": [], "approved": 0, "arrived": 0, "rate": 0}


def test_checkin_page_and_panel_make_a_fixed_number_of_queries(client, roles, event, django_assert_max_num_queries):
    client.force_login(roles["secretariat"])
    register(event, name="Sok 0", checked_in_at=timezone.now())
    with django_assert_max_num_queries(20) as page_one:
        client.get(url("checkin", event), {"q": "sok"})
    with django_assert_max_num_queries(20) as panel_one:
        client.get(url("checkin_counts", event))
    for index in range(1, 15):
        register(event, name=f"Sok {index}", country=["KH", "CN", "TH", "VN"][index % 4], checked_in_at=timezone.now())

    with django_assert_max_num_queries(len(page_one.captured_queries)):
        response = client.get(url("checkin", event), {"q": "sok"})
    with django_assert_max_num_queries(len(panel_one.captured_queries)):
        client.get(url("checkin_counts", event))
    assert len(response.context["results"]) == 15


@pytest.mark.django_db(transaction=True)
def test_two_desks_scanning_the_same_badge_at_once_record_one_arrival():
    """Each thread has its own database connection, so the UPDATEs really race."""
    event = EventFactory()
    registration = register(event)
    barrier = Barrier(4)

    def scan(_):
        try:
            barrier.wait()
            return registration_check_in_by_token(event=event, scanned=registration.badge_token).outcome
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(scan, range(4)))

    assert outcomes == ["already", "already", "already", "checked_in"]
