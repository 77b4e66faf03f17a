"""The audit trail records who edited, verified, joined, approved, removed and changed roles."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from institutions.models import Institution, Membership
from portal.activity import activity_rows
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.institutions.test_profile_edit import profile_data

pytestmark = pytest.mark.django_db


def entries_for(model, pk) -> list[LogEntry]:
    """The entries of one object, oldest first."""
    content_type = ContentType.objects.get_for_model(model)
    return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(pk)).order_by("pk"))


def sentence(entry: LogEntry) -> str:
    return activity_rows([entry])[0].what


def test_profile_edit_is_recorded_with_the_editor_the_institution_and_the_field_change(client, roles):
    institution = roles.institution_a
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:edit", args=[institution.slug]), profile_data(institution, city="Siem Reap"))

    entry = entries_for(Institution, institution.pk)[-1]
    row = activity_rows([entry])[0]
    assert (entry.action, entry.actor) == (LogEntry.Action.UPDATE, roles["institution_admin"])
    assert entry.additional_data == {"institution": institution.pk, "event": None}
    assert row.what == "Edited the institution Phnom Penh Polytechnic"
    assert [(c.label, c.old, c.new) for c in row.changes] == [("city", "Phnom Penh", "Siem Reap")]
    assert entry.remote_addr == "127.0.0.1"


def test_verification_is_recorded_as_verified_by_the_secretariat(client, secretariat_user):
    institution = InstitutionFactory(name="Mekong Skills Academy")
    client.force_login(secretariat_user)

    client.post(reverse("institutions:verification", args=[institution.slug]), {"decision": "verified"})

    entry = entries_for(Institution, institution.pk)[-1]
    assert (entry.actor, entry.additional_data["institution"]) == (secretariat_user, institution.pk)
    assert sentence(entry) == "Verified the institution Mekong Skills Academy"


def test_rejection_of_an_institution_is_recorded(client, secretariat_user):
    institution = InstitutionFactory(name="Mekong Skills Academy")
    client.force_login(secretariat_user)

    client.post(reverse("institutions:verification", args=[institution.slug]), {"decision": "rejected"})

    entry = entries_for(Institution, institution.pk)[-1]
    assert (entry.actor, sentence(entry)) == (secretariat_user, "Rejected the institution Mekong Skills Academy")


def test_join_request_and_its_approval_are_recorded(client):
    institution = InstitutionFactory(name="Mekong Skills Academy")
    admin = MembershipFactory(institution=institution, role=Membership.Role.ADMIN).user
    person = UserFactory(verified_email=True, display_name="Li Wei")
    client.force_login(person)
    client.post(reverse("institutions:join", args=[institution.slug]), {"job_title": "Dean"})
    membership = Membership.objects.get(user=person)
    client.force_login(admin)

    client.post(reverse("institutions:join_request_approve", args=[membership.pk]))

    asked, approved = entries_for(Membership, membership.pk)
    assert (asked.actor, sentence(asked)) == (person, "Li Wei asked to join Mekong Skills Academy")
    assert (approved.actor, sentence(approved)) == (
        admin,
        "Approved the request of Li Wei to join Mekong Skills Academy",
    )
    assert approved.additional_data == {"institution": institution.pk, "event": None, "person": "Li Wei"}


def test_rejected_join_request_is_recorded(client, secretariat_user):
    institution = InstitutionFactory(name="Mekong Skills Academy")
    membership = MembershipFactory(
        institution=institution, user=UserFactory(display_name="Li Wei"), status=Membership.Status.PENDING
    )
    client.force_login(secretariat_user)

    client.post(reverse("institutions:join_request_reject", args=[membership.pk]))

    entry = entries_for(Membership, membership.pk)[-1]
    assert (entry.action, entry.actor) == (LogEntry.Action.DELETE, secretariat_user)
    assert sentence(entry) == "Declined the request of Li Wei to join Mekong Skills Academy"


def test_role_change_is_recorded_with_old_and_new_role(client, roles):
    membership = Membership.objects.get(user=roles["participant"])
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:member_role", args=[roles.institution_a.slug, membership.pk]), {"role": "admin"})

    entry = entries_for(Membership, membership.pk)[-1]
    row = activity_rows([entry])[0]
    assert entry.actor == roles["institution_admin"]
    assert row.what == f"Changed the role of {roles['participant']} at Phnom Penh Polytechnic"
    assert [(c.label, c.old, c.new) for c in row.changes] == [("role", "member", "admin")]


def test_removal_of_a_member_is_recorded(client, roles):
    membership = Membership.objects.get(user=roles["participant"])
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:member_remove", args=[roles.institution_a.slug, membership.pk]))

    entry = entries_for(Membership, membership.pk)[-1]
    assert (entry.action, entry.actor) == (LogEntry.Action.DELETE, roles["institution_admin"])
    assert sentence(entry) == f"Removed {roles['participant']} from Phnom Penh Polytechnic"
    assert entry.additional_data["institution"] == roles.institution_a.pk


def test_refused_role_change_records_nothing(client, roles):
    """A member without the right changes nothing, and nothing is recorded."""
    membership = Membership.objects.get(user=roles["participant"])
    before = LogEntry.objects.count()
    client.force_login(roles["other_admin"])

    response = client.post(
        reverse("institutions:member_role", args=[roles.institution_a.slug, membership.pk]), {"role": "admin"}
    )

    assert (response.status_code, LogEntry.objects.count()) == (404, before)


def test_directory_export_is_recorded_as_a_read(client, roles):
    client.force_login(roles["participant"])

    client.get(reverse("institutions:export_csv"), {"country": "KH"})
    client.get(reverse("institutions:export_xlsx"))

    csv_entry, xlsx_entry = LogEntry.objects.filter(additional_data__action="institutions.directory.exported").order_by(
        "pk"
    )
    assert (csv_entry.action, csv_entry.actor) == (LogEntry.Action.ACCESS, roles["participant"])
    assert (csv_entry.additional_data["format"], csv_entry.additional_data["query"]) == ("csv", "country=KH")
    assert sentence(xlsx_entry) == "Exported the institution directory (xlsx)"


def test_invitation_token_never_enters_the_trail(client, roles):
    client.force_login(roles["institution_admin"])

    client.post(
        reverse("institutions:member_invite", args=[roles.institution_a.slug]),
        {"email": "colleague@example.org", "role": "member"},
    )

    entry = LogEntry.objects.get(content_type__model="invitation")
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, roles["institution_admin"])
    assert "token" not in entry.changes_dict
    assert entry.additional_data["institution"] == roles.institution_a.pk
