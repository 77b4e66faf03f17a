"""Webhooks: deliveries written with the change (outbox), who receives what, signatures,
delivery to a real receiver that is down for a while, and the addresses refused (SSRF)."""

import base64
import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import webhooks, webhooks_delivery
from api.models import WebhookDelivery, WebhookEndpoint
from api.tasks import send_webhook
from api.webhooks import WebhookError
from core import domain_events
from events.models import Registration, Session
from events.services import approve_registration, approve_registrations
from institutions.models import Membership
from matchmaking import requests as meeting_requests
from matchmaking.models import Meeting
from mous import lifecycle
from mous.models import Mou
from mous.services import mou_save, mous_ceremony_create
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingSlotFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    UserFactory,
    make_secretariat,
)

Status = WebhookDelivery.Status


def verify(*, secret: str, headers: dict, body: bytes, tolerance: int = 300, now: int | None = None) -> dict:
    """What a receiver does (the README's snippet): check the signature, then read the body."""
    import time

    key = base64.b64decode(secret.removeprefix("whsec_"))
    event_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs((now or int(time.time())) - int(timestamp)) > tolerance:
        raise ValueError("too old")
    expected = base64.b64encode(
        hmac.new(key, f"{event_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    for candidate in headers["webhook-signature"].split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return json.loads(body)
    raise ValueError("bad signature")


@pytest.fixture
def world(db):
    """Institutions A, B and C; an admin of A and of B with an endpoint each; the secretariat's."""
    a, b, c = (
        InstitutionFactory(name=name, country=country)
        for name, country in [("Alpha", "KH"), ("Beta", "CN"), ("Gamma", "TH")]
    )
    admin_a = MembershipFactory(institution=a, role=Membership.Role.ADMIN).user
    admin_b = MembershipFactory(institution=b, role=Membership.Role.ADMIN).user
    secretariat = make_secretariat(UserFactory())
    every = list(domain_events.EVENTS)
    return {
        "a": a,
        "b": b,
        "c": c,
        "admin_a": admin_a,
        "admin_b": admin_b,
        "secretariat": secretariat,
        "endpoint_a": WebhookEndpoint.objects.create(
            owner=admin_a, institution=a, url="http://127.0.0.1:9/a", event_types=every
        ),
        "endpoint_b": WebhookEndpoint.objects.create(
            owner=admin_b, institution=b, url="http://127.0.0.1:9/b", event_types=every
        ),
        "endpoint_s": WebhookEndpoint.objects.create(owner=secretariat, url="http://127.0.0.1:9/s", event_types=every),
    }


def _log_mou(*parties, title="Skills for solar technicians", **fields) -> Mou:
    mou = Mou(title=title, status=Mou.Status.SIGNED, signed_on=timezone.localdate(), **fields)
    return mou_save(mou=mou, parties=[{"institution": institution} for institution in parties])


def _receivers(event_type: str | None = None) -> set[str]:
    deliveries = WebhookDelivery.objects.all()
    if event_type:
        deliveries = deliveries.filter(event_type=event_type)
    return {delivery.endpoint.url.rsplit("/", 1)[1] for delivery in deliveries.select_related("endpoint")}


# --- The outbox: written with the change, or not at all ---------------------------------------


def test_a_logged_mou_is_written_for_its_parties_and_the_secretariat_in_the_same_transaction(world):
    mou = _log_mou(world["a"], world["c"])

    assert _receivers("mou.logged") == {"a", "s"}
    deliveries = list(WebhookDelivery.objects.all())
    assert len({d.event_id for d in deliveries}) == 1, "one event id for one event, whoever receives it"
    payload = deliveries[0].payload
    assert payload["type"] == "mou.logged"
    assert payload["id"] == str(deliveries[0].event_id)
    assert payload["data"]["id"] == mou.pk
    assert payload["data"]["title"] == "Skills for solar technicians"
    assert [(p["id"], p["name"], p["country"]) for p in payload["data"]["parties"]] == [
        (world["a"].pk, "Alpha", "KH"),
        (world["c"].pk, "Gamma", "TH"),
    ]
    assert payload["data"]["url"].endswith(f"/mous/{mou.pk}/")
    assert all(d.status == Status.PENDING and d.next_attempt_at for d in deliveries)


def test_a_rolled_back_mou_write_creates_no_delivery(world):
    written = []

    def log_then_fail():
        with transaction.atomic():
            _log_mou(world["a"], world["b"])
            written.append(WebhookDelivery.objects.count())
            raise RuntimeError("the request failed after the MoU was saved")

    with pytest.raises(RuntimeError):
        log_then_fail()

    assert written == [3]
    assert WebhookDelivery.objects.count() == 0
    assert not Mou.objects.exists()


def test_the_deliveries_are_handed_to_a_worker_once_the_change_commits(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(send_webhook, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _log_mou(world["a"], world["c"])
        assert queued == []

    assert callbacks
    assert sorted(queued) == sorted(WebhookDelivery.objects.values_list("pk", flat=True))
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.SENDING}


def test_every_service_publishes_its_event(world):
    a, b = world["a"], world["b"]
    # An MoU edited, moved on, terminated; one renewed (its successor is logged).
    mou = _log_mou(a, b)
    mou_save(mou=mou, parties=[{"institution": a}, {"institution": b}])
    lifecycle.transition(mou=mou, target=Mou.Status.ACTIVE)
    lifecycle.terminate(mou=mou, reason="The programme ended.")
    other = _log_mou(a, b, title="Second")
    successor = lifecycle.renew(mou=other)
    # A ceremony.
    event = EventFactory()
    ceremony = mous_ceremony_create(
        shared={
            "signed_on": timezone.localdate(),
            "signed_place": "Nanning",
            "event": event,
            "ceremony_session": None,
            "is_public": True,
        },
        rows=[
            {"title": f"Ceremony {n}", "reference": f"C-{n}", "parties": [a, b], "sectors": [], "cooperation_types": []}
            for n in range(2)
        ],
        created_by=world["secretariat"],
    )
    # Registrations approved one at a time and together.
    member = MembershipFactory(institution=a).user
    one = RegistrationFactory(event=event, user=member, institution=a, status=Registration.Status.PENDING)
    approve_registration(registration=one)
    two = RegistrationFactory(event=event, institution=a, status=Registration.Status.PENDING)
    approve_registrations(event=event, ids=[two.pk])

    seen = [
        (d["type"], d["data"]["id"])
        for d in WebhookDelivery.objects.filter(endpoint=world["endpoint_a"])
        .order_by("pk")
        .values_list("payload", flat=True)
    ]
    assert seen == [
        ("mou.logged", mou.pk),
        ("mou.changed", mou.pk),
        ("mou.changed", mou.pk),
        ("mou.changed", mou.pk),
        ("mou.logged", other.pk),
        ("mou.changed", other.pk),
        ("mou.logged", successor.pk),
        ("mou.logged", ceremony[0].pk),
        ("mou.logged", ceremony[1].pk),
        ("registration.approved", one.pk),
        ("registration.approved", two.pk),
    ]


def test_a_meeting_accepted_into_a_slot_is_scheduled_for_both_institutions(world):
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event, scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    slot = MeetingSlotFactory(session=session)
    me = RegistrationFactory(event=event, user=MembershipFactory(institution=world["a"]).user, institution=world["a"])
    other = RegistrationFactory(
        event=event, user=MembershipFactory(institution=world["c"]).user, institution=world["c"]
    )
    request = meeting_requests.send_request(requester=me, session=session, recipient=other, message="Private words")

    meeting = meeting_requests.accept_request(request_id=request.pk, registration=other, slot=slot)

    assert _receivers("meeting.scheduled") == {"a", "s"}
    data = WebhookDelivery.objects.filter(event_type="meeting.scheduled").first().payload["data"]
    assert data["id"] == meeting.pk
    assert data["change"] == "new"
    assert data["table"] == 1
    assert data["starts_at"] == slot.starts_at.isoformat().replace("+00:00", "Z")
    assert {i["id"] for i in data["institutions"]} == {world["a"].pk, world["c"].pk}
    text = json.dumps(data)
    for private in ("Private words", me.user.email, other.user.email, me.user.display_name, other.user.display_name):
        assert private not in text


def test_the_queries_do_not_grow_with_the_meetings_of_a_publication(world, django_assert_max_num_queries):
    session = MatchmakingSessionFactory()

    def meetings(count: int) -> list[Meeting]:
        made = [
            MeetingFactory(
                session=session,
                request__session=session,
                request__requester=RegistrationFactory(event=session.event, institution=world["a"]),
                request__recipient=RegistrationFactory(event=session.event, institution=world["b"]),
            )
            for _ in range(count)
        ]
        # As the publisher holds them: without their related rows.
        return list(Meeting.objects.filter(pk__in=[m.pk for m in made]))

    small, large = meetings(2), meetings(12)
    with CaptureQueriesContext(connection) as few:
        domain_events.publish_many(domain_events.MEETING_SCHEDULED, instances=small, change="new")
    with django_assert_max_num_queries(len(few.captured_queries)):
        domain_events.publish_many(domain_events.MEETING_SCHEDULED, instances=large, change="new")

    assert WebhookDelivery.objects.filter(endpoint=world["endpoint_s"]).count() == 14


# --- Who receives what ------------------------------------------------------------------------


def test_an_institution_endpoint_receives_only_its_own_objects(world):
    _log_mou(world["b"], world["c"])  # B's: A's admin must not learn of it
    mou_draft = MouFactory(title="Secret draft", status=Mou.Status.DRAFT, signed_on=None)
    MouPartyFactory(mou=mou_draft, institution=world["c"])
    MouPartyFactory(mou=mou_draft, institution=world["b"])
    lifecycle.transition(mou=mou_draft, target=Mou.Status.SIGNED)

    assert _receivers() == {"b", "s"}


def test_a_draft_event_is_named_only_to_its_organisers_and_the_secretariat(world):
    draft = EventFactory(title="Quiet draft summit", status="draft")
    draft.organisers.add(world["b"])

    _log_mou(world["a"], world["b"], event=draft)

    events = {
        d.endpoint.url[-1]: d.payload["data"]["event"] for d in WebhookDelivery.objects.select_related("endpoint")
    }
    assert events["a"] is None
    assert events["b"]["title"] == events["s"]["title"] == "Quiet draft summit"


def test_an_endpoint_stops_receiving_when_its_owner_is_no_longer_admin_or_it_is_turned_off(world):
    Membership.objects.filter(user=world["admin_a"]).update(role=Membership.Role.MEMBER)
    world["endpoint_b"].is_active = False
    world["endpoint_b"].save()
    _log_mou(world["a"], world["b"])

    assert _receivers() == {"s"}


def test_a_secretariat_endpoint_whose_owner_left_the_secretariat_receives_nothing(world):
    world["secretariat"].groups.clear()
    world["secretariat"]._is_secretariat = None
    _log_mou(world["a"], world["b"])

    assert _receivers() == {"a", "b"}


def test_an_endpoint_receives_only_the_events_it_chose(world):
    world["endpoint_a"].event_types = ["registration.approved"]
    world["endpoint_a"].save()
    _log_mou(world["a"], world["b"])

    assert _receivers() == {"b", "s"}


def test_a_registration_approval_reaches_its_institution_without_the_person(world):
    member = MembershipFactory(institution=world["a"]).user
    registration = RegistrationFactory(user=member, institution=world["a"], status=Registration.Status.PENDING)

    approve_registration(registration=registration)

    assert _receivers() == {"a", "s"}
    data = WebhookDelivery.objects.first().payload["data"]
    assert data["institution"]["id"] == world["a"].pk
    assert data["event"]["id"] == registration.event_id
    assert member.email not in json.dumps(data)
    assert member.display_name not in json.dumps(data)


# --- Signatures --------------------------------------------------------------------------------


def test_a_receiver_verifies_the_signature_and_refuses_a_tampered_body(world):
    endpoint = world["endpoint_a"]
    body = webhooks.body_bytes({"type": "mou.logged", "data": {"title": "Café 合作"}})
    headers = webhooks.signed_headers(secret=endpoint.secret, event_id="msg_1", timestamp=1_700_000_000, body=body)

    assert verify(secret=endpoint.secret, headers=headers, body=body, now=1_700_000_010)["data"]["title"] == "Café 合作"
    with pytest.raises(ValueError, match="bad signature"):
        verify(secret=endpoint.secret, headers=headers, body=body.replace(b"Caf", b"Cof"), now=1_700_000_010)
    with pytest.raises(ValueError, match="bad signature"):
        verify(secret=world["endpoint_b"].secret, headers=headers, body=body, now=1_700_000_010)
    with pytest.raises(ValueError, match="too old"):
        verify(secret=endpoint.secret, headers=headers, body=body, now=1_700_009_999)


def test_the_signature_matches_the_standard_webhooks_example():
    """The example of the Standard Webhooks specification, computed by its reference libraries."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        webhooks.signature(secret=secret, event_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


# --- Delivery to a receiver that is down for a while ---------------------------------------------


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers 503 to the first ``failures`` requests, then
    200, and processes each event id once (as a receiver should), checking its signature."""

    def __init__(self, *, secret: str, failures: int):
        self.secret, self.failures = secret, failures
        self.requests: list[str] = []
        self.processed: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {
                    name: self.headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
                }
                receiver.requests.append(headers["webhook-id"])
                if len(receiver.requests) <= receiver.failures:
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write(b"down for maintenance " * 100)
                    return
                verify(secret=receiver.secret, headers=headers, body=body)
                if headers["webhook-id"] not in receiver.processed:
                    receiver.processed.append(headers["webhook-id"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks?source=tvet"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Clock:
    """Time as the delivery code sees it: the real time, moved on by the test instead of waited for."""

    def __init__(self):
        self.offset = timedelta(0)

    def now(self):
        return timezone.now() + self.offset

    def move_to(self, moment):
        self.offset = moment - timezone.now()


def test_a_webhook_survives_a_receiver_down_for_a_while_and_arrives_once(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    clock = Clock()
    monkeypatch.setattr(webhooks_delivery, "timezone", clock)
    endpoint = world["endpoint_s"]
    with Receiver(secret=endpoint.secret, failures=3) as receiver:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            _log_mou(world["c"], InstitutionFactory())  # handed out once committed: the first attempt
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        waits = []
        for _attempt in range(10):
            delivery.refresh_from_db()
            if delivery.status == Status.DELIVERED:
                break
            assert delivery.status == Status.FAILED
            assert delivery.last_status_code == 503
            assert delivery.last_error.startswith("down for maintenance")
            assert len(delivery.last_error) <= 500
            # Not due yet: a sweep now sends nothing.
            with django_capture_on_commit_callbacks(execute=True):
                assert webhooks_delivery.sweep() == 0
            waits.append((delivery.next_attempt_at - clock.now()).total_seconds())
            clock.move_to(delivery.next_attempt_at + timedelta(seconds=1))
            with django_capture_on_commit_callbacks(execute=True):
                assert webhooks_delivery.sweep() == 1

        assert delivery.status == Status.DELIVERED
        assert delivery.attempts == 4
        assert delivery.last_status_code == 200
        assert receiver.requests == [str(delivery.event_id)] * 4, "the same event id on every attempt"
        assert receiver.processed == [str(delivery.event_id)]
        # Each wait is the schedule's step, give or take its jitter, and they grow.
        for wait, step in zip(waits, [30, 120, 600], strict=True):
            assert 0.8 * step - 1 <= wait <= 1.2 * step + 1
        # The task delivered again (a broker redelivering it) sends nothing more.
        send_webhook(delivery.pk)
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks_delivery.sweep() == 0
        assert len(receiver.requests) == 4


def test_a_delivery_is_given_up_after_the_schedule(world, monkeypatch):
    endpoint = world["endpoint_s"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:1/closed")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="mou.logged", payload={}, status=Status.SENDING
    )
    with override_settings(WEBHOOK_BACKOFF=[1, 2]):
        outcomes = []
        for _ in range(3):
            outcomes.append(webhooks_delivery.deliver(delivery_id=delivery.pk))
            WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENDING)

    assert outcomes == [Status.FAILED, Status.FAILED, Status.GIVEN_UP]
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert delivery.next_attempt_at is None
    assert "ConnectionError" in delivery.last_error or "Connection" in delivery.last_error


def test_a_redirect_is_not_followed_and_counts_as_a_failure(world):
    class Handler(BaseHTTPRequestHandler):
        hits = []

        def do_POST(self):
            Handler.hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = world["endpoint_s"]
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"http://127.0.0.1:{server.server_address[1]}/x")
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="mou.logged", payload={}, status=Status.SENDING
        )
        assert webhooks_delivery.deliver(delivery_id=delivery.pk) == Status.FAILED
    finally:
        server.shutdown()
        server.server_close()
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302
    assert Handler.hits == ["/x"]


def test_an_endpoint_turned_off_gets_nothing_but_test_events(world):
    endpoint = world["endpoint_s"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, url="http://127.0.0.1:1/closed")
    event = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="mou.logged", payload={}, status=Status.SENDING
    )
    test = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="webhook.test", payload={}, status=Status.SENDING
    )

    assert webhooks_delivery.deliver(delivery_id=event.pk) == Status.GIVEN_UP
    assert webhooks_delivery.deliver(delivery_id=test.pk) == Status.FAILED  # tried: nothing listens


def test_send_again_puts_a_given_up_delivery_back_with_its_event_id(world):
    delivery = WebhookDelivery.objects.create(
        endpoint=world["endpoint_a"], event_type="mou.logged", payload={}, status=Status.GIVEN_UP, attempts=7
    )
    event_id = delivery.event_id

    assert webhooks_delivery.send_again(delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.event_id) == (Status.PENDING, 0, event_id)
    assert delivery.next_attempt_at <= timezone.now()


# --- Addresses refused (SSRF) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hooks",  # not https
        "ftp://example.org/hooks",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.1.10/hooks",
        "https://172.16.0.1/hooks",
        "https://100.64.0.1/hooks",  # shared address space (carrier-grade NAT)
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[fd00:ec2::254]/hooks",
        "https://0.0.0.0/hooks",
        "https://user:secret@example.org/hooks",
    ],
)
@override_settings(WEBHOOKS_ALLOW_LOCAL_RECEIVERS=False)
def test_addresses_that_are_not_public_are_refused(url, monkeypatch):
    real = socket.getaddrinfo

    def public_example(host, *args, **kwargs):
        if host == "example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", public_example)
    with pytest.raises(WebhookError):
        webhooks.resolve_public(url)


@override_settings(WEBHOOKS_ALLOW_LOCAL_RECEIVERS=False)
def test_a_name_resolving_to_a_private_address_is_refused_and_a_public_one_pinned(monkeypatch):
    answers = {"hooks.example.org": ["93.184.215.14", "10.0.0.5"], "public.example.org": ["93.184.215.14"]}
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]],
    )

    with pytest.raises(WebhookError, match="private or local network"):
        webhooks.resolve_public("https://hooks.example.org/in")
    assert webhooks.resolve_public("https://public.example.org:8443/in") == (
        "public.example.org",
        "93.184.215.14",
        8443,
    )


def test_the_address_is_checked_again_at_delivery_time(world, monkeypatch):
    """Saved while public; resolving to the metadata service by the time it is sent: not sent."""
    endpoint = world["endpoint_s"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://hooks.example.org/in")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="mou.logged", payload={}, status=Status.SENDING
    )
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))],
    )
    monkeypatch.setattr(webhooks_delivery.urllib3, "HTTPSConnectionPool", None)  # any connection would fail loudly

    with override_settings(WEBHOOKS_ALLOW_LOCAL_RECEIVERS=False):
        assert webhooks_delivery.deliver(delivery_id=delivery.pk) == Status.FAILED

    delivery.refresh_from_db()
    assert "private or local network" in delivery.last_error
    assert delivery.last_status_code is None


def test_local_receivers_are_a_deployment_error():
    from django.core import checks

    def ids():
        messages = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
        return [message.id for message in messages if message.id == "api.E001"]

    with override_settings(WEBHOOKS_ALLOW_LOCAL_RECEIVERS=True):
        assert ids() == ["api.E001"]
    with override_settings(WEBHOOKS_ALLOW_LOCAL_RECEIVERS=False):
        assert ids() == []


def test_old_deliveries_delivered_or_given_up_are_purged(world):
    endpoint = world["endpoint_a"]
    old = timezone.now() - timedelta(days=31)
    kept = [
        WebhookDelivery.objects.create(endpoint=endpoint, event_type="mou.logged", payload={}, status=status)
        for status in (Status.DELIVERED, Status.PENDING, Status.FAILED)
    ]
    for status in (Status.DELIVERED, Status.GIVEN_UP, Status.FAILED):
        made = WebhookDelivery.objects.create(endpoint=endpoint, event_type="mou.logged", payload={}, status=status)
        WebhookDelivery.objects.filter(pk=made.pk).update(created_at=old)
        if status == Status.FAILED:
            kept.append(made)

    assert webhooks_delivery.purge() == 2
    assert sorted(WebhookDelivery.objects.values_list("pk", flat=True)) == sorted(d.pk for d in kept)


def test_beat_sweeps_and_purges_webhooks_with_registered_tasks():
    from celery import current_app
    from django.conf import settings

    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"api.sweep_webhooks", "api.purge_webhook_deliveries"} <= entries
    assert {"api.sweep_webhooks", "api.purge_webhook_deliveries", "api.send_webhook"} <= set(current_app.tasks)


def _certificate_for(host: str, directory) -> tuple[str, str]:
    """A self-signed certificate for ``host`` (its own authority), as PEM files: (cert, key)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


def test_https_goes_to_the_checked_address_and_checks_the_certificate_of_the_host_name(world, monkeypatch, tmp_path):
    """The connection goes to the address resolved and checked, while TLS (SNI and the
    certificate) and the Host header use the host name; a certificate for another name fails."""
    import functools
    import ssl

    cert, key = _certificate_for("hooks.example.org", tmp_path)
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.headers["Host"], self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Both names resolve to the receiver; only one is named by its certificate.
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, p, *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))],
    )
    # The receiver's own authority, trusted for this test alone.
    monkeypatch.setattr(
        webhooks_delivery.urllib3,
        "HTTPSConnectionPool",
        functools.partial(webhooks_delivery.urllib3.HTTPSConnectionPool, ca_certs=cert),
    )
    endpoint = world["endpoint_s"]
    try:
        results = []
        for host in ("hooks.example.org", "other.example.org"):
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"https://{host}:{port}/in?x=1")
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint, event_type="mou.logged", payload={}, status=Status.SENDING
            )
            results.append(webhooks_delivery.deliver(delivery_id=delivery.pk))
    finally:
        server.shutdown()
        server.server_close()

    assert results == [Status.DELIVERED, Status.FAILED]
    assert seen == [(f"hooks.example.org:{port}", "/in?x=1")]
    error = WebhookDelivery.objects.get(status=Status.FAILED).last_error
    assert error.startswith("SSLError")
    assert "other.example.org" in error
