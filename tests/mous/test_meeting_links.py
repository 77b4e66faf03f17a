"""The link from a meeting to the MoU it led to: owned by the MoU app, one MoU per meeting."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from matchmaking.models import Meeting
from mous.models import MouMeeting
from mous.services import meeting_mou_link, mou_meetings_set
from tests.factories import MeetingFactory, MouFactory, link_meeting_to_mou, linked_mou_id

pytestmark = pytest.mark.django_db


def test_a_meeting_leads_to_one_mou_at_most():
    meeting = MeetingFactory(mou=MouFactory())

    with pytest.raises(IntegrityError), transaction.atomic():
        MouMeeting.objects.create(meeting=meeting, mou=MouFactory())

    assert MouMeeting.objects.filter(meeting=meeting).count() == 1


def test_setting_an_mous_meetings_moves_chosen_ones_and_unlinks_the_rest():
    mou, other = MouFactory(), MouFactory()
    kept, dropped, taken, fresh = (MeetingFactory() for _ in range(4))
    for meeting in (kept, dropped):
        link_meeting_to_mou(meeting, mou)
    link_meeting_to_mou(taken, other)

    mou_meetings_set(mou=mou, meeting_ids=[kept.pk, taken.pk, fresh.pk])
    mou_meetings_set(mou=mou, meeting_ids=[kept.pk, taken.pk, fresh.pk])  # idempotent

    assert sorted(mou.meetings.values_list("pk", flat=True)) == sorted([kept.pk, taken.pk, fresh.pk])
    assert [linked_mou_id(meeting) for meeting in (kept, dropped, taken, fresh)] == [mou.pk, None, mou.pk, mou.pk]
    assert list(other.meetings.all()) == []


def test_linking_replaces_unlinks_and_is_recorded_under_the_meetings_institutions():
    meeting = MeetingFactory()
    first, second = MouFactory(), MouFactory()

    meeting_mou_link(meeting=meeting, mou=first)
    meeting_mou_link(meeting=meeting, mou=second)
    meeting_mou_link(meeting=meeting, mou=second)  # idempotent
    after_linking = linked_mou_id(meeting)
    meeting_mou_link(meeting=meeting, mou=None)

    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(MouMeeting)).order_by("pk")
    assert after_linking == second.pk
    assert linked_mou_id(meeting) is None
    assert [entry.action for entry in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert {entry.additional_data["event"] for entry in entries} == {meeting.request.requester.event_id}
    assert {entry.additional_data["institution"] for entry in entries} == {meeting.request.requester.institution_id}


def test_deleting_a_draft_mou_keeps_its_meetings():
    draft = MouFactory(status="draft", signed_on=None)
    meeting = MeetingFactory(mou=draft)

    draft.delete()

    assert linked_mou_id(meeting) is None
    assert MouMeeting.objects.count() == 0
    assert Meeting.objects.filter(pk=meeting.pk).exists()
