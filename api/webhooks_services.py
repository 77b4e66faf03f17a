"""Managing webhook endpoints: every write checks who may do it; the selectors read.

Raises WebhookError (a translated message) for input refused. A person who may not manage an
endpoint gets `EndpointNotFound`, which the views answer with 404, as for any other
institution's private object.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.domain_events import EVENTS
from institutions.models import Institution
from institutions.permissions import active_institution_ids

from . import webhooks_delivery
from .models_webhooks import WebhookDelivery, WebhookEndpoint
from .webhooks import WebhookError, queue_test_event, resolve_public
from .webhooks_permissions import may_add_endpoint_for

# An endpoint's page lists its latest deliveries.
RECENT_DELIVERIES = 50
# Endpoints per institution (or for the secretariat): enough for any integration.
MAX_ENDPOINTS = 10


class EndpointNotFound(WebhookError):
    """The endpoint does not exist, or the person may not manage it (answered with 404)."""

    def __init__(self):
        super().__init__(_("This webhook was not found."))


# --- Selectors ------------------------------------------------------------------------------


def endpoints_managed_by(user, *, institution: Institution | None) -> QuerySet[WebhookEndpoint]:
    """The endpoints of ``institution`` (None: the secretariat's) that ``user`` manages."""
    if not may_add_endpoint_for(user, institution):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(institution=institution).select_related("owner", "institution")


def institutions_administered(user) -> QuerySet[Institution]:
    return Institution.objects.filter(pk__in=active_institution_ids(user, admin_only=True)).order_by("name")


def endpoint_for(user, pk: int) -> WebhookEndpoint:
    """The endpoint ``pk`` if ``user`` manages it, else EndpointNotFound."""
    endpoint = WebhookEndpoint.objects.select_related("owner", "institution").filter(pk=pk).first()
    if endpoint is None or not user.has_perm("api.manage_webhook_endpoint", endpoint):
        raise EndpointNotFound
    return endpoint


def recent_deliveries(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(endpoint.deliveries.order_by("-created_at", "-pk")[:RECENT_DELIVERIES])


# --- Writes ---------------------------------------------------------------------------------


def _clean(*, url: str, description: str, event_types: Iterable[str]) -> tuple[str, str, list[str]]:
    url = (url or "").strip()
    event_types = [name for name in EVENTS if name in set(event_types)]
    if not event_types:
        raise WebhookError(_("Choose at least one event."), field="event_types")
    if len(url) > WebhookEndpoint._meta.get_field("url").max_length:
        raise WebhookError(_("The address is too long."), field="url")
    # The form of the address and the addresses its host resolves to, now; again at each delivery.
    resolve_public(url)
    return url, (description or "").strip()[:200], event_types


@transaction.atomic
def endpoint_create(
    *, user, institution: Institution | None, url: str, description: str = "", event_types: Iterable[str]
) -> WebhookEndpoint:
    """Add an endpoint owned by ``user`` for ``institution`` (None: the secretariat's)."""
    if not may_add_endpoint_for(user, institution):
        raise EndpointNotFound
    url, description, event_types = _clean(url=url, description=description, event_types=event_types)
    if WebhookEndpoint.objects.filter(institution=institution).count() >= MAX_ENDPOINTS:
        raise WebhookError(_("There are already %(max)d webhooks: delete one first.") % {"max": MAX_ENDPOINTS})
    return WebhookEndpoint.objects.create(
        owner=user, institution=institution, url=url, description=description, event_types=event_types
    )


@transaction.atomic
def endpoint_update(
    *, user, endpoint: WebhookEndpoint, url: str, description: str, event_types: Iterable[str], is_active: bool
) -> WebhookEndpoint:
    """Change an endpoint's address, description, events or whether it is active."""
    if not user.has_perm("api.manage_webhook_endpoint", endpoint):
        raise EndpointNotFound
    endpoint.url, endpoint.description, endpoint.event_types = _clean(
        url=url, description=description, event_types=event_types
    )
    endpoint.is_active = bool(is_active)
    endpoint.save(update_fields=["url", "description", "event_types", "is_active"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, user, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its deliveries (those not sent yet are never sent)."""
    if not user.has_perm("api.manage_webhook_endpoint", endpoint):
        raise EndpointNotFound
    endpoint.delete()


def endpoint_secret(*, user, endpoint: WebhookEndpoint) -> str:
    """The signing secret, for the endpoint's owner alone (others who manage it: WebhookError)."""
    if not user.has_perm("api.manage_webhook_endpoint", endpoint):
        raise EndpointNotFound
    if not user.has_perm("api.view_webhook_secret", endpoint):
        raise WebhookError(_("Only the person who added this webhook may see its secret."))
    return endpoint.secret


@transaction.atomic
def endpoint_send_test(*, user, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a "webhook.test" event to the endpoint now (even while it is turned off)."""
    if not user.has_perm("api.manage_webhook_endpoint", endpoint):
        raise EndpointNotFound
    # The address may have started resolving to a private network since it was saved.
    resolve_public(endpoint.url)
    return queue_test_event(endpoint=endpoint)


@transaction.atomic
def delivery_send_again(*, user, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, with the same event id, on a fresh retry schedule."""
    if not user.has_perm("api.manage_webhook_endpoint", endpoint):
        raise EndpointNotFound
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id, endpoint=endpoint).first()
    if delivery is None:
        raise EndpointNotFound
    if delivery.status == WebhookDelivery.Status.SENDING:
        raise WebhookError(_("This event is being sent right now."))
    webhooks_delivery.send_again(delivery=delivery)
    return delivery
