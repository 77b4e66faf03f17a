"""The networking survey: organisers set it up and read the results; participants answer it
from a QR code without signing in.

Organiser pages need ``events.manage_event`` (everyone else gets a 404, as on the other
management pages). The public form is reached by an unguessable token: a participant's own
``survey_token`` (one response per registration) or a table's token (one response per browser,
remembered in a signed cookie). Results are aggregate only; no page shows who answered what.
"""

import secrets

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core.qr import qr_svg

from .forms_survey import AddTablesForm, AnswerForm, QuestionForm, SurveySettingsForm
from .models import Registration, Survey, SurveyQuestion, SurveyTable
from .survey import (
    AlreadyAnswered,
    add_tables,
    create_default_survey,
    has_answered,
    record_response,
    survey_introduction,
    survey_open_set,
    survey_question_delete,
    survey_question_move,
    survey_question_save,
    survey_settings_save,
    survey_summary,
    survey_table_address_claim,
    survey_table_address_exhausted,
    survey_table_address_release,
    survey_table_delete,
    survey_title,
)
from .views_manage import managed_event

BROWSER_COOKIE = "tvet_survey_browser"
BROWSER_COOKIE_SALT = "events.survey.browser"
BROWSER_COOKIE_AGE = 60 * 60 * 24 * 365


# --- organisers -----------------------------------------------------------------------------


def _managed_survey(request, slug: str) -> Survey:
    event = managed_event(request, slug)
    survey = Survey.objects.filter(event=event).select_related("event").first()
    if survey is None:
        raise Http404
    return survey


@login_required
def survey_manage(request, slug: str):
    event = managed_event(request, slug)
    survey = Survey.objects.filter(event=event).first()
    context = {"event": event, "survey": survey}
    if survey is not None:
        context.update(
            questions=list(survey.questions.annotate(answer_count=Count("answers")).order_by("position", "pk")),
            tables=list(survey.tables.all()),
            respondents=survey.responses.count(),
            settings_form=SurveySettingsForm(instance=survey),
            tables_form=AddTablesForm(),
        )
    return render(request, "events/survey/manage.html", context)


@login_required
@require_POST
def survey_create(request, slug: str):
    event = managed_event(request, slug)
    create_default_survey(event=event)
    messages.success(request, _("The survey was created with the default questions. Open it when you are ready."))
    return redirect("events:survey_manage", slug)


@login_required
@require_POST
def survey_settings(request, slug: str):
    survey = _managed_survey(request, slug)
    form = SurveySettingsForm(request.POST, instance=survey)
    if form.is_valid():
        survey_settings_save(form=form)
        messages.success(request, _("The survey was saved."))
        return redirect("events:survey_manage", slug)
    return render(request, "events/survey/settings.html", {"event": survey.event, "survey": survey, "form": form})


@login_required
@require_POST
def survey_status(request, slug: str):
    survey = _managed_survey(request, slug)
    survey_open_set(survey=survey, is_open=request.POST.get("open") == "1")
    if survey.is_open:
        messages.success(request, _("The survey is open for answers."))
    else:
        messages.success(request, _("The survey is closed: nobody can answer it any more."))
    return redirect("events:survey_manage", slug)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, slug: str, pk: int | None = None):
    survey = _managed_survey(request, slug)
    question = get_object_or_404(SurveyQuestion, survey=survey, pk=pk) if pk else SurveyQuestion(survey=survey)
    form = QuestionForm(request.POST if request.method == "POST" else None, instance=question)
    if request.method == "POST" and form.is_valid():
        survey_question_save(form=form)
        messages.success(request, _("The question was saved."))
        return redirect("events:survey_manage", slug)
    return render(request, "events/survey/question_form.html", {"event": survey.event, "survey": survey, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, slug: str, pk: int):
    """Ask first (GET), then remove (POST): a question's answers go with it."""
    survey = _managed_survey(request, slug)
    question = get_object_or_404(SurveyQuestion.objects.annotate(answer_count=Count("answers")), survey=survey, pk=pk)
    if request.method == "GET":
        prompt = ngettext(
            "Remove the question “%(text)s” and its %(count)s answer?",
            "Remove the question “%(text)s” and its %(count)s answers?",
            question.answer_count,
        ) % {"text": question.text, "count": question.answer_count}
        return render(
            request,
            "events/manage/confirm_delete.html",
            {
                "event": survey.event,
                "object": question,
                "question": prompt,
                "cancel_url": reverse("events:survey_manage", args=[slug]) + "#questions",
            },
        )
    survey_question_delete(question=question)
    messages.success(request, _("The question and its answers were removed."))
    return redirect("events:survey_manage", slug)


@login_required
@require_POST
def question_move(request, slug: str, pk: int):
    """Swap a question with its neighbour above or below; positions are renumbered 1..n."""
    survey = _managed_survey(request, slug)
    if not survey_question_move(survey=survey, question_id=pk, up=request.POST.get("direction") == "up"):
        raise Http404
    return redirect(reverse("events:survey_manage", args=[slug]) + "#questions")


@login_required
@require_POST
def tables_add(request, slug: str):
    survey = _managed_survey(request, slug)
    form = AddTablesForm(request.POST)
    if form.is_valid():
        tables = add_tables(survey=survey, count=form.cleaned_data["count"])
        messages.success(request, _("%(count)s tables were added.") % {"count": len(tables)})
    else:
        for error in form.errors.get("count", []):
            messages.error(request, error)
    return redirect(reverse("events:survey_manage", args=[slug]) + "#tables")


@login_required
@require_POST
def table_delete(request, slug: str, pk: int):
    survey = _managed_survey(request, slug)
    survey_table_delete(table=get_object_or_404(SurveyTable, survey=survey, pk=pk))
    messages.success(request, _("The table was removed; its QR code no longer opens the survey."))
    return redirect(reverse("events:survey_manage", args=[slug]) + "#tables")


@login_required
def table_cards(request, slug: str):
    """A printable sheet: one card per table with the QR code that opens the survey."""
    survey = _managed_survey(request, slug)
    cards = [
        {
            "table": table,
            "url": request.build_absolute_uri(reverse("events:survey_table", args=[table.token])),
        }
        for table in survey.tables.all()
    ]
    for card in cards:
        card["qr"] = qr_svg(card["url"])
    return render(
        request,
        "events/survey/table_cards.html",
        {"event": survey.event, "survey": survey, "cards": cards, "title": survey_title(survey)},
    )


@login_required
def survey_results(request, slug: str):
    event = managed_event(request, slug)
    summary = survey_summary(event)
    if summary is None:
        raise Http404
    return render(request, "events/survey/results.html", {"event": event, "summary": summary})


# --- answering without signing in -----------------------------------------------------------


def _answer(
    request, survey: Survey, respondent_key: str, *, registration=None, table=None, address="", set_cookie=None
):
    """Show the form, or record it once; shared by the personal and the table links.

    A table link also counts responses per client ``address`` (see
    ``survey_table_address_claim``); past the limit it answers 429 and writes nothing.
    """
    context = {"survey": survey, "event": survey.event, "title": survey_title(survey)}
    if not survey.is_open:
        return render(request, "events/survey/closed.html", context)
    if has_answered(survey, respondent_key):
        return render(request, "events/survey/answered.html", context | {"already": True})
    if table is not None and survey_table_address_exhausted(table=table, address=address):
        return render(request, "events/survey/limited.html", context, status=429)
    questions = list(survey.questions.order_by("position", "pk"))
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        if table is not None and not survey_table_address_claim(table=table, address=address):
            return render(request, "events/survey/limited.html", context, status=429)
        try:
            record_response(
                survey=survey,
                respondent_key=respondent_key,
                answers=form.answers(),
                registration=registration,
                table=table,
                language=get_language() or "",
            )
        except AlreadyAnswered:
            if table is not None:
                survey_table_address_release(table=table, address=address)
            response = render(request, "events/survey/answered.html", context | {"already": True})
        else:
            response = render(request, "events/survey/answered.html", context | {"already": False})
    else:
        response = render(
            request, "events/survey/answer.html", context | {"form": form, "introduction": survey_introduction(survey)}
        )
    if set_cookie:
        response.set_signed_cookie(
            BROWSER_COOKIE,
            set_cookie,
            salt=BROWSER_COOKIE_SALT,
            max_age=BROWSER_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@require_http_methods(["GET", "POST"])
def answer_by_registration(request, token: str):
    registration = get_object_or_404(
        Registration.objects.select_related("event"), survey_token=token, status=Registration.Status.APPROVED
    )
    survey = get_object_or_404(Survey.objects.select_related("event"), event=registration.event)
    return _answer(request, survey, f"r:{registration.pk}", registration=registration)


@require_http_methods(["GET", "POST"])
def answer_by_table(request, token: str):
    table = get_object_or_404(SurveyTable.objects.select_related("survey__event"), token=token)
    try:
        key = request.get_signed_cookie(BROWSER_COOKIE, salt=BROWSER_COOKIE_SALT)
        new_key = None
    except (KeyError, signing.BadSignature):
        key = new_key = secrets.token_urlsafe(18)
    # The client address as allauth's rate limits see it: REMOTE_ADDR, or the address a
    # trusted proxy reports (ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER).
    address = get_adapter(request).get_client_ip(request)
    return _answer(request, table.survey, f"b:{key}", table=table, address=address, set_cookie=new_key)


urlpatterns = [
    path("survey/table/<str:token>/", answer_by_table, name="survey_table"),
    path("survey/<str:token>/", answer_by_registration, name="survey_answer"),
    path("<slug:slug>/manage/survey/", survey_manage, name="survey_manage"),
    path("<slug:slug>/manage/survey/create/", survey_create, name="survey_create"),
    path("<slug:slug>/manage/survey/settings/", survey_settings, name="survey_settings"),
    path("<slug:slug>/manage/survey/status/", survey_status, name="survey_status"),
    path("<slug:slug>/manage/survey/questions/new/", question_edit, name="survey_question_new"),
    path("<slug:slug>/manage/survey/questions/<int:pk>/", question_edit, name="survey_question_edit"),
    path("<slug:slug>/manage/survey/questions/<int:pk>/delete/", question_delete, name="survey_question_delete"),
    path("<slug:slug>/manage/survey/questions/<int:pk>/move/", question_move, name="survey_question_move"),
    path("<slug:slug>/manage/survey/tables/", tables_add, name="survey_tables_add"),
    path("<slug:slug>/manage/survey/tables/<int:pk>/delete/", table_delete, name="survey_table_delete"),
    path("<slug:slug>/manage/survey/tables/print/", table_cards, name="survey_table_cards"),
    path("<slug:slug>/manage/survey/results/", survey_results, name="survey_results"),
]
