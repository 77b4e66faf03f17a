"""The matchmaking part of the event report: requests, meetings, follow-up answers and the funnel to MoUs."""

import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from pypdf import PdfReader

from events.models import Event
from matchmaking.followups import follow_up_answer, plan_follow_ups
from matchmaking.models import FollowUp, Meeting, MeetingRequest
from matchmaking.report import build_report
from tests.events.conftest import register
from tests.factories import EventFactory, MatchmakingSessionFactory, MeetingFactory, MeetingRequestFactory

pytestmark = pytest.mark.django_db

Status = MeetingRequest.Status


def add_request(session, status=Status.ACCEPTED, *, meeting_status=None, **meeting) -> MeetingRequest:
    """A request between two new participants; with ``meeting_status``, its meeting too."""
    request = MeetingRequestFactory(
        session=session, requester=register(session.event), recipient=register(session.event), status=status
    )
    if meeting_status:
        MeetingFactory(request=request, status=meeting_status, **meeting)
    return request


@pytest.fixture
def matchmaking_event(roles):
    """Nine requests; four published meetings: three held (one MoU signed, one in discussion), one no-show."""
    event = EventFactory(title="Nanning Matchmaking Forum", follow_up_days=[3, 30])
    event.organisers.add(roles.institution_a)
    start = timezone.now() - timedelta(days=5)
    session = MatchmakingSessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=2))
    published = Meeting.Status.PUBLISHED
    signed = add_request(session, meeting_status=published).meeting
    discussing = add_request(session, meeting_status=published, attendance=Meeting.Attendance.HELD).meeting
    informative = add_request(session, meeting_status=published).meeting
    add_request(session, meeting_status=published, attendance=Meeting.Attendance.NO_SHOW)
    add_request(session, meeting_status=Meeting.Status.PROVISIONAL)  # accepted, never published
    for status in (Status.DECLINED, Status.EXPIRED, Status.CANCELLED, Status.PENDING):
        add_request(session, status=status)
    plan_follow_ups(meetings=Meeting.objects.filter(session=session))
    FollowUp.objects.filter(step=1).update(sent_at=timezone.now())
    for meeting, outcome in ((signed, "mou_signed"), (discussing, "in_discussion"), (informative, "informative")):
        row = FollowUp.objects.get(meeting=meeting, recipient=meeting.request.requester, step=1)
        follow_up_answer(follow_up=row, outcome=outcome)
    # Another event's matchmaking counts nowhere here.
    add_request(MatchmakingSessionFactory(), meeting_status=published)
    return event


def test_report_counts_requests_meetings_and_no_shows(matchmaking_event):
    report = build_report(matchmaking_event)

    matchmaking = report.matchmaking
    assert report.has_matchmaking
    assert matchmaking.requests_sent == 9
    assert matchmaking.requests == {"accepted": 5, "declined": 1, "expired": 1, "cancelled": 1, "pending": 1}
    assert (matchmaking.meetings_scheduled, matchmaking.meetings_held, matchmaking.no_shows) == (4, 3, 1)
    assert report.meetings_held == 3  # the headline figure leaves the no-show out


def test_report_states_the_outcomes_at_each_step(matchmaking_event):
    steps = build_report(matchmaking_event).matchmaking.steps

    assert [(line.step, line.days, line.asked, line.answered) for line in steps] == [(1, 3, 6, 3), (2, 30, 0, 0)]
    outcomes = {value: count for value, _label, count in steps[0].outcomes}
    assert outcomes == {
        "not_held": 0,
        "no_fit": 0,
        "informative": 1,
        "in_discussion": 1,
        "mou_planned": 0,
        "mou_signed": 1,
    }
    # "MoU signed" stopped the later step for that meeting: 2 meetings × 2 sides are left.
    assert steps[1].planned == 4


def test_funnel_goes_from_requests_sent_to_mous_signed(matchmaking_event):
    funnel = build_report(matchmaking_event).matchmaking.funnel

    assert [(step.key, step.count) for step in funnel] == [
        ("sent", 9),
        ("accepted", 5),
        ("scheduled", 4),
        ("held", 3),
        ("answered", 3),
        ("preparing", 1),
        ("signed", 1),
    ]
    assert [(step.of_previous, step.of_sent) for step in funnel[:2]] == [(None, 100), (100 * 5 / 9, 100 * 5 / 9)]
    assert (funnel[3].of_previous, funnel[3].of_sent) == (75, 100 * 3 / 9)


def test_a_meeting_linked_to_an_mou_counts_as_signed(matchmaking_event):
    from tests.factories import MouFactory, link_meeting_to_mou

    meeting = Meeting.objects.get(session__event=matchmaking_event, outcome="in_discussion")
    link_meeting_to_mou(meeting, MouFactory())

    funnel = {stage.key: stage.count for stage in build_report(matchmaking_event).matchmaking.funnel}

    assert (funnel["preparing"], funnel["signed"]) == (2, 2)


def test_an_event_without_matchmaking_has_no_matchmaking_section(client, roles, event):
    report = build_report(event)
    client.force_login(roles["secretariat"])

    html = client.get(reverse("matchmaking:report", args=[event.slug])).content.decode()

    assert not report.has_matchmaking
    assert report.matchmaking.requests_sent == 0
    assert 'id="report-matchmaking"' not in html


def test_report_page_shows_the_matchmaking_section(client, roles, matchmaking_event):
    client.force_login(roles["institution_admin"])

    response = client.get(reverse("matchmaking:report", args=[matchmaking_event.slug]))

    html = " ".join(response.content.decode().split())
    part = html.split('id="report-matchmaking"')[1].split("</section>")[0]
    assert "<strong>9</strong>requests sent" in part
    assert "<strong>1</strong>no-shows" in part
    assert "Requests sent are all the requests of the event&#x27;s matchmaking sessions" in part
    assert '<th scope="row">Questions asked</th> <td>6</td><td>0</td>' in part  # steps 1 and 2
    assert '<th scope="row">Questions answered</th> <td>3</td><td>0</td>' in part
    assert '<th scope="row">MoU signed</th> <td>1</td> <td>0</td>' in part
    assert "these figures count questions and answers, not meetings" in part
    assert "From request to MoU" in part
    assert '<th scope="row">Accepted</th> <td>5</td> <td>56 %</td> <td>56 %</td>' in part
    # Each stage of the funnel says what puts a meeting in it.
    assert "<dt>MoU signed: 1</dt> <dd" in part
    assert "or that are linked to a logged MoU.</dd>" in part
    assert part.count("<svg") == 1


def test_report_queries_do_not_grow_with_meetings(client, roles, matchmaking_event, django_assert_max_num_queries):
    client.force_login(roles["secretariat"])
    url = reverse("matchmaking:report", args=[matchmaking_event.slug])
    with django_assert_max_num_queries(45) as one:
        client.get(url)
    session = matchmaking_event.sessions.get()
    for _ in range(5):
        add_request(session, meeting_status=Meeting.Status.PUBLISHED)
    plan_follow_ups(meetings=Meeting.objects.filter(session=session))

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_pdf_still_builds_with_the_matchmaking_section(client, roles, matchmaking_event, tmp_path):
    client.force_login(roles["secretariat"])

    response = client.get(reverse("matchmaking:report_pdf", args=[matchmaking_event.slug]))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
        assert "Matchmaking" in text
        assert "9 requests sent" in text
        assert "From request to MoU" in text
        assert "Accepted: 5 (56 % of the step before, 56 % of requests sent)" in text
        text = " ".join(text.split())
        assert "Step 1 (day 3): questions asked 6, answered 3" in text
        assert "these figures count questions and answers, not meetings" in text
        assert "MoU signed: Held meetings about which a side reported “MoU signed”" in text


def test_demo_workshop_report_states_its_matchmaking(demo, client):
    """The demo's networking session: 12 requests, 10 meetings held, answers at the first two steps."""
    from portal import demo_data
    from portal.models import User
    from tests.factories import give_second_factor

    event = Event.objects.get(slug=demo_data.WORKSHOP_2)
    # The demo's secretariat login has no second factor (the demo waives it); this one does.
    client.force_login(give_second_factor(User.objects.get(email="secretariat@example.org")))

    response = client.get(reverse("matchmaking:report", args=[event.slug]))

    matchmaking = response.context["report"].matchmaking
    assert matchmaking.requests == {"accepted": 10, "declined": 1, "expired": 1}
    assert (matchmaking.meetings_scheduled, matchmaking.meetings_held, matchmaking.no_shows) == (10, 10, 0)
    first, second = matchmaking.steps[:2]
    assert (first.asked, first.answered, second.asked, second.answered) == (6, 4, 1, 0)
    # Both sides of one meeting and one side of another answered "MoU signed"; the third
    # meeting asked about was "no fit".
    assert {value: count for value, _label, count in first.outcomes if count} == {"mou_signed": 3, "no_fit": 1}
    # Nine of the ten meetings are the origin of one of the workshop's MoUs (demo_data.MOUS),
    # the two answered "MoU signed" among them; the tenth was answered "no fit".
    assert Meeting.objects.filter(session__event=event, mou_link__isnull=False).count() == 9
    assert [(step.key, step.count) for step in matchmaking.funnel] == [
        ("sent", 12),
        ("accepted", 10),
        ("scheduled", 10),
        ("held", 10),
        ("answered", 10),
        ("preparing", 9),
        ("signed", 9),
    ]
    assert 'id="report-matchmaking"' in response.content.decode()


def test_demo_workshop_funnel_agrees_with_the_answers_and_the_follow_up_page(demo, client):
    """Each meeting answered "MoU signed" led to a signed MoU; the organisers' page lists the funnel's."""
    from portal import demo_data
    from portal.models import User
    from tests.factories import give_second_factor

    event = Event.objects.get(slug=demo_data.WORKSHOP_2)
    client.force_login(give_second_factor(User.objects.get(email="secretariat@example.org")))
    answered_signed = set(
        FollowUp.objects.filter(meeting__session__event=event, outcome="mou_signed").values_list("meeting", flat=True)
    )
    answered = set(
        FollowUp.objects.filter(meeting__session__event=event, answered_at__isnull=False).values_list(
            "meeting", flat=True
        )
    )

    funnel = {stage.key: stage.count for stage in build_report(event).matchmaking.funnel}
    page = client.get(reverse("matchmaking:manage_follow_ups", args=[event.slug]))

    linked = set(Meeting.objects.filter(session__event=event, mou_link__isnull=False).values_list("pk", flat=True))
    assert answered_signed <= linked
    # No meeting linked to an MoU signed at the workshop was answered anything but "MoU signed".
    assert (
        FollowUp.objects.filter(meeting__in=linked, answered_at__isnull=False).exclude(outcome="mou_signed").count()
        == 0
    )
    assert funnel["signed"] == len(answered_signed | linked) == len(page.context["signed"])
    assert funnel["answered"] == len(answered | linked)


def _demo_workshop_pdf(client, language: str) -> tuple[Event, bytes]:
    from portal import demo_data
    from portal.models import User
    from tests.factories import give_second_factor

    event = Event.objects.get(slug=demo_data.WORKSHOP_2)
    client.force_login(give_second_factor(User.objects.get(email="secretariat@example.org")))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("matchmaking:report_pdf", args=[event.slug]))
    assert response["Content-Type"] == "application/pdf"
    return event, response.content


def _funnel_lines(event: Event, language: str) -> list[str]:
    """Each stage of the funnel as the PDF prints it: its label, then its figure."""
    with translation.override(language):
        return [f"{capfirst(stage.label)}{stage.count}" for stage in build_report(event).matchmaking.funnel]


# Text extractors return the glyphs HarfBuzz shaped (Khmer, Thai, Lao, Burmese) in the order
# they are drawn, not typed, and Vietnamese letters in pieces: for those languages the tests
# compare the Latin letters and the figures, in order.
SHAPED = {"km", "th", "lo", "my", "vi"}


def _squeezed(text: str, language: str = "en") -> str:
    """``text`` without whitespace (extractors space out Chinese glyphs and split lines)."""
    if language in SHAPED:
        return "".join(re.findall(r"[A-Za-z0-9]", text))
    return "".join(text.replace("\x00", "").split())


# pypdf loses the figures drawn after a label in a shaped script's fallback font, which
# poppler reads (test_demo_workshop_pdf_reads_without_errors_in_every_language covers those).
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code not in SHAPED])
def test_demo_workshop_pdf_states_the_funnel_in_every_language(demo, client, language):
    """In Chinese the matchmaking section starts a page with Chinese text: its figures must stay."""
    event, content = _demo_workshop_pdf(client, language)

    text = _squeezed("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages), language)

    with translation.override(language):
        title = translation.gettext("From request to MoU")
    funnel = _funnel_lines(event, language)
    assert len(funnel) == 7
    assert _squeezed("".join([title, *funnel]), language) in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_demo_workshop_pdf_reads_without_errors_in_every_language(demo, client, language, tmp_path):
    event, content = _demo_workshop_pdf(client, language)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)

    extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)

    assert extracted.stderr == ""  # poppler says "No font in show" for text drawn without a font
    text = _squeezed(extracted.stdout, language)
    for line in _funnel_lines(event, language):
        assert _squeezed(line, language) in text
