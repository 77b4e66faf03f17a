"""A table's survey QR code takes a bounded number of responses per client address."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from events.models import SurveyResponse
from events.survey import create_default_survey
from tests.factories import EventFactory, RegistrationFactory, SurveyTableFactory

pytestmark = pytest.mark.django_db

LIMITED = "as many answers from your network as it accepts for now"


@pytest.fixture
def table(settings):
    settings.SURVEY_TABLE_RESPONSES_PER_ADDRESS = 2
    settings.SURVEY_TABLE_RATE_WINDOW = 3600
    cache.clear()
    survey = create_default_survey(event=EventFactory())
    survey.is_open = True
    survey.save()
    return SurveyTableFactory(survey=survey)


def _answer(table, address: str = "203.0.113.7", **headers) -> tuple[int, str]:
    """Answer from a fresh browser (a new private window: no survey cookie) at ``address``."""
    first = table.survey.questions.order_by("position").first()
    response = Client(REMOTE_ADDR=address, headers=headers).post(
        reverse("events:survey_table", args=[table.token]), {f"q{first.pk}": ["0"]}
    )
    return response.status_code, response.content.decode()


def test_new_browsers_at_one_address_are_refused_past_the_limit(table):
    answers = [_answer(table) for _ in range(3)]

    assert [status for status, _ in answers] == [200, 200, 429]
    assert LIMITED in answers[2][1]
    assert SurveyResponse.objects.filter(table=table).count() == 2


def test_refused_address_cannot_even_open_the_form(table):
    _answer(table)
    _answer(table)

    response = Client(REMOTE_ADDR="203.0.113.7").get(reverse("events:survey_table", args=[table.token]))

    assert (response.status_code, LIMITED in response.content.decode()) == (429, True)


def test_other_addresses_and_other_tables_are_counted_apart(table):
    other_table = SurveyTableFactory(survey=table.survey)
    _answer(table)
    _answer(table)

    assert _answer(table, "198.51.100.20")[0] == 200
    assert _answer(other_table)[0] == 200
    assert SurveyResponse.objects.filter(survey=table.survey).count() == 4


def test_the_window_ends(table):
    _answer(table)
    _answer(table)
    cache.clear()  # what the window's expiry does

    assert _answer(table)[0] == 200


def test_one_browser_still_answers_once(table):
    browser = Client(REMOTE_ADDR="203.0.113.7")
    url = reverse("events:survey_table", args=[table.token])
    first = table.survey.questions.order_by("position").first()

    browser.post(url, {f"q{first.pk}": ["0"]})
    again = browser.post(url, {f"q{first.pk}": ["1"]})

    assert "already answered" in again.content.decode()
    assert SurveyResponse.objects.filter(table=table).count() == 1
    # The repeated answer from the same browser used none of the address's allowance.
    assert _answer(table)[0] == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(table, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    statuses = [_answer(table, proxy, **{"X-Forwarded-For": f"203.0.113.{n}"})[0] for n in range(1, 5)]

    assert statuses == [200, 200, 200, 200]


def test_without_a_trusted_proxy_a_forged_forwarded_address_is_ignored(table):
    statuses = [_answer(table, "203.0.113.7", **{"X-Forwarded-For": f"198.51.100.{n}"})[0] for n in range(1, 4)]

    assert statuses == [200, 200, 429]
    assert SurveyResponse.objects.filter(table=table).count() == 2


def test_personal_survey_links_are_not_limited_by_address(table):
    registrations = [RegistrationFactory(event=table.survey.event) for _ in range(3)]
    first = table.survey.questions.order_by("position").first()

    statuses = [
        Client(REMOTE_ADDR="203.0.113.7")
        .post(reverse("events:survey_answer", args=[r.survey_token]), {f"q{first.pk}": ["0"]})
        .status_code
        for r in registrations
    ]

    assert statuses == [200, 200, 200]
