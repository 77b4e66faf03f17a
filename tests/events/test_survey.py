"""The networking survey: default questions, answering without signing in, results."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.models import Registration, SurveyAnswer, SurveyQuestion, SurveyResponse
from events.survey import (
    DEFAULT_QUESTIONS,
    AlreadyAnswered,
    create_default_survey,
    record_response,
    survey_summary,
)
from events.views_survey import BROWSER_COOKIE
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    SurveyAnswerFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResponseFactory,
    SurveyTableFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_default_survey_has_the_workshop_questions_in_english_and_chinese():
    event = EventFactory()
    survey = create_default_survey(event=event)
    questions = list(survey.questions.order_by("position"))
    assert [q.text for q in questions] == [q["text"] for q in DEFAULT_QUESTIONS]
    assert all(q.translation("text", "zh-hans") for q in questions)
    assert questions[0].kind == SurveyQuestion.Kind.MULTIPLE
    assert questions[0].max_choices == 3
    # Creating again keeps the existing survey rather than adding questions.
    assert create_default_survey(event=event) == survey
    assert survey.questions.count() == len(DEFAULT_QUESTIONS)


def test_summary_counts_a_hand_made_set_of_answers():
    survey = SurveyFactory()
    choice_q = SurveyQuestionFactory(survey=survey, position=1, allow_other=True)
    text_q = SurveyQuestionFactory(survey=survey, position=2, kind=SurveyQuestion.Kind.TEXT, choices=[])
    approved = RegistrationFactory.create_batch(3, event=survey.event, status=Registration.Status.APPROVED)
    RegistrationFactory(event=survey.event, status=Registration.Status.PENDING)
    r1, r2, r3 = (SurveyResponseFactory(survey=survey, registration=r) for r in approved)
    SurveyAnswerFactory(response=r1, question=choice_q, choices=[0, 1])
    SurveyAnswerFactory(response=r2, question=choice_q, choices=[0], text="Robotics labs")
    SurveyAnswerFactory(response=r1, question=text_q, choices=[], text="Language barriers")
    SurveyAnswerFactory(response=r3, question=text_q, choices=[], text="Budget")

    summary = survey_summary(survey.event)

    assert summary["respondents"] == 3
    assert summary["invited"] == 3
    first, second = summary["questions"]
    assert first["answered"] == 2
    assert [(c["label"], c["count"], c["percent"]) for c in first["choices"]] == [
        ("Internships", 2, 100.0),
        ("Teacher training", 1, 50.0),
        ("Other", 1, 50.0),
    ]
    assert first["texts"] == ["Robotics labs"]
    assert second["choices"] == []
    assert sorted(second["texts"]) == ["Budget", "Language barriers"]
    with translation.override("zh-hans"):
        assert survey_summary(survey.event)["questions"][0]["choices"][0]["label"] == "实习"


def test_summary_is_none_without_a_survey():
    assert survey_summary(EventFactory()) is None


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def event(roles):
    event = EventFactory(title="Phnom Penh Partnership Workshop")
    event.organisers.add(roles.institution_a)
    return event


@pytest.fixture
def survey(event):
    survey = create_default_survey(event=event)
    survey.is_open = True
    survey.save()
    return survey


def manage_url(name, event, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


def answer_data(survey, **overrides) -> dict:
    first = survey.questions.order_by("position").first()
    data = {f"q{first.pk}": ["0", "3"]}
    data.update(overrides)
    return data


def test_answer_by_registration_token_records_once(client, survey):
    registration = RegistrationFactory(event=survey.event)
    url = reverse("events:survey_answer", args=[registration.survey_token])
    page = client.get(url)
    assert page.status_code == 200
    assert DEFAULT_QUESTIONS[0]["text"] in page.content.decode()

    questions = list(survey.questions.order_by("position"))
    response = client.post(url, answer_data(survey, **{f"q{questions[1].pk}": "Budget constraints"}))
    assert "answers were recorded" in response.content.decode()
    saved = SurveyResponse.objects.get(survey=survey)
    assert saved.respondent_key == f"r:{registration.pk}"
    assert saved.registration == registration
    answers = {a.question_id: a for a in saved.answers.all()}
    assert answers[questions[0].pk].choices == [0, 3]
    assert answers[questions[1].pk].text == "Budget constraints"

    # A second submission, even from another browser, changes nothing.
    again = Client().post(url, answer_data(survey, **{f"q{questions[0].pk}": ["1"]}))
    assert "already answered" in again.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyAnswer.objects.get(response=saved, question=questions[0]).choices == [0, 3]


def test_answer_by_table_is_once_per_browser(survey):
    table = SurveyTableFactory(survey=survey)
    url = reverse("events:survey_table", args=[table.token])
    browser = Client()
    assert browser.get(url).status_code == 200
    assert "answers were recorded" in browser.post(url, answer_data(survey)).content.decode()
    assert "already answered" in browser.post(url, answer_data(survey)).content.decode()
    assert "already answered" in browser.get(url).content.decode()
    # Someone else at the same table answers with their own phone.
    assert "answers were recorded" in Client().post(url, answer_data(survey)).content.decode()
    responses = SurveyResponse.objects.filter(survey=survey)
    assert responses.count() == 2
    assert all(r.respondent_key.startswith("b:") and r.table == table for r in responses)
    assert len({r.respondent_key for r in responses}) == 2


def test_tampered_browser_cookie_gets_a_new_key(survey):
    table = SurveyTableFactory(survey=survey)
    url = reverse("events:survey_table", args=[table.token])
    browser = Client()
    browser.cookies[BROWSER_COOKIE] = "forged"
    browser.post(url, answer_data(survey))
    assert SurveyResponse.objects.get(survey=survey).respondent_key != "b:forged"


def test_max_choices_and_required_are_enforced_next_to_the_field(client, survey):
    registration = RegistrationFactory(event=survey.event)
    url = reverse("events:survey_answer", args=[registration.survey_token])
    first = survey.questions.order_by("position").first()
    too_many = client.post(url, {f"q{first.pk}": ["0", "1", "2", "3"]})
    assert "Choose at most 3 answers" in too_many.content.decode()
    three_plus_other = client.post(url, {f"q{first.pk}": ["0", "1", "2"], f"q{first.pk}_other": "Robotics"})
    assert "Choose at most 3 answers" in three_plus_other.content.decode()
    missing = client.post(url, {})
    assert "Please answer this question." in missing.content.decode()
    assert not SurveyResponse.objects.exists()
    # "Other" alone answers a required question.
    client.post(url, {f"q{first.pk}_other": "Robotics"})
    assert SurveyAnswer.objects.get(question=first).text == "Robotics"


def test_single_choice_question_takes_one_answer(client):
    question = SurveyQuestionFactory(
        kind=SurveyQuestion.Kind.SINGLE, allow_other=True, max_choices=None, survey__is_open=True
    )
    registration = RegistrationFactory(event=question.survey.event)
    url = reverse("events:survey_answer", args=[registration.survey_token])
    both = client.post(url, {f"q{question.pk}": "1", f"q{question.pk}_other": "Something else"})
    assert "not both" in both.content.decode()
    client.post(url, {f"q{question.pk}": "1"})
    assert SurveyAnswer.objects.get(question=question).choices == [1]


def test_closed_survey_says_so_and_records_nothing(client, survey):
    survey.is_open = False
    survey.save()
    registration = RegistrationFactory(event=survey.event)
    url = reverse("events:survey_answer", args=[registration.survey_token])
    assert "survey is closed" in client.get(url).content.decode()
    assert "survey is closed" in client.post(url, answer_data(survey)).content.decode()
    assert not SurveyResponse.objects.exists()


def test_unknown_tokens_and_unapproved_registrations_are_404(client, survey):
    assert client.get(reverse("events:survey_answer", args=["no-such-token-at-all"])).status_code == 404
    assert client.get(reverse("events:survey_table", args=["no-such-token-at-all"])).status_code == 404
    pending = RegistrationFactory(event=survey.event, status=Registration.Status.PENDING)
    assert client.get(reverse("events:survey_answer", args=[pending.survey_token])).status_code == 404
    no_survey = RegistrationFactory()
    assert client.get(reverse("events:survey_answer", args=[no_survey.survey_token])).status_code == 404


def test_form_is_in_chinese_for_a_chinese_viewer(client, survey):
    registration = RegistrationFactory(event=survey.event)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("events:survey_answer", args=[registration.survey_token])).content.decode()
    assert DEFAULT_QUESTIONS[0]["translations"]["text"]["zh-hans"] in page
    assert DEFAULT_QUESTIONS[0]["choices"][0]["zh-hans"] in page
    assert DEFAULT_QUESTIONS[0]["text"] not in page


def test_public_form_requires_csrf(survey):
    registration = RegistrationFactory(event=survey.event)
    url = reverse("events:survey_answer", args=[registration.survey_token])
    assert Client(enforce_csrf_checks=True).post(url, answer_data(survey)).status_code == 403
    assert not SurveyResponse.objects.exists()


ORGANISER_PAGES = ["survey_manage", "survey_results", "survey_table_cards"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("institution_admin", True),
        ("secretariat", True),
        ("participant", False),
        ("other_admin", False),
        ("other_member", False),
    ],
)
def test_only_organisers_manage_the_survey(client, roles, survey, role, allowed):
    RegistrationFactory(event=survey.event, user=roles["participant"])
    client.force_login(roles[role])
    for name in ORGANISER_PAGES:
        assert client.get(manage_url(name, survey.event)).status_code == (200 if allowed else 404)
    status = client.post(manage_url("survey_status", survey.event), {"open": "0"})
    assert status.status_code == (302 if allowed else 404)
    survey.refresh_from_db()
    assert survey.is_open is not allowed
    if not allowed:
        question = survey.questions.first()
        assert client.post(manage_url("survey_question_delete", survey.event, pk=question.pk)).status_code == 404
        assert client.post(manage_url("survey_tables_add", survey.event), {"count": 2}).status_code == 404
        assert survey.questions.filter(pk=question.pk).exists()
        assert not survey.tables.exists()


def test_visitors_are_sent_to_sign_in(client, survey):
    for name in ORGANISER_PAGES:
        response = client.get(manage_url(name, survey.event))
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_organiser_creates_the_default_survey(client, roles, event):
    client.force_login(roles["institution_admin"])
    assert "Create the survey" in client.get(manage_url("survey_manage", event)).content.decode()
    client.post(manage_url("survey_create", event))
    assert event.survey.questions.count() == len(DEFAULT_QUESTIONS)
    assert event.survey.is_open is False


def test_organiser_edits_adds_moves_and_removes_questions(client, roles, survey):
    client.force_login(roles["institution_admin"])
    event = survey.event
    response = client.post(
        manage_url("survey_question_new", event),
        {
            "kind": "single",
            "text": "Which language do you teach in?",
            "original_language": "en",
            "translation_text_zh-hans": "您用哪种语言授课？",
            "choices_en": "English\nChinese\n\nKhmer",
            "choices_zh-hans": "英语\n中文\n高棉语",
            "required": "on",
        },
    )
    assert response.status_code == 302
    new = survey.questions.get(text="Which language do you teach in?")
    assert new.choices[2] == {"en": "Khmer", "zh-hans": "高棉语"}
    assert new.translations == {"text": {"zh-hans": "您用哪种语言授课？"}}
    assert new.position == len(DEFAULT_QUESTIONS) + 1

    client.post(manage_url("survey_question_move", event, pk=new.pk), {"direction": "up"})
    order = list(survey.questions.order_by("position").values_list("pk", flat=True))
    assert order.index(new.pk) == len(DEFAULT_QUESTIONS) - 1

    bad = client.post(
        manage_url("survey_question_edit", event, pk=new.pk),
        {
            "kind": "multiple",
            "text": "Languages",
            "original_language": "en",
            "choices_en": "English\nChinese",
            "choices_zh-hans": "英语",
        },
    )
    assert "as many choices in 简体中文" in bad.content.decode()
    new.refresh_from_db()
    assert new.text == "Which language do you teach in?"

    confirm = client.get(manage_url("survey_question_delete", event, pk=new.pk))
    assert "Which language do you teach in?" in confirm.content.decode()
    assert survey.questions.filter(pk=new.pk).exists()
    client.post(manage_url("survey_question_delete", event, pk=new.pk))
    assert not survey.questions.filter(pk=new.pk).exists()


def test_tables_are_added_in_one_go_and_printed_with_qr_codes(client, roles, survey):
    client.force_login(roles["secretariat"])
    client.post(manage_url("survey_tables_add", survey.event), {"count": 3})
    client.post(manage_url("survey_tables_add", survey.event), {"count": 2})
    assert sorted(survey.tables.values_list("label", flat=True)) == [f"Table {n}" for n in range(1, 6)]
    client.post(manage_url("survey_tables_add", survey.event), {"count": 0})
    assert survey.tables.count() == 5
    page = client.get(manage_url("survey_table_cards", survey.event)).content.decode()
    assert page.count("<svg") >= 5
    for token in survey.tables.values_list("token", flat=True):
        assert reverse("events:survey_table", args=[token]) in page


def test_results_page_counts_and_bounded_queries(client, roles, survey, django_assert_max_num_queries):
    client.force_login(roles["institution_admin"])
    first = survey.questions.order_by("position").first()
    text_question = survey.questions.order_by("position")[1]

    def answer(n):
        for _ in range(n):
            response = SurveyResponseFactory(survey=survey)
            SurveyAnswerFactory(response=response, question=first, choices=[0, 2])
            SurveyAnswerFactory(response=response, question=text_question, choices=[], text="Red tape")

    answer(1)
    with django_assert_max_num_queries(50) as one:
        client.get(manage_url("survey_results", survey.event))
    answer(20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(manage_url("survey_results", survey.event)).content.decode()
    assert 'width="100.0"' in page
    assert page.count("Red tape") == 21


def test_my_events_links_to_the_open_survey(client, survey):
    registration = RegistrationFactory(event=survey.event, user=UserFactory(verified_email=True))
    client.force_login(registration.user)
    url = reverse("events:survey_answer", args=[registration.survey_token])
    assert url in client.get(reverse("events:mine")).content.decode()
    survey.is_open = False
    survey.save()
    assert url not in client.get(reverse("events:mine")).content.decode()


def test_management_page_links_to_the_survey(client, roles, event):
    client.force_login(roles["institution_admin"])
    assert manage_url("survey_manage", event) in client.get(manage_url("manage", event)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_record_one_response():
    """Two taps on "Send" at once: the unique constraint lets exactly one through."""
    question = SurveyQuestionFactory()
    survey = question.survey
    barrier = Barrier(2)

    def submit(_n):
        barrier.wait()
        try:
            record_response(survey=survey, respondent_key="b:same-phone", answers={question.pk: ([1], "")})
        except AlreadyAnswered:
            return "already"
        finally:
            connection.close()
        return "recorded"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(submit, range(2)))
    assert outcomes == ["already", "recorded"]
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyAnswer.objects.filter(question=question).count() == 1
