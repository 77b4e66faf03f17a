"""Webhooks: the addresses integrators register, and each event delivered to them.

A delivery row is written in the transaction of the change it reports (see ``api.webhooks``),
then sent by a worker (``api.webhooks_delivery``); the row, not Celery, holds the retry state.
"""

from __future__ import annotations

import base64
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution

# The event a person sends from an endpoint's page to try it; never published by the domain.
TEST_EVENT = "webhook.test"

# The domain events one may subscribe to (core.domain_events.EVENTS), with their labels.
EVENT_CHOICES = [
    ("mou.logged", _("An MoU was logged")),
    ("mou.changed", _("An MoU changed")),
    ("registration.approved", _("A registration was approved")),
    ("meeting.scheduled", _("A meeting was scheduled or moved")),
]


def new_webhook_secret() -> str:
    """A signing secret as the Standard Webhooks libraries read it: ``whsec_`` + base64 of 32 bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    """An address that receives the events it subscribed to, signed with its own secret.

    An endpoint of an institution receives the events about that institution's objects, as
    long as its owner administers the institution; the secretariat's (no institution) receives
    every event.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("address (URL)"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_webhook_secret, editable=False)
    event_types = ArrayField(models.CharField(max_length=40, choices=EVENT_CHOICES), verbose_name=_("events"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["is_active"], name="api_webhook_active_idx")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent until the receiver answers 2xx, or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed, will try again")
        GIVEN_UP = "given_up", _("given up")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # The webhook-id header: the same for every attempt, so the receiver can drop duplicates.
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("handed to a worker at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="api_webhook_delivery_event_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="api_webhook_due_idx",
                condition=models.Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="api_webhook_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
