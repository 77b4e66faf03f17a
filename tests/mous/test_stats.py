"""The secretariat's MoU statistics on a small hand-made set."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matchmaking.models import Meeting
from matchmaking.report import build_report
from mous import stats
from mous.models import Mou
from mous.services import refresh_party_countries
from tests.factories import (
    CooperationTypeFactory,
    EventFactory,
    FollowUpFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MilestoneFactory,
    MouFactory,
    MouPartyFactory,
    SectorFactory,
)

STATISTICS = reverse("mous:statistics")

pytestmark = pytest.mark.django_db


def make_mou(*institutions, sectors=(), types=(), **kwargs) -> Mou:
    mou = MouFactory(**kwargs)
    for position, institution in enumerate(institutions):
        MouPartyFactory(mou=mou, institution=institution, position=position)
    mou.sectors.set(sectors)
    mou.cooperation_types.set(types)
    refresh_party_countries(mou=mou)
    return mou


@pytest.fixture
def data(db):
    kh = InstitutionFactory(country="KH")
    cn = InstitutionFactory(country="CN")
    cn2 = InstitutionFactory(country="CN")
    th = InstitutionFactory(country="TH")
    auto, rail = SectorFactory(name="Automotive"), SectorFactory(name="Rail")
    training = CooperationTypeFactory(name="Teacher training")
    first = make_mou(kh, cn, sectors=[auto], types=[training], signed_on=date(2024, 2, 1), status="active")
    make_mou(kh, cn, th, sectors=[auto, rail], signed_on=date(2025, 2, 1), status="active")
    make_mou(cn, cn2, sectors=[rail], types=[training], signed_on=date(2025, 6, 1), last_activity_at=timezone.now())
    make_mou(kh, th, status="draft", signed_on=None, is_public=False)
    make_mou(kh, th, status="expired", signed_on=date(2020, 1, 1))
    MilestoneFactory(mou=first)
    return {"auto": auto, "rail": rail}


def test_country_pair_matrix(data):
    matrix = stats.country_pairs()
    assert matrix.counts == {("CN", "KH"): 2, ("CN", "TH"): 1, ("KH", "TH"): 3, ("CN", "CN"): 1}
    assert [code for code, _name in matrix.countries] == ["KH", "CN", "TH"]  # by name: Cambodia, China, Thailand
    rows = {country[0]: counts for country, counts in matrix.rows}
    assert rows["KH"] == [0, 2, 3]
    assert rows["CN"] == [2, 1, 1]


def test_by_sector_and_type_per_year(data):
    table = stats.by_sector_per_year()
    assert table.years == [2024, 2025]
    assert sorted(table.rows) == [("Automotive", [1, 1], 2), ("Rail", [0, 2], 2)]
    types = stats.by_type_per_year()
    assert types.rows == [("Teacher training", [1, 1], 2)]


def test_activity_share_counts_milestones_and_recorded_activity(data):
    # In force: the two active ones and the signed one; activity on the first (milestone) and third.
    assert stats.activity_share() == (3, 2)


def test_funnel_per_event():
    event = EventFactory(title="Kunming Expo")
    session = MatchmakingSessionFactory(event=event)
    held = Meeting.Attendance.HELD
    mou = make_mou(InstitutionFactory(), InstitutionFactory(country="CN"))
    published = {"session": session, "request__session": session, "status": Meeting.Status.PUBLISHED}
    MeetingFactory(**published, attendance=held)
    MeetingFactory(**published, attendance=held, outcome="mou_signed")
    MeetingFactory(**published, attendance=held, outcome="mou_signed", mou=mou)
    MeetingFactory(**published, attendance=Meeting.Attendance.NO_SHOW)
    MeetingFactory(session=session, request__session=session, attendance=held)  # never published
    rows = stats.funnel()
    assert [(row.event, row.held, row.reported, row.linked) for row in rows] == [("Kunming Expo", 3, 2, 1)]


def test_funnel_counts_what_the_event_report_counts():
    """A meeting of an ended session is held unless marked a no-show; a follow-up answer reports "MoU signed"."""
    event = EventFactory(title="Kunming Expo", start_date=timezone.localdate() - timedelta(days=10))
    session = MatchmakingSessionFactory(event=event)
    published = {"session": session, "request__session": session, "status": Meeting.Status.PUBLISHED}
    MeetingFactory(**published)  # not marked, but its session is over
    answered = MeetingFactory(**published)
    FollowUpFactory(meeting=answered, outcome="mou_signed", answered_at=timezone.now())
    answered.outcome = "in_discussion"  # the other side's later answer
    answered.save(update_fields=["outcome"])
    MeetingFactory(**published, attendance=Meeting.Attendance.NO_SHOW)

    (row,) = stats.funnel()
    funnel = {stage.key: stage.count for stage in build_report(event).matchmaking.funnel}

    assert (row.held, row.reported, row.linked) == (2, 1, 0)
    assert (funnel["held"], funnel["signed"]) == (row.held, row.reported + row.linked)


@pytest.mark.parametrize("role", ["anonymous", "participant", "institution_admin", "no_institution"])
def test_statistics_are_the_secretariats_only(client, roles, role):
    user = roles[role]
    if user.is_authenticated:
        client.force_login(user)
    assert client.get(STATISTICS).status_code == 404


def test_statistics_page_shows_the_numbers(client, roles, data, django_assert_max_num_queries):
    client.force_login(roles["secretariat"])
    with django_assert_max_num_queries(15):
        response = client.get(STATISTICS)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    assert "2 of 3 signed, active or expiring MoUs" in content
    assert "Automotive" in content
    assert "Teacher training" in content
