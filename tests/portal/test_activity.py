"""The secretariat's activity page over the audit trail: who may open it, filters, rows, export."""

import csv
import io
from datetime import UTC, datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import audit_log
from events.models import Registration
from institutions.models import Institution
from tests.factories import EventFactory, InstitutionFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("activity")
EXPORT_URL = reverse("activity_export")


@pytest.fixture
def trail(roles):
    """A verification by the secretariat, an approval by an admin and an export by a member."""
    event = EventFactory(title="Phnom Penh Exchange Week")
    registration = RegistrationFactory(
        event=event,
        institution=roles.institution_b,
        user=UserFactory(display_name="Li Wei"),
        status=Registration.Status.PENDING,
    )
    LogEntry.objects.all().delete()  # the setup above is nobody's doing
    with set_actor(roles["secretariat"]):
        institution = Institution.objects.get(pk=roles.institution_a.pk)
        institution.verification_status = Institution.Verification.VERIFIED
        institution.save()
    with set_actor(roles["other_admin"]):
        registration.status = Registration.Status.APPROVED
        registration.save(update_fields=["status"])
    audit_log(
        action="events.registrations.exported",
        actor=roles["institution_admin"],
        target=event,
        event=event,
        data={"format": "csv"},
    )
    return {"event": event, "registration": registration}


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "role", ["participant", "other_member", "institution_admin", "other_admin", "pending_member", "no_institution"]
)
def test_everyone_but_the_secretariat_gets_404(client, roles, trail, role):
    client.force_login(roles[role])

    assert client.get(URL).status_code == 404
    assert client.get(EXPORT_URL).status_code == 404


def test_visitors_are_sent_to_sign_in(client, trail):
    for url in (URL, EXPORT_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_secretariat_sees_who_did_what_with_the_field_change_and_a_link(client, roles, trail):
    client.force_login(roles["secretariat"])

    response = client.get(URL)
    html = response.content.decode()

    assert response["Cache-Control"] == "private, no-store"
    assert "3 entries found." in html
    assert "Verified the institution Phnom Penh Polytechnic" in html
    assert "Approved the registration of Li Wei for Phnom Penh Exchange Week" in html
    assert "status: pending → approved" in html
    assert "Exported the registrations of Phnom Penh Exchange Week (csv)" in html
    assert str(roles["other_admin"]) in html
    assert f'href="{reverse("events:manage", kwargs={"slug": trail["event"].slug})}"' in html
    assert f'href="{roles.institution_a.get_absolute_url()}"' in html


def test_filter_by_person_name_or_email(client, roles, trail):
    client.force_login(roles["secretariat"])

    by_email = page(client, person=roles["other_admin"].email.upper())
    by_name = page(client, person=str(roles["institution_admin"])[2:])

    assert "1 entry found." in by_email
    assert "Approved the registration of Li Wei" in by_email
    assert "Exported the registrations" in by_name
    assert "Approved the registration" not in by_name


def test_filter_by_institution_name_or_id(client, roles, trail):
    client.force_login(roles["secretariat"])

    by_name = page(client, institution="Guangxi")
    by_id = page(client, institution=str(roles.institution_a.pk))
    unknown = page(client, institution="No such college")

    assert "Approved the registration of Li Wei" in by_name
    assert "Verified the institution" not in by_name
    assert "Verified the institution Phnom Penh Polytechnic" in by_id
    assert "Approved the registration" not in by_id
    assert "0 entries found." in unknown


def test_filter_by_event(client, roles, trail):
    client.force_login(roles["secretariat"])

    html = page(client, event=trail["event"].pk)

    assert "2 entries found." in html
    assert "Verified the institution" not in html


@pytest.mark.parametrize(
    ("action", "shown", "hidden"),
    [
        ("access", "Exported the registrations", "Verified the institution"),
        ("update", "Verified the institution", "Exported the registrations"),
        ("events.registrations.exported", "Exported the registrations", "Approved the registration"),
    ],
)
def test_filter_by_action(client, roles, trail, action, shown, hidden):
    client.force_login(roles["secretariat"])

    html = page(client, action=action)

    assert shown in html
    assert hidden not in html


def test_filter_by_dates(client, roles, trail):
    LogEntry.objects.filter(additional_data__action="events.registrations.exported").update(
        timestamp=datetime(2026, 1, 15, 10, tzinfo=UTC)
    )
    client.force_login(roles["secretariat"])

    january = page(client, date_from="2026-01-01", date_to="2026-01-31")
    from_february = page(client, date_from="2026-02-01")

    assert "1 entry found." in january
    assert "Exported the registrations" in january
    assert "Exported the registrations" not in from_february
    assert "Verified the institution" in from_february


def test_bad_filters_answer_with_a_message_not_an_error(client, roles, trail):
    client.force_login(roles["secretariat"])

    html = page(client, date_from="yesterday", date_to="31.12.", event="999999")

    assert "Some filters were not understood and are ignored" in html
    assert "3 entries found." in html


def test_control_characters_in_a_filter_are_refused_before_the_page(client, roles, trail):
    client.force_login(roles["secretariat"])

    response = client.get(reverse("activity"), {"person": "li\x00"})

    assert (response.status_code, response.content.decode()) == (
        400,
        "The request contains control characters and cannot be processed.",
    )


def test_end_before_start_is_refused_with_a_message(client, roles, trail):
    client.force_login(roles["secretariat"])

    html = page(client, date_from="2026-02-01", date_to="2026-01-01")

    assert "The end date is before the start date." in html


def test_htmx_gets_the_results_only_with_page_links_that_also_work_without_it(client, roles, trail):
    for number in range(60):
        audit_log(action="institutions.directory.exported", actor=roles["participant"], data={"n": number})
    client.force_login(roles["secretariat"])

    response = client.get(URL, {"person": roles["participant"].email}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert "<form" not in html
    assert "60 entries found." in html
    assert "Page 1 of 2" in html
    assert 'href="?person=' in html
    assert 'hx-get="?person=' in html
    assert 'hx-push-url="true"' in html
    assert "HX-Request" in response["Vary"]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


@pytest.mark.parametrize("item_count", [1, 3])
def test_page_runs_the_same_queries_whatever_the_number_of_entries(client, roles, item_count):
    def make(count: int) -> None:
        for _ in range(count):
            event = EventFactory()
            institution = InstitutionFactory()
            with set_actor(UserFactory()):
                RegistrationFactory(event=event, institution=institution)
            audit_log(action="events.badges.printed", actor=UserFactory(), target=event, event=event)

    client.force_login(roles["secretariat"])
    client.get(URL)  # the signed-in user is kept in the cache from the first page on
    make(1)
    baseline = _queries(client)
    make(item_count)

    assert _queries(client) == baseline


def test_export_holds_the_filtered_rows_and_is_itself_recorded(client, roles, trail):
    client.force_login(roles["secretariat"])

    response = client.get(EXPORT_URL, {"event": trail["event"].pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert rows[0][:4] == ["Time (UTC)", "Person", "Email", "What"]
    assert [row[3] for row in rows[1:]] == [
        "Exported the registrations of Phnom Penh Exchange Week (csv)",
        "Approved the registration of Li Wei for Phnom Penh Exchange Week",
    ]
    assert rows[2][4] == "status: pending → approved"
    assert rows[2][2] == roles["other_admin"].email
    entry = LogEntry.objects.get(additional_data__action="portal.activity.exported")
    assert (entry.actor, entry.action) == (roles["secretariat"], LogEntry.Action.ACCESS)
    assert entry.additional_data["query"] == f"event={trail['event'].pk}"


def test_export_neutralises_spreadsheet_formulas(client, roles):
    LogEntry.objects.all().delete()
    audit_log(action="a.b.exported", actor=UserFactory(display_name="=HYPERLINK(1)"))
    client.force_login(roles["secretariat"])

    response = client.get(EXPORT_URL, {"action": "a.b.exported"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")

    assert "'=HYPERLINK(1)" in content


def test_dashboard_links_the_activity_page_for_the_secretariat_only(client, roles):
    client.force_login(roles["secretariat"])
    assert f'href="{URL}"' in client.get(reverse("dashboard")).content.decode()

    client.force_login(roles["institution_admin"])
    assert f'href="{URL}"' not in client.get(reverse("dashboard")).content.decode()


def test_every_recorded_action_has_a_sentence_and_a_filter_choice():
    from portal.activity import ACTION_FILTER_CHOICES, EXPLICIT_SENTENCES

    recorded = {value for value, _label in ACTION_FILTER_CHOICES[2][1]}

    assert recorded == set(EXPLICIT_SENTENCES)


def test_import_entries_read_as_sentences(roles):
    from portal.activity import activity_rows

    event = EventFactory(title="Phnom Penh Exchange Week")
    audit_log(
        action="events.registrations.imported",
        actor=roles["secretariat"],
        target=event,
        event=event,
        data={"created": 120, "updated": 4},
    )

    (row,) = activity_rows([LogEntry.objects.get(additional_data__action="events.registrations.imported")])
    assert row.what == "Imported participants into Phnom Penh Exchange Week: 120 added, 4 updated"
