"""The matchmaking app's service layer: keyword-only services, one domain error."""

import inspect

import pytest

from events.errors import EventError
from matchmaking import followups, mou_links, requests, scheduler
from matchmaking.errors import MatchmakingError

SERVICES = [
    followups.plan_follow_ups,
    followups.cancel_follow_ups,
    followups.flag_unanswered,
    scheduler.generate_slots,
    scheduler.run_scheduler,
    scheduler.publish_schedule,
    mou_links.register_mou_links,
    requests.send_request,
    requests.cancel_request,
    requests.accept_request,
    requests.decline_request,
    requests.set_unavailable,
]


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: f"{service.__module__}.{service.__name__}")
def test_services_take_keyword_arguments_only(service):
    kinds = {parameter.kind for parameter in inspect.signature(service).parameters.values()}

    assert kinds == {inspect.Parameter.KEYWORD_ONLY}


def test_every_refusal_of_the_app_is_a_matchmaking_error_and_so_an_event_error():
    refusals = [
        requests.RequestError,
        scheduler.MatchmakingError,
        followups.FollowUpError,
        mou_links.MouLinkError,
    ]

    assert [issubclass(refusal, MatchmakingError) for refusal in refusals] == [True] * len(refusals)
    assert issubclass(MatchmakingError, EventError)
