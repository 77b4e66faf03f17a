"""Follow-ups after meetings: planning, the digest email, one-click answers, opt-out, flags, pages."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core import outbox
from core.models import OutboundEmail
from matchmaking import followups
from matchmaking.followups import (
    cancel_follow_ups,
    flag_unanswered,
    flag_unanswered_follow_ups,
    follow_up_answer,
    plan_follow_ups,
)
from matchmaking.models import FollowUp, Meeting, MeetingOutcome, MeetingRequest
from tests.events.conftest import register
from tests.factories import (
    EventFactory,
    FollowUpFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    SessionFactory,
    link_meeting_to_mou,
    linked_mou_id,
)

pytestmark = pytest.mark.django_db


class Setup:
    """An event organised by institution A, with a matchmaking session that ended yesterday."""

    def __init__(self, roles):
        self.event = EventFactory(title="Phnom Penh Exchange Week", follow_up_days=[3, 30])
        self.event.organisers.add(roles.institution_a)
        start = timezone.now() - timedelta(days=1, hours=3)
        self.session = MatchmakingSessionFactory(
            event=self.event, starts_at=start, ends_at=start + timedelta(hours=2), room="Hall B"
        )
        self.dara = register(self.event, name="Sok Dara", country="KH")
        self.wang = register(self.event, name="Wang Fang", country="CN")
        self.lina = register(self.event, name="Lina Tan", country="MY")

    def meeting(self, requester, recipient, **kwargs) -> Meeting:
        request = MeetingRequestFactory(
            session=self.session, requester=requester, recipient=recipient, status=MeetingRequest.Status.ACCEPTED
        )
        kwargs.setdefault("status", Meeting.Status.PUBLISHED)
        return MeetingFactory(request=request, **kwargs)


@pytest.fixture
def mm(roles):
    return Setup(roles)


def key(session, registration, step) -> str:
    return f"follow-up:{session.pk}:{registration.pk}:{step}"


def email_of(mm, registration, step=1) -> OutboundEmail:
    return OutboundEmail.objects.get(key=key(mm.session, registration, step))


def sent(email):
    """What the outbox worker does once the mail server accepted the message."""
    outbox.KINDS[email.kind].after_sent(email)


# --- planning ------------------------------------------------------------------------------


def test_plan_creates_a_question_per_side_and_step_and_one_email_per_person(mm):
    first = mm.meeting(mm.dara, mm.wang)
    second = mm.meeting(mm.dara, mm.lina)

    plan_follow_ups(meetings=[first, second])

    rows = set(FollowUp.objects.values_list("meeting_id", "recipient_id", "step", "due_at"))
    day3, day30 = (mm.session.ends_at + timedelta(days=days) for days in (3, 30))
    assert rows == {
        (first.pk, mm.dara.pk, 1, day3),
        (first.pk, mm.wang.pk, 1, day3),
        (first.pk, mm.dara.pk, 2, day30),
        (first.pk, mm.wang.pk, 2, day30),
        (second.pk, mm.dara.pk, 1, day3),
        (second.pk, mm.lina.pk, 1, day3),
        (second.pk, mm.dara.pk, 2, day30),
        (second.pk, mm.lina.pk, 2, day30),
    }
    emails = {email.key: email for email in OutboundEmail.objects.all()}
    # Dara has two meetings, but one email per step.
    assert set(emails) == {key(mm.session, person, step) for person in (mm.dara, mm.wang, mm.lina) for step in (1, 2)}
    email = emails[key(mm.session, mm.dara, 2)]
    assert (email.kind, email.user, email.due_at, email.state) == ("follow_up", mm.dara.user, day30, "pending")
    assert email.context == {"session": mm.session.pk, "registration": mm.dara.pk, "step": 2}
    assert email.message_id == outbox.message_id_for(email.key)


def test_plan_is_idempotent_and_keeps_answers(mm):
    meeting = mm.meeting(mm.dara, mm.wang)
    plan_follow_ups(meetings=[meeting])
    row = FollowUp.objects.get(recipient=mm.dara, step=1)
    follow_up_answer(follow_up=row, outcome=MeetingOutcome.IN_DISCUSSION)

    plan_follow_ups(meetings=[meeting])
    plan_follow_ups(meetings=Meeting.objects.filter(pk=meeting.pk))

    assert FollowUp.objects.count() == 4
    assert OutboundEmail.objects.count() == 4
    assert FollowUp.objects.get(pk=row.pk).outcome == MeetingOutcome.IN_DISCUSSION


def test_plan_makes_a_fixed_number_of_queries(mm, django_assert_max_num_queries):
    few = [mm.meeting(mm.dara, mm.wang)]
    with django_assert_max_num_queries(10) as one:
        plan_follow_ups(meetings=few)
    many = [mm.meeting(register(mm.event), register(mm.event)) for _ in range(8)]

    with django_assert_max_num_queries(len(one.captured_queries)):
        plan_follow_ups(meetings=many)
    assert FollowUp.objects.count() == 9 * 4


def test_plan_skips_provisional_cancelled_and_no_show_meetings_and_sharers(mm):
    provisional = mm.meeting(mm.dara, mm.wang, status=Meeting.Status.PROVISIONAL)
    cancelled = mm.meeting(mm.dara, mm.lina, status=Meeting.Status.CANCELLED)
    no_show = mm.meeting(mm.wang, mm.lina, attendance=Meeting.Attendance.NO_SHOW)
    colleague = RegistrationFactory(event=mm.event, user__display_name="Colleague", institution=mm.dara.institution)
    shared = mm.meeting(register(mm.event), register(mm.event), sharers=[colleague])

    plan_follow_ups(meetings=[provisional, cancelled, no_show, shared])

    assert set(FollowUp.objects.values_list("meeting_id", flat=True)) == {shared.pk}
    assert not FollowUp.objects.filter(recipient=colleague).exists()
    assert FollowUp.objects.count() == 4


def test_plan_reopens_an_email_found_not_needed_when_a_new_meeting_comes(mm):
    first = mm.meeting(mm.dara, mm.wang)
    plan_follow_ups(meetings=[first])
    cancel_follow_ups(meetings=[first])
    assert email_of(mm, mm.dara).state == OutboundEmail.State.CANCELLED

    plan_follow_ups(meetings=[mm.meeting(mm.dara, mm.lina)])

    assert email_of(mm, mm.dara).state == OutboundEmail.State.PENDING


def test_cancel_deletes_unsent_questions_and_empty_emails_only(mm):
    kept = mm.meeting(mm.dara, mm.wang)
    dropped = mm.meeting(mm.dara, mm.lina)
    plan_follow_ups(meetings=[kept, dropped])
    FollowUp.objects.filter(meeting=dropped, step=1).update(sent_at=timezone.now())

    cancel_follow_ups(meetings=[dropped])

    assert set(FollowUp.objects.filter(meeting=dropped).values_list("step", flat=True)) == {1}  # sent ones stay
    assert FollowUp.objects.filter(meeting=kept).count() == 4
    assert email_of(mm, mm.dara, 2).state == OutboundEmail.State.PENDING  # still asks about the kept meeting
    assert email_of(mm, mm.lina, 2).state == OutboundEmail.State.CANCELLED  # nothing left in it


# --- the digest ----------------------------------------------------------------------------


def test_digest_lists_each_meeting_with_one_click_answers(mm):
    first = mm.meeting(mm.dara, mm.wang)
    second = mm.meeting(mm.lina, mm.dara)
    mm.lina.user.show_profile_to_participants = False
    mm.lina.user.save()
    plan_follow_ups(meetings=[first, second])

    rendered = outbox.render(email_of(mm, mm.dara))

    assert "2 meetings" in rendered.subject
    assert "Phnom Penh Exchange Week" in rendered.subject
    text = rendered.text
    assert f"With Wang Fang ({mm.wang.institution.name})" in text
    assert f"With {mm.lina.institution.name}" in text
    assert "Lina Tan" not in text
    assert "table 1" in text
    assert "Hall B" in text
    for row in FollowUp.objects.filter(recipient=mm.dara, step=1):
        for outcome in MeetingOutcome.values:
            url = settings.SITE_URL + reverse("matchmaking:follow_up_answer", args=[row.token, outcome])
            assert url in text
            assert url in rendered.html
        assert settings.SITE_URL + reverse("matchmaking:follow_up_opt_out", args=[row.token]) in text
    assert "MoU in preparation" in text
    assert "<script" not in rendered.html


def test_digest_shows_the_meeting_time_in_the_event_time_zone(mm):
    meeting = mm.meeting(mm.dara, mm.wang)
    plan_follow_ups(meetings=[meeting])
    local = timezone.localtime(meeting.slot.starts_at, timezone=ZoneInfo("Asia/Phnom_Penh"))
    utc = timezone.localtime(meeting.slot.starts_at, timezone=UTC)

    text = outbox.render(email_of(mm, mm.dara)).text

    assert date_format(local, "DATETIME_FORMAT") in text
    assert date_format(utc, "DATETIME_FORMAT") not in text


@pytest.mark.parametrize("case", ["answered", "opted_out", "mou_signed_by_other", "cancelled", "no_show", "mou_linked"])
def test_digest_is_not_needed_when_nothing_is_left_to_ask(mm, case):
    meeting = mm.meeting(mm.dara, mm.wang)
    plan_follow_ups(meetings=[meeting])
    mine = FollowUp.objects.get(meeting=meeting, recipient=mm.dara, step=1)
    theirs = FollowUp.objects.get(meeting=meeting, recipient=mm.wang, step=1)
    if case == "answered":
        follow_up_answer(follow_up=mine, outcome=MeetingOutcome.NO_FIT)
    elif case == "opted_out":
        followups.follow_up_opt_out(follow_up=mine)
    elif case == "mou_signed_by_other":
        follow_up_answer(follow_up=theirs, outcome=MeetingOutcome.MOU_SIGNED)
    elif case == "cancelled":
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    elif case == "no_show":
        Meeting.objects.filter(pk=meeting.pk).update(attendance=Meeting.Attendance.NO_SHOW)
    else:
        link_meeting_to_mou(meeting, MouFactory())

    assert outbox.render(email_of(mm, mm.dara)) is None


def test_digest_leaves_out_only_the_meetings_that_are_done(mm):
    done = mm.meeting(mm.dara, mm.wang)
    open_ = mm.meeting(mm.dara, mm.lina)
    plan_follow_ups(meetings=[done, open_])
    follow_up_answer(follow_up=FollowUp.objects.get(meeting=done, recipient=mm.dara, step=1), outcome="no_fit")

    text = outbox.render(email_of(mm, mm.dara)).text

    assert "Lina Tan" in text
    assert "Wang Fang" not in text


def test_digest_respects_the_preference(mm):
    plan_follow_ups(meetings=[mm.meeting(mm.dara, mm.wang)])
    mm.dara.user.email_follow_ups = False
    mm.dara.user.save()

    assert outbox.render(email_of(mm, mm.dara)) is None
    assert outbox.KINDS["follow_up"].preference == "email_follow_ups"


def test_after_sent_marks_the_questions_of_the_digest_as_asked(mm):
    first = mm.meeting(mm.dara, mm.wang)
    second = mm.meeting(mm.dara, mm.lina)
    plan_follow_ups(meetings=[first, second])

    sent(email_of(mm, mm.dara, 1))

    assert set(FollowUp.objects.filter(sent_at__isnull=False).values_list("recipient_id", "step")) == {(mm.dara.pk, 1)}
    assert FollowUp.objects.filter(recipient=mm.dara, step=1, sent_at__isnull=False).count() == 2
    assert outbox.render(email_of(mm, mm.dara, 1)) is None  # already sent: nothing asked twice


def test_digest_is_in_the_recipients_language(mm):
    plan_follow_ups(meetings=[mm.meeting(mm.dara, mm.wang)])
    mm.dara.user.preferred_language = "zh-hans"
    mm.dara.user.save()

    rendered = outbox.render(email_of(mm, mm.dara))

    assert rendered is not None
    assert "Wang Fang" in rendered.text


# --- one-click answers ---------------------------------------------------------------------


@pytest.fixture
def planned(mm):
    mm.the_meeting = mm.meeting(mm.dara, mm.wang)
    plan_follow_ups(meetings=[mm.the_meeting])
    FollowUp.objects.filter(step=1).update(sent_at=timezone.now())
    mm.mine = FollowUp.objects.get(recipient=mm.dara, step=1)
    return mm


def answer_url(row, outcome) -> str:
    return reverse("matchmaking:follow_up_answer", args=[row.token, outcome])


def test_answer_link_get_asks_and_changes_nothing(client, planned):
    response = client.get(answer_url(planned.mine, "in_discussion"))

    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "Record “in discussion” for your meeting with Wang Fang" in html
    assert 'method="post"' in html
    assert answer_url(planned.mine, "mou_signed") in html  # the other choices
    planned.mine.refresh_from_db()
    assert planned.mine.answered_at is None
    assert planned.mine.outcome == ""
    assert Meeting.objects.get(pk=planned.the_meeting.pk).outcome == ""


def test_answer_link_post_records_the_answer_and_the_meetings_outcome(client, planned):
    response = client.post(answer_url(planned.mine, "in_discussion"))

    assert response.status_code == 302
    planned.mine.refresh_from_db()
    assert planned.mine.outcome == "in_discussion"
    assert planned.mine.answered_at is not None
    meeting = Meeting.objects.get(pk=planned.the_meeting.pk)
    assert (meeting.outcome, meeting.outcome_at) == ("in_discussion", planned.mine.answered_at)
    assert "Recorded" in client.get(response["Location"]).content.decode()
    # The later steps still ask: the discussion may lead somewhere.
    assert FollowUp.objects.filter(meeting=meeting, step=2).count() == 2


def test_the_latest_answer_is_the_meetings_outcome(client, planned):
    theirs = FollowUp.objects.get(recipient=planned.wang, step=1)
    client.post(answer_url(planned.mine, "informative"))
    client.post(answer_url(theirs, "mou_planned"))

    assert Meeting.objects.get(pk=planned.the_meeting.pk).outcome == "mou_planned"


def test_mou_signed_stops_later_reminders_for_both_sides(client, planned):
    client.post(answer_url(planned.mine, "mou_signed"))

    assert not FollowUp.objects.filter(meeting=planned.the_meeting, step=2).exists()
    assert email_of(planned, planned.dara, 2).state == OutboundEmail.State.CANCELLED
    assert email_of(planned, planned.wang, 2).state == OutboundEmail.State.CANCELLED
    assert FollowUp.objects.filter(meeting=planned.the_meeting, step=1).count() == 2  # sent ones stay


def test_mou_signed_keeps_the_email_of_another_meeting(client, planned):
    other = planned.meeting(planned.dara, planned.lina)
    plan_follow_ups(meetings=[other])

    client.post(answer_url(planned.mine, "mou_signed"))

    assert email_of(planned, planned.dara, 2).state == OutboundEmail.State.PENDING
    assert "Lina Tan" in outbox.render(email_of(planned, planned.dara, 2)).text


def test_opt_out_stops_this_persons_reminders_for_this_meeting_only(client, planned):
    url = reverse("matchmaking:follow_up_opt_out", args=[planned.mine.token])
    assert client.get(url).status_code == 200
    assert not FollowUp.objects.filter(opted_out_at__isnull=False).exists()  # GET changes nothing

    response = client.post(url)

    assert response.status_code == 302
    assert "You will not be asked again" in client.get(response["Location"]).content.decode()
    later = FollowUp.objects.get(recipient=planned.dara, step=2)
    assert later.opted_out_at is not None
    assert FollowUp.objects.get(recipient=planned.wang, step=2).opted_out_at is None
    assert email_of(planned, planned.dara, 2).state == OutboundEmail.State.CANCELLED
    assert email_of(planned, planned.wang, 2).state == OutboundEmail.State.PENDING


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_refused_and_changes_nothing(client, planned, method):
    url = answer_url(planned.mine, "mou_signed").replace(planned.mine.token, planned.mine.token[:-2] + "xx")

    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert not FollowUp.objects.filter(answered_at__isnull=False).exists()
    assert FollowUp.objects.filter(step=2).count() == 2


def test_expired_link_is_refused_and_changes_nothing(client, planned):
    FollowUp.objects.filter(pk=planned.mine.pk).update(due_at=timezone.now() - timedelta(days=181))

    response = client.post(answer_url(planned.mine, "no_fit"))

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert FollowUp.objects.get(pk=planned.mine.pk).answered_at is None


def test_unknown_outcome_is_not_found(client, planned):
    assert client.post(answer_url(planned.mine, "married")).status_code == 404
    assert FollowUp.objects.get(pk=planned.mine.pk).answered_at is None


def test_answer_for_a_cancelled_meeting_is_refused(client, planned):
    Meeting.objects.filter(pk=planned.the_meeting.pk).update(status=Meeting.Status.CANCELLED)

    response = client.post(answer_url(planned.mine, "no_fit"))

    assert "cancelled" in response.content.decode()
    assert FollowUp.objects.get(pk=planned.mine.pk).answered_at is None


# --- signed-in participants ----------------------------------------------------------------


def outcome_url(meeting) -> str:
    return reverse("matchmaking:meeting_outcome", args=[meeting.pk])


def test_participant_answers_from_their_page(client, planned):
    client.force_login(planned.dara.user)
    page = client.get(reverse("matchmaking:my_meeting_outcomes", args=[planned.event.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wang Fang" in html
    assert outcome_url(planned.the_meeting) in html

    response = client.post(outcome_url(planned.the_meeting), {"outcome": "mou_planned"})

    assert response.status_code == 302
    assert response["Location"] == reverse("matchmaking:my_meeting_outcomes", args=[planned.event.slug])
    assert Meeting.objects.get(pk=planned.the_meeting.pk).outcome == "mou_planned"
    assert FollowUp.objects.get(pk=planned.mine.pk).outcome == "mou_planned"  # the step already asked


def test_participant_answer_before_any_step_answers_the_first(client, mm):
    meeting = mm.meeting(mm.dara, mm.wang)
    plan_follow_ups(meetings=[meeting])
    client.force_login(mm.wang.user)

    client.post(outcome_url(meeting), {"outcome": "no_fit"}, headers={"HX-Request": "true"})

    assert FollowUp.objects.get(recipient=mm.wang, step=1).outcome == "no_fit"
    assert outbox.render(email_of(mm, mm.wang)) is None  # no need to ask again


def test_htmx_answer_swaps_the_form(client, planned):
    client.force_login(planned.wang.user)

    response = client.post(outcome_url(planned.the_meeting), {"outcome": "no_fit"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form")
    assert "Saved." in html
    assert 'value="no_fit" selected' in html


@pytest.mark.parametrize("who", ["lina", "other_member", "secretariat"])
def test_only_the_sides_of_the_meeting_may_answer(client, roles, planned, who):
    user = planned.lina.user if who == "lina" else roles[who]
    client.force_login(user)

    assert client.post(outcome_url(planned.the_meeting), {"outcome": "no_fit"}).status_code == 404
    assert Meeting.objects.get(pk=planned.the_meeting.pk).outcome == ""


def test_bad_outcome_from_the_page_changes_nothing(client, planned):
    client.force_login(planned.dara.user)

    response = client.post(outcome_url(planned.the_meeting), {"outcome": "best friends"}, follow=True)

    assert "Please choose one of the answers offered." in [str(m) for m in get_messages(response.wsgi_request)]
    assert Meeting.objects.get(pk=planned.the_meeting.pk).outcome == ""
    assert not FollowUp.objects.filter(answered_at__isnull=False).exists()


def test_outcomes_page_needs_a_registration(client, roles, planned):
    client.force_login(roles["other_member"])
    assert client.get(reverse("matchmaking:my_meeting_outcomes", args=[planned.event.slug])).status_code == 404


def test_outcomes_page_queries_do_not_grow(client, mm, django_assert_max_num_queries):
    client.force_login(mm.dara.user)
    url = reverse("matchmaking:my_meeting_outcomes", args=[mm.event.slug])
    mm.meeting(mm.dara, mm.wang)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    for _ in range(5):
        mm.meeting(mm.dara, register(mm.event))

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["lines"]) == 6


# --- flags ---------------------------------------------------------------------------------


def flag_setup(mm, *, last_sent_days_ago: int, answered: bool = False, steps_sent=(1, 2)):
    meeting = mm.meeting(mm.dara, mm.wang)
    plan_follow_ups(meetings=[meeting])
    for step in steps_sent:
        FollowUp.objects.filter(meeting=meeting, step=step).update(
            sent_at=timezone.now() - timedelta(days=last_sent_days_ago + (2 - step) * 27)
        )
    if answered:
        FollowUp.objects.filter(meeting=meeting, recipient=mm.wang, step=1).update(
            outcome="no_fit", answered_at=timezone.now()
        )
    return meeting


def test_flag_marks_meetings_nobody_answered_after_the_last_step(mm):
    meeting = flag_setup(mm, last_sent_days_ago=15)

    assert flag_unanswered_follow_ups.delay().get() == 1

    meeting.refresh_from_db()
    flagged_at = meeting.unanswered_flagged_at
    assert flagged_at is not None
    assert flag_unanswered() == 0  # idempotent: flagged once, the date stays
    meeting.refresh_from_db()
    assert meeting.unanswered_flagged_at == flagged_at


@pytest.mark.parametrize(
    "kwargs",
    [
        {"last_sent_days_ago": 13},  # the last step was asked too recently
        {"last_sent_days_ago": 15, "answered": True},  # someone answered an earlier step
        {"last_sent_days_ago": 40, "steps_sent": (1,)},  # the last step was not asked yet
    ],
)
def test_flag_leaves_meetings_that_were_answered_or_are_still_asked(mm, kwargs):
    meeting = flag_setup(mm, **kwargs)

    assert flag_unanswered() == 0
    meeting.refresh_from_db()
    assert meeting.unanswered_flagged_at is None


# --- the organisers' page ------------------------------------------------------------------


def manage_url(event) -> str:
    return reverse("matchmaking:manage_follow_ups", args=[event.slug])


@pytest.mark.parametrize(
    ("role", "status"),
    [("secretariat", 200), ("institution_admin", 200), ("participant", 404), ("other_admin", 404)],
)
def test_manage_page_is_for_the_people_who_run_the_event(client, roles, planned, role, status):
    client.force_login(roles[role])
    assert client.get(manage_url(planned.event)).status_code == status


def test_participant_of_the_meeting_cannot_open_the_manage_page(client, planned):
    client.force_login(planned.dara.user)
    assert client.get(manage_url(planned.event)).status_code == 404


def test_manage_page_counts_steps_and_lists_flagged_and_signed_meetings(client, roles, planned):
    follow_up_answer(follow_up=planned.mine, outcome="in_discussion")
    flagged = planned.meeting(planned.wang, planned.lina)
    Meeting.objects.filter(pk=flagged.pk).update(unanswered_flagged_at=timezone.now())
    signed = planned.meeting(planned.lina, planned.dara, outcome="mou_signed")
    # Said by one side, then the other side's later answer became the meeting's latest outcome.
    said = planned.meeting(register(planned.event), register(planned.event), outcome="in_discussion")
    FollowUpFactory(meeting=said, outcome="mou_signed", answered_at=timezone.now())
    client.force_login(roles["secretariat"])

    response = client.get(manage_url(planned.event))

    steps = response.context["steps"]
    assert [(line.step, line.days, line.planned, line.asked, line.answered) for line in steps] == [
        (1, 3, 3, 2, 2),  # the factory's answer counts as planned and answered, not as asked
        (2, 30, 2, 0, 0),
    ]
    assert {value: count for value, _label, count in steps[0].outcomes}["in_discussion"] == 1
    assert [meeting.pk for meeting in response.context["flagged"]] == [flagged.pk]
    assert {meeting.pk for meeting, _mous, _hidden in response.context["signed"]} == {signed.pk, said.pk}
    html = response.content.decode()
    assert planned.lina.institution.name in html
    assert "Wang Fang" in html


def test_manage_page_links_a_meeting_to_an_mou_of_both_institutions(client, roles, planned):
    signed = planned.meeting(planned.lina, planned.dara, outcome="mou_signed")
    mou = MouFactory(title="Joint welding programme", is_public=True)
    MouPartyFactory(mou=mou, institution=planned.lina.institution)
    MouPartyFactory(mou=mou, institution=planned.dara.institution)
    unrelated = MouFactory(title="Someone else's", is_public=True)
    MouPartyFactory(mou=unrelated, institution=planned.lina.institution)
    client.force_login(roles["institution_admin"])
    url = reverse("matchmaking:manage_follow_up_mou", args=[planned.event.slug, signed.pk])

    page = client.get(manage_url(planned.event)).content.decode()
    assert "Joint welding programme" in page
    assert "Someone else" not in page

    client.post(url, {"mou": str(unrelated.pk)})
    assert linked_mou_id(signed) is None  # not a party: refused

    client.post(url, {"mou": str(mou.pk)})
    assert linked_mou_id(signed) == mou.pk

    client.post(url, {"mou": ""})
    assert linked_mou_id(signed) is None


def test_organiser_admins_neither_see_nor_link_private_mous_of_other_institutions(client, roles, planned):
    signed = planned.meeting(planned.lina, planned.dara, outcome="mou_signed")
    private = MouFactory(title="Confidential welding accord")
    MouPartyFactory(mou=private, institution=planned.lina.institution)
    MouPartyFactory(mou=private, institution=planned.dara.institution)
    url = reverse("matchmaking:manage_follow_up_mou", args=[planned.event.slug, signed.pk])
    client.force_login(roles["institution_admin"])

    page = client.get(manage_url(planned.event)).content.decode()
    response = client.post(url, {"mou": str(private.pk)}, follow=True)

    assert "Confidential welding accord" not in page
    assert client.get(private.get_absolute_url()).status_code == 404
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Choose an MoU signed by both institutions of the meeting. Nothing was changed."
    ]
    assert linked_mou_id(signed) is None


def test_secretariat_and_party_members_see_and_link_the_private_mou(client, roles, planned):
    signed = planned.meeting(planned.lina, planned.dara, outcome="mou_signed")
    private = MouFactory(title="Confidential welding accord")
    MouPartyFactory(mou=private, institution=planned.lina.institution)
    MouPartyFactory(mou=private, institution=planned.dara.institution)
    # An admin of the organiser who is also a member of one of the parties may see the MoU.
    MembershipFactory(user=roles["institution_admin"], institution=planned.dara.institution)
    url = reverse("matchmaking:manage_follow_up_mou", args=[planned.event.slug, signed.pk])

    client.force_login(roles["institution_admin"])
    page = client.get(manage_url(planned.event)).content.decode()
    client.post(url, {"mou": str(private.pk)})

    assert "Confidential welding accord" in page
    assert linked_mou_id(signed) == private.pk
    client.force_login(roles["secretariat"])
    assert "Confidential welding accord" in client.get(manage_url(planned.event)).content.decode()


def test_organiser_admins_cannot_unlink_or_relink_a_private_mou(client, roles, planned):
    private = MouFactory(title="Confidential welding accord")
    MouPartyFactory(mou=private, institution=planned.lina.institution)
    MouPartyFactory(mou=private, institution=planned.dara.institution)
    public = MouFactory(title="Public welding accord", is_public=True)
    MouPartyFactory(mou=public, institution=planned.lina.institution)
    MouPartyFactory(mou=public, institution=planned.dara.institution)
    linked = planned.meeting(planned.lina, planned.dara, outcome="mou_signed", mou=private)
    url = reverse("matchmaking:manage_follow_up_mou", args=[planned.event.slug, linked.pk])
    client.force_login(roles["institution_admin"])

    page = client.get(manage_url(planned.event)).content.decode()
    unlinked = client.post(url, {"mou": ""}, follow=True)
    client.post(url, {"mou": str(public.pk)})

    assert "Confidential welding accord" not in page
    assert url not in page  # no form to change a link the organiser cannot see
    assert [str(m) for m in get_messages(unlinked.wsgi_request)] == [
        "This meeting is linked to an MoU you may not change. Nothing was changed."
    ]
    assert linked_mou_id(linked) == private.pk


def test_linking_an_mou_is_refused_to_others_and_across_events(client, roles, planned):
    signed = planned.meeting(planned.lina, planned.dara, outcome="mou_signed")
    mou = MouFactory()
    MouPartyFactory(mou=mou, institution=planned.lina.institution)
    MouPartyFactory(mou=mou, institution=planned.dara.institution)
    client.force_login(roles["other_admin"])
    url = reverse("matchmaking:manage_follow_up_mou", args=[planned.event.slug, signed.pk])
    assert client.post(url, {"mou": str(mou.pk)}).status_code == 404

    other_event = EventFactory()
    other_event.organisers.add(roles.institution_a)
    client.force_login(roles["institution_admin"])
    url = reverse("matchmaking:manage_follow_up_mou", args=[other_event.slug, signed.pk])
    assert client.post(url, {"mou": str(mou.pk)}).status_code == 404
    assert linked_mou_id(signed) is None


def test_management_page_links_to_the_follow_ups(client, roles, mm):
    client.force_login(roles["institution_admin"])
    html = client.get(reverse("events:manage", args=[mm.event.slug])).content.decode()
    assert manage_url(mm.event) in html


# --- the event form ------------------------------------------------------------------------


def event_data(event, **overrides) -> dict:
    data = {
        "kind": event.kind,
        "title": event.title,
        "city": event.city,
        "country": "KH",
        "time_zone": event.time_zone,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "follow_up_days": "3, 30, 90",
    }
    data.update(overrides)
    return data


def test_event_form_saves_follow_up_days_sorted(client, roles, mm):
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("events:manage_edit", args=[mm.event.slug]), event_data(mm.event, follow_up_days="60, 7 ,365")
    )

    assert response.status_code == 302
    mm.event.refresh_from_db()
    assert mm.event.follow_up_days == [7, 60, 365]
    page = client.get(reverse("events:manage_edit", args=[mm.event.slug])).content.decode()
    assert 'value="7, 60, 365"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter whole numbers of days"),
        ("3, thirty", "Enter whole numbers of days"),
        ("3, -1", "Enter whole numbers of days"),
        ("3, ³", "Enter whole numbers of days"),
        ("3, 3", "only once"),
        ("0, 3", "between 1 and 730"),
        ("3, 731", "between 1 and 730"),
        (", ".join(str(day) for day in range(1, 12)), "At most 10"),
    ],
)
def test_event_form_refuses_bad_follow_up_days(client, roles, mm, value, message):
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("events:manage_edit", args=[mm.event.slug]),
        event_data(mm.event, follow_up_days=value, title="Changed title"),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    mm.event.refresh_from_db()
    assert mm.event.follow_up_days == [3, 30]
    assert mm.event.title == "Phnom Penh Exchange Week"


def test_non_matchmaking_meetings_get_no_follow_ups(mm):
    plenary = SessionFactory(event=mm.event)
    request = MeetingRequestFactory(
        session=plenary, requester=mm.dara, recipient=mm.wang, status=MeetingRequest.Status.ACCEPTED
    )
    plan_follow_ups(meetings=[MeetingFactory(request=request, status=Meeting.Status.PUBLISHED)])

    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(("role", "public"), [("secretariat", False), ("institution_admin", True)])
def test_manage_page_queries_do_not_grow(client, roles, mm, django_assert_max_num_queries, role, public):
    client.force_login(roles[role])

    def add_meetings():
        for outcome in ("mou_signed", ""):
            meeting = mm.meeting(register(mm.event), register(mm.event), outcome=outcome)
            mou = MouFactory(is_public=public)
            MouPartyFactory(mou=mou, institution=meeting.request.requester.institution)
            MouPartyFactory(mou=mou, institution=meeting.request.recipient.institution)
            Meeting.objects.filter(pk=meeting.pk, outcome="").update(unanswered_flagged_at=timezone.now())
            plan_follow_ups(meetings=[meeting])

    add_meetings()
    with django_assert_max_num_queries(30) as one:
        client.get(manage_url(mm.event))
    for _ in range(4):
        add_meetings()

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(manage_url(mm.event))
    assert len(response.context["flagged"]) == 5
    assert all(len(mous) == 1 for _meeting, mous, _hidden in response.context["signed"])
