"""Models every app may use: the timestamped base model, the background import job and the email
outbox."""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import storage


def private_storage():
    """Return the storage of private files (STORAGES["private"]), which no web server serves directly."""
    return storage.private_storage


def import_upload_path(instance, filename: str) -> str:
    """Name an uploaded import file randomly; only its extension is kept from the upload."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        suffix = ""
    return f"imports/{secrets.token_urlsafe(24)}{suffix}"


class TimestampedModel(models.Model):
    """An abstract base for rows that record when they were created and last changed.

    The fields are the ones the apps used to declare by hand, with the same names and labels,
    so a model that takes this base instead of its own two fields changes no table.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ImportJob(models.Model):
    """One spreadsheet import run in the background: upload, preview, confirmation, writing.

    Generic: ``kind`` names the import (``institutions``, ``event_participants``) and
    ``target_id`` the object it imports into (an event's id), so that the app owning the kind
    can scope who opens the job. The file waits in the private storage under a random name
    until the import is done or failed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("import status", "waiting")
        RUNNING = "running", _("reading the file")
        PREVIEWED = "previewed", _("ready to confirm")
        COMMITTING = "committing", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", pgettext_lazy("import status", "failed")

    kind = models.CharField(_("kind"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("target"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    language = models.CharField(_("language"), max_length=16, default=settings.LANGUAGE_CODE)
    file = models.FileField(_("file"), storage=private_storage, upload_to=import_upload_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts of the current step"), default=0)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in total"), default=0)
    preview = models.JSONField(_("preview"), null=True, blank=True)
    decisions = models.JSONField(_("decisions"), default=dict, blank=True)
    # Chosen on confirming a preview with rows in error: write the other rows, leave those out.
    leave_out_errors = models.BooleanField(_("leave out the rows with errors"), default=False, db_default=False)
    result = models.JSONField(_("result"), null=True, blank=True)
    warning = models.TextField(_("warning"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "target_id"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_working(self) -> bool:
        """Return whether a background task is (or will be) working on the job."""
        return self.status in (self.Status.PENDING, self.Status.RUNNING, self.Status.COMMITTING)


class OutboundEmail(models.Model):
    """One email in the outbox: written in the same transaction as what causes it, sent later.

    Celery beat hands due rows to workers (`core.outbox`); a row's key is unique, so the
    same reminder is never queued twice, and its Message-ID is derived from the key, so a
    message sent again after a crash is recognisable as the same message.
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("email state", "waiting")
        SENDING = "sending", pgettext_lazy("email state", "sending")
        SENT = "sent", pgettext_lazy("email state", "sent")
        FAILED = "failed", pgettext_lazy("email state", "failed")
        CANCELLED = "cancelled", pgettext_lazy("email state", "not needed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    # The recipient's account: their address, language and email preferences. Emails to an
    # address without an account (an invitation, an institution's contact address) have none.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    # Sent to this address instead of the account's when set. Both default to "" in the database
    # too, so that code which does not know these columns yet (during a deployment) still inserts.
    to_email = models.EmailField(_("to address"), blank=True, default="", db_default="")
    # The language of an email to an address without an account.
    language = models.CharField(_("language"), max_length=10, blank=True, default="", db_default="")
    context = models.JSONField(_("context"), default=dict, blank=True)
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PENDING)
    # When a waiting row may next be picked (its due time, later after a temporary failure).
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("handed to a worker at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        # The table keeps the name it had when the model lived in the portal app.
        db_table = "portal_outboundemail"
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(state="pending"), name="outbox_pending_due_idx"
            ),
            models.Index(fields=["claimed_at"], condition=models.Q(state="sending"), name="outbox_sending_idx"),
            models.Index(fields=["state", "kind"], name="portal_outb_state_0d1aef_idx"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def recipient_address(self) -> str:
        return self.to_email or (self.user.email if self.user else "")

    @property
    def recipient_language(self) -> str:
        if self.user is not None:
            return self.user.preferred_language or settings.LANGUAGE_CODE
        return self.language or settings.LANGUAGE_CODE
