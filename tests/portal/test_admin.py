import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from core import outbox
from events.models import Event, Registration, RetentionRun
from institutions.models import AllianceMembership, CourseUseRequest, Institution, SharedCourse
from matchmaking.models import FollowUp, Meeting
from mous.models import Exchange, Milestone, Mou, MouSharedCourse, Project
from portal.models import User
from tests.factories import (
    ContactFactory,
    CooperationTypeFactory,
    CourseUseRequestFactory,
    DelegationFactory,
    EventFactory,
    FollowUpFactory,
    InstitutionFactory,
    MeetingRequestFactory,
    MembershipFactory,
    MilestoneFactory,
    MouFactory,
    MouPartyFactory,
    NeedFactory,
    OfferFactory,
    RegistrationFactory,
    SectorFactory,
    SessionFactory,
    SharedCourseFactory,
    SlotUnavailabilityFactory,
    SurveyAnswerFactory,
    SurveyTableFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
# The audit trail is read-only, even for superusers: it has no add page.
ADDABLE_MODELS = [model for model in REGISTERED_MODELS if model is not LogEntry]
PORTAL_MODELS = [
    model
    for model in REGISTERED_MODELS
    if model._meta.app_label in {"portal", "institutions", "events", "matchmaking", "mous"}
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def portal_data(event_with_matchmaking):
    """Put a couple of rows in every table the admin shows."""
    setup = event_with_matchmaking
    EventFactory(status=Event.Status.DRAFT)
    SessionFactory(event=setup.event)
    MeetingRequestFactory(session=setup.session)
    SectorFactory.create_batch(2)
    CooperationTypeFactory.create_batch(2)
    OfferFactory.create_batch(2, institution=setup.requester.institution)
    NeedFactory.create_batch(2, institution=setup.recipient.institution)
    MembershipFactory(institution=setup.requester.institution)
    delegation = DelegationFactory(event=setup.event, head=setup.requester)
    RegistrationFactory(event=setup.event, delegation=delegation)
    SlotUnavailabilityFactory(registration=setup.requester, slot=setup.slots[1])
    SlotUnavailabilityFactory(registration=setup.recipient, slot=setup.slots[2])
    ContactFactory(owner=setup.requester, contact=setup.recipient, event=setup.event)
    answer = SurveyAnswerFactory(response__survey__event=setup.event, response__registration=setup.requester)
    SurveyTableFactory(survey=answer.response.survey)
    FollowUpFactory(meeting=setup.meeting, recipient=setup.requester)
    FollowUpFactory(meeting=setup.meeting, recipient=setup.recipient)
    outbox.enqueue(key="test:1", kind="test", user=setup.requester.user, context={"n": 1})
    outbox.enqueue(key="test:2", kind="test", user=setup.recipient.user)
    for mou in [MouFactory(event=setup.event), MouFactory(status=Mou.Status.DRAFT, signed_on=None)]:
        MouPartyFactory(mou=mou, institution=setup.requester.institution)
        MouPartyFactory(mou=mou, institution=setup.recipient.institution)
        MilestoneFactory.create_batch(2, mou=mou, owner_institution=setup.requester.institution)
        Exchange.objects.create(
            mou=mou,
            year=timezone.localdate().year,
            category=Exchange.Category.STUDENTS,
            from_institution=setup.requester.institution,
            to_institution=setup.recipient.institution,
            actual=3,
        )
        Project.objects.create(mou=mou, name="Training base")
        course = SharedCourseFactory(institution=setup.requester.institution)
        MouSharedCourse.objects.create(mou=mou, course=course)
        CourseUseRequestFactory(course=course, institution=setup.recipient.institution)
    alliance = InstitutionFactory(kind=Institution.Kind.ALLIANCE)
    for member in (setup.requester.institution, setup.recipient.institution):
        AllianceMembership.objects.create(alliance=alliance, member=member, status=AllianceMembership.Status.ACTIVE)
    RetentionRun.objects.create(cutoff=setup.event.start_date)
    return setup


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_admin_changelist_by_superuser_lists_every_row(admin_client, portal_data, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == model._default_manager.count()


# Rows only the portal itself writes (a background job, the audit log): the admin lists them
# and adds none.
WRITTEN_BY_JOBS = {RetentionRun, LogEntry}
# Rows only the portal's pages write, through services that check who may and tell whom it
# concerns: the admin lists and shows them, and neither adds, changes nor deletes any.
WRITTEN_BY_PAGES = {AllianceMembership, CourseUseRequest, MouSharedCourse, SharedCourse}


@pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED_MODELS if model not in WRITTEN_BY_JOBS | WRITTEN_BY_PAGES],
    ids=lambda model: model._meta.label,
)
def test_admin_add_page_by_superuser_opens(admin_client, portal_data, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200
    assert response.context["add"] is True


def test_audit_trail_cannot_be_added_to_changed_or_deleted_in_the_admin(admin_client, portal_data):
    entry = LogEntry.objects.order_by("pk").first()

    assert admin_client.get(admin_url(LogEntry, "add")).status_code == 403
    assert admin_client.post(admin_url(LogEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(admin_url(LogEntry, "change", entry.pk), {"object_repr": "forged"}).status_code == 403
    assert LogEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda model: model._meta.label)
def test_admin_change_page_by_superuser_opens(admin_client, portal_data, model):
    obj = model._default_manager.order_by("pk").first()

    response = admin_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj


@pytest.mark.parametrize("model", sorted(WRITTEN_BY_JOBS, key=lambda model: model._meta.label))
def test_admin_add_page_of_job_records_by_superuser_refused(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 403


@pytest.mark.parametrize("model", sorted(WRITTEN_BY_PAGES, key=lambda model: model._meta.label))
def test_admin_shows_rows_of_the_portal_s_pages_and_changes_none(admin_client, portal_data, model):
    obj = model._default_manager.order_by("pk").first()
    before = model._default_manager.count()

    page = admin_client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.count() == before


def test_admin_changelist_by_staff_without_permissions_denied(client):
    client.force_login(MembershipFactory(user__is_staff=True).user)

    response = client.get(admin_url(Mou, "changelist"))

    assert response.status_code == 403


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_institution_page_by_staff_without_permissions_denied(client, view):
    client.force_login(MembershipFactory(user__is_staff=True).user)

    response = client.get(admin_url(Institution, view))

    assert response.status_code == 403


def test_admin_user_add_creates_user_with_email_login(admin_client):
    response = admin_client.post(
        reverse("admin:portal_user_add"),
        {
            "email": "sok.dara@example.org",
            "usable_password": "true",
            "password1": "a-long-passphrase-2025",
            "password2": "a-long-passphrase-2025",
        },
    )

    created = User.objects.get(email="sok.dara@example.org")
    assert response["Location"] == admin_url(User, "change", created.pk)
    assert created.check_password("a-long-passphrase-2025") is True


def test_admin_user_add_with_email_differing_only_in_case_shows_error(admin_client):
    MembershipFactory(user__email="sok.dara@example.org")

    response = admin_client.post(
        reverse("admin:portal_user_add"),
        {
            "email": "Sok.Dara@example.org",
            "usable_password": "true",
            "password1": "a-long-passphrase-2025",
            "password2": "a-long-passphrase-2025",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == ["A user with this email address already exists."]


@pytest.fixture
def private_storage(tmp_path, monkeypatch):
    """Keep uploaded MoU documents and evidence in a temporary directory."""
    storage = FileSystemStorage(location=tmp_path, base_url=None)
    monkeypatch.setattr(Mou._meta.get_field("document"), "storage", storage)
    monkeypatch.setattr(Milestone._meta.get_field("evidence_file"), "storage", storage)
    return storage


def test_admin_mou_change_page_with_private_document_links_to_download(admin_client, private_storage):
    mou = MouFactory()
    mou.document.save("signed.pdf", ContentFile(b"%PDF-1.7 signed"))
    milestone = MilestoneFactory(mou=mou)
    milestone.evidence_file.save("cohort.pdf", ContentFile(b"%PDF-1.7 evidence"))
    document_url = admin_url(Mou, "private_file", mou.pk, "document")
    evidence_url = admin_url(Milestone, "private_file", milestone.pk, "evidence_file")

    response = admin_client.get(admin_url(Mou, "change", mou.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert (page.count(f'href="{document_url}"'), page.count(f'href="{evidence_url}"')) == (1, 1)


def test_admin_mou_document_download_by_superuser_returns_file(admin_client, private_storage):
    mou = MouFactory()
    mou.document.save("signed.pdf", ContentFile(b"%PDF-1.7 signed"))

    response = admin_client.get(admin_url(Mou, "private_file", mou.pk, "document"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 signed"
    assert response["Content-Disposition"] == 'attachment; filename="signed.pdf"'


def test_admin_mou_document_download_of_other_field_not_found(admin_client, private_storage):
    mou = MouFactory()
    mou.document.save("signed.pdf", ContentFile(b"%PDF-1.7 signed"))

    response = admin_client.get(admin_url(Mou, "private_file", mou.pk, "summary"))

    assert response.status_code == 404


def test_admin_mou_document_download_by_staff_without_permissions_denied(client, private_storage):
    mou = MouFactory()
    mou.document.save("signed.pdf", ContentFile(b"%PDF-1.7 signed"))
    client.force_login(MembershipFactory(user__is_staff=True).user)

    response = client.get(admin_url(Mou, "private_file", mou.pk, "document"))

    assert response.status_code == 404


@pytest.mark.parametrize("item_count", [1, 3])
def test_admin_institution_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries, item_count
):
    for _ in range(item_count):
        membership = MembershipFactory()
        OfferFactory(institution=membership.institution)

    with django_assert_num_queries(8):
        response = admin_client.get(reverse("admin:institutions_institution_changelist"))

    assert response.context["cl"].result_count == item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_admin_registration_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries, item_count
):
    delegation = DelegationFactory()
    RegistrationFactory.create_batch(item_count, event=delegation.event, delegation=delegation)

    with django_assert_num_queries(8):
        response = admin_client.get(reverse("admin:events_registration_changelist"))

    assert response.context["cl"].result_count == item_count


@pytest.mark.parametrize(
    ("model", "token_field"),
    [(Registration, "badge_token"), (FollowUp, "token"), (Meeting, "uid")],
    ids=["registration-badge_token", "follow_up-token", "meeting-uid"],
)
def test_admin_change_page_shows_token_read_only(admin_client, portal_data, model, token_field):
    obj = model.objects.order_by("pk").first()

    response = admin_client.get(admin_url(model, "change", obj.pk))

    assert token_field not in response.context["adminform"].form.fields
    assert response.content.decode().count(str(getattr(obj, token_field))) == 1
