"""The world the permission matrix requests every URL in: real objects around institutions A and B.

Every object whose presence on a page would be a leak carries a distinctive string (a
"marker"); ``PRIVATE_MARKERS`` says which roles may ever see each one.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from api.models import WebhookDelivery, WebhookEndpoint
from core import outbox
from core.models import ImportJob
from events.models import Event, Registration, RetentionRun, SurveyQuestion
from institutions.models import Institution, Membership
from matchmaking import requests as meeting_requests
from matchmaking.feeds import calendar_feed_renew, feed_token
from matchmaking.models import Meeting, MeetingRequest
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
    InvitationFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
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
    ShortlistEntryFactory,
    SlotUnavailabilityFactory,
    SurveyAnswerFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResponseFactory,
    SurveyTableFactory,
    UserFactory,
    link_meeting_to_mou,
    make_secretariat,
)

# The roles, in the order the matrix's rows list their outcomes.
ROLES = ("visitor", "participant", "admin_a", "admin_b", "organiser", "secretariat")

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(repr=False)
class World:
    """The people by role, and the objects by name (``world.event``, ``world.mou_private_a``)."""

    people: dict[str, User | AnonymousUser] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"World({len(self.people)} people, {len(self.objects)} objects)"

    def __getattr__(self, name: str):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


# The distinctive string of each private marker of the world.
MARKER_TEXT = {
    "mou_private_a": "Zircon Private Memorandum",
    "mou_unrelated": "Obsidian Unrelated Memorandum",
    "mou_draft": "Basalt Draft Memorandum",
    "event_draft": "Quartz Draft Summit",
    "unrelated_name_x": "Xanthe Unrelatedperson",
    "unrelated_name_y": "Yusuf Unrelatedperson",
    "unrelated_email_x": "xanthe.unrelated@example.net",
    "unrelated_email_y": "yusuf.unrelated@example.net",
    "admin_b_email": "bea.admin-b@example.net",
    "pending_email": "jonas.pending@example.net",
    "invitee_email": "ivy.invitee@example.net",
    "outbox_error": "550 Kestrel mailbox refused",
    "shortlist_note": "Quokka shortlist note",
    "request_message": "Xylophone request message",
    "survey_text": "Yak survey answer",
    "webhook_url_a": "https://kestrel-hooks.example.com/angkor",
    "webhook_url_secretariat": "https://osprey-hooks.example.com/secretariat",
    "exchange_note": "Wombat exchange note",
    "project_private_a": "Tamarind Private Project",
    "project_unrelated": "Obsidian Unrelated Project",
    "course_hidden_b": "Walrus Unpublished Course",
    "course_request_message": "Narwhal course request message",
}
# Marker -> the roles that may ever see it, on any page, partial or file.
PRIVATE_MARKERS = {
    # Private MoU with A as party: A's members and the secretariat.
    "mou_private_a": {"participant", "admin_a", "secretariat"},
    # Private MoU between institutions none of the roles belong to: the secretariat only.
    "mou_unrelated": {"secretariat"},
    # Draft proposed by A's admin: A's members and the secretariat.
    "mou_draft": {"participant", "admin_a", "secretariat"},
    # Draft event organised by O: its organisers and the secretariat.
    "event_draft": {"organiser", "secretariat"},
    # People of the meeting between two unrelated institutions, who hide their profile from
    # other participants: the event's organisers and the secretariat.
    "unrelated_name_x": {"organiser", "secretariat"},
    "unrelated_name_y": {"organiser", "secretariat"},
    "unrelated_email_x": {"organiser", "secretariat"},
    "unrelated_email_y": {"organiser", "secretariat"},
    # B's admin's email: B's admin, the organisers of the event B's admin registered for, and
    # the secretariat (B's admin, in the participant's contacts, does not share contact details).
    "admin_b_email": {"admin_b", "organiser", "secretariat"},
    # A person who asked to join A: A's admin (who decides) and the secretariat.
    "pending_email": {"admin_a", "secretariat"},
    # A colleague A's admin invited: A's admin and the secretariat.
    "invitee_email": {"admin_a", "secretariat"},
    # The outbox (a failed email to B's admin, with the server's answer) is the secretariat's.
    "outbox_error": {"secretariat"},
    # A private note on one's own shortlist.
    "shortlist_note": {"participant"},
    # The message of a meeting request from X to the participant: the participant (and the
    # organisers and the secretariat, who run the matchmaking).
    "request_message": {"participant", "organiser", "secretariat"},
    # X's free-text survey answer: the organisers and the secretariat.
    "survey_text": {"organiser", "secretariat"},
    # A's webhook, with its deliveries: A's admins; the secretariat's own: the secretariat.
    "webhook_url_a": {"admin_a"},
    "webhook_url_secretariat": {"secretariat"},
    # An exchange's note and a project under A's private MoU: A's members and the secretariat.
    "exchange_note": {"participant", "admin_a", "secretariat"},
    "project_private_a": {"participant", "admin_a", "secretariat"},
    # A project under the unrelated private MoU: the secretariat only.
    "project_unrelated": {"secretariat"},
    # B's unpublished shared course: B's admin (B's members) and the secretariat.
    "course_hidden_b": {"admin_b", "secretariat"},
    # B's request to use A's course: the admins of A (who answer) and of B, and the secretariat.
    "course_request_message": {"admin_a", "admin_b", "secretariat"},
}
# Other people's tokens (checked by value, they are random): badge tokens are printed by the
# event's organisers and the secretariat; personal survey links, contact-exchange codes,
# follow-up links and join links belong to the person they were sent to alone.
TOKEN_MARKERS = {
    "badge_x": {"organiser", "secretariat"},
    "badge_admin_b": {"admin_b", "organiser", "secretariat"},
    "survey_token_x": set(),
    "contact_token_x": set(),
    "follow_up_token_x": set(),
    "invitation_token": set(),
    # X's calendar feed link: X alone (on X's own agenda and preferences pages).
    "calendar_feed_x": set(),
    # A webhook's signing secret is shown only on request (a POST), to its owner.
    "webhook_secret_a": set(),
}


def attach_document(mou: Mou) -> None:
    mou.document.save("signed.pdf", ContentFile(PDF_BYTES), save=False)
    mou.document_name = "signed.pdf"
    mou.document_content_type = "application/pdf"
    mou.save()


def build_world() -> World:
    """Create every object the matrix needs, once per test run of the matrix."""
    world = World()
    o = world.objects
    now = timezone.now()

    o["inst_a"] = InstitutionFactory(name="Angkor Matrix Polytechnic", slug="angkor-matrix", country="KH")
    o["inst_b"] = InstitutionFactory(name="Beihai Matrix College", slug="beihai-matrix", country="CN")
    o["inst_o"] = InstitutionFactory(name="Organiser Matrix Ministry", slug="organiser-matrix", country="TH")
    o["inst_k"] = InstitutionFactory(name="Kampot Matrix Institute", slug="kampot-matrix", country="KH")
    o["inst_x"] = InstitutionFactory(name="Xiamen Matrix Academy", slug="xiamen-matrix", country="CN")
    o["inst_y"] = InstitutionFactory(name="Yala Matrix College", slug="yala-matrix", country="TH")

    def person(institution, email, name, role=Membership.Role.MEMBER, **kwargs) -> User:
        user = UserFactory(email=email, display_name=name, verified_email=True, **kwargs)
        o.setdefault("memberships", []).append(MembershipFactory(user=user, institution=institution, role=role))
        return user

    participant = person(o["inst_a"], "pat.participant@example.net", "Pat Participant")
    admin_a = person(o["inst_a"], "ada.admin-a@example.net", "Ada Admin", role=Membership.Role.ADMIN)
    admin_b = person(o["inst_b"], MARKER_TEXT["admin_b_email"], "Bea Admin", role=Membership.Role.ADMIN)
    organiser = person(o["inst_o"], "olu.organiser@example.net", "Olu Organiser", role=Membership.Role.ADMIN)
    secretariat = make_secretariat(
        UserFactory(
            email="sam.secretariat@example.net", display_name="Sam Secretariat", verified_email=True, is_staff=True
        )
    )
    # Secretariat members have a second factor (``make_secretariat`` may already give one).
    if not Authenticator.objects.filter(user=secretariat, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(secretariat, generate_totp_secret())
    o["secretariat_totp"] = Authenticator.objects.get(user=secretariat, type=Authenticator.Type.TOTP)
    person_x = person(
        o["inst_x"],
        MARKER_TEXT["unrelated_email_x"],
        MARKER_TEXT["unrelated_name_x"],
        show_profile_to_participants=False,
    )
    person_y = person(
        o["inst_y"],
        MARKER_TEXT["unrelated_email_y"],
        MARKER_TEXT["unrelated_name_y"],
        show_profile_to_participants=False,
    )
    world.people = {
        "visitor": AnonymousUser(),
        "participant": participant,
        "admin_a": admin_a,
        "admin_b": admin_b,
        "organiser": organiser,
        "secretariat": secretariat,
    }
    o["person_x"], o["person_y"] = person_x, person_y

    # Onboarding: a join request to A, an invitation from A, a shortlist entry.
    o["join_request"] = MembershipFactory(
        user=UserFactory(email=MARKER_TEXT["pending_email"], display_name="Jonas Pending", verified_email=True),
        institution=o["inst_a"],
        status=Membership.Status.PENDING,
    )
    o["participant_membership"] = participant.memberships.get()
    o["invitation"] = InvitationFactory(institution=o["inst_a"], email=MARKER_TEXT["invitee_email"], invited_by=admin_a)
    o["shortlist_entry"] = ShortlistEntryFactory(
        user=participant, institution=o["inst_b"], note=MARKER_TEXT["shortlist_note"]
    )

    # A published event organised by O with a matchmaking session; a draft event.
    event = EventFactory(title="Mekong Matrix Exchange", slug="mekong-matrix")
    event.organisers.add(o["inst_o"])
    o["event"] = event
    o["event_draft"] = EventFactory(title=MARKER_TEXT["event_draft"], slug="quartz-draft", status=Event.Status.DRAFT)
    o["event_draft"].organisers.add(o["inst_o"])
    SessionFactory(event=o["event_draft"], title="Quartz opening plenary")
    o["plenary"] = SessionFactory(event=event, title="Opening plenary")
    session = MatchmakingSessionFactory(event=event)
    o["session"] = session
    o["slots"] = [MeetingSlotFactory(session=session) for _ in range(3)]
    o["delegation"] = DelegationFactory(event=event, name="Cambodian delegation", lead_institution=o["inst_a"])
    o["sector"] = SectorFactory(name="Matrix robotics")
    o["cooperation_type"] = CooperationTypeFactory(name="Matrix internships")
    OfferFactory(institution=o["inst_a"], sector=o["sector"], cooperation_type=o["cooperation_type"])
    NeedFactory(institution=o["inst_b"], sector=o["sector"], cooperation_type=o["cooperation_type"])

    def register(user, institution, **kwargs) -> Registration:
        return RegistrationFactory(event=event, user=user, institution=institution, **kwargs)

    o["reg_participant"] = register(participant, o["inst_a"], delegation=o["delegation"])
    o["delegation"].head = o["reg_participant"]
    o["delegation"].save(update_fields=["head"])
    o["reg_admin_b"] = register(admin_b, o["inst_b"])
    o["reg_x"] = register(person_x, o["inst_x"])
    o["reg_y"] = register(person_y, o["inst_y"])
    o["reg_pending"] = register(
        UserFactory(display_name="Penny Pendingreg"), o["inst_a"], status=Registration.Status.PENDING
    )

    # Meetings: one between A and B, one between X and Y; a pending request to the participant.
    request_ab = MeetingRequestFactory(
        session=session,
        requester=o["reg_participant"],
        recipient=o["reg_admin_b"],
        status=MeetingRequest.Status.ACCEPTED,
    )
    o["meeting_ab"] = MeetingFactory(
        request=request_ab, slot=o["slots"][0], table_number=1, status=Meeting.Status.PUBLISHED
    )
    request_xy = MeetingRequestFactory(
        session=session, requester=o["reg_x"], recipient=o["reg_y"], status=MeetingRequest.Status.ACCEPTED
    )
    o["meeting_xy"] = MeetingFactory(
        request=request_xy, slot=o["slots"][0], table_number=2, status=Meeting.Status.PUBLISHED
    )
    o["request_to_participant"] = MeetingRequestFactory(
        session=session, requester=o["reg_x"], recipient=o["reg_participant"], message=MARKER_TEXT["request_message"]
    )
    o["request_answer_token"] = meeting_requests.answer_token(
        o["request_to_participant"], o["reg_participant"], meeting_requests.ACCEPT
    )
    SlotUnavailabilityFactory(slot=o["slots"][2], registration=o["reg_admin_b"])
    # Someone with a second factor, for the admin's authenticator pages.
    Authenticator.objects.create(user=person_x, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "0" * 40})
    o["follow_up_ab"] = FollowUpFactory(meeting=o["meeting_ab"], recipient=o["reg_participant"], due_at=now)
    o["follow_up_xy"] = FollowUpFactory(meeting=o["meeting_xy"], recipient=o["reg_x"], due_at=now)
    o["contact"] = ContactFactory(owner=o["reg_participant"], contact=o["reg_admin_b"], event=event)

    survey = SurveyFactory(event=event, title="Matrix networking survey")
    o["survey"] = survey
    o["question"] = SurveyQuestionFactory(survey=survey)
    o["table"] = SurveyTableFactory(survey=survey)
    SurveyAnswerFactory(
        response=SurveyResponseFactory(survey=survey, registration=o["reg_x"]),
        question=SurveyQuestionFactory(survey=survey, kind=SurveyQuestion.Kind.TEXT, text="What next?"),
        choices=[],
        text=MARKER_TEXT["survey_text"],
    )

    # MoUs: public, private with A as party, private between unrelated institutions, a draft.
    o["mou_public"] = MouFactory(title="Lotus Public Memorandum", is_public=True, event=event)
    MouPartyFactory(mou=o["mou_public"], institution=o["inst_a"])
    MouPartyFactory(mou=o["mou_public"], institution=o["inst_b"])
    o["mou_private_a"] = MouFactory(title=MARKER_TEXT["mou_private_a"], event=event)
    MouPartyFactory(mou=o["mou_private_a"], institution=o["inst_a"])
    MouPartyFactory(mou=o["mou_private_a"], institution=o["inst_k"])
    attach_document(o["mou_private_a"])
    o["milestone"] = MilestoneFactory(mou=o["mou_private_a"], owner_institution=o["inst_a"], title="Joint curriculum")
    o["milestone"].evidence_file.save("evidence.pdf", ContentFile(PDF_BYTES), save=True)
    o["mou_unrelated"] = MouFactory(title=MARKER_TEXT["mou_unrelated"], event=event)
    MouPartyFactory(mou=o["mou_unrelated"], institution=o["inst_x"])
    MouPartyFactory(mou=o["mou_unrelated"], institution=o["inst_y"])
    attach_document(o["mou_unrelated"])
    link_meeting_to_mou(o["meeting_xy"], o["mou_unrelated"])
    # Cooperation under the MoUs: an exchange and a project under A's private MoU, a project
    # under the unrelated one, and an alliance with a public project.
    o["exchange"] = Exchange.objects.create(
        mou=o["mou_private_a"],
        year=o["mou_private_a"].signed_on.year,
        category=Exchange.Category.TEACHERS,
        from_institution=o["inst_k"],
        to_institution=o["inst_a"],
        planned=12,
        actual=10,
        note=MARKER_TEXT["exchange_note"],
    )
    o["project_a"] = Project.objects.create(mou=o["mou_private_a"], name=MARKER_TEXT["project_private_a"])
    o["project_unrelated"] = Project.objects.create(mou=o["mou_unrelated"], name=MARKER_TEXT["project_unrelated"])
    o["alliance"] = InstitutionFactory(
        name="Mekong Matrix Alliance", slug="mekong-matrix", country="TH", kind=Institution.Kind.ALLIANCE
    )
    o["alliance_project"] = Project.objects.create(alliance=o["alliance"], name="Mekong Matrix Skills Contest")
    o["mou_draft"] = MouFactory(
        title=MARKER_TEXT["mou_draft"], status=Mou.Status.DRAFT, signed_on=None, proposed_by=o["inst_a"]
    )
    MouPartyFactory(mou=o["mou_draft"], institution=o["inst_a"])
    MouPartyFactory(mou=o["mou_draft"], institution=o["inst_k"])

    # Shared courses: A's published course, shared under A's private MoU, which B asked to use;
    # B's unpublished course.
    o["course_a"] = SharedCourseFactory(institution=o["inst_a"], title="Matrix welding course", sector=o["sector"])
    o["course_hidden_b"] = SharedCourseFactory(
        institution=o["inst_b"], title=MARKER_TEXT["course_hidden_b"], sector=o["sector"], is_published=False
    )
    o["course_request"] = CourseUseRequestFactory(
        course=o["course_a"],
        institution=o["inst_b"],
        requested_by=admin_b,
        message=MARKER_TEXT["course_request_message"],
    )
    MouSharedCourse.objects.create(mou=o["mou_private_a"], course=o["course_a"], linked_by=admin_a)

    o["outbox_row"] = outbox.enqueue(key="matrix:failed", kind="test", user=admin_b)
    o["outbox_row"].state = "failed"
    o["outbox_row"].last_error = MARKER_TEXT["outbox_error"]
    o["outbox_row"].save(update_fields=["state", "last_error"])
    o["unsubscribe_token"] = outbox.unsubscribe_token(participant, "email_follow_ups")

    # Calendar feed links: the participant's (the matrix requests it) and X's (never shown to anyone else).
    o["calendar_feed_token"] = feed_token(calendar_feed_renew(user=participant))
    o["calendar_feed_token_x"] = feed_token(calendar_feed_renew(user=person_x))
    # Webhooks: A's admin's endpoint with a delivery that failed, and the secretariat's own.
    o["webhook_a"] = WebhookEndpoint.objects.create(
        owner=admin_a, institution=o["inst_a"], url=MARKER_TEXT["webhook_url_a"], event_types=["mou.logged"]
    )
    o["webhook_delivery_a"] = WebhookDelivery.objects.create(
        endpoint=o["webhook_a"], event_type="mou.logged", payload={}, status="failed", attempts=1, last_status_code=503
    )
    o["webhook_secretariat"] = WebhookEndpoint.objects.create(
        owner=secretariat, url=MARKER_TEXT["webhook_url_secretariat"], event_types=["mou.logged", "mou.changed"]
    )

    # A run of the nightly personal-data purge (nothing was old enough to purge).
    RetentionRun.objects.create(cutoff=o["event"].start_date)

    # Import jobs: the secretariat's institution list, and the organiser's participant list, each
    # with one row left out for its errors.
    def left_out(*cells: str) -> dict:
        return {
            "rejected": {"header": ["name", "country"], "rows": [{"number": 3, "cells": list(cells), "reasons": ["x"]}]}
        }

    o["import_institutions"] = ImportJob.objects.create(
        kind="institutions",
        created_by=secretariat,
        status=ImportJob.Status.DONE,
        filename="list.csv",
        preview=left_out("Atlantis College", "Atlantis"),
        result={"total_rows": 2, "created": 1, "updated": 0, "skipped": 0, "left_out": 1},
    )
    o["import_participants"] = ImportJob.objects.create(
        kind="event_participants",
        target_id=o["event"].pk,
        created_by=organiser,
        status=ImportJob.Status.DONE,
        filename="participants.csv",
        preview=left_out("Nobody", "Atlantis"),
        result={
            "total_rows": 2,
            "registered": 1,
            "updated": 0,
            "skipped": 0,
            "left_out": 1,
            "people": 0,
            "institutions": 0,
        },
    )
    return world


def token_texts(world: World) -> dict[str, str]:
    return {
        "badge_x": world.reg_x.badge_token,
        "badge_admin_b": world.reg_admin_b.badge_token,
        "survey_token_x": world.reg_x.survey_token,
        "contact_token_x": world.reg_x.contact_token,
        "follow_up_token_x": world.follow_up_xy.token,
        "invitation_token": world.invitation.token,
        "calendar_feed_x": world.calendar_feed_token_x,
        "webhook_secret_a": world.webhook_a.secret,
    }


def forbidden_texts(world: World, role: str) -> dict[str, str]:
    """The private strings ``role`` must never find in a page it opens, by marker name."""
    texts = {name: MARKER_TEXT[name] for name, roles in PRIVATE_MARKERS.items() if role not in roles}
    tokens = token_texts(world)
    texts.update({name: tokens[name] for name, roles in TOKEN_MARKERS.items() if role not in roles})
    return texts


@contextmanager
def module_world(build: Callable[[], "World"], blocker, private_dir=None) -> Iterator["World"]:
    """A world built once for a test module, inside a transaction rolled back when the module
    ends (each test's own transaction rolls back inside it). With ``private_dir``, the MoU
    documents and milestone evidence it writes go there instead of the private storage."""
    fields = [Mou._meta.get_field("document"), Milestone._meta.get_field("evidence_file")] if private_dir else []
    saved = [model_field.storage for model_field in fields]
    storage = FileSystemStorage(location=private_dir)
    for model_field in fields:
        model_field.storage = storage
    try:
        with blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield build()
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
    finally:
        for model_field, original in zip(fields, saved, strict=True):
            model_field.storage = original
