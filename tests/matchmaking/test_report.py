"""The automatic event report: who sees it, figures that add up, charts, and its PDF."""

import os
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events.charts import bar_chart, ring_chart
from events.models import Event, Registration, SurveyQuestion
from institutions.models import Institution
from matchmaking.models import Meeting
from matchmaking.report import build_report
from mous.models import Mou
from tests.factories import (
    DelegationFactory,
    EventFactory,
    InstitutionFactory,
    MeetingFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    SessionFactory,
    SurveyAnswerFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(roles):
    event = EventFactory(title="Phnom Penh Exchange Week")
    event.organisers.add(roles.institution_a)
    return event


def register(event, *, institution, name="", **kwargs) -> Registration:
    user = MembershipFactory(user=UserFactory(display_name=name), institution=institution).user
    return RegistrationFactory(event=event, user=user, institution=institution, **kwargs)


def url(name, event) -> str:
    namespace = "events" if name == "manage" else "matchmaking"
    return reverse(f"{namespace}:{name}", kwargs={"slug": event.slug})


@pytest.fixture
def populated(event):
    """Six approved people from four institutions in three countries, plus people who do not count."""
    now = timezone.now()
    cn_college = InstitutionFactory(country="CN", kind=Institution.Kind.VOCATIONAL_COLLEGE, name="广西职业技术学院")
    cn_company = InstitutionFactory(country="CN", kind=Institution.Kind.ENTERPRISE)
    kh_poly = InstitutionFactory(country="KH", kind=Institution.Kind.POLYTECHNIC)
    th_uni = InstitutionFactory(country="TH", kind=Institution.Kind.UNIVERSITY)
    register(event, institution=cn_college, name="王芳", checked_in_at=now)
    register(event, institution=cn_college, name="李伟", checked_in_at=now)
    register(event, institution=cn_company, name="张磊")
    head = register(event, institution=kh_poly, name="សុខ ដារ៉ា", checked_in_at=now)
    register(event, institution=kh_poly, name="Chan Sophea", role=Registration.Role.SPEAKER)
    register(event, institution=th_uni, name="สมชาย ใจดี", checked_in_at=now)
    # Not approved: never counted anywhere.
    register(event, institution=th_uni, status=Registration.Status.PENDING)
    register(event, institution=InstitutionFactory(country="VN"), status=Registration.Status.CANCELLED)
    register(event, institution=kh_poly, status=Registration.Status.REJECTED)
    delegation = DelegationFactory(event=event, name="Cambodian delegation", country="KH", head=head)
    Registration.objects.filter(event=event, institution=kh_poly).update(delegation=delegation)
    return event


# --- who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("secretariat", True),
        ("institution_admin", True),  # admin of the organiser institution
        ("participant", False),
        ("other_admin", False),
        ("other_member", False),
        ("no_institution", False),
    ],
)
def test_only_the_people_who_run_the_event_see_the_report(client, roles, populated, role, allowed):
    client.force_login(roles[role])

    assert client.get(url("report", populated)).status_code == (200 if allowed else 404)


def test_visitors_are_sent_to_sign_in(client, populated):
    response = client.get(url("report", populated))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the figures ---------------------------------------------------------------------------


def test_report_counts_approved_people_and_every_breakdown_sums_to_its_total(populated):
    report = build_report(populated)

    assert report.participants == 6
    assert report.institutions == 4
    assert {line.key: (line.participants, line.institutions) for line in report.countries} == {
        "CN": (3, 2),
        "KH": (2, 1),
        "TH": (1, 1),
    }
    for breakdown in (report.countries, report.kinds, report.roles):
        assert sum(line.participants for line in breakdown) == report.participants
    assert sum(line.institutions for line in report.countries) == report.institutions
    assert sum(line.institutions for line in report.kinds) == report.institutions
    assert report.checked_in == 4
    assert report.check_in_percent == 67
    assert [(line.name, line.members, line.head) for line in report.delegations] == [
        ("Cambodian delegation", 2, "សុខ ដារ៉ា")
    ]


def test_sessions_meetings_and_mous_count_what_happened(populated):
    past = timezone.now() - timedelta(days=2)
    SessionFactory(event=populated, starts_at=past, ends_at=past + timedelta(hours=1))
    SessionFactory(event=populated)  # still to come
    held = MeetingFactory(status=Meeting.Status.PUBLISHED)
    held.session.event = populated
    held.session.starts_at, held.session.ends_at = past, past + timedelta(hours=2)
    held.session.save()
    MeetingFactory(request__session=held.session, status=Meeting.Status.CANCELLED)
    signed = MouFactory(event=populated, status=Mou.Status.SIGNED)
    MouPartyFactory(mou=signed)
    MouPartyFactory(mou=signed)
    MouFactory(event=populated, status=Mou.Status.DRAFT)
    MouFactory(status=Mou.Status.SIGNED)  # another event's

    report = build_report(populated)

    assert (report.sessions_total, report.sessions_held) == (3, 2)
    assert report.meetings_held == 1
    assert (report.mous_signed, report.mou_institutions) == (1, 2)


def test_an_event_without_participants_reports_zeros(event):
    report = build_report(event)

    assert (report.participants, report.institutions, report.check_in_percent) == (0, 0, 0)
    assert report.countries == report.kinds == []


# --- the page ------------------------------------------------------------------------------


def test_page_states_the_figures_with_server_drawn_charts(client, roles, populated):
    client.force_login(roles["secretariat"])

    html = client.get(url("report", populated)).content.decode()

    assert "6 participants from 4 institutions in 3 countries." in html
    assert "<td>China</td> <td>3</td> <td>2</td>" in " ".join(html.split())
    assert html.count("<svg") >= 3  # countries, kinds, check-in ring
    assert ">67%<" in html
    assert "Cambodian delegation" in html
    assert "<script" not in html.split('id="report-headline"')[1]


def test_page_is_in_chinese_for_a_chinese_reader(client, roles, populated):
    client.force_login(roles["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(url("report", populated))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "中国" in html  # country names follow the language


def test_page_shows_the_survey_summary_when_there_is_one(client, roles, populated):
    pytest.importorskip("events.survey")
    from events.survey import create_default_survey

    create_default_survey(event=populated)
    client.force_login(roles["secretariat"])

    html = client.get(url("report", populated)).content.decode()

    assert 'id="report-survey"' in html


def test_page_queries_do_not_grow_with_registrations(client, roles, event, django_assert_max_num_queries):
    client.force_login(roles["secretariat"])
    institution = InstitutionFactory(country="KH")
    register(event, institution=institution)
    with django_assert_max_num_queries(40) as one:
        client.get(url("report", event))
    for number in range(29):
        register(event, institution=InstitutionFactory(country=["CN", "TH", "VN"][number % 3]))
    DelegationFactory(event=event)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url("report", event))
    assert response.context["report"].participants == 30


# --- charts --------------------------------------------------------------------------------


def test_bar_chart_scales_to_the_largest_value_and_escapes_labels():
    svg = bar_chart([("<b>China</b>", 10), ("Cambodia", 5)], title="By country")

    assert svg.startswith("<svg")
    assert "&lt;b&gt;China&lt;/b&gt;" in svg
    assert 'width="260"' in svg
    assert 'width="130"' in svg
    assert bar_chart([]) == ""


def test_ring_chart_shows_the_share():
    assert ">75%<" in ring_chart(3, 4)
    assert ">0%<" in ring_chart(0, 0)


# --- the PDF -------------------------------------------------------------------------------


def test_pdf_embeds_the_fonts_it_needs(client, roles, populated):
    client.force_login(roles["secretariat"])
    DelegationFactory(event=populated, name="中国代表团", country="CN")

    response = client.get(url("report_pdf", populated))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    # Each family is embedded (a subset) under its own name: Latin, Chinese, Thai and Khmer.
    base_fonts = set(re.findall(rb"/BaseFont /(?:[A-Z]{6}\+)?(\w+)", body))
    assert {b"NotoSans", b"NotoSansThai", b"NotoSansKhmer"} <= base_fonts
    assert any(name.startswith(b"NotoSansCJK") for name in base_fonts)
    assert body.count(b"/FontFile2") + body.count(b"/FontFile3") >= 4


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_pdf_states_the_figures_and_the_names(client, roles, populated, tmp_path):
    client.force_login(roles["secretariat"])
    DelegationFactory(event=populated, name="คณะผู้แทนไทย", country="TH")
    DelegationFactory(event=populated, name="中国代表团", country="CN")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(client.get(url("report_pdf", populated)).content)
    if os.environ.get("REPORT_PDF_KEEP"):  # to look at it: pdftoppm -r 60 -png <file> page
        shutil.copy(pdf, os.environ["REPORT_PDF_KEEP"])

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout

    assert "6 participants from 4 institutions in 3 countries." in " ".join(text.split())
    assert "Cambodian delegation" in text
    assert "សុខ ដារ៉ា" in text or "សុខ" in text
    # Thai vowel and tone marks are placed glyphs: text extraction may split the word around them.
    assert "ทนไทย" in text
    assert "中国代表团" in text


@pytest.mark.parametrize("role", ["participant", "other_admin", "no_institution"])
def test_pdf_is_refused_to_people_who_do_not_run_the_event(client, roles, populated, role):
    client.force_login(roles[role])

    assert client.get(url("report_pdf", populated)).status_code == 404


def test_management_page_links_to_the_report(client, roles, event):
    client.force_login(roles["institution_admin"])

    assert url("report", event) in client.get(url("manage", event)).content.decode()


# --- the demo workshop ---------------------------------------------------------------------


def test_demo_workshop_report_states_the_headline_and_adds_up(demo, client):
    from portal import demo_data
    from portal.models import User
    from tests.factories import give_second_factor

    event = Event.objects.get(slug=demo_data.WORKSHOP_2)
    # The demo's secretariat login has no second factor (the demo waives it); this one does.
    client.force_login(give_second_factor(User.objects.get(email="secretariat@example.org")))

    response = client.get(url("report", event))

    html = " ".join(response.content.decode().split())
    report = response.context["report"]
    assert "134 participants from 48 institutions in 11 countries." in html
    assert "<td>China</td> <td>56</td> <td>24</td>" in html  # as the seed report states
    assert "13 MoUs signed among 14 institutions" in html
    assert {line.key for line in report.countries} == {"CN", "KH", "BN", "ID", "MY", "PH", "SG", "TH", "TL", "VN", "RU"}
    for breakdown in (report.countries, report.kinds, report.roles):
        assert sum(line.participants for line in breakdown) == report.participants == 134
    assert sum(line.institutions for line in report.countries) == report.institutions == 48
    assert sum(line.institutions for line in report.kinds) == 48
    sea = [line for line in report.countries if line.key not in ("CN", "KH", "RU")]
    assert (sum(line.participants for line in sea), sum(line.institutions for line in sea)) == (25, 15)
    assert report.checked_in > 0.9 * report.participants


def test_survey_results_are_counted_on_the_page_and_in_the_pdf(client, roles, populated, tmp_path):
    survey = SurveyFactory(event=populated)
    choice_q = SurveyQuestionFactory(survey=survey, position=1, text="Programmes for collaboration")
    text_q = SurveyQuestionFactory(
        survey=survey, position=2, kind=SurveyQuestion.Kind.TEXT, choices=[], text="Challenges"
    )
    people = list(Registration.objects.filter(event=populated, status=Registration.Status.APPROVED)[:2])
    first, second = (SurveyResponseFactory(survey=survey, registration=person) for person in people)
    SurveyAnswerFactory(response=first, question=choice_q, choices=[0])
    SurveyAnswerFactory(response=second, question=choice_q, choices=[0])
    SurveyAnswerFactory(response=first, question=text_q, choices=[], text="Limited facilities")
    client.force_login(roles["secretariat"])

    html = " ".join(client.get(url("report", populated)).content.decode().split())

    survey_part = html.split('id="report-survey"')[1]
    assert "2 responses (6 participants invited)." in survey_part
    assert "<h3>Programmes for collaboration</h3>" in survey_part
    assert "<svg" in survey_part
    assert "<li>Limited facilities</li>" in survey_part
    if shutil.which("pdftotext"):
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(client.get(url("report_pdf", populated)).content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
        assert "Programmes for collaboration" in text
        assert "Limited facilities" in text
