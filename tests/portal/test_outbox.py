"""Delivery from the email outbox: the state machine, dispatching, the sweeper, unsubscribing
and the secretariat's page."""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboundEmail
from tests.factories import UserFactory

State = OutboundEmail.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds():
    """Two test-only kinds: one always sent, one that a preference turns off."""
    sent_hooks = []

    def render_plain(email):
        if email.context.get("nothing_left"):
            return None
        return outbox.Rendered(subject=f"Reminder {email.key}", text="Your meeting is soon.", html="<p>Soon.</p>")

    def render_digest(email):
        return outbox.Rendered(subject="Requests waiting", text="Two requests wait for you.")

    saved = dict(outbox.KINDS)
    outbox.renderer("test_plain", after_sent=sent_hooks.append)(render_plain)
    outbox.renderer("test_digest", preference="email_request_digest")(render_digest)
    yield sent_hooks
    outbox.KINDS.clear()
    outbox.KINDS.update(saved)


def claimed(key="k1", kind="test_plain", **fields):
    """An email handed to a worker (state "sending"), as `dispatch()` leaves it."""
    email = outbox.enqueue(
        key=key, kind=kind, user=fields.pop("user", None) or UserFactory(), context=fields.pop("context", None)
    )
    fields.setdefault("claimed_at", timezone.now())
    OutboundEmail.objects.filter(pk=email.pk).update(state=State.SENDING, **fields)
    return email


class FailingConnection:
    """An email backend whose every send raises `error`."""

    def __init__(self, error):
        self.error = error
        self.calls = 0

    def send_messages(self, messages):
        self.calls += 1
        raise self.error


def test_sent_with_stable_message_id_and_after_sent_hook(kinds):
    email = claimed()
    assert outbox.deliver(email_id=email.pk) == State.SENT
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 1)
    assert email.sent_at is not None
    assert kinds == [email]
    [message] = mail.outbox
    assert message.to == [email.user.email]
    assert message.extra_headers["Message-ID"] == outbox.message_id_for("k1") == email.message_id
    assert message.message()["Message-ID"] == email.message_id
    assert "List-Unsubscribe" not in message.extra_headers
    assert message.alternatives[0].mimetype == "text/html"


class FlakySMTPBackend:
    """Like Django's SMTP backend: `connection` is set while open; the server drops idle ones."""

    opened = 0
    sent: list = []
    drop_next = False

    def __init__(self, **kwargs):
        self.connection = None

    def open(self):
        if self.connection is None:
            type(self).opened += 1
            self.connection = object()

    def close(self):
        self.connection = None

    def send_messages(self, messages):
        if type(self).drop_next:
            type(self).drop_next = False
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        type(self).sent.extend(messages)
        return len(messages)


def test_worker_keeps_its_mail_connection_and_reconnects_when_the_server_dropped_it(kinds, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakySMTPBackend"
    FlakySMTPBackend.opened, FlakySMTPBackend.sent = 0, []
    user = UserFactory()
    first, second, third = (claimed(key=f"k{i}", user=user) for i in range(3))
    try:
        assert outbox.deliver(email_id=first.pk) == State.SENT
        assert outbox.deliver(email_id=second.pk) == State.SENT
        assert FlakySMTPBackend.opened == 1
        # The server closed the idle connection: sent at once on a new one, not retried later.
        FlakySMTPBackend.drop_next = True
        assert outbox.deliver(email_id=third.pk) == State.SENT
        assert FlakySMTPBackend.opened == 2
        assert len(FlakySMTPBackend.sent) == 3
    finally:
        outbox._close_worker_connection()


def test_failing_after_sent_hook_does_not_undo_sent(kinds):
    def broken_hook(email):
        OutboundEmail.objects.filter(pk=email.pk).update(last_error="written by the hook")
        raise RuntimeError("hook broke")

    outbox.renderer("test_hooked", after_sent=broken_hook)(lambda email: outbox.Rendered("Hi", "Hello."))
    email = claimed(kind="test_hooked")
    assert outbox.deliver(email_id=email.pk) == State.SENT
    email.refresh_from_db()
    # The hook's own writes are rolled back; the row says sent, so it is never sent again.
    assert (email.state, email.last_error) == (State.SENT, "")
    assert len(mail.outbox) == 1


def test_second_delivery_of_a_sent_row_sends_nothing(kinds):
    email = claimed()
    outbox.deliver(email_id=email.pk)
    assert outbox.deliver(email_id=email.pk) == State.SENT
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


@pytest.mark.parametrize("state", [State.PENDING, State.FAILED, State.CANCELLED])
def test_only_sending_rows_are_sent(kinds, state):
    email = claimed()
    OutboundEmail.objects.filter(pk=email.pk).update(state=state)
    assert outbox.deliver(email_id=email.pk) == state
    assert mail.outbox == []


def test_nothing_left_to_say_is_cancelled(kinds):
    email = claimed(context={"nothing_left": True})
    assert outbox.deliver(email_id=email.pk) == State.CANCELLED
    assert mail.outbox == []
    assert kinds == []


def test_preference_off_cancels_the_row(kinds):
    email = claimed(kind="test_digest", user=UserFactory(email_request_digest=False))
    assert outbox.deliver(email_id=email.pk) == State.CANCELLED
    assert mail.outbox == []


def test_optional_kind_has_one_click_unsubscribe_header_and_footer(kinds, settings):
    settings.SITE_URL = "https://portal.example"
    user = UserFactory()
    email = claimed(kind="test_digest", user=user)
    outbox.deliver(email_id=email.pk)
    [message] = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://portal.example/email/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert outbox.read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1]) == (user.pk, "email_request_digest")


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(421, b"Try again later"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"Too busy"),
        smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Mailbox busy")}),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        OSError(101, "Network is unreachable"),
        # Trouble with our own mail server, whatever the code, is not about one message.
        smtplib.SMTPAuthenticationError(535, b"Authentication failed"),
        smtplib.SMTPConnectError(554, b"No SMTP service here"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_temporary_failure_waits_on_the_backoff_schedule(kinds, settings, error):
    settings.OUTBOX_BACKOFF = [60, 120, 300]
    email = claimed()
    before = timezone.now()
    assert outbox.deliver(email_id=email.pk, connection=FailingConnection(error)) == State.PENDING
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.PENDING, 1)
    assert before + timedelta(seconds=60) <= email.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    assert email.last_error
    # The second attempt waits the second step.
    OutboundEmail.objects.filter(pk=email.pk).update(state=State.SENDING)
    outbox.deliver(email_id=email.pk, connection=FailingConnection(error))
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.PENDING, 2)
    assert email.next_attempt_at >= before + timedelta(seconds=120)


def test_temporary_failure_after_the_last_step_fails(kinds, settings):
    settings.OUTBOX_BACKOFF = [60, 120]
    email = claimed(attempts=2)
    error = smtplib.SMTPResponseException(451, b"Local error")
    assert outbox.deliver(email_id=email.pk, connection=FailingConnection(error)) == State.FAILED
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.FAILED, 3)
    assert email.last_error == "451 Local error"


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}),
        smtplib.SMTPSenderRefused(553, b"Sender not allowed", "noreply@localhost"),
        smtplib.SMTPDataError(554, b"Message rejected"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_permanent_failure_fails_at_once(kinds, error):
    email = claimed()
    connection = FailingConnection(error)
    assert outbox.deliver(email_id=email.pk, connection=connection) == State.FAILED
    email.refresh_from_db()
    assert (email.state, email.attempts, connection.calls) == (State.FAILED, 1, 1)
    assert "55" in email.last_error or "53" in email.last_error
    # A failed row is not dispatched again.
    assert outbox.dispatch(budget=1) == 0


def test_refused_recipient_is_named_in_the_error(kinds):
    email = claimed()
    error = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")})
    outbox.deliver(email_id=email.pk, connection=FailingConnection(error))
    email.refresh_from_db()
    assert email.last_error == "a@example.org: 550 No such user"


def test_dispatch_claims_due_rows_and_queues_one_task_each(kinds, django_capture_on_commit_callbacks):
    user = UserFactory()
    due = [outbox.enqueue(key=f"due{i}", kind="test_plain", user=user) for i in range(3)]
    later = outbox.enqueue(key="later", kind="test_plain", user=user, due_at=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.dispatch(budget=5, batch_size=2) == 3
    # Tasks run eagerly in tests: every due row is sent, the later one waits.
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(e.message_id for e in due)
    assert set(OutboundEmail.objects.filter(key__startswith="due").values_list("state", flat=True)) == {State.SENT}
    later.refresh_from_db()
    assert later.state == State.PENDING


def test_dispatch_keeps_the_emails_in_flight_bounded(kinds, settings):
    settings.OUTBOX_MAX_IN_FLIGHT = 3
    user = UserFactory()
    claimed(key="in-flight", user=user)
    for i in range(5):
        outbox.enqueue(key=f"due{i}", kind="test_plain", user=user)
    assert outbox.dispatch(budget=5, batch_size=10) == 2
    assert OutboundEmail.objects.filter(state=State.SENDING).count() == 3
    # Nothing more while the workers are busy; the next run tops up as emails go out.
    assert outbox.dispatch(budget=5) == 0
    OutboundEmail.objects.filter(key="in-flight").update(state=State.SENT)
    assert outbox.dispatch(budget=5) == 1
    assert OutboundEmail.objects.filter(state=State.PENDING).count() == 2


def test_dispatch_uses_skip_locked(kinds):
    outbox.enqueue(key="k1", kind="test_plain", user=UserFactory())
    with CaptureQueriesContext(connection) as queries:
        outbox.dispatch(budget=1)
    selects = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(selects) == 2
    assert all("SKIP LOCKED" in sql for sql in selects)


@pytest.mark.django_db(transaction=True)
def test_dispatch_skips_rows_locked_by_another_connection(kinds):
    user = UserFactory()
    locked = outbox.enqueue(key="locked", kind="test_plain", user=user)
    free = outbox.enqueue(key="free", kind="test_plain", user=user)
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                OutboundEmail.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_lock)
    thread.start()
    try:
        assert holding.wait(10)
        ids = outbox._claim_batch(10)
    finally:
        release.set()
        thread.join()
    assert ids == [free.pk]
    locked.refresh_from_db()
    assert locked.state == State.PENDING


@pytest.mark.django_db(transaction=True)
def test_sweeper_requeues_stale_sending_rows_but_not_locked_or_recent_ones(kinds, settings):
    settings.OUTBOX_STUCK_AFTER = 300
    user = UserFactory()
    long_ago = timezone.now() - timedelta(minutes=10)
    stale = claimed(key="stale", user=user, claimed_at=long_ago)
    recent = claimed(key="recent", user=user)
    busy = claimed(key="busy", user=user, claimed_at=long_ago)
    holding, release = threading.Event(), threading.Event()

    def worker_sending_busy():
        try:
            with transaction.atomic():
                OutboundEmail.objects.select_for_update().get(pk=busy.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker_sending_busy)
    thread.start()
    try:
        assert holding.wait(10)
        assert outbox.dispatch(budget=1) == 1  # tasks run eagerly after the commit
    finally:
        release.set()
        thread.join()
    states = dict(OutboundEmail.objects.values_list("key", "state"))
    assert states == {"stale": State.SENT, "recent": State.SENDING, "busy": State.SENDING}
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [stale.message_id]
    recent.refresh_from_db()
    assert recent.claimed_at > long_ago


def test_dispatch_task_and_send_task_are_registered_with_late_acks():
    from core.tasks import dispatch_outbox, send_outbox_email
    from portal.celery import app

    assert dispatch_outbox.name == "portal.dispatch_outbox"
    assert send_outbox_email.name == "portal.send_outbox_email"
    assert send_outbox_email.acks_late is True
    assert send_outbox_email.reject_on_worker_lost is True
    assert app.conf.beat_schedule["portal-dispatch-outbox"]["task"] == "portal.dispatch_outbox"


def test_renderer_error_marks_the_row_failed(kinds):
    def broken(email):
        raise KeyError("meeting")

    outbox.renderer("test_broken")(broken)
    email = claimed(kind="test_broken")
    assert outbox.deliver(email_id=email.pk) == State.FAILED
    email.refresh_from_db()
    assert "KeyError" in email.last_error


# --- Unsubscribing ---------------------------------------------------------------------------


def test_unsubscribe_get_confirms_and_changes_nothing(client):
    user = UserFactory()
    url = reverse("email_unsubscribe", args=[outbox.unsubscribe_token(user, "email_follow_ups")])
    response = client.get(url)
    assert response.status_code == 200
    assert b"<form" in response.content
    user.refresh_from_db()
    assert user.email_follow_ups is True


def test_unsubscribe_post_from_the_page_turns_the_preference_off():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    url = reverse("email_unsubscribe", args=[outbox.unsubscribe_token(user, "email_follow_ups")])
    # Without the page's CSRF token the button's POST is refused.
    assert client.post(url).status_code == 403
    user.refresh_from_db()
    assert user.email_follow_ups is True
    client.get(url)
    response = client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.email_follow_ups, user.email_request_digest) == (False, True)


def test_one_click_unsubscribe_from_a_mail_client():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    url = reverse("email_unsubscribe", args=[outbox.unsubscribe_token(user, "email_request_digest")])
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email_request_digest is False


@pytest.mark.parametrize("tamper", ["user", "field", "garbage"])
def test_tampered_unsubscribe_link_is_refused(client, tamper):
    user, other = UserFactory(), UserFactory()
    token = outbox.unsubscribe_token(user, "email_follow_ups")
    if tamper == "user":
        token = outbox.unsubscribe_token(other, "email_follow_ups")[: token.index(":")] + token[token.index(":") :]
    elif tamper == "field":
        token = outbox.unsubscribe_token(user, "is_staff")
    else:
        token = "not-a-token"
    response = client.post(reverse("email_unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert b"does not work" in response.content
    user.refresh_from_db()
    other.refresh_from_db()
    assert user.email_follow_ups
    assert other.email_follow_ups


def test_preferences_page_saves_the_email_preferences(client):
    user = UserFactory(verified_email=True)
    client.force_login(user)
    response = client.get(reverse("preferences"))
    assert b'name="email_request_digest"' in response.content
    assert b'name="email_follow_ups"' in response.content
    response = client.post(
        reverse("preferences"),
        {
            "display_name": user.display_name or "Someone",
            "preferred_language": "en",
            "time_zone": user.time_zone,
            "email_follow_ups": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email_request_digest, user.email_follow_ups) == (False, True)


# --- The secretariat's page ------------------------------------------------------------------


def failed_email(key="f1", user=None):
    email = outbox.enqueue(key=key, kind="test_plain", user=user or UserFactory())
    OutboundEmail.objects.filter(pk=email.pk).update(state=State.FAILED, attempts=1, last_error="550 No such user")
    return email


@pytest.mark.parametrize("role", ["participant", "institution_admin", "no_institution"])
def test_outbox_page_and_retry_are_hidden_from_everyone_but_the_secretariat(client, roles, role):
    email = failed_email()
    client.force_login(roles[role])
    assert client.get(reverse("outbox")).status_code == 404
    assert client.post(reverse("outbox_retry", args=[email.pk])).status_code == 404
    email.refresh_from_db()
    assert email.state == State.FAILED


def test_outbox_page_redirects_anonymous_to_sign_in(client):
    assert client.get(reverse("outbox")).status_code == 302


def test_outbox_page_shows_counts_and_failed_emails(client, secretariat_user, kinds, django_assert_max_num_queries):
    user = UserFactory(email="refused@example.org")
    for i in range(5):
        failed_email(f"f{i}", user=user)
    outbox.enqueue(key="w1", kind="test_plain", user=user, due_at=timezone.now() - timedelta(minutes=30))
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("outbox"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "refused@example.org" in content
    assert "550 No such user" in content
    assert response.context["by_state"][State.FAILED] == 5
    assert response.context["by_state"][State.PENDING] == 1
    assert response.context["kind_rows"] == [("test_plain", [1, 0, 0, 5, 0])]
    assert "30\xa0minutes" in content


def test_retry_puts_a_failed_email_back_in_the_queue(client, secretariat_user):
    email = failed_email()
    client.force_login(secretariat_user)
    response = client.post(reverse("outbox_retry", args=[email.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("outbox")
    assert "will be tried again" in response.content.decode()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.PENDING, 0)
    assert email.next_attempt_at <= timezone.now()


def test_retry_all_puts_every_failed_email_back(client, secretariat_user, roles):
    failed = [failed_email(f"f{i}") for i in range(3)]
    sent = outbox.enqueue(key="s1", kind="test_plain", user=UserFactory())
    OutboundEmail.objects.filter(pk=sent.pk).update(state=State.SENT)
    client.force_login(roles["participant"])
    assert client.post(reverse("outbox_retry_all")).status_code == 404
    assert OutboundEmail.objects.filter(state=State.FAILED).count() == 3
    client.force_login(secretariat_user)
    response = client.post(reverse("outbox_retry_all"), follow=True)
    assert "3 failed emails will be tried again" in response.content.decode()
    assert set(OutboundEmail.objects.filter(pk__in=[e.pk for e in failed]).values_list("state", flat=True)) == {
        State.PENDING
    }
    sent.refresh_from_db()
    assert sent.state == State.SENT


def test_retry_of_an_email_that_is_not_failed_changes_nothing(client, secretariat_user):
    email = outbox.enqueue(key="s1", kind="test_plain", user=UserFactory())
    OutboundEmail.objects.filter(pk=email.pk).update(state=State.SENT)
    client.force_login(secretariat_user)
    response = client.post(reverse("outbox_retry", args=[email.pk]), follow=True)
    assert "Only failed emails can be tried again" in response.content.decode()
    email.refresh_from_db()
    assert email.state == State.SENT
    assert client.get(reverse("outbox_retry", args=[email.pk])).status_code == 405
    assert client.post(reverse("outbox_retry", args=[999999])).status_code == 404


def test_dashboard_links_the_outbox_for_the_secretariat(client, secretariat_user):
    client.force_login(secretariat_user)
    assert reverse("outbox") in client.get(reverse("dashboard")).content.decode()
