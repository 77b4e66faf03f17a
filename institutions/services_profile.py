"""Writes behind institution profiles: the profile itself, members and roles, invitations, the
contact relay and the yearly "review your profile" reminder.

Views call these functions and turn an ``InstitutionError`` into a message; emails are queued
in the outbox in the same transaction (``core.outbox``, written by ``institutions.emails``),
so that nothing is mailed about a change that was rolled back, and a failed send is retried.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox

from . import emails
from .errors import InstitutionError
from .models import ContactMessage, Institution, Invitation, Membership
from .permissions import is_secretariat

INVITATION_VALID_DAYS = emails.INVITATION_VALID_DAYS
PROFILE_REVIEW_AFTER = timedelta(days=365)
# Contact relay limits: enough for real outreach, too few for spamming the directory.
CONTACT_MAX_PER_HOUR = 5
CONTACT_SAME_INSTITUTION_MINUTES = 10


# --- Emails --------------------------------------------------------------------------------


def language_of(*, user: AbstractBaseUser) -> str:
    """Return the language ``user`` reads the portal's emails in."""
    return user.preferred_language or settings.LANGUAGE_CODE


# --- The profile ---------------------------------------------------------------------------


def institution_profile_update(
    *, form: ModelForm, item_formsets: Iterable[BaseModelFormSet], previous_logo: str = ""
) -> Institution:
    """Save a validated profile ``form`` with its offer and need formsets, all or nothing.

    Side effects: writes the institution (with its sectors and languages) and adds, changes or
    deletes its offers and needs in one transaction; once it commits, the logo file the new
    logo replaced (``previous_logo``, its storage name before the edit) is deleted from
    storage. Raises ``InstitutionError``, with nothing saved, when a concurrent edit broke a
    database rule that the forms' validation had passed.
    """
    try:
        with transaction.atomic():
            institution = form.save()
            for formset in item_formsets:
                formset.save()
            if previous_logo and previous_logo != (institution.logo.name or ""):
                storage = institution.logo.storage
                transaction.on_commit(lambda: storage.delete(previous_logo))
    except IntegrityError as exc:
        # Only a concurrent edit gets here: the forms' validation covers every rule.
        raise InstitutionError(_("Someone changed this profile at the same time. Check it and save again.")) from exc
    return institution


# --- Members -------------------------------------------------------------------------------


def _is_last_admin(membership: Membership) -> bool:
    """Return whether ``membership`` is the institution's only active admin.

    Locks the institution's admin rows, so that two admins demoting each other at the same
    moment cannot leave the institution without one. Call inside a transaction.
    """
    admins = list(
        Membership.objects.select_for_update()
        .filter(institution_id=membership.institution_id, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
        .values_list("pk", flat=True)
    )
    return admins == [membership.pk]


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: AbstractBaseUser) -> Membership:
    """Make ``membership`` an admin or an ordinary member.

    The last active admin cannot step down by themselves: somebody must be able to manage the
    institution. The secretariat can always change roles.
    """
    if role not in Membership.Role.values:
        raise InstitutionError(_("Choose a valid role."))
    if membership.status != Membership.Status.ACTIVE:
        raise InstitutionError(_("Only active members can change role; decide on the request to join first."))
    if role == membership.role:
        return membership
    if role == Membership.Role.MEMBER and not is_secretariat(by) and _is_last_admin(membership):
        raise InstitutionError(
            _("You are the only admin of this institution. Make another member an admin before stepping down.")
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: AbstractBaseUser) -> None:
    """Remove ``membership`` (an admin removing a colleague, or a person leaving).

    The last active admin cannot leave or be removed except by the secretariat.
    """
    if membership.is_active_admin and not is_secretariat(by) and _is_last_admin(membership):
        if membership.user_id == by.pk:
            raise InstitutionError(
                _("You are the only admin of this institution. Make another member an admin before you leave.")
            )
        raise InstitutionError(_("The only admin of an institution cannot be removed."))
    membership.delete()


def membership_update_job_title(*, membership: Membership, job_title: str) -> Membership:
    """Set the job title ``membership``'s person shows with their name (trimmed and validated)."""
    membership.job_title = job_title.strip()
    membership.full_clean()
    membership.save(update_fields=["job_title"])
    return membership


# --- Invitations ---------------------------------------------------------------------------


def invitation_expiry_cutoff() -> datetime:
    """Return the moment before which an invitation, made then, has expired."""
    return timezone.now() - timedelta(days=INVITATION_VALID_DAYS)


def invitation_is_expired(*, invitation: Invitation) -> bool:
    """Return whether ``invitation`` is too old to be accepted."""
    return invitation.created_at < invitation_expiry_cutoff()


def invitations_open(*, institution: Institution) -> QuerySet[Invitation]:
    """Return the invitations of ``institution`` that can still be accepted, newest first."""
    return Invitation.objects.filter(
        institution=institution, accepted_at__isnull=True, created_at__gte=invitation_expiry_cutoff()
    ).select_related("invited_by")


@transaction.atomic
def invitation_create(*, institution: Institution, email: str, role: str, invited_by: AbstractBaseUser) -> Invitation:
    """Invite ``email`` to join ``institution`` with ``role``, and email them the link.

    Refuses people who are already members and addresses with an open invitation; an
    expired, never accepted invitation is replaced by the new one.
    """
    email = get_user_model().objects.normalize_email(email.strip())
    if Membership.objects.filter(
        institution=institution, user__email__iexact=email, status=Membership.Status.ACTIVE
    ).exists():
        raise InstitutionError(_("%(email)s is already a member of this institution.") % {"email": email})
    existing = (
        Invitation.objects.select_for_update()
        .filter(institution=institution, email__iexact=email, accepted_at__isnull=True)
        .first()
    )
    if existing is not None:
        if not invitation_is_expired(invitation=existing):
            raise InstitutionError(
                _("%(email)s has already been invited; the invitation is still open.") % {"email": email}
            )
        existing.delete()
    invitation = Invitation(institution=institution, email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    invitation.save()
    invitation_send(invitation=invitation, language=translation.get_language() or settings.LANGUAGE_CODE)
    return invitation


def invitation_send(*, invitation: Invitation, language: str) -> None:
    """Queue the email with the invitation link, sent once this commits.

    In the invitee's language if they already have an account, else in ``language`` (the
    inviter's). Queueing the same invitation twice queues one email.
    """
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).first()
    outbox.enqueue(
        key=f"invitation:{invitation.pk}",
        kind=emails.INVITATION,
        user=invitee,
        to_email=invitation.email,
        language=language,
        context={"objects": outbox.refs(invitation=invitation)},
        immediately=True,
    )


def invitation_revoke(*, invitation: Invitation) -> None:
    """Withdraw an open invitation: its link stops working at once."""
    if invitation.accepted_at is not None:
        raise InstitutionError(_("This invitation was already accepted."))
    invitation.delete()


def user_has_verified_email(*, user: AbstractBaseUser, email: str) -> bool:
    """Return whether ``email`` is one of ``user``'s verified addresses."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """Make ``user`` an active member of the invitation's institution, with the invited role.

    Only the owner of the invited address (verified in their account) can accept. An existing
    membership is activated (a pending request to join is approved by the invitation) and
    raised to admin if the invitation says so; an admin is never lowered by an invitation.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation_is_expired(invitation=invitation):
        raise InstitutionError(_("This invitation is no longer valid. Ask the institution for a new one."))
    if not user_has_verified_email(user=user, email=invitation.email):
        raise InstitutionError(
            _(
                "This invitation was sent to another email address. Sign in with that address, "
                "or add and verify it in your account, to accept it."
            )
        )
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        institution=invitation.institution,
        defaults={"role": invitation.role, "status": Membership.Status.ACTIVE},
    )
    if not created:
        if invitation.role == Membership.Role.ADMIN:
            membership.role = Membership.Role.ADMIN
        if membership.status != Membership.Status.ACTIVE:
            membership.status = Membership.Status.ACTIVE
            membership.decided_by = invitation.invited_by
            membership.decided_at = timezone.now()
        membership.save(update_fields=["role", "status", "decided_by", "decided_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


# --- Contact relay -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    # The recipient's account, when the address belongs to one.
    user: object = None


def contact_recipients(*, institution: Institution) -> list[Recipient]:
    """Return who receives the contact form's messages: the contact address, else the admins."""
    if institution.contact_email:
        owner = get_user_model().objects.filter(email__iexact=institution.contact_email).first()
        return [
            Recipient(institution.contact_email, language_of(user=owner) if owner else settings.LANGUAGE_CODE, owner)
        ]
    admins = (
        Membership.objects.filter(institution=institution, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("created_at")
    )
    return [Recipient(m.user.email, language_of(user=m.user), m.user) for m in admins if m.user.is_active]


@transaction.atomic
def contact_message_send(
    *, institution: Institution, sender: AbstractBaseUser, subject: str, body: str
) -> ContactMessage:
    """Record a message to ``institution`` and relay it by email.

    The recipients get it with ``Reply-To`` set to the sender, so they can answer directly;
    the sender gets a copy that names no recipient address. Refused when the institution has
    nobody to receive it or when the sender exceeds the rate limits.
    """
    if Membership.objects.filter(institution=institution, user=sender, status=Membership.Status.ACTIVE).exists():
        raise InstitutionError(_("You are a member of this institution; write to your colleagues directly."))
    if not contact_recipients(institution=institution):
        raise InstitutionError(
            _("This institution cannot receive messages yet: it has no contact address and no admin.")
        )
    # Lock the sender's row so that parallel submissions are counted one after the other.
    get_user_model().objects.select_for_update().filter(pk=sender.pk).first()
    now = timezone.now()
    recent = ContactMessage.objects.filter(sender=sender, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= CONTACT_MAX_PER_HOUR:
        raise InstitutionError(
            _("You have sent %(count)s messages in the last hour. Please wait a while before sending more.")
            % {"count": CONTACT_MAX_PER_HOUR}
        )
    if recent.filter(
        institution=institution, created_at__gte=now - timedelta(minutes=CONTACT_SAME_INSTITUTION_MINUTES)
    ).exists():
        raise InstitutionError(
            _("You wrote to this institution a few minutes ago. Please wait %(minutes)s minutes between messages.")
            % {"minutes": CONTACT_SAME_INSTITUTION_MINUTES}
        )
    message = ContactMessage(institution=institution, sender=sender, subject=" ".join(subject.split()), body=body)
    message.full_clean()
    message.save()
    contact_message_relay(message=message)
    return message


def contact_message_relay(*, message: ContactMessage) -> int:
    """Queue ``message`` to the institution and a copy to its sender; return the recipients' count.

    The recipients answer with ``Reply-To`` set to the sender (``institutions.emails``).
    Queueing the same message twice queues each email once.
    """
    sender = message.sender
    if sender is None:  # the account was deleted before the message went out
        return 0
    context = {"objects": outbox.refs(message=message)}
    recipients = contact_recipients(institution=message.institution)
    for recipient in recipients:
        outbox.enqueue(
            key=f"contact:{message.pk}:{recipient.email.lower()}",
            kind=emails.CONTACT_MESSAGE,
            user=recipient.user,
            to_email=recipient.email,
            language=recipient.language,
            context=context,
            immediately=True,
        )
    if recipients:
        outbox.enqueue(
            key=f"contact:{message.pk}:copy",
            kind=emails.CONTACT_COPY,
            user=sender,
            context=context,
            immediately=True,
        )
    return len(recipients)


# --- Profile review reminders --------------------------------------------------------------


def profile_review_reminders_send(*, now: datetime | None = None) -> int:
    """Ask the admins of every profile untouched for a year to review it; return how many profiles.

    An institution is reminded at most once a year: ``review_reminder_sent_at`` is set with an
    ``update()``, which leaves ``updated_at`` (auto_now) alone, so the reminder itself never
    counts as a review. Running it twice sends nothing the second time. Institutions without
    an active admin are skipped (nobody could act on the reminder).
    """
    now = now or timezone.now()
    cutoff = now - PROFILE_REVIEW_AFTER
    due = (
        Institution.objects.filter(updated_at__lt=cutoff)
        .exclude(review_reminder_sent_at__gte=cutoff)
        .filter(memberships__role=Membership.Role.ADMIN, memberships__status=Membership.Status.ACTIVE)
        .distinct()
        .order_by("pk")
    )
    reminded = 0
    keys = []
    for institution in due.iterator():
        # Claim the institution first: a second run in parallel finds nothing left to claim.
        claimed = (
            Institution.objects.filter(pk=institution.pk)
            .exclude(review_reminder_sent_at__gte=cutoff)
            .update(review_reminder_sent_at=now)
        )
        if not claimed:
            continue
        admins = Membership.objects.filter(
            institution=institution,
            role=Membership.Role.ADMIN,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        ).select_related("user")
        for membership in admins:
            email = outbox.enqueue(
                key=f"profile_review:{institution.pk}:{now.date().isoformat()}:{membership.user_id}",
                kind=emails.PROFILE_REVIEW,
                user=membership.user,
                context={"objects": outbox.refs(institution=institution)},
            )
            keys.append(email.key)
        reminded += 1
    # Run by beat outside any transaction: the rows are committed, hand them out now.
    outbox.send_now(keys=keys)
    return reminded
