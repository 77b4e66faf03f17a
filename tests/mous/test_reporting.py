"""The cooperation report: its figures on a small world, who sees which, its filters and its workbook."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.countries import countries
from institutions.models import CourseUseRequest, Institution, Membership, SharedCourse
from mous.models import Exchange, Mou, MouSharedCourse, Project
from mous.reporting import ReportFilters, ReportScope, build_report, cooperation_recorded, report_scope_for
from mous.services import refresh_party_countries
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    MilestoneFactory,
    MouFactory,
    MouPartyFactory,
    SectorFactory,
    SharedCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REPORT = reverse("mous:report")
REPORT_XLSX = reverse("mous:report_xlsx")
PERIOD = {"year_from": "2024", "year_to": "2025"}
FILTERS = ReportFilters(year_from=2024, year_to=2025)
EVERYTHING = ReportScope(everything=True)


def make_mou(*institutions, **kwargs) -> Mou:
    mou = MouFactory(**kwargs)
    for position, institution in enumerate(institutions):
        MouPartyFactory(mou=mou, institution=institution, position=position)
    refresh_party_countries(mou=mou)
    return mou


def exchange(mou, year, category, origin, destination, planned, actual, **kwargs) -> Exchange:
    return Exchange.objects.create(
        mou=mou,
        year=year,
        category=category,
        from_institution=origin,
        to_institution=destination,
        planned=planned,
        actual=actual,
        **kwargs,
    )


@pytest.fixture
def world(db):
    """Cambodia (A, whose admin reads the report), China (B, D), Thailand (C); four signed MoUs and a draft."""
    w = type("World", (), {})()
    w.a = InstitutionFactory(name="Kampot Report Institute", country="KH")
    w.b = InstitutionFactory(name="Nanning Report College", country="CN")
    w.c = InstitutionFactory(name="Chiang Mai Report College", country="TH")
    w.d = InstitutionFactory(name="Kunming Report Academy", country="CN")
    w.alliance = InstitutionFactory(name="Report Alliance", country="KH", kind=Institution.Kind.ALLIANCE)
    w.rail = SectorFactory(name="Rail")
    w.admin_a = MembershipFactory(
        user=UserFactory(verified_email=True), institution=w.a, role=Membership.Role.ADMIN
    ).user
    w.member_a = MembershipFactory(user=UserFactory(verified_email=True), institution=w.a).user
    # A's private MoU with B (2024) and public one with C (2025, nothing recorded).
    w.m1 = make_mou(w.a, w.b, signed_on=date(2024, 3, 1), status=Mou.Status.ACTIVE)
    w.m1.sectors.set([w.rail])
    w.m4 = make_mou(w.a, w.c, signed_on=date(2025, 4, 1), is_public=True)
    # B and C's public MoU, with a milestone; C and D's private one: not A's.
    w.m2 = make_mou(w.b, w.c, signed_on=date(2025, 1, 10), is_public=True)
    MilestoneFactory(mou=w.m2)
    w.m3 = make_mou(w.c, w.d, signed_on=date(2025, 6, 1))
    draft = make_mou(w.a, w.c, status=Mou.Status.DRAFT, signed_on=None)
    exchange(draft, 2025, "students", w.a, w.c, 99, 99)
    exchange(w.m1, 2024, "students", w.a, w.b, 10, 8, field=w.rail)
    exchange(w.m1, 2025, "teachers", w.b, w.a, 5, None)
    exchange(w.m1, 2023, "staff", w.b, w.a, 40, 40)  # before the period
    exchange(w.m2, 2025, "students", w.c, w.b, 3, 3)
    exchange(w.m3, 2025, "interns", w.d, w.c, 7, 6)
    Project.objects.create(
        mou=w.m1, name="Rail training base", kind="training_base", status="in_progress", start_on=date(2024, 9, 1)
    )
    Project.objects.create(mou=w.m3, name="Luban workshop", kind="workshop", status="model", start_on=date(2025, 2, 1))
    Project.objects.create(alliance=w.alliance, name="Skills contest", kind="competition", status="planned")
    # A's online course (2025) and its unpublished one; B's course on site (2024), used by C.
    w.course_a = course(w.a, w.rail, "online", 2025)
    course(w.a, w.rail, "online", 2025, is_published=False)
    w.course_b = course(w.b, w.rail, "on_site", 2024)
    request(w.course_b, w.c, CourseUseRequest.Status.ACCEPTED, 2025)
    request(w.course_b, w.a, CourseUseRequest.Status.DECLINED, 2025)
    request(w.course_b, w.d, CourseUseRequest.Status.ACCEPTED, 2023)  # before the period
    for shared in (w.course_a, w.course_b):
        link = MouSharedCourse.objects.create(mou=w.m1, course=shared)
        MouSharedCourse.objects.filter(pk=link.pk).update(linked_at=link.linked_at.replace(year=2025))
    return w


def course(institution, sector, course_format, year, **kwargs) -> SharedCourse:
    shared = SharedCourseFactory(institution=institution, sector=sector, format=course_format, **kwargs)
    SharedCourse.objects.filter(pk=shared.pk).update(created_at=shared.created_at.replace(year=year))
    return shared


def request(shared, institution, status, year) -> CourseUseRequest:
    return CourseUseRequest.objects.create(
        course=shared, institution=institution, status=status, decided_at=datetime(year, 6, 1, tzinfo=UTC)
    )


def table(report, key):
    return next(table for table in report.tables if table.key == key)


def test_exchanges_per_year_direction_and_category(world):
    exchanges = table(build_report(scope=EVERYTHING, filters=FILTERS), "exchanges")
    assert exchanges.rows == [
        [2024, "Cambodia", "China", "students", 10, 8, 1],
        [2025, "China", "Cambodia", "teachers", 5, None, 1],
        [2025, "China", "Thailand", "interns", 7, 6, 1],
        [2025, "Thailand", "China", "students", 3, 3, 1],
    ]
    assert exchanges.totals[4:] == [25, 17, 4]


def test_courses_shared_used_and_linked_per_year(world):
    courses = table(build_report(scope=EVERYTHING, filters=FILTERS), "courses")
    assert courses.rows == [
        [2024, "China", "Rail", "on site", 1, 0, 0],
        [2025, "Cambodia", "Rail", "online", 1, 0, 1],
        [2025, "China", "Rail", "on site", 0, 1, 1],
    ]
    assert courses.totals[4:] == [2, 1, 2]


def test_projects_by_kind_and_status_per_year_started(world):
    projects = table(build_report(scope=EVERYTHING, filters=FILTERS), "projects")
    statuses = list(Project.Status.values)
    rows = {(row[0], row[1]): dict(zip(statuses, row[2:-1], strict=True)) | {"total": row[-1]} for row in projects.rows}
    assert rows[(2024, "training base")]["in_progress"] == 1
    assert rows[(2025, "craftsmanship workshop / Luban workshop")]["model"] == 1
    assert rows[("not recorded", "skills competition")]["planned"] == 1
    assert projects.totals[-1] == 3
    assert [row[0] for row in projects.rows] == [2024, 2025, "not recorded"]


def test_mous_with_and_without_cooperation_per_year_and_pair(world):
    mous = table(build_report(scope=EVERYTHING, filters=FILTERS), "mous")
    assert mous.rows == [
        [2024, "Cambodia – China", 1, 1, 0],
        [2025, "Cambodia – Thailand", 1, 0, 1],
        [2025, "China – Thailand", 2, 2, 0],
    ]
    assert mous.totals[2:] == [4, 3, 1]


def test_an_institution_admin_sees_only_its_own_mous_figures(world):
    scope = report_scope_for(world.admin_a)
    assert scope == ReportScope(everything=False, institution_ids=frozenset({world.a.pk}))
    report = build_report(scope=scope, filters=FILTERS)
    # B and C's public MoU and C and D's private one are not A's: none of their figures.
    assert table(report, "exchanges").totals[4:] == [15, 8, 2]
    assert table(report, "projects").totals[-1] == 1
    assert table(report, "mous").rows == [[2024, "Cambodia – China", 1, 1, 0], [2025, "Cambodia – Thailand", 1, 0, 1]]
    # A's own courses only, not B's (even though it is linked to A's MoU).
    assert table(report, "courses").rows == [[2025, "Cambodia", "Rail", "online", 1, 0, 1]]


def test_filters_narrow_every_table(world):
    by_thailand = build_report(scope=EVERYTHING, filters=ReportFilters(year_from=2025, year_to=2025, country="TH"))
    assert [row[1:3] for row in table(by_thailand, "exchanges").rows] == [["China", "Thailand"], ["Thailand", "China"]]
    assert [row[1] for row in table(by_thailand, "mous").rows] == ["Cambodia – Thailand", "China – Thailand"]
    by_rail = build_report(
        scope=EVERYTHING, filters=ReportFilters(year_from=2024, year_to=2025, sector_id=world.rail.pk)
    )
    assert table(by_rail, "exchanges").totals[4:] == [10, 8, 1]
    assert table(by_rail, "projects").totals[-1] == 1
    assert table(by_rail, "mous").totals[2:] == [1, 1, 0]


def test_an_mou_of_three_countries_counts_under_each_pair_and_once_in_the_total(world):
    make_mou(world.a, world.b, world.c, signed_on=date(2025, 9, 1))
    mous = table(build_report(scope=EVERYTHING, filters=ReportFilters(year_from=2025, year_to=2025)), "mous")
    assert mous.rows == [
        [2025, "Cambodia – China", 1, 0, 1],
        [2025, "Cambodia – Thailand", 2, 0, 2],
        [2025, "China – Thailand", 3, 2, 1],
    ]
    assert mous.totals[2:] == [4, 2, 2]


def test_the_report_takes_the_same_few_queries_however_many_rows(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_report(scope=EVERYTHING, filters=FILTERS)
        return len(captured)

    before = queries()
    for year in (2024, 2025):
        mou = make_mou(world.b, world.d, signed_on=date(year, 5, 5))
        exchange(mou, year, "trainers", world.b, world.d, 2, 2)
        Project.objects.create(mou=mou, name=f"Project {year}", kind="other", status="completed")
        shared = course(world.d, SectorFactory(), "blended", year)
        request(shared, world.b, CourseUseRequest.Status.ACCEPTED, year)
    assert queries() == before <= 8


# --- The page and the workbook -------------------------------------------------------------


def test_secretariat_page_shows_the_four_tables(client, world, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(REPORT, PERIOD)
    assert response.status_code == 200
    # The actual figure of 2025's teachers is not recorded: a dash, not "None" or 0.
    assert '–<span class="visually-hidden">not recorded</span>' in response.content.decode()
    assert ">None<" not in response.content.decode()
    assert [t.key for t in response.context["report"].tables] == ["exchanges", "courses", "projects", "mous"]
    content = response.content.decode()
    assert "Cambodia – China" in content
    assert f'href="{REPORT_XLSX}?year_from=2024&amp;year_to=2025"' in content


def test_institution_admin_page_holds_only_its_figures(client, world):
    client.force_login(world.admin_a)
    response = client.get(REPORT, PERIOD)
    assert response.status_code == 200
    assert "China – Thailand" not in response.content.decode()


@pytest.mark.parametrize("who", ["member_a", None])
def test_participant_and_visitor_are_refused(client, world, who):
    if who:
        client.force_login(getattr(world, who))
    for url in (REPORT, REPORT_XLSX):
        response = client.get(url, PERIOD)
        if who:
            assert response.status_code == 404
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"year_from": "2025", "year_to": "2020"},
            "The first year (2025) comes after the last year (2020): swap them.",
        ),
        ({"year_from": "abc"}, "Enter the first year as four digits, such as 2024."),
        ({"year_to": "20x5"}, "Enter the last year as four digits, such as 2025."),
        ({"year_from": "1200"}, "Ensure this value is greater than or equal to 1990."),
        ({"year_from": "1990", "year_to": "2025"}, "A report covers at most 30 years: shorten the period."),
        ({"country": "XX"}, "Select a valid choice."),
    ],
)
def test_bad_filters_answer_a_clear_message_and_no_figures(client, world, secretariat_user, query, message):
    client.force_login(secretariat_user)
    for url in (REPORT, REPORT_XLSX):
        response = client.get(url, query)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()
        assert response.context["report"] is None


def test_default_period_is_the_last_five_years(client, world, secretariat_user):
    client.force_login(secretariat_user)
    report = client.get(REPORT).context["report"]
    this_year = date.today().year
    assert (report.filters.year_from, report.filters.year_to) == (this_year - 4, this_year)


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.content))


def named_sheet(book, english: str):
    """The sheet whose name starts with its English name (then " · " and its Chinese one)."""
    (sheet,) = [book[name] for name in book.sheetnames if name.split(" · ")[0] == english]
    return sheet


def test_workbook_for_the_annual_report(client, world, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(REPORT_XLSX, PERIOD)
    assert response["Content-Disposition"] == 'attachment; filename="cooperation-report-2024-2025.xlsx"'
    book = workbook(response)
    # Each sheet named in English and Chinese (from the catalogue), as the headings are.
    assert [name.split(" · ")[0] for name in book.sheetnames] == ["Exchanges", "Courses", "Projects", "MoUs"]
    assert all(len(name.split(" · ")) == 2 for name in book.sheetnames)
    sheet = named_sheet(book, "Exchanges")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("People exchanged per year and direction / ")
    assert "Period: 2024–2025" in rows[1][0]
    assert not any(rows[3])  # a blank row before the headings
    english, chinese = rows[4], rows[5]
    assert english[:3] == ("Year", "From country", "To country")
    with translation.override("zh-hans"):
        from mous.reporting import EXCHANGE_COLUMNS

        assert list(chinese) == [str(column.label) for column in EXCHANGE_COLUMNS]
    assert rows[6] == (2024, "Cambodia", "China", "students", 10, 8, 1)
    assert rows[7][5] is None  # an actual figure not recorded stays empty
    assert rows[-1] == ("Total", None, None, None, 25, 17, 4)
    assert sheet.freeze_panes == "E7"
    assert sheet.column_dimensions["B"].width == 18
    assert all(isinstance(value, int) for value in rows[6][4:])


def test_workbook_headings_in_chinese_come_from_the_catalogue(client, world, secretariat_user):
    client.force_login(secretariat_user)
    book = workbook(client.get(REPORT_XLSX, PERIOD))
    projects = list(named_sheet(book, "Projects").iter_rows(values_only=True))
    # "Total" is in the zh-hans catalogue: the second heading row says it in Chinese.
    assert projects[4][-1] == "Total"
    assert projects[5][-1] == "合计"
    assert projects[-1][0] == "Total"
    assert projects[-1][-1] == 3
    mous = list(named_sheet(book, "MoUs").iter_rows(values_only=True))
    assert mous[-1][2:] == (4, 3, 1)


def test_workbook_cells_never_run_as_formulas(client, world, secretariat_user):
    world.alliance.country = "KH"
    world.alliance.save()
    Project.objects.filter(alliance=world.alliance).update(kind="=HYPERLINK(1)")  # no such kind: shown as stored
    client.force_login(secretariat_user)
    book = workbook(client.get(REPORT_XLSX, PERIOD))
    cells = [cell for row in named_sheet(book, "Projects").iter_rows() for cell in row]
    assert "'=HYPERLINK(1)" in [cell.value for cell in cells]
    assert not any(cell.data_type == "f" for cell in cells)


def test_institution_admin_workbook_holds_only_its_figures(client, world):
    from auditlog.models import LogEntry

    from portal.activity import activity_rows

    client.force_login(world.admin_a)
    book = workbook(client.get(REPORT_XLSX, PERIOD))
    (entry,) = LogEntry.objects.filter(additional_data__action="mous.report.exported")
    assert (entry.actor, entry.additional_data["everything"]) == (world.admin_a, False)
    assert activity_rows([entry])[0].what == "Exported the cooperation report (xlsx)"
    rows = list(named_sheet(book, "Exchanges").iter_rows(values_only=True))
    assert "Figures of your institutions' MoUs only" in rows[1][0]
    assert rows[-1][4:] == (15, 8, 2)


def test_dashboard_links_the_report_for_institution_admins_only(client, world):
    client.force_login(world.admin_a)
    assert REPORT in client.get(reverse("dashboard")).content.decode()
    client.force_login(world.member_a)
    assert REPORT not in client.get(reverse("dashboard")).content.decode()


# --- Done when: an exchange and a shared course under a 2nd workshop MoU reach the report ---


def test_exchange_and_course_recorded_under_a_workshop_mou_appear_in_the_report_and_workbook(client, demo):
    from institutions.services_courses import shared_course_create
    from mous.services_cooperation import exchange_save
    from mous.services_courses import mou_course_link
    from portal.models import User

    admin = User.objects.get(email="admin@example.org")
    mou = Mou.objects.get(title="MoU on teacher training in intelligent manufacturing")
    assert mou.event.slug == "2nd-china-sea-partnership-workshop-2025"
    shenzhen = mou.parties.get(institution__country="CN").institution
    kampong_speu = mou.parties.get(institution__country="KH").institution
    this_year = date.today().year
    period = {"year_from": "2025", "year_to": str(this_year), "country": "KH"}
    client.force_login(admin)
    before = client.get(REPORT, period).context["report"]
    courses_before = table(client.get(REPORT, {**period, "country": ""}).context["report"], "courses")
    cooperated_before = Mou.objects.filter(pk=mou.pk).filter(cooperation_recorded()).exists()

    exchange_save(
        mou=mou,
        exchange=Exchange(
            year=2025,
            category="teachers",
            from_institution=shenzhen,
            to_institution=kampong_speu,
            planned=12,
            actual=10,
        ),
        user=admin,
    )
    course_shared = shared_course_create(
        institution=shenzhen,
        by=admin,
        title="Industrial robot maintenance",
        language="zh",
        level=SharedCourse.Level.SHORT_COURSE,
        sector=mou.sectors.get(),
        format=SharedCourse.Format.BLENDED,
    )
    mou_course_link(mou=mou, course=course_shared, by=admin)

    response = client.get(REPORT, period)
    after = response.context["report"]
    # The page speaks the admin's language (Chinese in the demo): names are compared in it.
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        china, cambodia = str(countries.name("CN")), str(countries.name("KH"))
        teachers, blended = str(Exchange.Category.TEACHERS.label), str(SharedCourse.Format.BLENDED.label)
        sector = mou.sectors.get().label
    assert table(after, "exchanges").totals[4] == (table(before, "exchanges").totals[4] or 0) + 12
    assert [2025, china, cambodia, teachers, 12, 10, 1] in table(after, "exchanges").rows
    # The course is China's (its institution's country) and the filter is Cambodia: unfiltered it shows.
    courses = table(client.get(REPORT, {**period, "country": ""}).context["report"], "courses")
    key = [this_year, china, sector, blended]
    was = next((row[4:] for row in courses_before.rows if row[:4] == key), [0, 0, 0])
    course_row = next(row for row in courses.rows if row[:4] == key)
    assert course_row[4:] == [was[0] + 1, was[1], was[2] + 1]  # one more shared, one more linked
    # The MoU now counts among those with recorded cooperation (unless it already did).
    assert table(after, "mous").totals[3] == table(before, "mous").totals[3] + (0 if cooperated_before else 1)
    assert Mou.objects.filter(pk=mou.pk).filter(cooperation_recorded()).exists()

    book = workbook(client.get(REPORT_XLSX, {**period, "country": ""}))
    assert (2025, china, cambodia, teachers, 12, 10, 1) in list(
        named_sheet(book, "Exchanges").iter_rows(values_only=True)
    )
    assert tuple(course_row) in list(named_sheet(book, "Courses").iter_rows(values_only=True))
    # The secretariat's report holds them too.
    secretariat = build_report(
        scope=report_scope_for(User.objects.get(email="secretariat@example.org")), filters=FILTERS
    )
    assert any(row[0] == 2025 and row[4:] == [12, 10, 1] for row in table(secretariat, "exchanges").rows)


def test_an_mou_among_institutions_of_one_country_counts_under_that_country_twice_named(world):
    make_mou(world.b, world.d, signed_on=date(2026, 1, 5))
    mous = table(build_report(scope=EVERYTHING, filters=ReportFilters(year_from=2026, year_to=2026)), "mous")
    assert mous.rows == [[2026, "China – China", 1, 0, 1]]
