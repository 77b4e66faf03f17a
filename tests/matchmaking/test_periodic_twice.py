"""The periodic tasks that queue email stay harmless when two runs meet: a beat taking over
from another may send a task the first had just sent, and a redelivered task runs again.
Each email has its key in the outbox, so the second run, at the same moment or just after,
queues nothing more."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.models import OutboundEmail
from matchmaking import reminders
from matchmaking import requests as service
from matchmaking.models import Meeting, MeetingRequest
from tests.events.conftest import register
from tests.factories import (
    EventFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _together(call, times: int = 2) -> list:
    """Run ``call`` in ``times`` threads released at once, each on its own connection."""
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def run(index):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def meetings():
    """Two published meetings starting in half an hour, between four people."""
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event)
    slot = MeetingSlotFactory(
        session=session, starts_at=timezone.now() + timedelta(minutes=30), ends_at=timezone.now() + timedelta(hours=1)
    )
    people = [register(event, country=country) for country in ("KH", "CN", "TH", "VN")]
    for table, (a, b) in enumerate((people[:2], people[2:]), 1):
        request = MeetingRequestFactory(
            session=session, requester=a, recipient=b, status=MeetingRequest.Status.ACCEPTED
        )
        MeetingFactory(request=request, slot=slot, table_number=table, status=Meeting.Status.PUBLISHED)
    return people


def test_meeting_reminders_run_twice_at_once_queue_each_reminder_once(meetings):
    results = _together(reminders.queue_meeting_reminders_task)

    assert results == [4, 4]
    rows = OutboundEmail.objects.filter(kind=reminders.REMINDER_KIND)
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(person.user_id for person in meetings)


def test_meeting_reminders_run_again_just_after_queue_nothing_more(meetings):
    reminders.queue_meeting_reminders_task()
    first = set(OutboundEmail.objects.values_list("key", "message_id"))

    reminders.queue_meeting_reminders_task()

    assert set(OutboundEmail.objects.values_list("key", "message_id")) == first
    assert len(first) == 4


def test_request_digests_run_twice_at_once_queue_one_digest_each():
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event)
    me, other, third = (register(event, country=country) for country in ("KH", "CN", "TH"))
    service.send_request(requester=me, session=session, recipient=other, message="")
    service.send_request(requester=me, session=session, recipient=third, message="")

    results = _together(service.queue_request_digests)

    assert results == [2, 2]
    rows = OutboundEmail.objects.filter(kind="request_digest")
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([other.user_id, third.user_id])
