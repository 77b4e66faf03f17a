"""Name badges: print-ready A6 and A4 pages, QR codes that carry the badge token, never an id."""

import re
import secrets
from pathlib import Path

import pytest
import segno
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from core.qr import qr_svg
from events.badges import badge_registrations, sheets
from events.models import Registration
from events.qr import checkin_url, token_from_scan
from tests.events.conftest import register
from tests.factories import (
    DelegationFactory,
    EventFactory,
    InstitutionFactory,
)

pytestmark = pytest.mark.django_db


def badges_url(event, **params) -> str:
    url = reverse("events:badges", kwargs={"slug": event.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretariat", 200),
        ("institution_admin", 200),  # admin of the organiser institution
        ("participant", 404),  # a plain member of the organiser institution
        ("other_admin", 404),
        ("other_member", 404),
        ("no_institution", 404),
    ],
)
def test_badge_sheet_is_for_the_people_who_run_the_event(client, roles, event, role, status):
    register(event, name="Sok Dara")
    client.force_login(roles[role])

    response = client.get(badges_url(event))

    assert response.status_code == status
    assert (b"Sok Dara" in response.content) == (status == 200)


def test_visitor_is_sent_to_sign_in(client, event):
    response = client.get(badges_url(event))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_badge_qr_code_carries_the_token_url_and_never_the_id(client, rf, roles, event):
    registration = register(event, name="Sok Dara", job_title="Director")
    client.force_login(roles["secretariat"])

    response = client.get(badges_url(event))

    badge = response.context["badges"][0]
    assert badge.registration == registration
    expected = f"http://testserver/events/{event.slug}/check-in/scan/{registration.badge_token}/"
    assert badge.qr_payload == expected
    assert f"/{registration.pk}/" not in badge.qr_payload
    # The SVG on the page is the QR code of exactly that URL (segno's output is deterministic).
    assert str(qr_svg(expected)) in response.content.decode()
    assert str(badge.qr).startswith("<svg")
    html = response.content.decode()
    for text in ("Sok Dara", "Director", registration.institution.name, "Cambodia", "Delegate"):
        assert text in html


def test_checkin_url_round_trips_through_token_from_scan(event):
    registration = register(event)

    assert token_from_scan(checkin_url(registration)) == registration.badge_token
    assert token_from_scan("https://portal.example/" + checkin_url(registration)) == registration.badge_token
    assert token_from_scan(f"  {registration.badge_token}\n") == registration.badge_token
    assert token_from_scan("https://example.org/some/page/") is None
    assert token_from_scan(str(registration.pk)) is None


def test_local_script_names_are_on_the_badges(client, roles, event):
    chinese = InstitutionFactory(name="Shenzhen Polytechnic", name_local="深圳职业技术大学", country="CN")
    names = ["李文", "ចាន់ សុភា", "สมชาย ใจดี", "Nguyễn Thị Lan"]
    for name in names:
        register(event, name=name, institution=chinese if name == "李文" else None)
    client.force_login(roles["secretariat"])

    html = client.get(badges_url(event)).content.decode()

    for name in [*names, "深圳职业技术大学"]:
        assert name in html
    assert '<meta charset="utf-8">' in html


@pytest.mark.parametrize(("layout", "page_size", "pages"), [("a6", "105mm 148mm", 5), ("a4", "210mm 297mm", 2)])
def test_layouts_set_the_page_size_and_group_badges(client, roles, event, layout, page_size, pages):
    for index in range(5):
        register(event, name=f"Person {index}")
    client.force_login(roles["secretariat"])

    response = client.get(badges_url(event, layout=layout))

    html = response.content.decode()
    # The page size comes from a stylesheet of its own: the CSP allows no inline <style>.
    stylesheet = f"css/badge-page-{layout}.css"
    assert f'href="{static(stylesheet)}"' in html
    assert re.search(rf"@page\s*{{\s*size:\s*{page_size};", Path(finders.find(stylesheet)).read_text())
    assert f"badge-layout-{layout}" in html
    assert html.count('class="badge-page"') == pages
    assert html.count('class="name-badge"') == 5


def test_unknown_layout_falls_back_to_a6(client, roles, event):
    register(event)
    client.force_login(roles["secretariat"])

    response = client.get(badges_url(event, layout="letter"))

    assert response.context["layout"] == "a6"


def test_sheets_group_four_badges_per_a4_page():
    assert [len(page) for page in sheets(list(range(9)), "a4")] == [4, 4, 1]
    assert [len(page) for page in sheets(list(range(3)), "a6")] == [1, 1, 1]


def test_only_approved_registrations_of_this_event_get_badges(client, roles, event):
    approved = register(event, name="Approved Person")
    for status in (Registration.Status.PENDING, Registration.Status.REJECTED, Registration.Status.CANCELLED):
        register(event, name=f"Not {status}", status=status)
    register(EventFactory(), name="Elsewhere Person")
    client.force_login(roles["secretariat"])

    response = client.get(badges_url(event))

    assert [badge.registration for badge in response.context["badges"]] == [approved]


def test_filter_by_delegation_and_reprint_one(client, roles, event):
    delegation = DelegationFactory(event=event, name="Cambodian delegation")
    members = [register(event, name=f"Member {i}", delegation=delegation) for i in range(2)]
    outsider = register(event, name="Outsider")
    client.force_login(roles["secretariat"])

    by_delegation = client.get(badges_url(event, delegation=delegation.pk))
    one = client.get(badges_url(event, registration=outsider.pk))

    assert {badge.registration for badge in by_delegation.context["badges"]} == set(members)
    assert [badge.registration for badge in one.context["badges"]] == [outsider]


def test_another_events_delegation_is_ignored(roles, event):
    register(event)
    foreign = DelegationFactory(event=EventFactory())

    assert badge_registrations(event, delegation=None).count() == 1
    assert badge_registrations(event, delegation=foreign).count() == 0


def test_badge_sheet_makes_a_fixed_number_of_queries(client, roles, event, django_assert_max_num_queries):
    client.force_login(roles["secretariat"])
    register(event)
    with django_assert_max_num_queries(12) as one:
        client.get(badges_url(event))
    for _ in range(15):
        register(event)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(badges_url(event))
    assert len(response.context["badges"]) == 16


# --- a participant's own badge -------------------------------------------------------------


def my_badge_url(event) -> str:
    return reverse("events:my_badge", kwargs={"slug": event.slug})


def test_participant_sees_own_badge_with_its_qr_code(client, event):
    registration = register(event, name="ចាន់ សុភា")
    client.force_login(registration.user)

    response = client.get(my_badge_url(event))

    assert response.status_code == 200
    assert response.context["badge"].registration == registration
    assert registration.badge_token in response.context["badge"].qr_payload
    assert "ចាន់ សុភា" in response.content.decode()


@pytest.mark.parametrize("status", [Registration.Status.PENDING, Registration.Status.CANCELLED])
def test_no_badge_before_approval(client, event, status):
    registration = register(event, status=status)
    client.force_login(registration.user)

    assert client.get(my_badge_url(event)).status_code == 404


def test_nobody_sees_someone_elses_badge(client, roles, event):
    register(event, name="Sok Dara")
    client.force_login(roles["other_member"])

    response = client.get(my_badge_url(event))

    assert response.status_code == 404


def test_own_badge_needs_sign_in(client, event):
    response = client.get(my_badge_url(event))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_large_events_print_page_by_page(client, roles, event, monkeypatch):
    monkeypatch.setattr("events.views_checkin.BADGES_PER_PRINT_PAGE", 4)
    everyone = [register(event, name=f"Person {index}") for index in range(6)]
    client.force_login(roles["secretariat"])

    first = client.get(badges_url(event, layout="a4"))
    second = client.get(badges_url(event, layout="a4", page=2))

    printed = [badge.registration for badge in first.context["badges"] + second.context["badges"]]
    assert sorted(printed, key=lambda r: r.pk) == everyone
    assert len(first.context["badges"]) == 4
    assert "badges 5 to 6" in second.content.decode()
    assert "layout=a4" in first.content.decode()  # the next-page link keeps the layout


def test_qr_code_is_drawn_once_per_payload(monkeypatch):
    calls = []

    def counting_make(*args, **kwargs):
        calls.append(args[0])
        return segno.make(*args, **kwargs)

    monkeypatch.setattr("core.qr.segno", type("Segno", (), {"make": staticmethod(counting_make)}))
    payload = f"https://portal.example.org/events/x/check-in/scan/{secrets.token_urlsafe(24)}/"

    first, again = qr_svg(payload), qr_svg(payload)

    assert first == again
    assert calls == [payload]
