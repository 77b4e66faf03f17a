"""The MoU status machine, the daily automatic changes and the reminders (mous.lifecycle)."""

import datetime

import pytest
from django.utils import timezone

from core import outbox
from core.models import OutboundEmail
from institutions.models import Membership
from mous import lifecycle
from mous.lifecycle import TRANSITIONS, TransitionError
from mous.models import Milestone, Mou
from tests.factories import MembershipFactory, MilestoneFactory, MouFactory, MouPartyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
S = Mou.Status


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_mou(status=S.ACTIVE, **kwargs) -> Mou:
    kwargs.setdefault("signed_on", None if status == S.DRAFT else day(-400))
    return MouFactory(status=status, **kwargs)


INVALID = [(current, target) for current in S.values for target in S.values if target not in TRANSITIONS[current]]


@pytest.mark.parametrize(("current", "target"), INVALID, ids=[f"{c}-{t}" for c, t in INVALID])
def test_every_invalid_transition_is_refused(current, target, secretariat_user):
    mou = make_mou(current)
    if target == S.TERMINATED:
        change = lambda: lifecycle.terminate(mou=mou, reason="Partner closed", user=secretariat_user)  # noqa: E731
    elif target == S.RENEWED:
        change = lambda: lifecycle.renew(mou=mou, user=secretariat_user)  # noqa: E731
    else:
        change = lambda: lifecycle.transition(mou=mou, target=target, user=secretariat_user)  # noqa: E731
    with pytest.raises(TransitionError) as error:
        change()
    assert "cannot become" in error.value.message
    mou.refresh_from_db()
    assert mou.status == current
    assert not Mou.objects.filter(renewal_of=mou).exists()


def test_unknown_status_is_refused():
    mou = make_mou(S.SIGNED)
    with pytest.raises(TransitionError, match="not a status"):
        lifecycle.transition(mou=mou, target="lost")


@pytest.mark.parametrize(
    ("current", "target"),
    [(S.DRAFT, S.SIGNED), (S.SIGNED, S.ACTIVE), (S.ACTIVE, S.EXPIRING), (S.EXPIRING, S.EXPIRED)],
)
def test_valid_transition_is_recorded_in_history_with_the_user(current, target, secretariat_user):
    mou = make_mou(current)
    lifecycle.transition(mou=mou, target=target, user=secretariat_user)
    mou.refresh_from_db()
    assert mou.status == target
    latest = mou.history.first()
    assert (latest.status, latest.history_user) == (target, secretariat_user)
    assert latest.prev_record.status == current


def test_signing_a_draft_sets_the_signing_date():
    mou = make_mou(S.DRAFT)
    lifecycle.transition(mou=mou, target=S.SIGNED, signed_on=day(0))
    mou.refresh_from_db()
    assert (mou.status, mou.signed_on) == (S.SIGNED, day(0))


def test_renewed_and_terminated_need_their_own_functions():
    mou = make_mou(S.ACTIVE)
    with pytest.raises(TransitionError, match="Renew"):
        lifecycle.transition(mou=mou, target=S.TERMINATED)


def test_terminate_requires_a_reason(secretariat_user):
    mou = make_mou(S.ACTIVE)
    with pytest.raises(TransitionError, match="reason"):
        lifecycle.terminate(mou=mou, reason="  ", user=secretariat_user)
    mou.refresh_from_db()
    assert mou.status == S.ACTIVE
    lifecycle.terminate(mou=mou, reason="The college closed.", user=secretariat_user)
    mou.refresh_from_db()
    assert (mou.status, mou.termination_reason) == (S.TERMINATED, "The college closed.")
    assert mou.history.first().history_user == secretariat_user


def test_renew_links_a_new_draft_with_the_same_parties(secretariat_user):
    mou = make_mou(S.EXPIRING, valid_until=day(20))
    parties = MouPartyFactory.create_batch(2, mou=mou)
    new = lifecycle.renew(mou=mou, user=secretariat_user, valid_from=day(21), valid_until=day(21 + 5 * 365))
    mou.refresh_from_db()
    assert mou.status == S.RENEWED
    assert (new.status, new.renewal_of, new.valid_from) == (S.DRAFT, mou, day(21))
    assert {p.institution_id for p in new.parties.all()} == {p.institution_id for p in parties}
    assert new.party_countries == sorted({str(p.institution.country) for p in parties})
    assert mou.history.first().history_user == secretariat_user
    with pytest.raises(TransitionError):
        lifecycle.renew(mou=mou, user=secretariat_user)


def test_renew_refuses_a_reversed_validity():
    mou = make_mou(S.ACTIVE)
    with pytest.raises(TransitionError, match="end after"):
        lifecycle.renew(mou=mou, valid_from=day(10), valid_until=day(1))
    mou.refresh_from_db()
    assert mou.status == S.ACTIVE
    assert Mou.objects.count() == 1


# --- Automatic changes by date ------------------------------------------------------------


def test_automatic_transitions_by_date():
    starts_today = make_mou(S.SIGNED, signed_on=day(-5), valid_from=day(0), valid_until=day(1000))
    starts_later = make_mou(S.SIGNED, signed_on=day(-5), valid_from=day(1), valid_until=day(1000))
    signed_no_start = make_mou(S.SIGNED, signed_on=day(-1))
    ends_in_90 = make_mou(S.ACTIVE, valid_from=day(-300), valid_until=day(90))
    ends_in_91 = make_mou(S.ACTIVE, valid_from=day(-300), valid_until=day(91))
    ended_yesterday = make_mou(S.EXPIRING, valid_from=day(-300), valid_until=day(-1))
    ends_today = make_mou(S.EXPIRING, valid_from=day(-300), valid_until=day(0))
    signed_short = make_mou(S.SIGNED, signed_on=day(-3), valid_from=day(-3), valid_until=day(30))
    terminated = make_mou(S.TERMINATED, valid_until=day(-10))

    counts = lifecycle.daily_lifecycle(today=TODAY)["changed"]

    expected = {
        starts_today: S.ACTIVE,
        starts_later: S.SIGNED,
        signed_no_start: S.ACTIVE,
        ends_in_90: S.EXPIRING,
        ends_in_91: S.ACTIVE,
        ended_yesterday: S.EXPIRED,
        ends_today: S.EXPIRING,
        signed_short: S.EXPIRING,
        terminated: S.TERMINATED,
    }
    for mou, status in expected.items():
        mou.refresh_from_db()
        assert mou.status == status, mou.title
    assert counts == {S.ACTIVE: 2, S.EXPIRING: 2, S.EXPIRED: 1}
    # One history row per change, by nobody (the portal).
    latest = ended_yesterday.history.first()
    assert (latest.status, latest.history_user) == (S.EXPIRED, None)
    assert signed_short.history.count() == 2
    # A re-run the same day changes nothing.
    assert lifecycle.daily_lifecycle(today=TODAY)["changed"] == {}
    assert signed_short.history.count() == 2


def test_celery_task_runs_the_daily_lifecycle(settings):
    from mous.tasks import daily_lifecycle_task

    mou = make_mou(S.EXPIRING, valid_until=timezone.localdate() - datetime.timedelta(days=1))
    result = daily_lifecycle_task.apply().get()
    mou.refresh_from_db()
    assert mou.status == S.EXPIRED
    assert result["changed"] == {S.EXPIRED: 1}


# --- Reminders ----------------------------------------------------------------------------


def _admin(institution, **kwargs):
    return MembershipFactory(
        user=UserFactory(verified_email=True), institution=institution, role=Membership.Role.ADMIN, **kwargs
    ).user


@pytest.fixture
def parties(roles):
    """An active MoU between A and B; returns (mou, roles)."""
    mou = make_mou(S.ACTIVE, valid_from=day(-300), valid_until=day(400), last_activity_at=timezone.now())
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    return mou


def keys(kind: str) -> set[str]:
    return set(OutboundEmail.objects.filter(kind=kind).values_list("key", flat=True))


def test_expiry_reminders_at_90_30_and_7_days_exactly_once(parties, roles):
    mou = parties
    recipients = {roles["institution_admin"], roles["other_admin"], roles["secretariat"]}
    mou.valid_until = day(90)
    mou.save()
    lifecycle.daily_lifecycle(today=TODAY)
    lifecycle.daily_lifecycle(today=TODAY)  # the re-run queues nothing more
    lifecycle.daily_lifecycle(today=day(1))  # 89 days left: the 90-day step is done
    assert keys(lifecycle.EXPIRY_KIND) == {f"mou-expiry:{mou.pk}:{user.pk}:90" for user in recipients}
    # Not the participant, the pending member nor another institution's outsider.
    for day_run in (day(60), day(60), day(83), day(84)):
        lifecycle.daily_lifecycle(today=day_run)
    assert keys(lifecycle.EXPIRY_KIND) == {
        f"mou-expiry:{mou.pk}:{user.pk}:{step}" for user in recipients for step in (90, 30, 7)
    }
    assert OutboundEmail.objects.filter(kind=lifecycle.EXPIRY_KIND).count() == 9


def test_expiry_reminder_renders_with_an_absolute_link(parties, roles, settings):
    settings.SITE_URL = "https://portal.example.org"
    mou = parties
    mou.valid_until = day(30)
    mou.save()
    lifecycle.queue_expiry_reminders(today=TODAY)
    email = OutboundEmail.objects.get(kind=lifecycle.EXPIRY_KIND, user=roles["institution_admin"])
    rendered = outbox.render(email)
    assert mou.title in rendered.subject
    assert f"https://portal.example.org/mous/{mou.pk}/" in rendered.text
    assert "30 days" in rendered.text
    # Terminated meanwhile: nothing to say.
    Mou.objects.filter(pk=mou.pk).update(status=S.TERMINATED)
    assert outbox.render(email) is None


def test_milestone_reminders_to_owner_admins_14_days_before_and_on_the_day(parties, roles):
    mou = parties
    milestone = MilestoneFactory(mou=mou, owner_institution=roles.institution_b, due_on=day(14))
    MilestoneFactory(mou=mou, owner_institution=roles.institution_b, due_on=day(14), status=Milestone.Status.DONE)
    for run in (TODAY, TODAY, day(5), day(14), day(14), day(15)):
        lifecycle.daily_lifecycle(today=run)
    admin = roles["other_admin"]
    assert keys(lifecycle.MILESTONE_KIND) == {
        f"mou-milestone:{milestone.pk}:{admin.pk}:14",
        f"mou-milestone:{milestone.pk}:{admin.pk}:0",
    }
    email = OutboundEmail.objects.get(key=f"mou-milestone:{milestone.pk}:{admin.pk}:0")
    assert "due today" in outbox.render(email).text
    milestone.status = Milestone.Status.DONE
    milestone.save()
    assert outbox.render(email) is None


def test_dormant_alert_once_per_quiet_spell(parties, roles, settings):
    settings.MOU_DORMANT_DAYS = 182
    mou = parties
    last = timezone.make_aware(datetime.datetime.combine(day(-182), datetime.time(12)))
    Mou.objects.filter(pk=mou.pk).update(last_activity_at=last)
    lifecycle.daily_lifecycle(today=day(-1))  # 181 days: not yet
    assert not keys(lifecycle.DORMANT_KIND)
    for run in (TODAY, TODAY, day(1), day(30)):
        lifecycle.daily_lifecycle(today=run)
    recipients = {roles["institution_admin"], roles["other_admin"], roles["secretariat"]}
    first_spell = {f"mou-dormant:{mou.pk}:{user.pk}:{day(-182).isoformat()}" for user in recipients}
    assert keys(lifecycle.DORMANT_KIND) == first_spell
    # Activity recorded: the queued alert is no longer true, and a new spell starts.
    email = OutboundEmail.objects.filter(kind=lifecycle.DORMANT_KIND).first()
    assert "No milestone, activity, exchange or project" in outbox.render(email).text
    new_last = timezone.make_aware(datetime.datetime.combine(day(31), datetime.time(12)))
    Mou.objects.filter(pk=mou.pk).update(last_activity_at=new_last)
    assert outbox.render(email) is None
    lifecycle.daily_lifecycle(today=day(100))
    assert keys(lifecycle.DORMANT_KIND) == first_spell
    lifecycle.daily_lifecycle(today=day(31 + 182))
    lifecycle.daily_lifecycle(today=day(31 + 183))
    assert keys(lifecycle.DORMANT_KIND) == first_spell | {
        f"mou-dormant:{mou.pk}:{user.pk}:{day(31).isoformat()}" for user in recipients
    }


def test_dormant_counts_from_signing_without_activity(roles):
    mou = make_mou(S.ACTIVE, signed_on=day(-200), valid_until=day(1000))
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    lifecycle.daily_lifecycle(today=TODAY)
    assert keys(lifecycle.DORMANT_KIND) == {
        f"mou-dormant:{mou.pk}:{user.pk}:{day(-200).isoformat()}"
        for user in (roles["institution_admin"], roles["secretariat"])
    }
