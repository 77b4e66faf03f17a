"""Events and institutions know MoUs only through their extension points, filled in by the MoU app."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from institutions.agreements import agreement_titles
from matchmaking.followups import _open_questions
from matchmaking.models import Meeting
from matchmaking.mou_links import MouLinkError, MouLinks, mou_links, register_mou_links
from matchmaking.report import build_report
from mous.links import MeetingMouLinks
from tests.factories import (
    EventFactory,
    FollowUpFactory,
    InstitutionFactory,
    MeetingFactory,
    MouFactory,
    MouPartyFactory,
    link_meeting_to_mou,
)

pytestmark = pytest.mark.django_db

LOWER_APPS = ("core", "institutions", "events")


def _names_mous(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "mous" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "mous":
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("mous."):
            return True  # "mous.Mou" in a relation, or a permission name
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "get_model"
            and any(isinstance(arg, ast.Constant) and arg.value == "mous" for arg in node.args)
        ):
            return True
    return False


def test_no_module_of_a_lower_app_names_the_mou_app():
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for app in LOWER_APPS
        for path in sorted((root / app).rglob("*.py"))
        if _names_mous(path)
    ]

    assert offenders == []


def test_the_mou_app_fills_in_the_extension_points():
    assert type(mou_links()) is MeetingMouLinks


def test_without_the_mou_app_no_meeting_is_linked_and_linking_is_refused():
    meeting = MeetingFactory(mou=MouFactory())
    nothing = MouLinks()

    assert list(nothing.linked_meeting_ids()) == []
    assert nothing.signed_at_event(event=meeting.session.event) == (0, 0)
    assert nothing.meetings_mous(meetings=[meeting], user=None) == {}
    with pytest.raises(MouLinkError):
        nothing.link(meeting=meeting, choice="", user=None)


def test_linked_meetings_and_signed_mous_come_from_the_mou_app():
    linked, unlinked = MeetingFactory(), MeetingFactory()
    MeetingFactory(mou=MouFactory())  # another meeting, so the filter is seen to filter
    mou = MouFactory(event=EventFactory())
    MouPartyFactory(mou=mou)
    MouPartyFactory(mou=mou)
    link_meeting_to_mou(linked, mou)

    ids = set(mou_links().linked_meeting_ids().values_list("meeting_id", flat=True))
    assert linked.pk in ids
    assert unlinked.pk not in ids
    assert (build_report(mou.event).mous_signed, build_report(mou.event).mou_institutions) == (1, 2)


def test_agreement_titles_leave_out_terminated_mous():
    home, partner, former = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    for title, other, status in (("Welding exchange", partner, "signed"), ("Old accord", former, "terminated")):
        mou = MouFactory(title=title, status=status)
        MouPartyFactory(mou=mou, institution=home)
        MouPartyFactory(mou=mou, institution=other)

    assert agreement_titles(institution_id=home.pk, other_ids=[partner.pk, former.pk]) == {
        partner.pk: "Welding exchange"
    }


@pytest.fixture
def without_the_mou_app():
    """Events as it runs when no app registers a provider."""
    registered = mou_links()
    register_mou_links(provider=MouLinks())
    yield
    register_mou_links(provider=registered)


def test_without_the_mou_app_the_report_and_follow_ups_still_work(without_the_mou_app):
    meeting = MeetingFactory(
        mou=MouFactory(), status=Meeting.Status.PUBLISHED, attendance=Meeting.Attendance.HELD, outcome="in_discussion"
    )
    follow_up = FollowUpFactory(meeting=meeting)

    report = build_report(meeting.session.event)

    assert [step.count for step in report.matchmaking.funnel] == [1, 1, 1, 1, 1, 0, 0]
    assert (report.mous_signed, report.mou_institutions) == (0, 0)
    assert list(_open_questions()) == [follow_up]
