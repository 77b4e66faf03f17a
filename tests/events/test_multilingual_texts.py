"""Events, sessions and the networking survey in the reader's language (else English, else as written)."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from events import services
from events.forms import EventForm, SessionForm
from events.models import Event, Registration, Session, Survey, SurveyQuestion
from events.survey import create_default_survey, record_response, survey_summary
from tests.factories import EventFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

KHMER_TITLE = "សិក្ខាសាលាភាពជាដៃគូចិន-អាស៊ីអាគ្នេយ៍ លើកទី២"
CHINESE_TITLE = "第二届中国—东南亚伙伴关系研讨会"


@pytest.fixture
def workshop() -> Event:
    return EventFactory(
        title="2nd China-SEA Partnership Workshop",
        theme="Digital technologies in TVET",
        description="Two days in Phnom Penh.",
        translations={
            "title": {"km": KHMER_TITLE, "zh-hans": CHINESE_TITLE},
            "theme": {"km": "បច្ចេកវិទ្យាឌីជីថល"},
        },
        start_date=date(2031, 5, 20),
        end_date=date(2031, 5, 21),
        time_zone="Asia/Phnom_Penh",
    )


@pytest.mark.parametrize(
    ("language", "title", "shown_in"),
    [
        ("km", KHMER_TITLE, "km"),
        ("zh-hans", CHINESE_TITLE, "zh-hans"),
        ("th", "2nd China-SEA Partnership Workshop", "en"),
    ],
)
def test_event_title_in_the_readers_language_else_english(workshop, language, title, shown_in):
    with translation.override(language):
        text = workshop.localized("title")
        assert str(workshop) == title

    assert (str(text), text.language) == (title, shown_in)
    # A text without any translation is the original, in every language.
    assert str(workshop.localized("description", "km")) == "Two days in Phnom Penh."


def test_session_title_falls_back_to_the_original_when_there_is_no_english():
    session = SessionFactory(title="开幕式", original_language="zh-hans", translations={"title": {"km": "ពិធីបើក"}})

    assert str(session.localized("title", "km")) == "ពិធីបើក"
    assert str(session.localized("title", "vi")) == "开幕式"
    assert session.localized("title", "vi").is_fallback


def test_event_form_saves_the_translations_and_keeps_the_original(roles):
    event = EventFactory(title="Workshop on Dual Training", theme="", description="")
    form = EventForm(
        instance=event,
        data={
            "kind": "workshop",
            "title": "Workshop on Dual Training",
            "theme": "Placements",
            "city": "Phnom Penh",
            "country": "KH",
            "time_zone": "Asia/Phnom_Penh",
            "start_date": "2031-05-20",
            "end_date": "2031-05-21",
            "original_language": "en",
            "translation_title_km": "សិក្ខាសាលាស្តីពីការបណ្តុះបណ្តាលពីរប្រព័ន្ធ",
            "translation_title_zh-hans": "双元制培训研讨会",
            "translation_theme_zh-hans": "企业实习",
            "translation_title_en": "ignored: English is the original",
        },
    )

    assert form.is_valid(), form.errors
    form.save()

    event.refresh_from_db()
    assert event.title == "Workshop on Dual Training"
    assert event.translations == {
        "title": {"km": "សិក្ខាសាលាស្តីពីការបណ្តុះបណ្តាលពីរប្រព័ន្ធ", "zh-hans": "双元制培训研讨会"},
        "theme": {"zh-hans": "企业实习"},
    }


def test_session_form_refuses_a_translation_too_long_and_changes_nothing(workshop):
    session = SessionFactory(event=workshop, title="Opening", translations={"title": {"km": "ពិធីបើក"}})
    form = SessionForm(
        instance=session,
        event=workshop,
        data={
            "kind": "plenary",
            "title": "Opening",
            "starts_at": "2031-05-20T09:00",
            "ends_at": "2031-05-20T10:00",
            "original_language": "en",
            "translation_title_km": "ក" * 251,
        },
    )

    assert not form.is_valid()
    assert "translation_title_km" in form.errors
    session.refresh_from_db()
    assert session.translations == {"title": {"km": "ពិធីបើក"}}


def test_secretariat_edits_the_translations_on_the_event_form(client, roles):
    event = EventFactory(translations={"title": {"lo": "ກອງປະຊຸມ"}})
    event.organisers.add(roles.institution_a)
    client.force_login(roles["secretariat"])

    page = client.get(reverse("events:manage_edit", kwargs={"slug": event.slug})).content.decode()

    assert 'name="translation_title_km"' in page
    assert 'name="translation_description_zh-hans"' in page
    assert "ກອງປະຊຸມ" in page


def public_page(client, event, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("events:detail", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_public_page_in_khmer_shows_the_khmer_title_and_theme(client, workshop):
    page = public_page(client, workshop, "km")

    assert f"<h1>{KHMER_TITLE}</h1>" in page
    assert "បច្ចេកវិទ្យាឌីជីថល" in page
    assert "fallback-note" not in page.split("<h1>")[1].split("</p>")[0]


def test_public_page_in_thai_shows_english_marked_and_says_so(client, workshop):
    SessionFactory(event=workshop, title="Opening ceremony", translations={"title": {"th": "พิธีเปิด"}})

    page = public_page(client, workshop, "th")

    assert '<h1 lang="en">2nd China-SEA Partnership Workshop</h1>' in page
    assert "fallback-note" in page
    assert KHMER_TITLE not in page
    # The agenda line has its Thai title, unmarked.
    assert "<strong>พิธีเปิด</strong>" in page


def test_events_list_shows_each_title_in_the_readers_language(client, workshop):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(reverse("events:list")).content.decode()

    assert CHINESE_TITLE in page


def test_registration_email_subject_is_in_the_recipients_language(workshop, django_capture_on_commit_callbacks):
    khmer = RegistrationFactory(event=workshop, status=Registration.Status.PENDING, user__preferred_language="km")
    thai = RegistrationFactory(event=workshop, status=Registration.Status.PENDING, user__preferred_language="th")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(registration=khmer)
        services.approve_registration(registration=thai)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert KHMER_TITLE in subjects[khmer.user.email]
    assert "2nd China-SEA Partnership Workshop" in subjects[thai.user.email]
    assert KHMER_TITLE not in subjects[thai.user.email]


def test_personal_calendar_summary_is_in_the_persons_language(client, workshop):
    SessionFactory(
        event=workshop,
        title="Opening ceremony",
        description="Welcome addresses.",
        translations={"title": {"zh-hans": "开幕式"}, "description": {"zh-hans": "致欢迎辞。"}},
    )
    registration = RegistrationFactory(event=workshop, user__preferred_language="zh-hans")
    client.force_login(registration.user)

    response = client.get(reverse("matchmaking:my_agenda_ics", kwargs={"slug": workshop.slug}))

    assert response.status_code == 200
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "开幕式"
    assert CHINESE_TITLE in str(entry["DESCRIPTION"])
    assert "致欢迎辞。" in str(entry["DESCRIPTION"])


def test_public_calendar_falls_back_to_english(client, workshop):
    SessionFactory(event=workshop, title="Opening ceremony", translations={"title": {"zh-hans": "开幕式"}})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"

    response = client.get(reverse("events:calendar_ics", kwargs={"slug": workshop.slug}))

    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Opening ceremony"


# --- The networking survey ---------------------------------------------------------------


@pytest.fixture
def khmer_survey(workshop) -> Survey:
    survey = create_default_survey(event=workshop)
    survey.is_open = True
    survey.translations = {**survey.translations, "title": {**survey.translations["title"], "km": "ការស្ទង់មតិ"}}
    survey.save()
    first = survey.questions.order_by("position").first()
    first.translations = {"text": {**first.translations["text"], "km": "តើកម្មវិធីណាខ្លះ?"}}
    first.choices[0]["km"] = "ការផ្លាស់ប្តូរនិស្សិត"
    first.save()
    return survey


def test_survey_page_in_a_third_language(client, khmer_survey):
    registration = RegistrationFactory(event=khmer_survey.event)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"

    page = client.get(reverse("events:survey_answer", args=[registration.survey_token])).content.decode()

    assert "<h1>ការស្ទង់មតិ</h1>" in page
    assert "តើកម្មវិធីណាខ្លះ?" in page
    assert "ការផ្លាស់ប្តូរនិស្សិត" in page
    # A choice not translated into Khmer is in English, never in Chinese.
    assert "Staff and teacher exchange" in page
    assert "教职员工交流" not in page
    # The second question has no Khmer: English, marked as such.
    assert '<span lang="en">What are the challenges' in page


def test_survey_results_count_a_choice_whatever_the_language_it_was_answered_in(khmer_survey):
    first = khmer_survey.questions.order_by("position").first()
    for key, language in (("r:1", "km"), ("r:2", "zh-hans"), ("r:3", "en")):
        record_response(survey=khmer_survey, respondent_key=key, answers={first.pk: ([0], "")}, language=language)

    for language, label in (("km", "ការផ្លាស់ប្តូរនិស្សិត"), ("zh-hans", "学生交流"), ("th", "Student exchange")):
        summary = survey_summary(khmer_survey.event, language)
        row = summary["questions"][0]["choices"][0]
        assert (row["label"], row["count"]) == (label, 3)


def test_question_form_takes_choices_in_every_language(client, roles, khmer_survey):
    event = khmer_survey.event
    event.organisers.add(roles.institution_a)
    client.force_login(roles["institution_admin"])
    url = reverse("events:survey_question_new", kwargs={"slug": event.slug})

    page = client.get(url).content.decode()
    assert 'name="choices_km"' in page
    assert 'name="translation_text_lo"' in page

    response = client.post(
        url,
        {
            "kind": "single",
            "text": "Which language do you teach in?",
            "original_language": "en",
            "translation_text_km": "តើអ្នកបង្រៀនជាភាសាអ្វី?",
            "choices_en": "English\nKhmer",
            "choices_km": "អង់គ្លេស\nខ្មែរ",
            "choices_th": "",
        },
    )

    assert response.status_code == 302
    question = khmer_survey.questions.get(text="Which language do you teach in?")
    assert question.choices == [{"en": "English", "km": "អង់គ្លេស"}, {"en": "Khmer", "km": "ខ្មែរ"}]
    assert question.translations == {"text": {"km": "តើអ្នកបង្រៀនជាភាសាអ្វី?"}}


def test_question_form_refuses_choices_that_do_not_match_and_changes_nothing(client, roles, khmer_survey):
    event = khmer_survey.event
    event.organisers.add(roles.institution_a)
    client.force_login(roles["institution_admin"])
    question = khmer_survey.questions.order_by("position").first()
    before = list(question.choices)

    response = client.post(
        reverse("events:survey_question_edit", kwargs={"slug": event.slug, "pk": question.pk}),
        {
            "kind": "multiple",
            "text": question.text,
            "original_language": "en",
            "choices_en": "A\nB\nC",
            "choices_lo": "ກ\nຂ",
        },
    )

    assert response.status_code == 200
    assert "as many choices in ລາວ" in response.content.decode()
    question.refresh_from_db()
    assert question.choices == before


# --- The migration of the survey's Chinese columns ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_surveys_chinese_texts_into_the_translations():
    executor = MigrationExecutor(connection)
    before = [("events", "0009_country_lists_sorted_by_reader_language")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_event = old_apps.get_model("events", "Event").objects.create(
        title="Workshop", slug="workshop", city="Phnom Penh", country="KH", start_date=date(2031, 5, 20),
        end_date=date(2031, 5, 21),
    )  # fmt: skip
    old_survey = old_apps.get_model("events", "Survey").objects.create(
        event=old_event, title="Survey", title_zh_hans="问卷", introduction="Hello", introduction_zh_hans=""
    )
    old_apps.get_model("events", "SurveyQuestion").objects.create(
        survey=old_survey,
        text="Which programmes?",
        text_zh_hans="哪些项目？",
        choices=[{"en": "Student exchange", "zh_hans": "学生交流"}, {"en": "Joint research", "zh_hans": ""}],
    )
    old_apps.get_model("events", "SurveyQuestion").objects.create(survey=old_survey, text="Anything else?", kind="text")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    survey = Survey.objects.get(event__slug="workshop")
    assert survey.translations == {"title": {"zh-hans": "问卷"}}
    assert survey.original_language == "en"
    choice_question, text_question = SurveyQuestion.objects.filter(survey=survey).order_by("pk")
    assert choice_question.translations == {"text": {"zh-hans": "哪些项目？"}}
    assert choice_question.choices == [{"en": "Student exchange", "zh-hans": "学生交流"}, {"en": "Joint research"}]
    assert text_question.translations == {}
    assert Session.objects.count() == 0
