"""``core.audit``: the one path for explicit audit entries, and the models registered with auditlog."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.audit import audit_disabled, audit_log, audit_scope
from institutions.models import Institution, Membership, Need, Offer
from portal.models import User
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def latest() -> LogEntry:
    return LogEntry.objects.order_by("-pk").first()


def test_explicit_entry_keeps_actor_action_institution_event_and_data():
    person, institution, event = UserFactory(), InstitutionFactory(), EventFactory()

    audit_log(
        action="events.schedule.published",
        actor=person,
        target=event,
        institution=institution,
        event=event.pk,
        data={"new": 3},
    )

    entry = latest()
    assert (entry.action, entry.actor, entry.actor_email) == (LogEntry.Action.UPDATE, person, person.email)
    assert (entry.content_type.model, entry.object_pk, entry.object_repr) == ("event", str(event.pk), event.title)
    assert entry.additional_data == {
        "action": "events.schedule.published",
        "institution": institution.pk,
        "event": event.pk,
        "new": 3,
    }


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("events.registrations.exported", LogEntry.Action.ACCESS),
        ("mous.document.downloaded", LogEntry.Action.ACCESS),
        ("events.badges.printed", LogEntry.Action.ACCESS),
        ("events.schedule.run", LogEntry.Action.UPDATE),
    ],
)
def test_reads_are_recorded_as_access_and_the_rest_as_updates(action, expected):
    audit_log(action=action, actor=UserFactory())

    assert latest().action == expected


def test_without_a_target_the_event_then_the_institution_then_the_actor_stands_for_it():
    person, institution, event = UserFactory(), InstitutionFactory(), EventFactory()

    audit_log(action="a.b.exported", actor=person, institution=institution, event=event)
    on_event = latest()
    audit_log(action="a.b.exported", actor=person, institution=institution)
    on_institution = latest()
    audit_log(action="a.b.exported", actor=person)
    on_actor = latest()

    assert [e.content_type.model for e in (on_event, on_institution, on_actor)] == ["event", "institution", "user"]


def test_an_anonymous_actor_is_recorded_as_nobody():
    event = EventFactory()

    audit_log(action="mous.document.downloaded", actor=AnonymousUser(), target=event)

    assert (latest().actor, latest().actor_email) == (None, None)


def test_no_actor_means_the_person_of_the_current_request_or_task():
    person, event = UserFactory(), EventFactory()

    with set_actor(person):
        audit_log(action="events.registration.checked_in", actor=None, target=event)

    assert latest().actor == person


def test_an_entry_needs_something_to_attach_to():
    with pytest.raises(ValueError, match="needs a target"):
        audit_log(action="a.b.exported", actor=None)
    assert LogEntry.objects.count() == 0


def test_nothing_is_recorded_while_the_trail_is_switched_off():
    with audit_disabled():
        institution = InstitutionFactory()
        audit_log(action="institutions.directory.exported", actor=UserFactory(), institution=institution)

    assert LogEntry.objects.count() == 0


def test_scope_accepts_objects_and_ids_and_lists_every_institution_once():
    institution = InstitutionFactory()
    other = institution.pk + 1000  # an id, never the institution's own

    assert audit_scope(institution=institution, event=7, institutions=[institution, other, None, other]) == {
        "institution": institution.pk,
        "event": 7,
        "institutions": sorted([other, institution.pk]),
    }


def test_model_changes_are_filed_under_their_institution():
    institution = InstitutionFactory()
    offer = OfferFactory(institution=institution)
    need = NeedFactory(institution=institution)
    membership = MembershipFactory(institution=institution, user=UserFactory(display_name="Li Wei"))

    scopes = {
        model: LogEntry.objects.get(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(obj.pk)
        ).additional_data
        for model, obj in ((Institution, institution), (Offer, offer), (Need, need), (Membership, membership))
    }

    assert scopes == {
        Institution: {"institution": institution.pk, "event": None},
        Offer: {"institution": institution.pk, "event": None},
        Need: {"institution": institution.pk, "event": None},
        Membership: {"institution": institution.pk, "event": None, "person": "Li Wei"},
    }


def test_derived_search_columns_never_enter_the_trail():
    institution = InstitutionFactory(name="Mekong Skills Academy")

    institution.name = "Mekong Skills Academy of Laos"
    institution.save()

    entry = latest()
    assert set(entry.changes_dict) == {"name"}


def test_password_and_sign_in_time_never_enter_the_trail():
    person = UserFactory()

    person.set_password("another-password-2026")
    person.save()

    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), action=1).count() == 0
    created = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(User), object_pk=str(person.pk))
    assert {"password", "last_login"} & set(created.changes_dict) == set()


def test_joining_the_secretariat_group_is_recorded():
    person, admin = UserFactory(), UserFactory()
    group = Group.objects.get_or_create(name="Secretariat")[0]

    with set_actor(admin):
        person.groups.add(group)

    entry = latest()
    assert (entry.actor, entry.object_pk) == (admin, str(person.pk))
    assert entry.changes_dict == {"groups": {"type": "m2m", "operation": "add", "objects": ["Secretariat"]}}


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # the header is ignored: anyone can write it
        (0, "not an address", "127.0.0.1"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the address the proxy saw, not the forged one
        (1, "<script>", None),  # never text the database would refuse
        (2, "203.0.113.9", "127.0.0.1"),  # fewer hops than proxies: the connection's address
    ],
)
def test_recorded_address_cannot_be_forged(client, settings, trusted, forwarded, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted
    person = UserFactory()
    client.force_login(person)
    LogEntry.objects.all().delete()

    response = client.get(reverse("institutions:export_csv"), headers={"X-Forwarded-For": forwarded})

    assert response.status_code == 200
    assert LogEntry.objects.get().remote_addr == expected


def test_recording_a_new_event_leaves_its_reverse_relations_alone():
    """auditlog would read ``event.survey`` of a new event and cache that it has none."""
    from events.models import Survey

    event = EventFactory()
    Survey.objects.create(event=event, title="Networking survey")

    assert event.survey.title == "Networking survey"
    created = LogEntry.objects.get(content_type__model="event", object_pk=str(event.pk))
    assert {"survey", "registrations", "sessions"} & set(created.changes_dict) == set()
