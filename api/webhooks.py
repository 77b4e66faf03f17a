"""Webhooks: domain events written as deliveries in the transaction that causes them, signed.

``core.domain_events`` tells of an MoU logged or changed, a registration approved, a meeting
scheduled; `on_domain_event` (subscribed in ``ApiConfig.ready``) writes one
`WebhookDelivery` per endpoint that may know of the object, in the publisher's transaction:
a rolled-back change is delivered to nobody, a committed one is never lost (the outbox
pattern). Once the transaction commits the rows are handed to workers
(``api.webhooks_delivery``), which send them and retry on the row's own schedule.

Who receives what:

- the secretariat's endpoints (no institution) receive every event, while their owner is in
  the secretariat;
- an institution's endpoint receives the events about that institution's objects (an MoU it
  is a party to, a registration for it, a meeting of its people), while its owner is an
  active admin of the institution. A party's admins may open its draft and private MoUs, so
  these go to the parties' endpoints and to nobody else's. An event still in draft is named
  only to the secretariat's endpoints and its organisers' (``"event": null`` for the others).

The payload is small and public in kind: ids, titles in their original language, the
institutions' ids, names and countries, statuses, dates and links to the pages; never a
person's name, email or telephone.

Signatures follow Standard Webhooks (https://www.standardwebhooks.com/): headers
``webhook-id`` (the event id, the same on every attempt), ``webhook-timestamp`` (seconds) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` keyed with the base64
part of the endpoint's ``whsec_…`` secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
import uuid
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from core import domain_events
from events.models import Event, Registration
from institutions.models import Institution, Membership
from institutions.permissions import is_secretariat
from matchmaking.models import Meeting
from mous.models import Mou, MouParty

from .models_webhooks import TEST_EVENT, WebhookDelivery, WebhookEndpoint


class WebhookError(Exception):
    """A webhook write refused, with a translated message for the person."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- Payloads -------------------------------------------------------------------------------


def _link(path: str) -> str:
    return settings.SITE_URL + path


def _institution(institution: Institution | None) -> dict | None:
    if institution is None:
        return None
    return {
        "id": institution.pk,
        "name": institution.name,
        "name_local": institution.name_local,
        "country": institution.country.code or None,
        "url": _link(institution.get_absolute_url()),
    }


def _event(event: Event | None) -> dict | None:
    if event is None:
        return None
    return {
        "id": event.pk,
        "title": event.title,
        "original_language": event.original_language,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "url": _link(event.get_absolute_url()),
    }


def _mou_data(mou: Mou, parties: list[MouParty]) -> dict:
    return {
        "id": mou.pk,
        "title": mou.title,
        "original_language": mou.original_language,
        "reference": mou.reference,
        "status": mou.status,
        "signed_on": mou.signed_on,
        "valid_from": mou.valid_from,
        "valid_until": mou.valid_until,
        "in_public_registry": mou.is_public and mou.status != Mou.Status.DRAFT,
        "renewal_of": mou.renewal_of_id,
        "event": _event(mou.event),
        # Institutions only: signatories are people, and stay on the MoU's page.
        "parties": [_institution(party.institution) for party in parties],
        "url": _link(mou.get_absolute_url()),
    }


def _registration_data(registration: Registration) -> dict:
    # The institution, event and role: the person stays on the portal.
    return {
        "id": registration.pk,
        "status": registration.status,
        "role": registration.role,
        "institution": _institution(registration.institution),
        "event": _event(registration.event),
    }


def _meeting_institutions(meeting: Meeting) -> list[Institution]:
    request = meeting.request
    other = request.recipient.institution if request.recipient_id else request.recipient_institution
    return [institution for institution in (request.requester.institution, other) if institution is not None]


def _meeting_data(meeting: Meeting, change: str) -> dict:
    slot = meeting.slot
    session = meeting.session
    return {
        "id": meeting.pk,
        "status": meeting.status,
        "change": change,
        "starts_at": slot.starts_at if slot else None,
        "ends_at": slot.ends_at if slot else None,
        "table": meeting.table_number,
        "session": {"id": session.pk, "title": session.title, "original_language": session.original_language},
        "event": _event(session.event),
        # The two institutions that meet; the people are told on the portal.
        "institutions": [_institution(institution) for institution in _meeting_institutions(meeting)],
    }


def _subjects(name: str, instances: list, data: dict) -> list[tuple[dict, set[int], Event | None]]:
    """For each object, its payload data, the ids of the institutions it concerns and its event."""
    if name in (domain_events.MOU_LOGGED, domain_events.MOU_CHANGED):
        prefetch_related_objects(instances, "event")
        parties: dict[int, list[MouParty]] = defaultdict(list)
        for party in (
            MouParty.objects.filter(mou__in=[mou.pk for mou in instances])
            .select_related("institution")
            .order_by("position", "pk")
        ):
            parties[party.mou_id].append(party)
        return [
            (_mou_data(mou, parties[mou.pk]), {party.institution_id for party in parties[mou.pk]}, mou.event)
            for mou in instances
        ]
    if name == domain_events.REGISTRATION_APPROVED:
        prefetch_related_objects(instances, "event", "institution")
        return [(_registration_data(r), {r.institution_id}, r.event) for r in instances]
    if name == domain_events.MEETING_SCHEDULED:
        change = data.get("change", "new")
        # What the publisher has not loaded already (a published schedule: thousands of meetings).
        prefetch_related_objects(
            instances,
            "slot",
            "session__event",
            "request__requester__institution",
            "request__recipient__institution",
            "request__recipient_institution",
        )
        return [
            (_meeting_data(m, change), {institution.pk for institution in _meeting_institutions(m)}, m.session.event)
            for m in instances
        ]
    raise ValueError(f"No webhook payload for {name!r}")


def envelope(*, event_id: uuid.UUID, event_type: str, occurred_at, data: dict) -> dict:
    """The JSON body every webhook carries (made JSON-safe: dates as ISO 8601 strings)."""
    body = {"id": str(event_id), "type": event_type, "occurred_at": occurred_at, "data": data}
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


# --- Who receives what ------------------------------------------------------------------------


def _receiving_endpoints(
    event_type: str | None, *, endpoint_id: int | None = None
) -> tuple[list[WebhookEndpoint], dict[int, set[int]]]:
    """Active endpoints subscribed to ``event_type`` (None: any) whose owner still holds the
    right, and the institutions each institution endpoint's owner administers."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True, owner__is_active=True)
    if event_type is not None:
        endpoints = endpoints.filter(event_types__contains=[event_type])
    if endpoint_id is not None:
        endpoints = endpoints.filter(pk=endpoint_id)
    endpoints = list(endpoints.select_related("owner").order_by("pk"))
    if not endpoints:
        return [], {}
    owners = {endpoint.owner_id for endpoint in endpoints if endpoint.institution_id}
    admin_of: dict[int, set[int]] = defaultdict(set)
    for user_id, institution_id in Membership.objects.filter(
        user_id__in=owners, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).values_list("user_id", "institution_id"):
        admin_of[user_id].add(institution_id)

    def holds_right(endpoint: WebhookEndpoint) -> bool:
        if endpoint.institution_id:
            return endpoint.institution_id in admin_of[endpoint.owner_id]
        return is_secretariat(endpoint.owner)

    return [endpoint for endpoint in endpoints if holds_right(endpoint)], admin_of


def endpoint_receives(endpoint: WebhookEndpoint) -> bool:
    """Whether ``endpoint`` receives events now: active, and its owner still holds the right."""
    if not endpoint.is_active:
        return False
    return any(e.pk == endpoint.pk for e in _receiving_endpoints(None, endpoint_id=endpoint.pk)[0])


def on_domain_event(sender, *, name: str, instances: list, data: dict, **kwargs) -> None:
    """Write the deliveries of a domain event, in the publisher's transaction (the outbox)."""
    endpoints, _admin_of = _receiving_endpoints(name)
    if not endpoints:
        return
    now = timezone.now()
    rows = []
    organisers: dict[int, set[int]] = {}
    for payload_data, institution_ids, event in _subjects(name, instances, data):
        receivers = [e for e in endpoints if e.institution_id is None or e.institution_id in institution_ids]
        if not receivers:
            continue
        # One event id for the event, whichever endpoint receives it.
        event_id = uuid.uuid4()
        payload = envelope(event_id=event_id, event_type=name, occurred_at=now, data=payload_data)
        # A draft event is known to its organisers and the secretariat only (events.open_event).
        private = event is not None and event.status == Event.Status.DRAFT
        if private and event.pk not in organisers:
            organisers[event.pk] = set(event.organisers.values_list("pk", flat=True))
        without_event = (
            envelope(event_id=event_id, event_type=name, occurred_at=now, data={**payload_data, "event": None})
            if private
            else payload
        )
        for endpoint in receivers:
            hide = (
                private and endpoint.institution_id is not None and endpoint.institution_id not in organisers[event.pk]
            )
            rows.append(
                WebhookDelivery(
                    endpoint=endpoint,
                    event_id=event_id,
                    event_type=name,
                    payload=without_event if hide else payload,
                    next_attempt_at=now,
                )
            )
    if rows:
        created = WebhookDelivery.objects.bulk_create(rows)
        send_soon([row.pk for row in created])


def send_soon(ids: list[int]) -> None:
    """Once the current transaction commits, hand these deliveries to workers (beat otherwise)."""
    from .webhooks_delivery import hand_out

    transaction.on_commit(lambda: hand_out(ids))


def queue_test_event(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A "webhook.test" event for ``endpoint`` alone, sent as soon as the transaction commits."""
    now = timezone.now()
    event_id = uuid.uuid4()
    data = {"endpoint": endpoint.pk, "message": "This is a test event sent from the portal."}
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=event_id,
        event_type=TEST_EVENT,
        payload=envelope(event_id=event_id, event_type=TEST_EVENT, occurred_at=now, data=data),
        next_attempt_at=now,
    )
    send_soon([delivery.pk])
    return delivery


# --- Signing --------------------------------------------------------------------------------


def body_bytes(payload: dict) -> bytes:
    """The exact bytes sent (and signed): compact JSON, UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def signature(*, secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value: ``v1,`` + base64 HMAC-SHA256 of id.timestamp.body."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def signed_headers(*, secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "TVET-Partnership-Portal-Webhooks/1",
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret=secret, event_id=event_id, timestamp=timestamp, body=body),
    }


# --- Addresses a webhook may go to ------------------------------------------------------------


def local_receivers_allowed() -> bool:
    """Plain http and private addresses: for development and tests only (off by default)."""
    return settings.WEBHOOKS_ALLOW_LOCAL_RECEIVERS


def check_url(url: str) -> None:
    """Refuse what is no address on the public internet; raise WebhookError saying why.

    Checks the form of ``url`` only; the addresses its host name resolves to are checked by
    `resolve_public`, when the endpoint is saved and again before every delivery.
    """
    parts = urlsplit(url)
    allowed = ("https", "http") if local_receivers_allowed() else ("https",)
    if parts.scheme not in allowed:
        raise WebhookError(_("The address must start with https://."), field="url")
    if not parts.hostname:
        raise WebhookError(_("Enter a full address, such as https://example.org/webhooks."), field="url")
    if parts.username or parts.password:
        raise WebhookError(_("The address must not contain a user name or password."), field="url")
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError:
        raise WebhookError(_("The address's port is not valid."), field="url") from None


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve_public(url: str) -> tuple[str, str, int]:
    """The (host, address, port) to connect to for ``url``, or WebhookError.

    Every address the host name resolves to must be public: none on loopback, a private or
    shared network, link-local (cloud metadata services answer at 169.254.169.254) or
    multicast, unless local receivers are allowed. The caller connects to the address
    returned, so a name that resolves differently a moment later changes nothing.
    """
    check_url(url)
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookError(_("The address's host name could not be found."), field="url") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise WebhookError(_("The address's host name could not be found."), field="url")
    if not local_receivers_allowed() and not all(_is_public(address) for address in addresses):
        raise WebhookError(
            _("The address leads to a private or local network; webhooks go only to public addresses."), field="url"
        )
    return host, str(addresses[0]), port
