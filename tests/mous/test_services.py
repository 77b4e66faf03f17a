"""The MoU registry's services: keyword-only, one domain error (MouError), writes outside the views."""

import inspect

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from matchmaking.mou_links import MouLinkError
from mous import documents, lifecycle, services
from mous.errors import MouError
from mous.forms_ceremony import CeremonyEntry
from mous.lifecycle import TransitionError
from mous.links import MeetingLinkError
from mous.models import Milestone, Mou
from tests.factories import InstitutionFactory, MouFactory, MouPartyFactory

SERVICES = [
    services.check_parties,
    services.refresh_party_countries,
    services.mou_meetings_set,
    services.add_months,
    services.meeting_institution_ids,
    services.mou_save,
    services.mou_proposal_confirm,
    services.mou_proposal_reject,
    services.meeting_mou_link,
    services.mou_document_visibility_set,
    services.mous_ceremony_create,
    documents.mou_document_replace,
    lifecycle.allowed_transitions,
    lifecycle.transition,
    lifecycle.terminate,
    lifecycle.renew,
    lifecycle.automatic_target,
    lifecycle.apply_automatic_transitions,
    lifecycle.party_admins,
    lifecycle.queue_expiry_reminders,
    lifecycle.queue_milestone_reminders,
    lifecycle.queue_dormant_alerts,
    lifecycle.last_activity_date,
    lifecycle.daily_lifecycle,
    lifecycle.touch_activity,
    lifecycle.milestone_record,
    lifecycle.timeline,
]


@pytest.mark.parametrize("service", SERVICES, ids=[service.__name__ for service in SERVICES])
def test_services_take_keyword_arguments_only(service):
    kinds = {parameter.kind for parameter in inspect.signature(service).parameters.values()}
    assert kinds == {inspect.Parameter.KEYWORD_ONLY}


def test_the_app_raises_one_domain_error():
    assert issubclass(TransitionError, MouError)
    # The meeting links answer the events app's extension point with the registry's own error.
    assert issubclass(MeetingLinkError, MouError)
    assert issubclass(MeetingLinkError, MouLinkError)


@pytest.mark.django_db
def test_check_parties_refuses_a_party_twice_with_a_mou_error():
    institution = InstitutionFactory()
    with pytest.raises(MouError, match="cannot be a party twice") as error:
        services.check_parties(institutions=[institution, institution])
    assert error.value.code == "duplicate_party"


@pytest.mark.django_db
def test_mou_save_refuses_a_single_party_and_saves_nothing():
    mou = Mou(title="Alone", status=Mou.Status.DRAFT)
    with pytest.raises(MouError, match="at least two different institutions"):
        services.mou_save(mou=mou, parties=[{"institution": InstitutionFactory()}])
    assert Mou.objects.filter(title="Alone").count() == 0


@pytest.mark.django_db
def test_confirming_what_is_not_a_proposal_raises_a_mou_error(secretariat_user):
    mou = MouFactory(status=Mou.Status.SIGNED)
    with pytest.raises(MouError, match="Only a proposed draft"):
        services.mou_proposal_confirm(mou=mou)
    with pytest.raises(MouError, match="Only a proposed draft"):
        services.mou_proposal_reject(mou=mou)
    mou.refresh_from_db()
    assert mou.status == Mou.Status.SIGNED


@pytest.mark.django_db
def test_document_visibility_set_is_idempotent():
    mou = MouFactory(document_is_public=False)
    services.mou_document_visibility_set(mou=mou, is_public=True)
    services.mou_document_visibility_set(mou=mou, is_public=True)
    mou.refresh_from_db()
    assert mou.document_is_public is True
    assert mou.history.filter(document_is_public=True).count() == 1


@pytest.mark.django_db
def test_refused_document_raises_a_mou_error_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(Mou._meta.get_field("document"), "storage", FileSystemStorage(location=tmp_path))
    mou = MouFactory()
    with pytest.raises(MouError, match="PDF, JPEG or PNG") as error:
        documents.mou_document_replace(mou=mou, file=SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 50))
    assert error.value.code == "document_refused"
    mou.refresh_from_db()
    assert mou.document.name == ""
    assert list(tmp_path.iterdir()) == []


def _ceremony_row(reference: str) -> dict:
    return {
        "title": f"Ceremony MoU {reference}",
        "reference": reference,
        "parties": [InstitutionFactory(), InstitutionFactory()],
        "sectors": [],
        "cooperation_types": [],
    }


@pytest.mark.django_db
def test_ceremony_with_a_reference_taken_meanwhile_raises_a_mou_error_and_saves_nothing(secretariat_user):
    MouFactory(reference="CN-KH-001")
    shared = {
        "signed_on": timezone.localdate(),
        "signed_place": "Nanning",
        "event": None,
        "ceremony_session": None,
        "is_public": False,
    }
    rows = [_ceremony_row("CN-KH-002"), _ceremony_row("CN-KH-001")]
    with pytest.raises(MouError, match="reference number was taken") as error:
        services.mous_ceremony_create(shared=shared, rows=rows, created_by=secretariat_user)
    assert error.value.code == "reference_taken"
    assert Mou.objects.filter(reference="CN-KH-002").count() == 0


@pytest.mark.django_db
def test_ceremony_entry_shows_the_refusal_above_the_rows():
    entry = CeremonyEntry()
    entry.refuse("A reference number was taken meanwhile; nothing was saved.")
    assert list(entry.rows.non_form_errors()) == ["A reference number was taken meanwhile; nothing was saved."]


@pytest.mark.django_db
def test_milestone_record_marks_a_new_activity_done_and_notes_the_activity(roles):
    mou = MouFactory()
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    item = Milestone(kind=Milestone.Kind.ACTIVITY, title="Joint workshop", completed_on=mou.signed_on)
    user = roles["participant"]
    lifecycle.milestone_record(mou=mou, item=item, user=user, creating=True)
    item.refresh_from_db()
    mou.refresh_from_db()
    assert (item.mou_id, item.status, item.recorded_by_id) == (mou.pk, Milestone.Status.DONE, user.pk)
    assert mou.last_activity_at is not None
