"""Serializers of a participant's endpoints: registrations, meeting requests and the agenda.

Input is checked by the forms the pages use (``events.forms_registration.RegistrationForm``,
``matchmaking.forms.SendRequestForm`` and ``AcceptForm``), with the choices the pages offer,
and written by the pages' services (``events.services``, ``matchmaking.requests``), so the
rules, messages and emails are the pages'. People on the other side of a request are shown as
the pages show them (``participant_label``: a name only if they allow it).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Event, Registration, Session
from events.services import HOLDING_PLACE, PARTICIPANT_ROLES
from matchmaking.models import Meeting, MeetingRequest
from matchmaking.requests import MESSAGE_MAX_LENGTH, participant_label

# --- Shared pieces -------------------------------------------------------------------------------


class ParticipantEventSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.SerializerMethodField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    time_zone = serializers.CharField()

    def get_title(self, event: Event) -> str:
        return str(event.localized("title"))


class ParticipantInstitutionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RegistrationDelegationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- Registrations -------------------------------------------------------------------------------


class RegistrationSerializer(serializers.Serializer):
    """One of the caller's registrations, as their "My events" page lists it."""

    id = serializers.IntegerField()
    event = ParticipantEventSerializer()
    institution = ParticipantInstitutionSerializer()
    role = serializers.ChoiceField(choices=Registration.Role.choices)
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    job_title = serializers.CharField()
    delegation = RegistrationDelegationSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    can_cancel = serializers.SerializerMethodField(
        help_text=_("Whether the registration may still be cancelled (it holds a place and the event is not over).")
    )

    def get_can_cancel(self, registration: Registration) -> bool:
        return registration.status in HOLDING_PLACE and registration.event.end_date >= timezone.localdate()


class RegistrationCreateSerializer(serializers.Serializer):
    """What registering for an event asks, as the registration page does."""

    event = serializers.SlugField(help_text=_("The event's key (its slug)."))
    institution = serializers.SlugField(
        required=False,
        help_text=_(
            "The key of the institution you register for: one you belong to. "
            "Default: the token's institution, else the one the registration page suggests."
        ),
    )
    role = serializers.ChoiceField(
        choices=[(role.value, role.label) for role in PARTICIPANT_ROLES], default=Registration.Role.DELEGATE
    )
    job_title = serializers.CharField(max_length=150, allow_blank=True, required=False, default="")
    delegation = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The id of your country's delegation, if you travel with one.")
    )


# --- Meeting requests ----------------------------------------------------------------------------


class RequestPartySerializer(serializers.Serializer):
    """A participant as other participants see them."""

    registration = serializers.IntegerField(help_text=_("The participant's registration id at the event."))
    name = serializers.CharField(help_text=_("Their name if they show it to participants, else their institution."))
    institution = serializers.CharField()


class RequestMeetingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Meeting.Status.choices)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    table_number = serializers.IntegerField(allow_null=True)


class RequestSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()

    def get_title(self, session: Session) -> str:
        return str(session.localized("title"))


def _person(registration) -> dict | None:
    if registration is None:
        return None
    return {
        "registration": registration.pk,
        "name": participant_label(registration),
        "institution": registration.institution.name,
    }


class MeetingRequestSerializer(serializers.Serializer):
    """A meeting request the caller sent or received (for them or for their institution).

    The serializer's context holds ``mine``: the ids of the caller's registrations.
    """

    id = serializers.IntegerField()
    event = serializers.SerializerMethodField()
    session = RequestSessionSerializer()
    direction = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=MeetingRequest.Status.choices)
    mutual = serializers.BooleanField()
    message = serializers.CharField()
    requester = serializers.SerializerMethodField()
    recipient = serializers.SerializerMethodField()
    recipient_institution = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    meeting = serializers.SerializerMethodField()

    def get_event(self, request: MeetingRequest) -> str:
        return request.session.event.slug

    def get_direction(self, request: MeetingRequest) -> str:
        return "sent" if request.requester_id in self.context.get("mine", ()) else "received"

    @extend_schema_field(RequestPartySerializer)
    def get_requester(self, request: MeetingRequest) -> dict:
        return _person(request.requester)

    @extend_schema_field(RequestPartySerializer(allow_null=True))
    def get_recipient(self, request: MeetingRequest) -> dict | None:
        return _person(request.recipient)

    @extend_schema_field(ParticipantInstitutionSerializer(allow_null=True))
    def get_recipient_institution(self, request: MeetingRequest) -> dict | None:
        institution = request.recipient_institution
        if institution is None:
            return None
        return {"slug": institution.slug, "name": institution.name}

    @extend_schema_field(RequestMeetingSerializer(allow_null=True))
    def get_meeting(self, request: MeetingRequest) -> dict | None:
        meeting = getattr(request, "meeting", None)
        if meeting is None:
            return None
        slot = meeting.slot
        return {
            "status": meeting.status,
            "starts_at": serializers.DateTimeField().to_representation(slot.starts_at) if slot else None,
            "ends_at": serializers.DateTimeField().to_representation(slot.ends_at) if slot else None,
            "table_number": meeting.table_number,
        }


class MeetingRequestCreateSerializer(serializers.Serializer):
    """A new meeting request: to one person (``person``) or to one institution (``institution``)."""

    session = serializers.IntegerField(help_text=_("The id of a matchmaking session of the event."))
    person = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The registration id of the participant to meet.")
    )
    institution = serializers.SlugField(
        required=False, allow_null=True, help_text=_("The key of the institution to meet.")
    )
    message = serializers.CharField(max_length=MESSAGE_MAX_LENGTH, allow_blank=True, required=False, default="")

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("person") is None) == (not attrs.get("institution")):
            raise serializers.ValidationError(_("Choose one person or one institution to meet."))
        return attrs


class MeetingRequestAcceptSerializer(serializers.Serializer):
    """What accepting may ask, as the meetings page does: a time slot, colleagues who join."""

    slot = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The id of a free time slot: needed in sessions where participants choose the slot."),
    )
    sharers = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text=_("Registration ids of colleagues at the event who join the meeting (institution requests)."),
    )


# --- The agenda ----------------------------------------------------------------------------------


class AgendaPartnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    institution = serializers.CharField()


class AgendaSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    room = serializers.CharField()
    speakers = AgendaPartnerSerializer(many=True)


class AgendaMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(help_text=_("The matchmaking session's id."))
    table_number = serializers.IntegerField(allow_null=True)
    partner = AgendaPartnerSerializer()
    message = serializers.CharField()
    started = serializers.BooleanField()
    my_mark = serializers.ChoiceField(
        choices=Meeting.Attendance.choices,
        allow_null=True,
        help_text=_("What you reported (held or no_show), or null."),
    )
    their_mark = serializers.CharField(allow_null=True)


class AgendaItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("session", _("session")), ("meeting", _("meeting"))])
    title = serializers.CharField()
    title_language = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    is_speaker = serializers.BooleanField()
    session = AgendaSessionSerializer(allow_null=True)
    meeting = AgendaMeetingSerializer(allow_null=True)


class AgendaDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    items = AgendaItemSerializer(many=True)


class AgendaSerializer(serializers.Serializer):
    event = ParticipantEventSerializer()
    registration = serializers.IntegerField()
    registration_status = serializers.ChoiceField(choices=Registration.Status.choices)
    days = AgendaDaySerializer(many=True)
