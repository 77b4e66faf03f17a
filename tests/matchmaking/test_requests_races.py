"""Meeting requests answered at the same moment: the row and session locks let one win."""

import threading

import pytest
from django.db import connection

from events.models import Session
from matchmaking import requests as service
from matchmaking.models import Meeting, MeetingRequest
from tests.events.conftest import register
from tests.factories import EventFactory, InstitutionFactory, MatchmakingSessionFactory, MeetingSlotFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls):
    """Run the calls in threads released together; return their results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except service.RequestError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_colleagues_accepting_an_institution_request_one_wins():
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event)
    cn = InstitutionFactory(country="CN")
    me = register(event, country="KH")
    first, second = register(event, institution=cn), register(event, institution=cn)
    request = service.send_request(requester=me, session=session, institution=cn, message="")

    results = _race(
        lambda: service.accept_request(request_id=request.pk, registration=first),
        lambda: service.accept_request(request_id=request.pk, registration=second),
    )

    errors = [r for r in results if isinstance(r, service.RequestError)]
    assert len(errors) == 1
    assert "colleague already answered" in str(errors[0])
    assert Meeting.objects.count() == 1
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.ACCEPTED


def test_two_acceptances_for_the_last_table_one_wins():
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event, table_count=1, scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    slot = MeetingSlotFactory(session=session)
    a, b, c, d = (register(event, country=country) for country in ("KH", "CN", "TH", "VN"))
    one = service.send_request(requester=a, session=session, recipient=b, message="")
    two = service.send_request(requester=c, session=session, recipient=d, message="")

    results = _race(
        lambda: service.accept_request(request_id=one.pk, registration=b, slot=slot),
        lambda: service.accept_request(request_id=two.pk, registration=d, slot=slot),
    )

    errors = [r for r in results if isinstance(r, service.RequestError)]
    assert len(errors) == 1
    assert "no longer free" in str(errors[0])
    assert list(Meeting.objects.values_list("slot", "table_number")) == [(slot.pk, 1)]
