"""The events app's service layer: keyword-only services, one domain error, writes out of views."""

import inspect

import pytest

from events import checkin, contacts, services, services_manage, survey
from events.errors import EventError
from events.models import Registration, SurveyQuestion
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

SERVICES = [
    checkin.registration_check_in,
    checkin.registration_check_in_undo,
    checkin.registration_check_in_by_token,
    contacts.contact_exchange,
    contacts.contact_delete,
    contacts.registration_contact_consent_set,
    services.places_taken,
    services.register,
    services.cancel_registration,
    services.approve_registration,
    services.approve_registrations,
    services.reject_registration,
    services.change_role,
    services_manage.event_unique_slug,
    services_manage.allowed_transitions,
    survey.create_default_survey,
    survey.add_tables,
    survey.record_response,
    survey.survey_settings_save,
    survey.survey_open_set,
    survey.survey_question_save,
    survey.survey_question_delete,
    survey.survey_question_move,
    survey.survey_table_delete,
]


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: f"{service.__module__}.{service.__name__}")
def test_services_take_keyword_arguments_only(service):
    kinds = {parameter.kind for parameter in inspect.signature(service).parameters.values()}

    assert kinds == {inspect.Parameter.KEYWORD_ONLY}


def test_every_refusal_of_the_app_is_an_event_error():
    refusals = [
        services.RegistrationError,
        services_manage.EventError,
        survey.AlreadyAnswered,
    ]

    assert [issubclass(refusal, EventError) for refusal in refusals] == [True] * len(refusals)


def test_moving_a_question_of_another_survey_changes_nothing():
    mine = survey.create_default_survey(event=EventFactory())
    theirs = survey.create_default_survey(event=EventFactory())
    foreign = theirs.questions.order_by("position").first()
    before = list(SurveyQuestion.objects.order_by("pk").values_list("pk", "position"))

    moved = survey.survey_question_move(survey=mine, question_id=foreign.pk, up=False)

    assert moved is False
    assert list(SurveyQuestion.objects.order_by("pk").values_list("pk", "position")) == before


def test_moving_a_question_down_swaps_it_with_the_next():
    own = survey.create_default_survey(event=EventFactory())
    first, second = own.questions.order_by("position")[:2]

    moved = survey.survey_question_move(survey=own, question_id=first.pk, up=False)

    assert moved is True
    assert list(own.questions.order_by("position").values_list("pk", flat=True)[:2]) == [second.pk, first.pk]


def test_undoing_a_check_in_clears_the_arrival():
    registration = RegistrationFactory(status=Registration.Status.APPROVED)
    checkin.registration_check_in(registration=registration)

    result = checkin.registration_check_in_undo(registration=registration)

    registration.refresh_from_db()
    assert (result.outcome, registration.checked_in_at) == ("undone", None)
