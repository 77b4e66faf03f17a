"""Background jobs of the institutions app: thin wrappers that fetch by id and call a service."""

import logging
from smtplib import SMTPException

from celery import shared_task

logger = logging.getLogger(__name__)

# Transient mail failures worth another try; anything else is a bug or a permanent refusal.
TRANSIENT_MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)


@shared_task(name="institutions.send_profile_review_reminders")
def send_profile_review_reminders_task() -> int:
    """Run daily by beat: remind admins of profiles not updated for a year (idempotent)."""
    from .services_profile import profile_review_reminders_send

    return profile_review_reminders_send()


# The two tasks below are no longer queued: invitations and contact messages go through the
# outbox (core.outbox). They stay registered for messages that a broker may still hold, and
# queue the same outbox rows (once: by their keys).


@shared_task(
    name="institutions.send_invitation",
    bind=True,
    max_retries=5,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
)
def send_invitation_task(self, invitation_id: int, language: str) -> None:
    from .models import Invitation
    from .services_profile import invitation_send

    invitation = (
        Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True)
        .select_related("institution", "invited_by")
        .first()
    )
    if invitation is None:
        logger.info("Invitation %s was accepted or revoked before its email went out", invitation_id)
        return
    invitation_send(invitation=invitation, language=language)


@shared_task(
    name="institutions.send_contact_message",
    bind=True,
    max_retries=5,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
)
def send_contact_message_task(self, message_id: int) -> None:
    """Relay a contact message. A retry after a partial failure may send someone a second copy,
    which is better than a message that silently never arrives."""
    from .models import ContactMessage
    from .services_profile import contact_message_relay

    message = ContactMessage.objects.filter(pk=message_id).select_related("institution", "sender").first()
    if message is None:
        logger.warning("Contact message %s vanished before it was relayed", message_id)
        return
    contact_message_relay(message=message)


# Spreadsheet imports: the job's state guards make a redelivered task a no-op (core.services).


@shared_task(name="institutions.import_preview")
def institution_import_preview_task(job_id: int) -> None:
    from .imports import institution_import_preview

    institution_import_preview(job_id=job_id)


@shared_task(name="institutions.import_commit")
def institution_import_commit_task(job_id: int) -> None:
    from .imports import institution_import_commit

    institution_import_commit(job_id=job_id)
