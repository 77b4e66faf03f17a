"""A person's rights over their data: consent with its time, a copy of everything, leaving.

- Consent: showing one's name to other participants is recorded with the time it was given
  and withdrawn (``user_preferences_update``); consent to exchange contacts at an event is
  recorded the same way by ``events.contacts.registration_contact_consent_set``.
- Download: ``user_data_export`` writes everything the portal holds about a person as JSON
  files in one ZIP. It is built in the request: it is one person's data, a few hundred rows.
- Leaving: accounts are never deleted, they are anonymised (``user_anonymise``). The person's
  registrations, meetings, follow-up answers and MoU links stay, so that what institutions
  did together keeps its record, but they point at a row without a name, an email address
  or any way to sign in. The Django admin's delete runs the same service.
"""

import io
import json
import zipfile
from datetime import date, datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import OutboundEmail
from events.contacts import contact_card
from events.models import Contact, Registration, SurveyAnswer, new_token
from institutions.models import ContactMessage, Invitation, Membership, ShortlistEntry
from institutions.permissions import is_secretariat
from matchmaking.models import CalendarFeed, FollowUp, Meeting, MeetingRequest
from mous.models import Milestone, Mou, MouParty

from .errors import PortalError

User = get_user_model()


class PrivacyError(PortalError):
    """A request about personal data that the rules refuse; the message is translated."""


# --- Consent ---------------------------------------------------------------------------------

PREFERENCE_FIELDS = (
    "display_name",
    "preferred_language",
    "time_zone",
    "show_profile_to_participants",
    "email_request_digest",
    "email_follow_ups",
    "email_meeting_reminders",
    "email_request_nudges",
)


@transaction.atomic
def user_preferences_update(*, user, data: dict):
    """Save the preferences form's ``data`` on ``user``; record when name visibility changed.

    Turning "show my name" on records the time consent was given, turning it off the time it
    was withdrawn; saving without changing it records nothing.
    """
    now = timezone.now()
    fields = [field for field in PREFERENCE_FIELDS if field in data]
    shown = data.get("show_profile_to_participants", user.show_profile_to_participants)
    if shown != user.show_profile_to_participants:
        if shown:
            user.profile_consent_given_at = now
            fields.append("profile_consent_given_at")
        else:
            user.profile_consent_withdrawn_at = now
            fields.append("profile_consent_withdrawn_at")
    for field in PREFERENCE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean()
    user.save(update_fields=fields)
    return user


# --- Leaving: anonymisation ------------------------------------------------------------------


def placeholder_email(*, user) -> str:
    """The address an anonymised account keeps: unique, and never deliverable (RFC 6761)."""
    return f"deleted-{user.pk}@invalid"


def institutions_left_without_admin(*, user) -> list:
    """Institutions where ``user`` is the only active admin while other active members remain.

    Such an institution would be left without anyone to approve members or edit its profile.
    An institution where the person is the only active member is not listed: it stays in the
    directory, and the secretariat looks after it until someone joins.
    """
    blocked = []
    memberships = Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).select_related("institution")
    for membership in memberships:
        others = Membership.objects.filter(
            institution_id=membership.institution_id, status=Membership.Status.ACTIVE
        ).exclude(user=user)
        if others.exists() and not others.filter(role=Membership.Role.ADMIN).exists():
            blocked.append(membership.institution)
    return blocked


@transaction.atomic
def user_anonymise(*, user, by):
    """Anonymise ``user`` instead of deleting the account; return the user.

    Removed: name, email address (replaced by ``deleted-<id>@invalid``), password (unusable),
    staff rights and groups, the allauth email addresses, MFA authenticators, memberships,
    shortlist and its notes, the calendar feed's address, contacts exchanged at events (both directions), open
    invitations to the address, and the emails in the outbox. Replaced: the personal tokens
    of the person's registrations and follow-ups (badge, contact and survey codes, follow-up
    links), so that no printed code or emailed link opens anything. Kept, pointing at the
    anonymised row: registrations, meeting requests, meetings (and their MoU links),
    follow-up answers, survey answers, MoUs and their signatories, change history.

    Changing the password ends every session of the account: Django checks each session
    against the password's hash. The account is also deactivated.

    A person who is the only admin of an institution with other members must make one of
    them an admin first; the secretariat (``by`` another person) may go ahead.

    Idempotent: an account already anonymised is returned unchanged.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at:
        return user
    if by.pk == user.pk or not is_secretariat(by):
        blocked = institutions_left_without_admin(user=user)
        if blocked:
            raise PrivacyError(
                _(
                    "You are the only admin of %(institutions)s. Make another member an admin first, "
                    "then delete your account."
                )
                % {"institutions": ", ".join(str(institution) for institution in blocked)}
            )
    now = timezone.now()
    old_email = user.email
    registrations = Registration.objects.filter(user=user)

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    ShortlistEntry.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()  # the secret address of their agenda
    Invitation.objects.filter(email__iexact=old_email, accepted_at__isnull=True).delete()
    OutboundEmail.objects.filter(Q(user=user) | Q(to_email__iexact=old_email)).delete()
    Contact.objects.filter(Q(owner__in=registrations) | Q(contact__in=registrations)).delete()

    # Open requests can no longer lead to a meeting with someone who left.
    MeetingRequest.objects.filter(
        Q(requester__in=registrations) | Q(recipient__in=registrations), status=MeetingRequest.Status.PENDING
    ).update(status=MeetingRequest.Status.CANCELLED, responded_at=now)
    FollowUp.objects.filter(recipient__in=registrations, answered_at__isnull=True, opted_out_at__isnull=True).update(
        opted_out_at=now
    )
    _replace_tokens(FollowUp.objects.filter(recipient__in=registrations), ["token"])
    # Registrations for events still to come are cancelled; past ones stay as they were.
    registrations.filter(
        event__end_date__gte=timezone.localdate(),
        status__in=[Registration.Status.PENDING, Registration.Status.APPROVED],
    ).update(status=Registration.Status.CANCELLED)
    registrations.update(job_title="", shares_contact=False)
    registrations.filter(shares_contact_consented_at__isnull=False).update(shares_contact_withdrawn_at=now)
    _replace_tokens(registrations, ["badge_token", "contact_token", "survey_token"])

    user.email = placeholder_email(user=user)
    user.display_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    if user.show_profile_to_participants:
        user.profile_consent_withdrawn_at = now
    user.show_profile_to_participants = False
    user.email_request_digest = False
    user.email_follow_ups = False
    user.email_meeting_reminders = False
    user.email_request_nudges = False
    user.anonymised_at = now
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    if apps.is_installed("auditlog"):
        _scrub_audit_log(user)
    return user


# Fields of the user row that the audit log must not keep once the person has left.
PERSONAL_USER_FIELDS = ("email", "display_name", "password", "last_login", "time_zone", "preferred_language")


def _scrub_audit_log(user) -> None:
    """Keep the audit trail of what the person did, without who they were.

    Entries they made keep their actor (the anonymised row) but lose the copied email
    address; entries about their account lose the name, email and password values.
    """
    from auditlog.models import LogEntry

    placeholder = placeholder_email(user=user)
    LogEntry.objects.filter(actor=user).exclude(actor_email="").update(actor_email=placeholder)
    about = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk))
    for entry in about:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for field in PERSONAL_USER_FIELDS:
            changes.pop(field, None)
        entry.changes = changes
        entry.changes_text = ""
        entry.object_repr = placeholder
        entry.serialized_data = None
        entry.save(update_fields=["changes", "changes_text", "object_repr", "serialized_data"])


def _replace_tokens(queryset, fields: list[str]) -> None:
    """Give each row of ``queryset`` new random values in ``fields`` (unique, never published)."""
    rows = list(queryset.only("pk", *fields))
    for row in rows:
        for field in fields:
            setattr(row, field, new_token())
    queryset.model.objects.bulk_update(rows, fields, batch_size=500)


# --- Download: everything about a person -----------------------------------------------------


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _dump(rows) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=_json_default).encode()


def _person(registration) -> dict:
    """Who is on the other side of a request or meeting: as the person sees them in the portal."""
    if registration is None:
        return {}
    other = registration.user
    shown = other.show_profile_to_participants and not other.anonymised_at
    return {"name": other.display_name if shown else "", "institution": str(registration.institution)}


def user_data_export(*, user) -> dict[str, list | dict]:
    """Everything the portal holds about ``user``, as JSON-ready data keyed by file name.

    Tokens and secrets (password hash, MFA keys, badge and link tokens) are left out: they are
    keys, not information about the person, and a copy of them would be a copy of the keys.
    Other people appear only as the portal shows them to this person.
    """
    registrations = list(Registration.objects.filter(user=user).select_related("event", "institution"))
    registration_ids = [registration.pk for registration in registrations]
    requests = (
        MeetingRequest.objects.filter(Q(requester__user=user) | Q(recipient__user=user))
        .select_related(
            "session__event",
            "requester__user",
            "requester__institution",
            "recipient__user",
            "recipient__institution",
            "recipient_institution",
        )
        .order_by("created_at")
    )
    meetings = (
        Meeting.objects.filter(Q(request__requester__user=user) | Q(request__recipient__user=user))
        .select_related(
            "session__event",
            "slot",
            "mou_link__mou",
            "request__requester__user",
            "request__requester__institution",
            "request__recipient__user",
            "request__recipient__institution",
            "request__recipient_institution",
        )
        .order_by("pk")
    )
    contacts = Contact.objects.filter(owner_id__in=registration_ids).select_related(
        "event", "contact__user", "contact__institution", "contact__event"
    )
    return {
        "account.json": {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_request_digest": user.email_request_digest,
            "email_follow_ups": user.email_follow_ups,
            "email_meeting_reminders": user.email_meeting_reminders,
            "email_request_nudges": user.email_request_nudges,
            "anonymised_at": user.anonymised_at,
        },
        "consents.json": {
            "show_name_to_participants": {
                "given": user.show_profile_to_participants,
                "given_at": user.profile_consent_given_at,
                "withdrawn_at": user.profile_consent_withdrawn_at,
            },
            "exchange_contacts_by_scanning": [
                {
                    "event": registration.event.title,
                    "given": registration.shares_contact,
                    "given_at": registration.shares_contact_consented_at,
                    "withdrawn_at": registration.shares_contact_withdrawn_at,
                }
                for registration in registrations
            ],
        },
        "email_addresses.json": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary").order_by("email")
        ),
        "two_factor_authentication.json": list(
            Authenticator.objects.filter(user=user).values("type", "created_at", "last_used_at").order_by("pk")
        ),
        "memberships.json": list(
            Membership.objects.filter(user=user)
            .values("institution__name", "role", "status", "job_title", "request_message", "created_at", "decided_at")
            .order_by("created_at")
        ),
        "registrations.json": [
            {
                "event": registration.event.title,
                "event_dates": [registration.event.start_date, registration.event.end_date],
                "institution": str(registration.institution),
                "role": registration.role,
                "status": registration.status,
                "job_title": registration.job_title,
                "registered_at": registration.created_at,
                "checked_in_at": registration.checked_in_at,
                "personal_data_purged_at": registration.personal_data_purged_at,
            }
            for registration in registrations
        ],
        "meeting_requests.json": [
            {
                "event": request.session.event.title,
                "session": request.session.title,
                "sent_by_me": request.requester.user_id == user.pk,
                "from": _person(request.requester),
                "to": _person(request.recipient) or {"institution": str(request.recipient_institution)},
                "message": request.message,
                "status": request.status,
                "sent_at": request.created_at,
                "answered_at": request.responded_at,
            }
            for request in requests
        ],
        "meetings.json": [
            {
                "event": meeting.session.event.title,
                "session": meeting.session.title,
                "with": _person(
                    meeting.request.recipient
                    if meeting.request.requester.user_id == user.pk
                    else meeting.request.requester
                )
                or {"institution": str(meeting.request.recipient_institution)},
                "starts_at": meeting.slot.starts_at if meeting.slot else None,
                "table": meeting.table_number,
                "status": meeting.status,
                "attendance": meeting.attendance,
                "outcome": meeting.outcome,
                # The MoU the meeting led to (``mous.MouMeeting``; the reverse accessor raises when unlinked).
                "mou": link.mou.title if (link := getattr(meeting, "mou_link", None)) else None,
            }
            for meeting in meetings
        ],
        "follow_up_answers.json": list(
            FollowUp.objects.filter(recipient_id__in=registration_ids)
            .values("meeting__session__event__title", "step", "sent_at", "outcome", "answered_at", "opted_out_at")
            .order_by("due_at")
        ),
        "contacts_exchanged.json": [
            {
                "event": contact.event.title,
                "name": card.name,
                "job_title": card.job_title,
                "institution": card.institution,
                "email": card.email,
                "added_at": contact.created_at,
            }
            for contact in contacts
            for card in [contact_card(contact)]
        ],
        "survey_answers.json": [
            {
                "survey": answer.response.survey.title,
                "question": answer.question.text,
                "choices": [
                    (answer.question.choices[index].get("en") if index < len(answer.question.choices) else index)
                    for index in answer.choices
                ],
                "text": answer.text,
                "submitted_at": answer.response.submitted_at,
            }
            for answer in SurveyAnswer.objects.filter(response__registration_id__in=registration_ids).select_related(
                "response__survey", "question"
            )
        ],
        # When the calendar feed's link was made; never the link, which would open the feed.
        "calendar_feed.json": list(CalendarFeed.objects.filter(user=user).values("issued_at")),
        "shortlist.json": list(
            ShortlistEntry.objects.filter(user=user).values("institution__name", "note", "created_at").order_by("pk")
        ),
        "invitations.json": {
            "sent": list(
                Invitation.objects.filter(invited_by=user)
                .values("institution__name", "email", "role", "created_at", "accepted_at")
                .order_by("pk")
            ),
            "received": list(
                Invitation.objects.filter(email__iexact=user.email)
                .values("institution__name", "role", "created_at", "accepted_at")
                .order_by("pk")
            ),
        },
        "messages_sent.json": list(
            ContactMessage.objects.filter(sender=user)
            .values("institution__name", "subject", "body", "created_at")
            .order_by("pk")
        ),
        "changes_i_recorded.json": [
            {
                "record": model._meta.verbose_name,
                "id": row["id"],
                "change": row["history_type"],
                "at": row["history_date"],
            }
            for model in (Mou.history.model, MouParty.history.model, Milestone.history.model)
            for row in model.objects.filter(history_user=user).values("id", "history_type", "history_date")
        ],
        "activity.json": _audit_entries(user),
        "emails_to_me.json": list(
            OutboundEmail.objects.filter(user=user).values("kind", "state", "due_at", "sent_at").order_by("pk")
        ),
    }


def _audit_entries(user) -> list[dict]:
    """What the audit log recorded the person doing (when the audit log is installed)."""
    if not apps.is_installed("auditlog"):
        return []
    from auditlog.models import LogEntry

    return [
        {
            "at": entry["timestamp"],
            "action": entry["action"],
            "record": f"{entry['content_type__app_label']}.{entry['content_type__model']}",
            "object": entry["object_repr"],
        }
        for entry in LogEntry.objects.filter(actor=user)
        .values("timestamp", "action", "content_type__app_label", "content_type__model", "object_repr")
        .order_by("timestamp")
    ]


README = """\
Everything the TVET Partnership Portal holds about {email}, exported at {when} (UTC).

Each file holds one kind of record as JSON. Other people appear only as the portal shows
them to you. Secrets (your password, two-factor keys, the codes on your badges and in
emailed links) are not included. The privacy page explains how long each kind is kept.
"""


def user_data_zip(*, user) -> bytes:
    """``user_data_export`` as a ZIP of JSON files with a short README."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(email=user.email, when=timezone.now().strftime("%Y-%m-%d %H:%M")))
        for name, rows in user_data_export(user=user).items():
            archive.writestr(name, _dump(rows))
    return buffer.getvalue()
