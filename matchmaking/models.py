"""Matchmaking: meeting requests, availability, meetings and their follow-ups.

These models moved here from the events app with their tables (``db_table`` keeps the old
names, so no row was copied; see ``matchmaking/migrations/0001_initial.py``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit import audit_scope
from events.models import MeetingSlot, Registration, Session, new_token
from institutions.models import Institution


class SlotUnavailability(models.Model):
    """A slot in which a participant cannot meet anyone."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="unavailable_slots"
    )
    slot = models.ForeignKey(MeetingSlot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("unavailable slot")
        verbose_name_plural = _("unavailable slots")
        db_table = "events_slotunavailability"
        constraints = [
            models.UniqueConstraint(fields=["registration", "slot"], name="unavailability_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} ✕ {self.slot}"


class MeetingRequest(models.Model):
    """A request for a 1:1 meeting at a matchmaking session, to a person or to an institution."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("meeting request status", "pending")
        ACCEPTED = "accepted", pgettext_lazy("meeting request status", "accepted")
        DECLINED = "declined", pgettext_lazy("meeting request status", "declined")
        EXPIRED = "expired", pgettext_lazy("meeting request status", "expired")
        CANCELLED = "cancelled", pgettext_lazy("meeting request status", "cancelled")

    # Requests lead to meetings, follow-ups and MoUs: nothing they hang on may cascade them away.
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="meeting_requests"
    )
    requester = models.ForeignKey(
        Registration, verbose_name=_("from"), on_delete=models.PROTECT, related_name="requests_sent"
    )
    recipient = models.ForeignKey(
        Registration,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="requests_received",
        null=True,
        blank=True,
    )
    recipient_institution = models.ForeignKey(
        Institution,
        verbose_name=_("to institution"),
        on_delete=models.PROTECT,
        related_name="meeting_requests_received",
        null=True,
        blank=True,
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    # Both people asked for the meeting (the second request accepted the first).
    mutual = models.BooleanField(_("mutual"), default=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        db_table = "events_meetingrequest"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(recipient_institution__isnull=False),
                name="meeting_request_has_recipient",
            ),
            models.CheckConstraint(condition=~Q(requester=F("recipient")), name="meeting_request_not_with_oneself"),
            # One open request per pair of people, whichever of them asked first.
            models.UniqueConstraint(
                "session",
                Least("requester", "recipient"),
                Greatest("requester", "recipient"),
                condition=Q(status__in=["pending", "accepted"], recipient__isnull=False),
                name="meeting_request_unique_open_pair",
            ),
            models.UniqueConstraint(
                fields=["session", "requester", "recipient_institution"],
                condition=Q(status__in=["pending", "accepted"], recipient__isnull=True),
                name="meeting_request_unique_open_institution",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["recipient", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient or self.recipient_institution}"


class MeetingOutcome(models.TextChoices):
    """What a meeting led to, as its participants report at each follow-up step."""

    NOT_HELD = "not_held", _("did not take place")
    NO_FIT = "no_fit", _("no fit")
    INFORMATIVE = "informative", _("informative, no cooperation planned")
    IN_DISCUSSION = "in_discussion", _("in discussion")
    MOU_PLANNED = "mou_planned", _("MoU in preparation")
    MOU_SIGNED = "mou_signed", _("MoU signed")


class Meeting(models.Model):
    """An accepted request, placed by the scheduler in a slot at a numbered table."""

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", _("provisional")
        PUBLISHED = "published", pgettext_lazy("meeting status", "published")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "cancelled")

    class UnplacedReason(models.TextChoices):
        NO_COMMON_AVAILABILITY = "no_common_availability", _("no slot when both are available")
        REQUESTER_FULL = "requester_full", _("the requester is fully booked")
        RECIPIENT_FULL = "recipient_full", _("the recipient is fully booked")
        BOTH_FULL = "both_full", _("both are fully booked")
        NO_FREE_SLOT = "no_free_slot", _("no slot left that is free for both at a free table")

    class Attendance(models.TextChoices):
        HELD = "held", _("held")
        NO_SHOW = "no_show", _("no-show")

    Outcome = MeetingOutcome

    request = models.OneToOneField(
        MeetingRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="meeting"
    )
    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="meetings")
    slot = models.ForeignKey(
        MeetingSlot,
        verbose_name=_("slot"),
        on_delete=models.SET_NULL,
        related_name="meetings",
        null=True,
        blank=True,
    )
    table_number = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    sharers = models.ManyToManyField(
        Registration,
        verbose_name=_("colleagues sharing the meeting"),
        related_name="shared_meetings",
        blank=True,
        db_table="events_meeting_sharers",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PROVISIONAL)
    # The scheduler's latest placement, reviewed by the organiser; publishing copies it to
    # slot and table_number, which are all participants ever see.
    draft_slot = models.ForeignKey(
        MeetingSlot,
        verbose_name=_("proposed slot"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    draft_table = models.PositiveSmallIntegerField(_("proposed table"), null=True, blank=True)
    unplaced_reason = models.CharField(_("why not placed"), max_length=32, choices=UnplacedReason, blank=True)
    attendance = models.CharField(_("attendance"), max_length=16, choices=Attendance, blank=True)
    # The latest outcome either side reported. The MoU it led to is recorded by the MoU app
    # (its ``MouMeeting`` model), which sits above matchmaking; see ``matchmaking.mou_links``.
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, blank=True)
    outcome_at = models.DateTimeField(_("outcome reported at"), null=True, blank=True)
    # Set when nobody answered any follow-up step; listed for the secretariat.
    unanswered_flagged_at = models.DateTimeField(_("flagged as unanswered"), null=True, blank=True)
    # Calendar files carry the UID and SEQUENCE, so a moved meeting updates its entry.
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        db_table = "events_meeting"
        ordering = ["slot__starts_at", "table_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table_number"],
                condition=~Q(status="cancelled"),
                name="meeting_one_per_table_and_slot",
            ),
            models.CheckConstraint(
                condition=Q(slot__isnull=True) | Q(table_number__isnull=False),
                name="meeting_slot_needs_table",
            ),
            models.CheckConstraint(
                condition=Q(draft_slot__isnull=True) | Q(draft_table__isnull=False),
                name="meeting_draft_slot_needs_table",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return str(self.request)

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this meeting: both sides' institutions (see ``core.audit``)."""
        request = self.request
        sides = [request.requester.institution_id, request.recipient_institution_id]
        if request.recipient_id is not None:
            sides.append(request.recipient.institution_id)
        return audit_scope(institution=sides[0], event=request.requester.event_id, institutions=sides)


class AttendanceMark(models.Model):
    """Whether one side of a published meeting (or the organisers) says it took place, and who said so.

    One row per side; a new mark replaces the side's earlier one. ``Meeting.attendance`` holds
    what the marks add up to (``matchmaking.attendance.combined_attendance``): one side's "held"
    beats the other's "missed".
    """

    class Side(models.TextChoices):
        REQUESTER = "requester", _("requesting side")
        RECIPIENT = "recipient", _("receiving side")
        ORGANISERS = "organisers", _("organisers")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance_marks"
    )
    side = models.CharField(_("side"), max_length=16, choices=Side)
    attendance = models.CharField(_("attendance"), max_length=16, choices=Meeting.Attendance)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["meeting", "side"]
        constraints = [models.UniqueConstraint(fields=["meeting", "side"], name="attendance_mark_one_per_side")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.side} · {self.attendance}"

    def get_additional_data(self) -> dict:
        """Filed with the meeting's entries (both sides' institutions and the event)."""
        return self.meeting.get_additional_data()


class FollowUp(models.Model):
    """A reminder after a meeting, due at a set delay, until its recipient answers or opts out."""

    Outcome = MeetingOutcome

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="follow_ups")
    recipient = models.ForeignKey(
        Registration, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        db_table = "events_followup"
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "recipient", "step"], name="follow_up_unique_step"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(sent_at__isnull=True), name="follow_up_unsent_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.recipient} · {self.step}"


class CalendarFeed(models.Model):
    """A person's secret address of their agenda across events, for calendar apps to subscribe to.

    The address carries a token that stands for the person (a calendar app cannot sign in):
    ``<prefix><secret>``. Only the prefix, to find the row, and a SHA-256 hash of the whole
    token are stored; the secret is an HMAC of the prefix under the site's SECRET_KEY, so the
    portal can show the link again while a copy of the database alone opens no feed. Renewing
    draws a new prefix, which ends the old address at once (``matchmaking.feeds``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    prefix = models.CharField(_("token prefix"), max_length=12, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, editable=False)
    issued_at = models.DateTimeField(_("link issued at"), editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"
