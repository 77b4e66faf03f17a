"""Deletion keeps the record: a signed MoU is terminated, never deleted; drafts may still go."""

import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from django.urls import reverse

from matchmaking.models import Meeting
from mous.models import Milestone, Mou, MouMeeting, MouParty
from tests.factories import (
    InstitutionFactory,
    MeetingFactory,
    MilestoneFactory,
    MouFactory,
    MouPartyFactory,
    linked_mou_id,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:mous_mou_changelist")


def _mou(status=Mou.Status.SIGNED, **kwargs) -> Mou:
    """An MoU between two institutions, with a milestone and the meeting it came from."""
    if status == Mou.Status.DRAFT:
        kwargs.setdefault("signed_on", None)
    mou = MouFactory(status=status, **kwargs)
    MouPartyFactory(mou=mou, institution=InstitutionFactory(), position=0)
    MouPartyFactory(mou=mou, institution=InstitutionFactory(), position=1)
    MilestoneFactory(mou=mou)
    MeetingFactory(mou=mou)
    return mou


def _record_of(pk: int) -> tuple[bool, int, int, int]:
    """Whether MoU ``pk`` exists, and how many parties, milestones and meetings are linked to it."""
    return (
        Mou.objects.filter(pk=pk).exists(),
        MouParty.objects.filter(mou_id=pk).count(),
        Milestone.objects.filter(mou_id=pk).count(),
        MouMeeting.objects.filter(mou_id=pk).count(),
    )


@pytest.mark.parametrize("status", [Mou.Status.SIGNED, Mou.Status.ACTIVE, Mou.Status.EXPIRED, Mou.Status.TERMINATED])
def test_admin_delete_of_signed_mou_refused(admin_client, status):
    mou = _mou(status=status)
    url = reverse("admin:mous_mou_delete", args=[mou.pk])

    page = admin_client.get(url, follow=True)
    posted = admin_client.post(url, {"post": "yes"}, follow=True)

    assert "cannot be deleted: terminate it instead." in page.content.decode()
    assert posted.redirect_chain[-1][0] == reverse("admin:mous_mou_change", args=[mou.pk])
    assert _record_of(mou.pk) == (True, 2, 1, 1)


def test_admin_change_page_of_signed_mou_offers_no_delete(admin_client):
    mou = _mou()

    response = admin_client.get(reverse("admin:mous_mou_change", args=[mou.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:mous_mou_delete", args=[mou.pk]) not in content
    # The milestones inline offers no "delete" box on a signed MoU; the parties inline does.
    assert 'name="milestones-0-DELETE"' not in content
    assert 'name="parties-0-DELETE"' in content


def test_admin_delete_selected_with_a_signed_mou_refused(admin_client):
    signed, draft = _mou(), _mou(status=Mou.Status.DRAFT)

    response = admin_client.post(
        CHANGELIST,
        {"action": "delete_selected", "post": "yes", admin.helpers.ACTION_CHECKBOX_NAME: [signed.pk, draft.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 of the selected MoUs is signed and cannot be deleted: terminate it instead." in (
        response.content.decode()
    )
    assert _record_of(signed.pk) == (True, 2, 1, 1)
    assert _record_of(draft.pk) == (True, 2, 1, 1)


def test_admin_delete_of_draft_allowed(admin_client):
    draft = _mou(status=Mou.Status.DRAFT)
    pk = draft.pk

    response = admin_client.post(reverse("admin:mous_mou_delete", args=[pk]), {"post": "yes"})

    assert response.status_code == 302
    assert _record_of(pk) == (False, 0, 0, 0)


def test_admin_delete_selected_of_drafts_allowed(admin_client):
    drafts = [_mou(status=Mou.Status.DRAFT), _mou(status=Mou.Status.DRAFT)]
    data = {"action": "delete_selected", admin.helpers.ACTION_CHECKBOX_NAME: [draft.pk for draft in drafts]}

    confirm = admin_client.post(CHANGELIST, data)
    response = admin_client.post(CHANGELIST, {**data, "post": "yes"})

    assert confirm.status_code == 200
    assert "Are you sure" in confirm.content.decode()
    assert response.status_code == 302
    assert Mou.objects.filter(pk__in=[draft.pk for draft in drafts]).count() == 0


@pytest.mark.parametrize("status", [Mou.Status.SIGNED, Mou.Status.TERMINATED])
def test_signed_mou_delete_in_code_refused(status):
    mou = _mou(status=status)

    with pytest.raises(ProtectedError, match="terminate it instead"):
        mou.delete()
    with pytest.raises(ProtectedError):
        Mou.objects.filter(pk=mou.pk).delete()

    assert _record_of(mou.pk) == (True, 2, 1, 1)


def test_draft_delete_in_code_unlinks_its_meetings():
    draft = _mou(status=Mou.Status.DRAFT)
    pk = draft.pk
    meeting = Meeting.objects.get(mou_link__mou=draft)

    draft.delete()

    meeting.refresh_from_db()
    assert linked_mou_id(meeting) is None
    assert _record_of(pk) == (False, 0, 0, 0)


def test_admin_delete_of_signed_mous_milestone_refused(admin_client):
    milestone = _mou().milestones.get()

    response = admin_client.post(reverse("admin:mous_milestone_delete", args=[milestone.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_admin_delete_of_drafts_milestone_allowed(admin_client):
    milestone = _mou(status=Mou.Status.DRAFT).milestones.get()

    response = admin_client.post(reverse("admin:mous_milestone_delete", args=[milestone.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_admin_delete_of_signed_mous_party_refused_outside_its_page(admin_client):
    party = _mou().parties.first()

    response = admin_client.post(reverse("admin:mous_mouparty_delete", args=[party.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert MouParty.objects.filter(pk=party.pk).exists()


def _change_form_data(mou: Mou, *, delete_parties: int) -> dict:
    """The MoU's change form as posted unchanged, with its first ``delete_parties`` parties marked deleted."""
    parties = list(mou.parties.all())
    data = {
        "title": mou.title,
        "reference": mou.reference,
        "summary": "",
        "status": mou.status,
        "signed_on": mou.signed_on.isoformat(),
        "signed_place": "",
        "witnesses": "",
        "languages": "",
        "termination_reason": "",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": str(len(parties)),
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    for index, party in enumerate(parties):
        data |= {
            f"parties-{index}-id": str(party.pk),
            f"parties-{index}-mou": str(mou.pk),
            f"parties-{index}-institution": str(party.institution_id),
            f"parties-{index}-signatory_name": "",
            f"parties-{index}-signatory_title": "",
            f"parties-{index}-position": str(party.position),
        }
        if index < delete_parties:
            data[f"parties-{index}-DELETE"] = "on"
    return data


def test_admin_inline_keeps_two_parties_on_a_signed_mou(admin_client):
    mou = _mou()

    response = admin_client.post(
        reverse("admin:mous_mou_change", args=[mou.pk]), _change_form_data(mou, delete_parties=1)
    )

    assert response.status_code == 200
    assert "An MoU needs at least two different institutions." in response.content.decode()
    assert mou.parties.count() == 2


def test_admin_inline_removes_a_third_party_of_a_signed_mou(admin_client):
    mou = _mou()
    MouPartyFactory(mou=mou, institution=InstitutionFactory(), position=2)

    response = admin_client.post(
        reverse("admin:mous_mou_change", args=[mou.pk]), _change_form_data(mou, delete_parties=1)
    )

    assert response.status_code == 302
    assert mou.parties.count() == 2
