"""The networking survey: default questions, recording answers, and the results summary.

The default questionnaire is the one the secretariat used at the 2nd China-SEA Partnership
Workshop (Phnom Penh, May 2025), where participants answered four questions from a QR code on
their table. It is kept here as data, in English with its Simplified Chinese translation, so that every new event
starts from the same, proven questions and organisers only adjust them.

Answers are anonymous to everyone but the aggregate: organisers see counts and the free-text
answers, never who said what. ``survey_summary`` is also what the event report prints.
"""

import contextlib
import hashlib
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from .errors import EventError
from .models import Event, Registration, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyTable

DEFAULT_TITLE = {"en": "Networking survey: regional collaboration", "zh-hans": "交流问卷：区域合作"}
DEFAULT_INTRODUCTION = {
    "en": "Your comments and suggestions on regional collaboration help us plan the next steps. "
    "It takes about 15 minutes.",
    "zh-hans": "您对区域合作的意见和建议将帮助我们规划下一步工作。大约需要15分钟。",
}

# The four questions of the 2nd China-SEA Partnership Workshop. The choices of the first
# question are the programmes participants named there (student/staff exchanges, digital and AI
# education including teacher training, green education ...).
DEFAULT_QUESTIONS: list[dict] = [
    {
        "kind": SurveyQuestion.Kind.MULTIPLE,
        "text": "What programs will your institution intend to have collaboration on? "
        "(Please choose the most needed only 3)",
        "translations": {"text": {"zh-hans": "贵校/机构打算在哪些项目上开展合作？（请只选择最需要的3项）"}},
        "choices": [
            {"en": "Student exchange", "zh-hans": "学生交流"},
            {"en": "Staff and teacher exchange", "zh-hans": "教职员工交流"},
            {"en": "Teacher training", "zh-hans": "师资培训"},
            {"en": "Digital and AI education", "zh-hans": "数字与人工智能教育"},
            {"en": "Green education and sustainability modules", "zh-hans": "绿色教育与可持续发展课程"},
            {"en": "TVET curriculum development", "zh-hans": "职业教育课程开发"},
            {"en": "Joint research", "zh-hans": "联合研究"},
            {"en": "Industry partnerships and internships", "zh-hans": "产教合作与实习"},
            {"en": "Skills competitions", "zh-hans": "技能竞赛"},
        ],
        "max_choices": 3,
        "allow_other": True,
        "required": True,
    },
    {
        "kind": SurveyQuestion.Kind.TEXT,
        "text": "What are the challenges that your institution encounters in order to extend cooperation?",
        "translations": {"text": {"zh-hans": "贵校/机构在拓展合作方面遇到了哪些挑战？"}},
        "choices": [],
        "max_choices": None,
        "allow_other": False,
        "required": False,
    },
    {
        "kind": SurveyQuestion.Kind.TEXT,
        "text": "Please share with us the most effective strategies for enhancing the proposed program cooperation.",
        "translations": {"text": {"zh-hans": "请与我们分享加强上述项目合作最有效的策略。"}},
        "choices": [],
        "max_choices": None,
        "allow_other": False,
        "required": False,
    },
    {
        "kind": SurveyQuestion.Kind.TEXT,
        "text": "What programs/events do you want SEAMEO TED/Go Study to coordinate for your institution?",
        "translations": {"text": {"zh-hans": "您希望SEAMEO TED/Go Study为贵校/机构协调哪些项目或活动？"}},
        "choices": [],
        "max_choices": None,
        "allow_other": False,
        "required": False,
    },
]


def question_text(question: SurveyQuestion, language: str | None = None) -> str:
    """The question in the reader's language, else English, else as written."""
    return question.localized("text", language)


def choice_labels(question: SurveyQuestion, language: str | None = None) -> list[str]:
    """The question's choices in the reader's language (else English, else as written)."""
    return question.choice_labels(language)


def survey_title(survey: Survey, language: str | None = None) -> str:
    return survey.localized("title", language)


def survey_introduction(survey: Survey, language: str | None = None) -> str:
    return survey.localized("introduction", language)


@transaction.atomic
def create_default_survey(*, event: Event) -> Survey:
    """Give ``event`` the default questionnaire (or return the one it already has)."""
    survey, created = Survey.objects.get_or_create(
        event=event,
        defaults={
            "title": DEFAULT_TITLE["en"],
            "introduction": DEFAULT_INTRODUCTION["en"],
            "original_language": "en",
            "translations": {
                "title": {"zh-hans": DEFAULT_TITLE["zh-hans"]},
                "introduction": {"zh-hans": DEFAULT_INTRODUCTION["zh-hans"]},
            },
            "is_open": False,
        },
    )
    if created:
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(survey=survey, position=position, **question)
            for position, question in enumerate(DEFAULT_QUESTIONS, start=1)
        )
    return survey


def add_tables(*, survey: Survey, count: int) -> list[SurveyTable]:
    """Add ``count`` tables numbered after the highest existing "Table N" (labels stay unique)."""
    existing = set(survey.tables.values_list("label", flat=True))
    tables = []
    number = 0
    while len(tables) < count:
        number += 1
        label = _("Table %(number)s") % {"number": number}
        if label not in existing:
            tables.append(SurveyTable(survey=survey, label=label))
    return SurveyTable.objects.bulk_create(tables)


@transaction.atomic
def survey_settings_save(*, form) -> Survey:
    """Save a valid ``SurveySettingsForm`` (titles, introductions).

    Side effects: updates the survey row.
    """
    return form.save()


def survey_open_set(*, survey: Survey, is_open: bool) -> Survey:
    """Open ``survey`` for answers, or close it.

    Side effects: updates ``is_open``. Idempotent.
    """
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    return survey


@transaction.atomic
def survey_question_save(*, form) -> SurveyQuestion:
    """Save a valid ``QuestionForm``; a new question goes after the survey's last one.

    Side effects: inserts or updates one question.
    """
    question = form.instance
    if question.pk is None:
        survey = question.survey
        last = survey.questions.order_by("-position").values_list("position", flat=True).first() or 0
        question.position = last + 1
    return form.save()


def survey_question_delete(*, question: SurveyQuestion) -> None:
    """Remove ``question``.

    Side effects: deletes the question and, by cascade, its answers.
    """
    question.delete()


@transaction.atomic
def survey_question_move(*, survey: Survey, question_id: int, up: bool) -> bool:
    """Swap a question with its neighbour above (``up``) or below; positions become 1..n.

    Returns False, changing nothing, when ``question_id`` is not a question of ``survey``.
    Side effects: renumbers the positions of all of the survey's questions under a row lock.
    """
    questions = list(survey.questions.select_for_update().order_by("position", "pk"))
    index = next((i for i, q in enumerate(questions) if q.pk == question_id), None)
    if index is None:
        return False
    target = index - 1 if up else index + 1
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
    for position, question in enumerate(questions, start=1):
        question.position = position
    SurveyQuestion.objects.bulk_update(questions, ["position"])
    return True


def survey_table_delete(*, table: SurveyTable) -> None:
    """Remove ``table``; its QR code no longer opens the survey.

    Side effects: deletes the table row (its responses keep no link to it).
    """
    table.delete()


class AlreadyAnswered(EventError):
    """This respondent has answered the survey before; nothing was written."""


def has_answered(survey: Survey, respondent_key: str) -> bool:
    return SurveyResponse.objects.filter(survey=survey, respondent_key=respondent_key).exists()


def _table_address_key(table: SurveyTable, address: str) -> str:
    # The address is hashed so that the cache never holds participants' IP addresses.
    digest = hashlib.sha256(f"{table.pk}:{address}".encode()).hexdigest()
    return f"survey-table-address:{digest}"


def survey_table_address_exhausted(*, table: SurveyTable, address: str) -> bool:
    """Whether ``address`` has used up its responses to ``table`` for the current window."""
    limit = settings.SURVEY_TABLE_RESPONSES_PER_ADDRESS
    return (cache.get(_table_address_key(table, address)) or 0) >= limit


def survey_table_address_claim(*, table: SurveyTable, address: str) -> bool:
    """Count one more response from ``address`` to ``table``; False when over the limit.

    A table's QR code opens the survey without signing in, and the browser cookie that makes
    it "one response per browser" is gone with a private window. So each client address may
    leave at most SURVEY_TABLE_RESPONSES_PER_ADDRESS responses per table within
    SURVEY_TABLE_RATE_WINDOW seconds (the window starts with its first response). The count
    is an atomic cache increment, so simultaneous submissions cannot all slip under it.
    """
    key = _table_address_key(table, address)
    cache.add(key, 0, timeout=settings.SURVEY_TABLE_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        # The entry expired between add() and incr(): this response opens a new window.
        cache.set(key, 1, timeout=settings.SURVEY_TABLE_RATE_WINDOW)
        count = 1
    return count <= settings.SURVEY_TABLE_RESPONSES_PER_ADDRESS


def survey_table_address_release(*, table: SurveyTable, address: str) -> None:
    """Give back a claim whose response was not recorded (it had been answered already)."""
    key = _table_address_key(table, address)
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to give back
        cache.decr(key)


def record_response(
    *,
    survey: Survey,
    respondent_key: str,
    answers: dict[int, tuple[list[int], str]],
    registration: Registration | None = None,
    table: SurveyTable | None = None,
    language: str = "",
) -> SurveyResponse:
    """Store one respondent's answers, all or nothing.

    ``answers`` maps a question's pk to (chosen indexes, text). The unique constraint on
    (survey, respondent_key) makes a second submission — even two at the same instant — fail
    with ``AlreadyAnswered`` instead of writing a second set of answers.
    """
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                respondent_key=respondent_key,
                registration=registration,
                table=table,
                language=language[:10],
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, question_id=question_id, choices=choices, text=text)
                for question_id, (choices, text) in answers.items()
                if choices or text
            )
    except IntegrityError as error:
        raise AlreadyAnswered from error
    return response


def survey_summary(event: Event, language: str | None = None) -> dict | None:
    """The survey's results in aggregate, for the organisers' results page and the event report.

    Returns ``None`` when the event has no survey. Otherwise::

        {
            "title": str,                 # in the active (or given) language
            "is_open": bool,
            "respondents": int,           # responses received (registrations and tables)
            "invited": int,               # approved registrations of the event
            "questions": [
                {
                    "text": str,          # question in the active language
                    "kind": "single" | "multiple" | "text",
                    "answered": int,      # respondents who answered this question
                    "choices": [          # empty for free-text questions
                        # percent = count / answered * 100, rounded to 1 decimal (0 if no answers);
                        # the last entry, with "other": True, counts "other" answers when allowed
                        {"label": str, "count": int, "percent": float, "other": bool},
                    ],
                    "texts": [str],       # free-text answers, or the "other" answers, oldest first
                },
            ],
        }

    Labels follow the active (or given) language, else English, else the text as written, so
    the report in Chinese calls it inside ``translation.override("zh-hans")``. Counts are per
    choice (answers store its position), whatever language each respondent answered in. It makes a fixed number of
    queries whatever the number of responses; nothing in it names a respondent.
    """
    survey = (
        Survey.objects.filter(event=event)
        .annotate(respondent_count=Count("responses", distinct=True))
        .prefetch_related(Prefetch("questions", queryset=SurveyQuestion.objects.order_by("position", "pk")))
        .first()
    )
    if survey is None:
        return None
    invited = Registration.objects.filter(event=event, status=Registration.Status.APPROVED).count()
    answers_by_question: dict[int, list[tuple[list[int], str]]] = {}
    for question_id, choices, text in (
        SurveyAnswer.objects.filter(response__survey=survey)
        .order_by("response__submitted_at", "pk")
        .values_list("question_id", "choices", "text")
    ):
        answers_by_question.setdefault(question_id, []).append((choices, text))

    questions = []
    for question in survey.questions.all():
        answers = answers_by_question.get(question.pk, [])
        answered = len(answers)
        labels = choice_labels(question, language)
        texts = [text.strip() for _choices, text in answers if text.strip()]
        choices = []
        if question.kind != SurveyQuestion.Kind.TEXT:
            counts = Counter(index for chosen, _text in answers for index in set(chosen))
            for index, label in enumerate(labels):
                choices.append(_choice_row(label, counts.get(index, 0), answered))
            if question.allow_other:
                choices.append(_choice_row(_("Other"), len(texts), answered, other=True))
        questions.append(
            {
                "text": question_text(question, language),
                "kind": question.kind,
                "answered": answered,
                "choices": choices,
                "texts": texts,
            }
        )
    return {
        "title": survey_title(survey, language),
        "is_open": survey.is_open,
        "respondents": survey.respondent_count,
        "invited": invited,
        "questions": questions,
    }


def _choice_row(label: str, count: int, answered: int, *, other: bool = False) -> dict:
    percent = round(count * 100 / answered, 1) if answered else 0.0
    return {"label": label, "count": count, "percent": percent, "other": other}
