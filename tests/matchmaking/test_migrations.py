"""The matchmaking models moved from the events app without touching their tables or rows."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from matchmaking.models import FollowUp, Meeting, MeetingRequest, SlotUnavailability
from mous.models import MouMeeting
from tests.factories import MatchmakingSessionFactory, MeetingSlotFactory, MouFactory, RegistrationFactory

BEFORE_THE_MOVE = [
    ("events", "0007_deletion_keeps_the_record"),
    ("mous", "0005_meeting_links_owned_by_mous"),
    ("matchmaking", None),  # no migration of the app applied
]
MOVED = {
    "meetingrequest": MeetingRequest,
    "slotunavailability": SlotUnavailability,
    "meeting": Meeting,
    "followup": FollowUp,
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_moving_the_matchmaking_models_keeps_every_row_and_what_points_at_them():
    session = MatchmakingSessionFactory()
    slot = MeetingSlotFactory(session=session)
    requester = RegistrationFactory(event=session.event)
    recipient = RegistrationFactory(event=session.event)
    colleague = RegistrationFactory(event=session.event, institution=requester.institution)
    mou = MouFactory()
    latest = leaf_nodes()

    old_apps = migrate(BEFORE_THE_MOVE)
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    old_content_types = {
        model: OldContentType.objects.get_or_create(app_label="events", model=model)[0].pk for model in MOVED
    }
    request = old_apps.get_model("events", "MeetingRequest").objects.create(
        session_id=session.pk, requester_id=requester.pk, recipient_id=recipient.pk, status="accepted", message="Hi"
    )
    unavailable = old_apps.get_model("events", "SlotUnavailability").objects.create(
        registration_id=recipient.pk, slot_id=slot.pk
    )
    meeting = old_apps.get_model("events", "Meeting").objects.create(
        request_id=request.pk, session_id=session.pk, slot_id=slot.pk, table_number=3, status="published"
    )
    meeting.sharers.add(colleague.pk)
    due = timezone.now()
    follow_up = old_apps.get_model("events", "FollowUp").objects.create(
        meeting_id=meeting.pk, recipient_id=requester.pk, step=1, due_at=due, outcome="in_discussion"
    )
    old_apps.get_model("mous", "MouMeeting").objects.create(mou_id=mou.pk, meeting_id=meeting.pk)
    # Neither table changes in the move: the current models write the rows of the old state.
    change_meeting = Permission.objects.get_or_create(
        content_type_id=old_content_types["meeting"], codename="change_meeting", defaults={"name": "Can change meeting"}
    )[0]
    entry = LogEntry.objects.create(
        content_type_id=old_content_types["meeting"],
        object_pk=str(meeting.pk),
        object_id=meeting.pk,
        object_repr="meeting",
        action=1,
    )

    migrate(latest)

    moved_request = MeetingRequest.objects.get()
    assert (moved_request.pk, moved_request.requester_id, moved_request.recipient_id, moved_request.message) == (
        request.pk,
        requester.pk,
        recipient.pk,
        "Hi",
    )
    assert SlotUnavailability.objects.values_list("pk", "registration_id", "slot_id").get() == (
        unavailable.pk,
        recipient.pk,
        slot.pk,
    )
    moved_meeting = Meeting.objects.get()
    assert (moved_meeting.pk, moved_meeting.request_id, moved_meeting.slot_id, moved_meeting.table_number) == (
        meeting.pk,
        request.pk,
        slot.pk,
        3,
    )
    assert (moved_meeting.uid, moved_meeting.status) == (meeting.uid, "published")
    assert list(moved_meeting.sharers.values_list("pk", flat=True)) == [colleague.pk]
    assert FollowUp.objects.values_list("pk", "meeting_id", "recipient_id", "outcome", "token").get() == (
        follow_up.pk,
        meeting.pk,
        requester.pk,
        "in_discussion",
        follow_up.token,
    )
    # The MoU link points at the moved meeting.
    assert MouMeeting.objects.get(mou=mou).meeting == moved_meeting
    # The content types move, keeping their ids: permissions and audit entries follow the models.
    for model, pk in old_content_types.items():
        assert ContentType.objects.get(pk=pk).model_class() is MOVED[model]
    assert Permission.objects.get(pk=change_meeting.pk).content_type == ContentType.objects.get_for_model(Meeting)
    assert LogEntry.objects.get(pk=entry.pk).content_type.model_class() is Meeting
    # New rows continue the tables' numbering.
    assert FollowUp.objects.create(meeting=moved_meeting, recipient=recipient, step=1, due_at=due).pk > follow_up.pk


@pytest.mark.django_db
def test_the_matchmaking_models_keep_their_tables():
    assert {model._meta.db_table for model in MOVED.values()} == {
        "events_meetingrequest",
        "events_slotunavailability",
        "events_meeting",
        "events_followup",
    }
    assert Meeting.sharers.through._meta.db_table == "events_meeting_sharers"
