"""The MoU page's lifecycle parts: status actions, history timeline, milestones and activities."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from mous import lifecycle
from mous.models import Milestone, Mou
from tests.factories import MilestoneFactory, MouFactory, MouPartyFactory

pytestmark = pytest.mark.django_db

S = Mou.Status


def pdf_bytes() -> bytes:
    """A real one-page PDF, as a PDF writer makes it."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


PDF = pdf_bytes()


@pytest.fixture
def mou(roles) -> Mou:
    """A private active MoU between institution A and one more institution."""
    mou = MouFactory(
        title="Teacher exchange",
        status=S.ACTIVE,
        is_public=False,
        signed_on=datetime.date(2025, 1, 10),
        valid_from=datetime.date(2025, 1, 10),
        valid_until=datetime.date(2030, 1, 9),
    )
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou)
    return mou


def login(client, user):
    client.force_login(user)
    return client


# --- Status actions -------------------------------------------------------------------------


def test_secretariat_sees_actions_and_changes_status(client, roles, mou):
    login(client, roles["secretariat"])
    page = client.get(mou.get_absolute_url()).content.decode()
    assert reverse("mous:status", args=[mou.pk]) in page
    assert reverse("mous:terminate", args=[mou.pk]) in page
    response = client.post(reverse("mous:status", args=[mou.pk]), {"status": S.EXPIRING})
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.status == S.EXPIRING
    assert mou.history.first().history_user == roles["secretariat"]


def test_invalid_status_change_is_refused_with_a_message(client, roles, mou):
    login(client, roles["secretariat"])
    response = client.post(reverse("mous:status", args=[mou.pk]), {"status": S.DRAFT}, follow=True)
    assert "cannot become" in response.content.decode()
    mou.refresh_from_db()
    assert mou.status == S.ACTIVE
    assert mou.history.count() == 1


@pytest.mark.parametrize("role", ["institution_admin", "participant"])
def test_party_people_may_not_change_status(client, roles, mou, role):
    login(client, roles[role])
    assert reverse("mous:status", args=[mou.pk]) not in client.get(mou.get_absolute_url()).content.decode()
    assert client.post(reverse("mous:status", args=[mou.pk]), {"status": S.EXPIRING}).status_code == 403
    assert client.post(reverse("mous:terminate", args=[mou.pk]), {"reason": "x"}).status_code == 403
    mou.refresh_from_db()
    assert mou.status == S.ACTIVE


@pytest.mark.parametrize("role", ["other_member", "other_admin", "no_institution"])
def test_outsiders_get_404_on_a_private_mou(client, roles, mou, role):
    login(client, roles[role])
    for url in (
        mou.get_absolute_url(),
        reverse("mous:history", args=[mou.pk]),
        reverse("mous:milestone_add", args=[mou.pk]),
        reverse("mous:terminate", args=[mou.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("mous:status", args=[mou.pk]), {"status": S.EXPIRING}).status_code == 404


def test_terminate_asks_for_a_reason(client, roles, mou):
    login(client, roles["secretariat"])
    url = reverse("mous:terminate", args=[mou.pk])
    assert "Terminate this MoU?" in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    mou.refresh_from_db()
    assert mou.status == S.ACTIVE
    response = client.post(url, {"reason": "The partner college closed."})
    assert response.status_code == 302
    mou.refresh_from_db()
    assert (mou.status, mou.termination_reason) == (S.TERMINATED, "The partner college closed.")
    page = client.get(mou.get_absolute_url()).content.decode()
    assert "The partner college closed." in page
    assert url not in page  # nothing more to do


def test_renew_creates_a_linked_draft(client, roles, mou):
    login(client, roles["secretariat"])
    response = client.post(
        reverse("mous:renew", args=[mou.pk]), {"valid_from": "2030-01-10", "valid_until": "2035-01-09"}
    )
    new = Mou.objects.get(renewal_of=mou)
    assert response.url == new.get_absolute_url()
    mou.refresh_from_db()
    assert (mou.status, new.status) == (S.RENEWED, S.DRAFT)
    assert new.parties.count() == 2
    assert new.get_absolute_url() in client.get(mou.get_absolute_url()).content.decode()


def test_renew_refuses_reversed_dates(client, roles, mou):
    login(client, roles["secretariat"])
    response = client.post(
        reverse("mous:renew", args=[mou.pk]), {"valid_from": "2035-01-10", "valid_until": "2030-01-09"}
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert not Mou.objects.filter(renewal_of=mou).exists()


# --- History timeline -----------------------------------------------------------------------


def test_timeline_shows_field_changes_with_who(client, roles, mou):
    lifecycle.transition(mou=mou, target=S.EXPIRING, user=roles["secretariat"])
    mou.valid_until = datetime.date(2031, 3, 1)
    mou._history_user = roles["secretariat"]
    mou.save()
    login(client, roles["institution_admin"])
    page = client.get(mou.get_absolute_url()).content.decode()
    name = roles["secretariat"].get_full_name()
    assert "Status: active → expiring" in page
    assert "Valid until: Jan. 9, 2030 → March 1, 2031" in page
    assert name in page
    # Newest first.
    assert page.index("Valid until:") < page.index("Status: active")
    full = client.get(reverse("mous:history", args=[mou.pk])).content.decode()
    assert "Status: active → expiring" in full


def test_timeline_includes_milestones_and_automatic_changes(mou, roles):
    MilestoneFactory(mou=mou, title="First cohort")
    mou.valid_until = timezone.localdate()
    mou.save()
    lifecycle.apply_automatic_transitions(today=timezone.localdate())
    entries = lifecycle.timeline(mou=mou)
    assert entries[0].who == "Portal (automatic)"
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [("Status", "active", "expiring")]
    assert any(entry.subject == "milestone: First cohort" for entry in entries)


def test_history_denied_to_party_member_who_is_not_admin(client, roles, mou):
    login(client, roles["participant"])
    page = client.get(mou.get_absolute_url()).content.decode()
    assert 'id="history"' not in page
    assert client.get(reverse("mous:history", args=[mou.pk])).status_code == 403


def test_history_on_a_public_mou_is_not_for_outsiders(client, roles, mou):
    Mou.objects.filter(pk=mou.pk).update(is_public=True)
    login(client, roles["other_member"])
    assert client.get(mou.get_absolute_url()).status_code == 200
    assert client.get(reverse("mous:history", args=[mou.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("mous:history", args=[mou.pk])).status_code == 302  # to login


# --- Milestones and activities --------------------------------------------------------------


def test_party_member_adds_a_milestone_plain_post(client, roles, mou):
    login(client, roles["participant"])
    response = client.post(
        reverse("mous:milestone_add", args=[mou.pk]),
        {
            "milestone-title": "First teacher cohort",
            "milestone-due_on": "2026-09-01",
            "milestone-owner_institution": roles.institution_a.pk,
            "milestone-status": "planned",
            "milestone-evidence_url": "https://example.org/plan",
            "milestone-evidence_file": SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    item = Milestone.objects.get(mou=mou)
    assert (item.kind, item.recorded_by, item.owner_institution) == (
        Milestone.Kind.MILESTONE,
        roles["participant"],
        roles.institution_a,
    )
    assert item.evidence_file
    mou.refresh_from_db()
    assert mou.last_activity_at is not None
    assert item.history.first().history_user == roles["participant"]


def test_activity_recorded_with_htmx_returns_the_fragment(client, roles, mou):
    login(client, roles["institution_admin"])
    response = client.post(
        reverse("mous:activity_add", args=[mou.pk]),
        {"activity-title": "Joint workshop", "activity-completed_on": "2026-03-02"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="milestones"' in body
    assert "Joint workshop" in body
    assert "<html" not in body
    item = Milestone.objects.get(mou=mou)
    assert (item.kind, item.status, item.completed_on) == (
        Milestone.Kind.ACTIVITY,
        Milestone.Status.DONE,
        datetime.date(2026, 3, 2),
    )


def test_activity_needs_its_date_and_nothing_is_written(client, roles, mou):
    login(client, roles["participant"])
    response = client.post(
        reverse("mous:activity_add", args=[mou.pk]), {"activity-title": "Workshop"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#record-form-activity"
    assert "This field is required" in response.content.decode()
    assert not Milestone.objects.exists()
    mou.refresh_from_db()
    assert mou.last_activity_at is None


def test_evidence_file_must_be_a_document(client, roles, mou):
    login(client, roles["participant"])
    response = client.post(
        reverse("mous:milestone_add", args=[mou.pk]),
        {
            "milestone-title": "Cohort",
            "milestone-status": "planned",
            "milestone-evidence_file": SimpleUploadedFile(
                "evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not Milestone.objects.exists()


def test_owner_must_be_a_party(client, roles, mou):
    login(client, roles["participant"])
    response = client.post(
        reverse("mous:milestone_add", args=[mou.pk]),
        {
            "milestone-title": "Cohort",
            "milestone-status": "planned",
            "milestone-owner_institution": roles.institution_b.pk,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Milestone.objects.exists()


def test_party_member_edits_a_milestone(client, roles, mou):
    item = MilestoneFactory(mou=mou, title="Cohort")
    login(client, roles["participant"])
    url = reverse("mous:milestone_edit", args=[mou.pk, item.pk])
    assert f'name="edit{item.pk}-title"' in client.get(url, headers={"HX-Request": "true"}).content.decode()
    response = client.post(url, {f"edit{item.pk}-title": "Cohort", f"edit{item.pk}-status": "done"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Milestone.Status.DONE
    entries = lifecycle.timeline(mou=mou)
    assert entries[0].who == roles["participant"].get_full_name()
    assert ("Status", "planned", "done") in [(c.field, c.old, c.new) for c in entries[0].changes]


@pytest.mark.parametrize("role", ["other_member", "other_admin", "pending_member"])
def test_other_institutions_get_404_on_milestones(client, roles, mou, role):
    item = MilestoneFactory(mou=mou, title="Cohort")
    Mou.objects.filter(pk=mou.pk).update(is_public=True)  # even when they may read the MoU
    login(client, roles[role])
    assert client.post(reverse("mous:milestone_add", args=[mou.pk]), {"milestone-title": "X"}).status_code == 404
    url = reverse("mous:milestone_edit", args=[mou.pk, item.pk])
    assert client.post(url, {f"edit{item.pk}-title": "Hacked"}).status_code == 404
    item.refresh_from_db()
    assert item.title == "Cohort"
    assert Milestone.objects.count() == 1


def test_milestone_of_another_mou_is_404(client, roles, mou):
    other = MilestoneFactory(mou=MouFactory())
    login(client, roles["participant"])
    assert client.get(reverse("mous:milestone_edit", args=[mou.pk, other.pk])).status_code == 404


def test_public_visitors_see_milestones_but_not_their_evidence(client, roles, mou):
    MilestoneFactory(mou=mou, title="First cohort", evidence_note="Internal attendance sheet")
    Mou.objects.filter(pk=mou.pk).update(is_public=True)
    page = client.get(mou.get_absolute_url()).content.decode()
    assert "First cohort" in page
    assert "Internal attendance sheet" not in page
    assert reverse("mous:milestone_add", args=[mou.pk]) not in page
    login(client, roles["participant"])
    assert "Internal attendance sheet" in client.get(mou.get_absolute_url()).content.decode()


def test_timeline_shows_sector_changes(mou, roles):
    from tests.factories import SectorFactory

    sector = SectorFactory()
    mou._history_user = roles["secretariat"]
    mou.sectors.add(sector)
    entry = lifecycle.timeline(mou=mou)[0]
    assert ("Sectors", "—", str(sector)) in [(c.field, c.old, c.new) for c in entry.changes]


def test_timeline_lists_several_sectors_with_the_readers_separator(mou, roles):
    from django.utils import translation

    from tests.factories import SectorFactory

    sectors = [SectorFactory(name="Automotive"), SectorFactory(name="Welding")]
    mou._history_user = roles["secretariat"]
    mou.sectors.add(*sectors)
    with translation.override("en"):
        changes = [(c.old, c.new) for c in lifecycle.timeline(mou=mou)[0].changes]
        assert ("—", "Automotive, Welding") in changes
    with translation.override("zh-hans"):
        changes = [(c.old, c.new) for c in lifecycle.timeline(mou=mou)[0].changes]
        assert ("—", "Automotive、Welding") in changes
