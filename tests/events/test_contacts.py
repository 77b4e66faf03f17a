"""Contact exchange by QR code: consent, the exchange rules, my contacts, vCard and CSV exports."""

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection
from django.urls import reverse

from core.qr import qr_svg
from events.contacts import contact_card, contact_exchange, contacts_csv, token_from_contact_scan, vcards
from events.models import Contact, Registration
from tests.factories import (
    ContactFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def participant(event, *, name="", shares=True, country="KH", title="", **kwargs) -> Registration:
    institution = kwargs.pop("institution", None) or InstitutionFactory(country=country)
    user = MembershipFactory(user=UserFactory(display_name=name, verified_email=True), institution=institution).user
    return RegistrationFactory(
        event=event, user=user, institution=institution, shares_contact=shares, job_title=title, **kwargs
    )


def pairs(*registrations) -> set[tuple[int, int]]:
    return set(
        Contact.objects.filter(owner__in=registrations).values_list("owner_id", "contact_id").order_by("owner_id")
    )


@pytest.fixture
def event():
    return EventFactory(title="Phnom Penh Exchange Week")


@pytest.fixture
def alice(event):
    return participant(event, name="Sok Dara")


@pytest.fixture
def bob(event):
    return participant(event, name="李明", country="CN")


def add_url(registration) -> str:
    return reverse("events:contact_add", kwargs={"token": registration.contact_token})


def page_url(name, event, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


# --- the exchange rules ----------------------------------------------------------------------


def test_both_consenting_scan_stores_one_row_in_each_direction(client, alice, bob):
    client.force_login(alice.user)
    response = client.post(add_url(bob))
    assert response.status_code == 302
    assert response["Location"] == page_url("my_contacts", alice.event)
    assert pairs(alice, bob) == {(alice.pk, bob.pk), (bob.pk, alice.pk)}
    assert set(Contact.objects.values_list("event_id", flat=True)) == {alice.event_id}


def test_scanning_again_is_idempotent_and_says_so(client, alice, bob):
    client.force_login(alice.user)
    client.post(add_url(bob))
    response = client.post(add_url(bob), follow=True)
    assert "Already in your contacts." in response.content.decode()
    assert Contact.objects.count() == 2
    # The other side scanning back adds nothing either.
    assert contact_exchange(user=bob.user, theirs=alice).outcome == "already"
    assert Contact.objects.count() == 2


def test_other_not_consenting_stores_nothing_and_reveals_no_name(client, alice, event):
    shy = participant(event, name="Nguyen Van An", shares=False)
    client.force_login(alice.user)
    page = client.get(add_url(shy)).content.decode()
    assert "This participant does not exchange contact details." in page
    assert "Nguyen Van An" not in page
    assert "Add to my contacts" not in page
    response = client.post(add_url(shy))
    assert response.status_code == 200
    assert "This participant does not exchange contact details." in response.content.decode()
    assert Contact.objects.count() == 0


def test_scanner_not_consenting_is_asked_to_turn_it_on(client, event, bob):
    scanner = participant(event, shares=False)
    client.force_login(scanner.user)
    response = client.post(add_url(bob))
    assert "Exchange my contact details by scanning" in response.content.decode()
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("status", [Registration.Status.PENDING, Registration.Status.CANCELLED])
def test_registration_not_approved_cannot_be_added(client, alice, event, status):
    other = participant(event, name="Pending Person", status=status)
    client.force_login(alice.user)
    response = client.post(add_url(other))
    assert "does not exchange contact details" in response.content.decode()
    assert Contact.objects.count() == 0


def test_code_of_another_event_is_refused(client, alice):
    stranger = participant(EventFactory(), name="Somchai Jaidee")
    client.force_login(alice.user)
    page = client.get(add_url(stranger)).content.decode()
    assert "This code belongs to another event" in page
    assert "Somchai Jaidee" not in page
    client.post(add_url(stranger))
    assert Contact.objects.count() == 0


def test_own_code_is_refused(client, alice):
    client.force_login(alice.user)
    response = client.post(add_url(alice))
    assert "This is your own code" in response.content.decode()
    assert Contact.objects.count() == 0


def test_unknown_token_is_404(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("events:contact_add", kwargs={"token": "x" * 32})).status_code == 404
    assert client.post(reverse("events:contact_add", kwargs={"token": "x" * 32})).status_code == 404


def test_the_badge_token_is_not_a_contact_code(client, alice, bob):
    client.force_login(alice.user)
    assert client.get(reverse("events:contact_add", kwargs={"token": bob.badge_token})).status_code == 404


def test_code_page_needs_sign_in(client, bob):
    response = client.get(add_url(bob))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.post(add_url(bob)).status_code == 302
    assert Contact.objects.count() == 0


def test_get_shows_who_and_a_confirm_button_without_storing(client, alice, bob):
    client.force_login(alice.user)
    page = client.get(add_url(bob)).content.decode()
    assert "李明" in page
    assert bob.institution.name in page
    assert "Add to my contacts" in page
    assert Contact.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_phones_scanning_each_other_at_once_do_not_error():
    """Each thread has its own connection, so both INSERTs really race on the unique pair."""
    event = EventFactory()
    alice, bob = participant(event), participant(event)
    barrier = Barrier(4)

    def scan(index):
        try:
            barrier.wait()
            scanner, scanned = (alice, bob) if index % 2 else (bob, alice)
            return contact_exchange(user=scanner.user, theirs=scanned).outcome
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(scan, range(4)))

    assert set(outcomes) <= {"added", "already"}
    assert pairs(alice, bob) == {(alice.pk, bob.pk), (bob.pk, alice.pk)}


def test_token_from_scan_accepts_the_url_or_the_bare_token(bob):
    url = "https://portal.example.org" + add_url(bob)
    assert token_from_contact_scan(url) == bob.contact_token
    assert token_from_contact_scan(f"  {bob.contact_token} ") == bob.contact_token
    checkin = reverse("events:checkin_scan", kwargs={"slug": bob.event.slug, "token": bob.badge_token})
    assert token_from_contact_scan("https://portal.example.org" + checkin) is None
    assert token_from_contact_scan("BEGIN:VCARD") is None
    assert token_from_contact_scan("../../etc/passwd") is None


# --- the page: consent, my code, the scanner ---------------------------------------------------


def test_consent_toggle_turns_sharing_on_and_off(client, event):
    me = participant(event, shares=False)
    client.force_login(me.user)
    page = client.get(page_url("my_contacts", event)).content.decode()
    assert "Exchange my contact details by scanning" in page
    assert me.contact_token not in page  # no code until I consent
    client.post(page_url("my_contacts", event), {"shares_contact": "on"})
    me.refresh_from_db()
    assert me.shares_contact is True
    page = client.get(page_url("my_contacts", event)).content.decode()
    assert add_url(me) in page
    assert "<svg" in page
    assert me.badge_token not in page
    client.post(page_url("my_contacts", event), {})
    me.refresh_from_db()
    assert me.shares_contact is False


def test_page_explains_what_is_shared(client, alice):
    client.force_login(alice.user)
    page = client.get(page_url("my_contacts", alice.event)).content.decode()
    assert "name, job title, institution, country and email" in page


@pytest.mark.parametrize("status", [Registration.Status.PENDING, Registration.Status.REJECTED])
def test_page_is_404_without_an_approved_registration(client, event, status):
    me = participant(event, status=status)
    client.force_login(me.user)
    assert client.get(page_url("my_contacts", event)).status_code == 404
    assert client.post(page_url("my_contacts", event), {"shares_contact": "on"}).status_code == 404
    me.refresh_from_db()
    assert me.shares_contact is True  # the fixture's value, unchanged by the refused POST


@pytest.mark.parametrize("person", ["secretariat", "institution_admin", "other_admin", "no_institution"])
def test_nobody_else_sees_a_participants_contacts(client, roles, alice, bob, person):
    """Not even the secretariat or the admin of the participant's institution: contacts are personal."""
    ContactFactory(owner=alice, contact=bob, event=alice.event)
    client.force_login(roles.people[person])
    event = alice.event
    assert client.get(page_url("my_contacts", event)).status_code == 404
    assert client.get(page_url("contacts_vcf", event)).status_code == 404
    assert client.get(page_url("contacts_csv", event)).status_code == 404
    contact = Contact.objects.get(owner=alice)
    assert client.post(page_url("contact_remove", event, pk=contact.pk)).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_visitors_are_sent_to_sign_in(client, event):
    for name in ("my_contacts", "contacts_vcf", "contacts_csv"):
        response = client.get(page_url(name, event))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_participant_cannot_remove_someone_elses_contact(client, event, alice, bob):
    third = participant(event)
    theirs = ContactFactory(owner=bob, contact=third, event=event)
    client.force_login(alice.user)
    assert client.post(page_url("contact_remove", event, pk=theirs.pk)).status_code == 404
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_remove_deletes_only_my_side(client, alice, bob):
    contact_exchange(user=alice.user, theirs=bob)
    client.force_login(alice.user)
    mine = Contact.objects.get(owner=alice)
    response = client.post(page_url("contact_remove", alice.event, pk=mine.pk))
    assert response.status_code == 302
    assert pairs(alice, bob) == {(bob.pk, alice.pk)}


def test_scanner_post_returns_the_preview_fragment(client, alice, bob):
    client.force_login(alice.user)
    url = "https://portal.example.org" + add_url(bob)
    response = client.post(page_url("contact_scan", alice.event), {"token": url}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'data-outcome="ok"' in body
    assert "李明" in body
    assert add_url(bob) in body  # the confirm form posts to the code's page
    assert Contact.objects.count() == 0


def test_manual_code_field_without_javascript_opens_the_code_page(client, alice, bob):
    client.force_login(alice.user)
    response = client.post(page_url("contact_scan", alice.event), {"token": bob.contact_token})
    assert response.status_code == 302
    assert response["Location"] == add_url(bob)


def test_unknown_typed_code_is_reported(client, alice):
    client.force_login(alice.user)
    response = client.post(page_url("contact_scan", alice.event), {"token": "not a code"}, follow=True)
    assert "Unknown code" in response.content.decode()
    fragment = client.post(
        page_url("contact_scan", alice.event), {"token": "z" * 32}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-outcome="unknown"' in fragment


def contact_qr(registration) -> str:
    """The QR drawing of a registration's contact code as the test client's host would encode it."""
    return str(qr_svg("http://testserver" + add_url(registration)))


def test_my_badge_page_shows_the_contact_code_only_with_consent(client, event):
    me = participant(event, shares=False)
    client.force_login(me.user)
    badge = reverse("events:my_badge", kwargs={"slug": event.slug})
    page = client.get(badge).content.decode()
    assert contact_qr(me) not in page
    assert page_url("my_contacts", event) in page
    Registration.objects.filter(pk=me.pk).update(shares_contact=True)
    assert contact_qr(me) in client.get(badge).content.decode()


def test_printed_badges_never_carry_the_contact_code(client, roles, alice):
    alice.event.organisers.add(roles.institution_a)
    client.force_login(roles.people["secretariat"])
    sheet = client.get(reverse("events:badges", kwargs={"slug": alice.event.slug})).content.decode()
    checkin = reverse("events:checkin_scan", kwargs={"slug": alice.event.slug, "token": alice.badge_token})
    assert str(qr_svg("http://testserver" + checkin)) in sheet
    assert contact_qr(alice) not in sheet


def test_my_events_links_to_my_contacts_for_approved_registrations(client, alice):
    client.force_login(alice.user)
    page = client.get(reverse("events:mine")).content.decode()
    assert page_url("my_contacts", alice.event) in page


# --- my contacts: list, withdrawn consent, exports --------------------------------------------


def test_list_shows_details_and_hides_the_email_of_someone_who_withdrew(client, event, alice):
    keen = participant(event, name="Siti Aminah", title="Dean", country="MY")
    withdrew = participant(event, name="Ly Sovann", country="KH")
    contact_exchange(user=alice.user, theirs=keen)
    contact_exchange(user=alice.user, theirs=withdrew)
    Registration.objects.filter(pk=withdrew.pk).update(shares_contact=False)
    client.force_login(alice.user)
    page = client.get(page_url("my_contacts", event)).content.decode()
    for shown in ("Siti Aminah", "Dean", keen.institution.name, "Malaysia", keen.user.email):
        assert shown in page
    assert keen.user.email in page
    assert "Ly Sovann" in page
    assert withdrew.user.email not in page
    assert withdrew.user.email not in client.get(page_url("contacts_vcf", event)).content.decode()
    assert withdrew.user.email not in client.get(page_url("contacts_csv", event)).content.decode()


def test_contacts_list_makes_a_fixed_number_of_queries(client, event, alice, django_assert_max_num_queries):
    ContactFactory(owner=alice, contact=participant(event), event=event)
    client.force_login(alice.user)
    url = page_url("my_contacts", event)
    client.get(url)  # the signed-in user is kept in the cache from the first page on
    with django_assert_max_num_queries(50) as one:
        client.get(url)
    for _ in range(15):
        ContactFactory(owner=alice, contact=participant(event), event=event)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        response = client.get(url)
    assert len(response.context["cards"]) == 16
    assert len(many.captured_queries) == len(one.captured_queries)


def parse_vcards(text: str) -> list[dict[str, str]]:
    """A small vCard 3.0 reader: unescapes values so the test checks the round trip, not the bytes."""

    def unescape(value: str) -> str:
        out, chars = [], iter(value)
        for char in chars:
            if char == "\\":
                nxt = next(chars)
                out.append("\n" if nxt in "nN" else nxt)
            else:
                out.append(char)
        return "".join(out)

    cards, card = [], None
    for line in text.split("\r\n"):
        if line == "BEGIN:VCARD":
            card = {}
        elif line == "END:VCARD":
            cards.append(card)
        elif line:
            key, _, value = line.partition(":")
            card[key.split(";")[0]] = value if key == "N" or key.startswith("ADR") else unescape(value)
    return cards


def test_vcard_escapes_commas_semicolons_and_newlines_and_keeps_scripts(client, event, alice):
    tricky = participant(
        event,
        name="Chan, Dara; Jr.",
        title="Head of Office\nInternational, Relations",
        institution=InstitutionFactory(name="Institute of Technology; Cambodia", country="KH"),
    )
    khmer = participant(event, name="សុខ ដារា", country="KH")
    chinese = participant(event, name="李明", country="CN")
    for other in (tricky, khmer, chinese):
        contact_exchange(user=alice.user, theirs=other)
    client.force_login(alice.user)
    response = client.get(page_url("contacts_vcf", event))
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.count("BEGIN:VCARD") == 3
    assert "VERSION:3.0\r\n" in text
    assert "FN:Chan\\, Dara\\; Jr.\r\n" in text
    assert "TITLE:Head of Office\\nInternational\\, Relations\r\n" in text
    cards = {card["FN"]: card for card in parse_vcards(text)}
    assert set(cards) == {"Chan, Dara; Jr.", "សុខ ដារា", "李明"}
    card = cards["Chan, Dara; Jr."]
    assert card["TITLE"] == "Head of Office\nInternational, Relations"
    assert card["ORG"] == "Institute of Technology; Cambodia"
    assert card["EMAIL"] == tricky.user.email
    assert card["N"].startswith("Chan\\, Dara\\; Jr.;")
    assert card["ADR"].endswith(";Cambodia")
    assert cards["李明"]["ADR"].endswith(";China")


def test_vcard_leaves_out_empty_title_and_withheld_email(alice, event):
    other = participant(event, name="No Title")
    contact = ContactFactory(owner=alice, contact=other, event=event)
    Registration.objects.filter(pk=other.pk).update(shares_contact=False)
    contact.contact.shares_contact = False
    text = vcards([contact_card(contact)])
    assert "TITLE" not in text
    assert "EMAIL" not in text
    assert "FN:No Title\r\n" in text


def test_csv_has_a_bom_and_neutralises_formulas(client, event, alice):
    evil = participant(event, name='=HYPERLINK("http://x")', title="+1 Dean")
    thai = participant(event, name="สมชาย ใจดี", country="TH")
    contact_exchange(user=alice.user, theirs=evil)
    contact_exchange(user=alice.user, theirs=thai)
    client.force_login(alice.user)
    response = client.get(page_url("contacts_csv", event))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Job title", "Institution", "Country", "Email"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {'\'=HYPERLINK("http://x")', "สมชาย ใจดี"}
    assert by_name['\'=HYPERLINK("http://x")'][1] == "'+1 Dean"
    assert by_name["สมชาย ใจดี"][3] == "Thailand"
    assert by_name["สมชาย ใจดี"][4] == thai.user.email


def test_csv_of_no_contacts_is_just_the_header(alice):
    text = contacts_csv([])
    assert text.startswith("\ufeff")
    assert len(list(csv.reader(io.StringIO(text[1:])))) == 1
