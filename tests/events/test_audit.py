"""The audit trail records who decided on registrations, checked people in, ran and published
schedules, and who exported or printed the personal data of an event."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from events.models import Event, Registration, Session
from events.services_manage import event_change_status
from matchmaking.models import Meeting, MeetingRequest
from matchmaking.scheduler import generate_slots, publish_schedule, run_scheduler
from portal.activity import activity_rows
from tests.events.conftest import register
from tests.factories import MatchmakingSessionFactory, MeetingRequestFactory

pytestmark = pytest.mark.django_db


def entries_for(obj) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk)).order_by("pk"))


def explicit(action: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__action=action).order_by("pk"))


def sentence(entry: LogEntry) -> str:
    return activity_rows([entry])[0].what


def action_url(event, registration, action: str) -> str:
    return reverse("events:registration_action", kwargs={"slug": event.slug, "pk": registration.pk, "action": action})


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("approve", "Approved the registration of Sok Dara for Phnom Penh Exchange Week"),
        ("reject", "Declined the registration of Sok Dara for Phnom Penh Exchange Week"),
        ("cancel", "Cancelled the registration of Sok Dara for Phnom Penh Exchange Week"),
    ],
)
def test_registration_decisions_say_who_decided_what_for_whom(client, roles, event, action, expected):
    registration = register(event, name="Sok Dara", status=Registration.Status.PENDING)
    client.force_login(roles["institution_admin"])

    client.post(action_url(event, registration, action))

    entry = entries_for(registration)[-1]
    assert (entry.action, entry.actor, sentence(entry)) == (
        LogEntry.Action.UPDATE,
        roles["institution_admin"],
        expected,
    )
    assert entry.additional_data == {
        "institution": registration.institution_id,
        "event": event.pk,
        "person": "Sok Dara",
    }


def test_refused_registration_decision_records_nothing(client, roles, event):
    registration = register(event, name="Sok Dara", status=Registration.Status.PENDING)
    client.force_login(roles["other_admin"])

    response = client.post(action_url(event, registration, "approve"))

    assert (response.status_code, entries_for(registration)[1:]) == (404, [])


def test_bulk_approval_records_one_entry_per_registration(client, roles, event):
    first = register(event, name="Sok Dara", status=Registration.Status.PENDING)
    second = register(event, name="Chan Vanna", status=Registration.Status.PENDING)
    client.force_login(roles["institution_admin"])

    client.post(
        reverse("events:registrations_bulk_approve", kwargs={"slug": event.slug}), {"ids": [first.pk, second.pk]}
    )

    entries = explicit("events.registration.approved")
    assert [(e.object_pk, e.actor, e.additional_data["event"]) for e in entries] == [
        (str(first.pk), roles["institution_admin"], event.pk),
        (str(second.pk), roles["institution_admin"], event.pk),
    ]
    assert sentence(entries[0]) == "Approved the registration of Sok Dara for Phnom Penh Exchange Week"


def test_check_in_and_its_undoing_are_recorded_with_the_desk_person(client, roles, event):
    registration = register(event, name="Sok Dara")
    client.force_login(roles["institution_admin"])
    url = reverse("events:checkin_registration", kwargs={"slug": event.slug, "pk": registration.pk})

    client.post(url)
    client.post(url, {"action": "undo"})

    checked_in = explicit("events.registration.checked_in")
    undone = explicit("events.registration.check_in_undone")
    assert [(e.actor, e.additional_data["event"], e.additional_data["institution"]) for e in checked_in + undone] == [
        (roles["institution_admin"], event.pk, registration.institution_id),
        (roles["institution_admin"], event.pk, registration.institution_id),
    ]
    assert sentence(checked_in[0]) == "Checked in Sok Dara at Phnom Penh Exchange Week"
    assert sentence(undone[0]) == "Undid the check-in of Sok Dara at Phnom Penh Exchange Week"


def test_a_second_scan_records_no_second_check_in(client, roles, event):
    registration = register(event, name="Sok Dara")
    client.force_login(roles["institution_admin"])
    url = reverse("events:checkin_registration", kwargs={"slug": event.slug, "pk": registration.pk})

    client.post(url)
    client.post(url)

    assert len(explicit("events.registration.checked_in")) == 1


def test_scheduler_run_and_publication_are_recorded_with_their_counts(roles, event):
    session = MatchmakingSessionFactory(event=event, table_count=2, title="B2B matchmaking")
    requester, recipient = register(event, name="Sok Dara"), register(event, name="Li Wei", country="CN")
    request = MeetingRequestFactory(
        session=session, requester=requester, recipient=recipient, status=MeetingRequest.Status.ACCEPTED
    )
    Meeting.objects.create(request=request, session=session)
    generate_slots(session=session)
    organiser = roles["institution_admin"]

    run_scheduler(session=session, by=organiser)
    publish_schedule(session=session, by=organiser)

    (run,) = explicit("events.schedule.run")
    (published,) = explicit("events.schedule.published")
    assert (run.actor, run.additional_data["event"], run.additional_data["placed"]) == (organiser, event.pk, 1)
    assert (published.actor, published.additional_data["new"]) == (organiser, 1)
    assert (
        sentence(run)
        == "Ran the scheduler for B2B matchmaking at Phnom Penh Exchange Week: 1 meetings placed, 0 not placed"
    )
    assert sentence(published) == (
        "Published the schedule of B2B matchmaking at Phnom Penh Exchange Week: 1 new, 0 moved, 0 cancelled meetings"
    )
    # The session's own bookkeeping columns add no second, unreadable entry.
    changed = {name for e in entries_for(Session.objects.get(pk=session.pk)) for name in e.changes_dict}
    assert changed & {"scheduled_at", "published_at", "publication_count"} == set()


def test_scheduler_run_through_the_page_records_the_organiser(client, roles, event):
    session = MatchmakingSessionFactory(event=event, table_count=2)
    generate_slots(session=session)
    client.force_login(roles["institution_admin"])

    client.post(reverse("matchmaking:matchmaking_run", kwargs={"slug": event.slug, "pk": session.pk}))

    (run,) = explicit("events.schedule.run")
    assert (run.actor, run.additional_data["event"]) == (roles["institution_admin"], event.pk)


def test_meeting_changes_are_filed_under_both_institutions(event):
    requester, recipient = register(event, name="Sok Dara"), register(event, name="Li Wei", country="CN")
    session = MatchmakingSessionFactory(event=event)
    request = MeetingRequestFactory(session=session, requester=requester, recipient=recipient)

    meeting = Meeting.objects.create(request=request, session=session)

    (entry,) = entries_for(meeting)
    assert entry.additional_data == {
        "institution": requester.institution_id,
        "event": event.pk,
        "institutions": sorted([requester.institution_id, recipient.institution_id]),
    }


def test_event_status_change_is_recorded_with_the_actor(roles, event):
    with set_actor(roles["secretariat"]):
        event_change_status(event=event, status=Event.Status.CLOSED)

    entry = entries_for(event)[-1]
    row = activity_rows([entry])[0]
    assert (entry.actor, entry.additional_data) == (roles["secretariat"], {"institution": None, "event": event.pk})
    assert [(c.label, c.old, c.new) for c in row.changes] == [("status", "published", "closed")]


@pytest.mark.parametrize(
    ("name", "file_format"), [("registrations_export_csv", "csv"), ("registrations_export_xlsx", "xlsx")]
)
def test_registration_exports_are_recorded_as_reads(client, roles, event, name, file_format):
    register(event, name="Sok Dara")
    client.force_login(roles["institution_admin"])

    response = client.get(reverse(f"events:{name}", kwargs={"slug": event.slug}), {"status": "approved"})
    assert response.status_code == 200

    (entry,) = explicit("events.registrations.exported")
    assert (entry.action, entry.actor, entry.additional_data["event"]) == (
        LogEntry.Action.ACCESS,
        roles["institution_admin"],
        event.pk,
    )
    assert (entry.additional_data["format"], entry.additional_data["query"]) == (file_format, "status=approved")
    assert sentence(entry) == f"Exported the registrations of Phnom Penh Exchange Week ({file_format})"


def test_refused_export_records_nothing(client, roles, event):
    client.force_login(roles["other_admin"])

    response = client.get(reverse("events:registrations_export_csv", kwargs={"slug": event.slug}))

    assert (response.status_code, explicit("events.registrations.exported")) == (404, [])


@pytest.mark.parametrize("name", ["contacts_vcf", "contacts_csv"])
def test_contact_exports_are_recorded(client, event, name):
    registration = register(event, name="Sok Dara")
    client.force_login(registration.user)

    assert client.get(reverse(f"events:{name}", kwargs={"slug": event.slug})).status_code == 200

    (entry,) = explicit("events.contacts.exported")
    assert (entry.actor, entry.object_pk, entry.additional_data["event"]) == (
        registration.user,
        str(registration.pk),
        event.pk,
    )


def test_badge_printing_and_report_pdf_are_recorded(client, roles, event):
    register(event, name="Sok Dara")
    client.force_login(roles["institution_admin"])

    client.get(reverse("events:badges", kwargs={"slug": event.slug}))
    client.get(reverse("matchmaking:report_pdf", kwargs={"slug": event.slug}))

    (badges,) = explicit("events.badges.printed")
    (report,) = explicit("events.report.downloaded")
    assert (badges.actor, badges.additional_data["count"], badges.additional_data["event"]) == (
        roles["institution_admin"],
        1,
        event.pk,
    )
    assert (report.actor, report.action, sentence(report)) == (
        roles["institution_admin"],
        LogEntry.Action.ACCESS,
        "Downloaded the report of Phnom Penh Exchange Week as PDF",
    )


def test_registration_tokens_never_enter_the_trail(event):
    registration = register(event, name="Sok Dara")

    (entry,) = entries_for(registration)

    assert {"badge_token", "contact_token", "survey_token"} & set(entry.changes_dict) == set()
    assert registration.badge_token not in str(entry.changes)
