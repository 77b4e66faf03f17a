"""A participant's endpoints: their registrations, meeting requests and agenda.

Any token of the person (read to read, write to change); a token bound to an institution sees
and acts only through the person's registrations for that institution (while they are still an
active member of it), one bound to none through all of their own. Others' registrations and
requests answer 404. The rules are the pages' (``events.views_registration``,
``matchmaking.views_requests``, ``matchmaking.views_agenda``): the same forms check the input
and the same services write, queueing the same emails through the outbox.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from events import services as registrations
from events.forms_registration import RegistrationForm
from events.models import Event, Registration, Session
from events.selectors import agenda_days, agenda_registration, agenda_sessions
from institutions.models import Institution
from institutions.selectors import acting_institution
from matchmaking import requests as meeting_requests
from matchmaking.attendance import with_attendance
from matchmaking.forms import AcceptForm, SendRequestForm
from matchmaking.models import MeetingRequest
from matchmaking.selectors import agenda_meetings

from .errors import Conflict
from .pagination import CursorPagination
from .permissions import ScopePermission, TokenRequired, acting_institutions, token_of
from .serializers_participant import (
    AgendaSerializer,
    MeetingRequestAcceptSerializer,
    MeetingRequestCreateSerializer,
    MeetingRequestSerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
)

NON_FIELD = "non_field_errors"
# The answer of an action that the object's current state refuses (already registered, the
# request already declined, ...), for the operations that give it.
CONFLICT = {
    (409, "application/problem+json"): OpenApiResponse(
        response={"$ref": "#/components/schemas/Problem"},
        description="The current state refuses it (the detail says why)",
    )
}
PK = OpenApiParameter("id", int, OpenApiParameter.PATH)


def form_errors(form, names: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A form's errors under the API's field names (``__all__``: general errors)."""
    names = names or {}
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = NON_FIELD if name == "__all__" else names.get(name, name)
        errors.setdefault(key, []).extend(str(message) for message in messages)
    return errors


def own_registrations(request) -> QuerySet[Registration]:
    """The caller's registrations this call may act through (see the module's docstring)."""
    registrations_qs = Registration.objects.filter(user=request.user)
    token = token_of(request)
    if token is not None and token.institution_id is not None:
        registrations_qs = registrations_qs.filter(institution_id__in=acting_institutions(request))
    return registrations_qs


class ParticipantView(APIView):
    permission_classes = [ScopePermission, TokenRequired]


# --- Registrations -------------------------------------------------------------------------------


class RegistrationPagination(CursorPagination):
    ordering = ("-created_at", "-pk")


def _registration_rows(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    return queryset.select_related("event", "institution", "delegation")


class RegistrationListView(ParticipantView):
    """The caller's registrations, newest first; register for an event."""

    pagination_class = RegistrationPagination

    @extend_schema(
        operation_id="my_registrations_list",
        parameters=[
            OpenApiParameter("event", str, description="Only the registration for this event (its key)."),
            OpenApiParameter(
                "status", str, enum=Registration.Status.values, description="Only registrations in this status."
            ),
        ],
        responses=RegistrationSerializer(many=True),
    )
    def get(self, request):
        rows = _registration_rows(own_registrations(request))
        if request.query_params.get("event"):
            rows = rows.filter(event__slug=request.query_params["event"])
        if request.query_params.get("status") in Registration.Status.values:
            rows = rows.filter(status=request.query_params["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(RegistrationSerializer(page, many=True).data)

    @extend_schema(
        operation_id="my_registrations_create",
        request=RegistrationCreateSerializer,
        responses={201: RegistrationSerializer, **CONFLICT},
    )
    def post(self, request):
        """Register for a published event, pending the organisers' approval (as the register page)."""
        serializer = RegistrationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        event = Event.objects.filter(slug=data["event"]).first()
        if event is None or not user.has_perm("events.open_event", event):
            raise ValidationError({"event": [_("There is no event with this key that you can open.")]})
        existing = Registration.objects.filter(event=event, user=user).first()
        if existing is not None and existing.status in registrations.HOLDING_PLACE:
            raise Conflict(_("You are already registered for this event."))
        if not user.has_perm("events.register_for_event", event):
            raise ValidationError(
                {
                    "event": [
                        _("Registration for this event is not open.")
                        if user.memberships.filter(status="active").exists()
                        else _("Join or create your institution's profile before registering for an event.")
                    ]
                }
            )
        token = token_of(request)
        bound_to = token.institution if token is not None and token.institution_id else None
        institution_key = data.get("institution")
        if not institution_key:
            default = bound_to or acting_institution(user)
            institution_key = default.slug if default is not None else ""
        institution = Institution.objects.filter(slug=institution_key).first()
        if bound_to is not None and (institution is None or institution.pk not in acting_institutions(request)):
            raise ValidationError({"institution": [_("This token acts for another institution.")]})
        form = RegistrationForm(
            {
                "institution": str(institution.pk) if institution is not None else institution_key,
                "role": data["role"],
                "job_title": data.get("job_title", ""),
                "delegation": str(data["delegation"]) if data.get("delegation") is not None else "",
            },
            user=user,
            event=event,
        )
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        try:
            registration = registrations.register(user=user, event=event, **form.cleaned_data)
        except registrations.RegistrationError as error:
            raise ValidationError({error.field or NON_FIELD: [str(error.message)]}) from None
        registration = _registration_rows(Registration.objects.filter(pk=registration.pk)).get()
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


def _own_registration_or_404(request, pk: int) -> Registration:
    registration = _registration_rows(own_registrations(request)).filter(pk=pk).first()
    if registration is None:
        raise NotFound()
    return registration


class RegistrationDetailView(ParticipantView):
    """One of the caller's registrations."""

    @extend_schema(operation_id="my_registrations_read", parameters=[PK], responses=RegistrationSerializer)
    def get(self, request, pk: int):
        return Response(RegistrationSerializer(_own_registration_or_404(request, pk)).data)


class RegistrationCancelView(ParticipantView):
    """Cancel one of the caller's registrations, as the cancel page does."""

    @extend_schema(
        operation_id="my_registrations_cancel",
        parameters=[PK],
        request=None,
        responses={200: RegistrationSerializer, **CONFLICT},
    )
    def post(self, request, pk: int):
        """Cancel the registration (its place is freed). Cancelling a cancelled one answers it as it is."""
        registration = _own_registration_or_404(request, pk)
        event = registration.event
        if not request.user.has_perm("events.open_event", event):
            raise NotFound()
        if registration.status != Registration.Status.CANCELLED:
            if not request.user.has_perm("events.cancel_registration", registration):
                raise NotFound()
            if event.end_date < timezone.localdate():
                raise Conflict(_("This event is over: its registrations can no longer be cancelled."))
            try:
                registrations.cancel_registration(registration=registration)
            except registrations.RegistrationError as error:
                raise Conflict(str(error.message)) from None
            registration.refresh_from_db(fields=["status"])
        return Response(RegistrationSerializer(registration).data)


# --- Meeting requests ----------------------------------------------------------------------------


def approved_registrations(request) -> list[Registration]:
    """The caller's approved registrations this call may act through: matchmaking takes only those."""
    return list(
        own_registrations(request)
        .filter(status=Registration.Status.APPROVED)
        .select_related("user", "institution", "event")
    )


def visible_requests(registrations_list: list[Registration]) -> QuerySet[MeetingRequest]:
    """Requests sent through ``registrations_list``, or received by them or their institutions."""
    if not registrations_list:
        return MeetingRequest.objects.none()
    query = Q(requester__in=registrations_list) | Q(recipient__in=registrations_list)
    for registration in registrations_list:
        query |= Q(session__event_id=registration.event_id, recipient_institution_id=registration.institution_id)
    return MeetingRequest.objects.filter(query)


def request_rows(queryset: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    return queryset.select_related(
        "session__event",
        "requester__user",
        "requester__institution",
        "recipient__user",
        "recipient__institution",
        "recipient_institution",
        "meeting__slot",
    )


def request_data(request_obj: MeetingRequest, registrations_list: list[Registration]) -> dict:
    context = {"mine": {registration.pk for registration in registrations_list}}
    return MeetingRequestSerializer(request_obj, context=context).data


class MeetingRequestPagination(CursorPagination):
    ordering = ("-created_at", "-pk")


class MeetingRequestListView(ParticipantView):
    """The caller's meeting requests, sent and received, newest first; send one."""

    pagination_class = MeetingRequestPagination

    @extend_schema(
        operation_id="my_meeting_requests_list",
        parameters=[
            OpenApiParameter("box", str, enum=["sent", "received"], description="Only sent or only received ones."),
            OpenApiParameter("event", str, description="Only requests at this event (its key)."),
            OpenApiParameter("status", str, enum=MeetingRequest.Status.values),
        ],
        responses=MeetingRequestSerializer(many=True),
    )
    def get(self, request):
        mine = approved_registrations(request)
        rows = visible_requests(mine)
        box = request.query_params.get("box")
        if box == "sent":
            rows = rows.filter(requester__in=mine)
        elif box == "received":
            rows = rows.exclude(requester__in=mine)
        if request.query_params.get("event"):
            rows = rows.filter(session__event__slug=request.query_params["event"])
        if request.query_params.get("status") in MeetingRequest.Status.values:
            rows = rows.filter(status=request.query_params["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(request_rows(rows), request, view=self)
        context = {"mine": {registration.pk for registration in mine}}
        return paginator.get_paginated_response(MeetingRequestSerializer(page, many=True, context=context).data)

    @extend_schema(
        operation_id="my_meeting_requests_create",
        request=MeetingRequestCreateSerializer,
        responses={201: MeetingRequestSerializer},
    )
    def post(self, request):
        """Ask a participant or an institution for a meeting at a matchmaking session, as the page does.

        When the person had already asked you, their request is accepted as mutual and returned.
        """
        serializer = MeetingRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        now = timezone.now()
        person = institution = None
        if data.get("person") is not None:
            person = (
                Registration.objects.select_related("user", "institution", "event")
                .filter(pk=data["person"], status=Registration.Status.APPROVED)
                .first()
            )
            if person is None or meeting_requests.approved_registration(person.event, user) is None:
                raise ValidationError({"person": [_("There is no approved participant with this id at your events.")]})
            sessions = [
                session
                for session in meeting_requests.matchmaking_sessions(person.event).filter(ends_at__gt=now)
                if not meeting_requests.request_deadline_passed(session, now)
            ]
        else:
            institution = (
                Institution.objects.exclude(verification_status=Institution.Verification.REJECTED)
                .filter(slug=data["institution"])
                .first()
            )
            if institution is None:
                raise ValidationError({"institution": [_("There is no institution with this key.")]})
            sessions = [choice.session for choice in meeting_requests.sessions_for_institution(user, institution)]
        if not sessions:
            raise ValidationError(
                {"session": [_("There is no matchmaking session open for requests at which you can meet them.")]}
            )
        session_qs = Session.objects.filter(pk__in=[s.pk for s in sessions]).select_related("event")
        form = SendRequestForm(
            {"session": str(data["session"]), "message": data.get("message", "")}, sessions=session_qs
        )
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        session = form.cleaned_data["session"]
        mine = meeting_requests.approved_registration(session.event, user)
        if mine is None or not own_registrations(request).filter(pk=mine.pk).exists():
            raise ValidationError({NON_FIELD: [_("This token cannot act through your registration at this event.")]})
        try:
            sent = meeting_requests.send_request(
                requester=mine,
                session=session,
                recipient=person,
                institution=institution,
                message=form.cleaned_data["message"],
            )
        except meeting_requests.RequestError as error:
            raise ValidationError({NON_FIELD: [str(error)]}) from None
        sent = request_rows(MeetingRequest.objects.filter(pk=sent.pk)).get()
        return Response(request_data(sent, approved_registrations(request)), status=status.HTTP_201_CREATED)


def _visible_request_or_404(request, pk: int) -> tuple[MeetingRequest, list[Registration]]:
    mine = approved_registrations(request)
    found = request_rows(visible_requests(mine)).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found, mine


def _answering_registration(request_obj: MeetingRequest, mine: list[Registration]) -> Registration:
    """The caller's registration that received ``request_obj`` (404 for a request they sent)."""
    for registration in mine:
        if meeting_requests.received_requests(registration).filter(pk=request_obj.pk).exists():
            return registration
    raise NotFound()


class MeetingRequestDetailView(ParticipantView):
    """One meeting request the caller sent or received."""

    @extend_schema(operation_id="my_meeting_requests_read", parameters=[PK], responses=MeetingRequestSerializer)
    def get(self, request, pk: int):
        found, mine = _visible_request_or_404(request, pk)
        return Response(request_data(found, mine))


def _accept_form(request_obj: MeetingRequest, registration: Registration, data: dict) -> AcceptForm | None:
    """The meetings page's accept form, when accepting asks something (a slot, colleagues)."""
    participant_mode = request_obj.session.scheduling_mode == Session.SchedulingMode.PARTICIPANT
    colleagues = meeting_requests.colleagues_attending(registration) if request_obj.recipient_id is None else None
    if not participant_mode and not (colleagues is not None and colleagues.exists()):
        return None
    slots = (
        meeting_requests.free_slots(request_obj.session, [request_obj.requester_id, registration.pk])
        if participant_mode
        else []
    )
    return AcceptForm(data, slots=slots, colleagues=colleagues, needs_slot=participant_mode)


class MeetingRequestAcceptView(ParticipantView):
    """Accept a meeting request made to the caller or their institution."""

    @extend_schema(
        operation_id="my_meeting_requests_accept",
        parameters=[PK],
        request=MeetingRequestAcceptSerializer,
        responses={200: MeetingRequestSerializer, **CONFLICT},
    )
    def post(self, request, pk: int):
        """Accept the request and create its meeting. Accepting one you accepted answers it as it is."""
        found, mine = _visible_request_or_404(request, pk)
        registration = _answering_registration(found, mine)
        if found.status == MeetingRequest.Status.ACCEPTED and found.recipient_id == registration.pk:
            return Response(request_data(found, mine))
        serializer = MeetingRequestAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot, sharers = None, []
        if found.status == MeetingRequest.Status.PENDING:
            data = serializer.validated_data
            form = _accept_form(
                found,
                registration,
                {
                    "slot": str(data["slot"]) if data.get("slot") is not None else "",
                    "sharers": [str(pk) for pk in data.get("sharers", [])],
                },
            )
            if form is not None:
                if not form.is_valid():
                    raise ValidationError(form_errors(form))
                slot, sharers = form.cleaned_data["slot"], list(form.cleaned_data["sharers"])
        try:
            meeting_requests.accept_request(request_id=found.pk, registration=registration, slot=slot, sharers=sharers)
        except meeting_requests.RequestError as error:
            raise Conflict(str(error)) from None
        return Response(request_data(request_rows(MeetingRequest.objects.filter(pk=found.pk)).get(), mine))


class MeetingRequestDeclineView(ParticipantView):
    """Decline a meeting request made to the caller or their institution."""

    @extend_schema(
        operation_id="my_meeting_requests_decline",
        parameters=[PK],
        request=None,
        responses={200: MeetingRequestSerializer, **CONFLICT},
    )
    def post(self, request, pk: int):
        """Decline the request. Declining one you declined answers it as it is."""
        found, mine = _visible_request_or_404(request, pk)
        registration = _answering_registration(found, mine)
        if found.status == MeetingRequest.Status.DECLINED and found.recipient_id == registration.pk:
            return Response(request_data(found, mine))
        try:
            meeting_requests.decline_request(request_id=found.pk, registration=registration)
        except meeting_requests.RequestError as error:
            raise Conflict(str(error)) from None
        return Response(request_data(request_rows(MeetingRequest.objects.filter(pk=found.pk)).get(), mine))


class MeetingRequestWithdrawView(ParticipantView):
    """Withdraw a meeting request the caller sent, as the meetings page does."""

    @extend_schema(
        operation_id="my_meeting_requests_withdraw",
        parameters=[PK],
        request=None,
        responses={200: MeetingRequestSerializer, **CONFLICT},
    )
    def post(self, request, pk: int):
        """Withdraw a request still waiting for an answer. Withdrawing one you withdrew answers it as it is."""
        mine = approved_registrations(request)
        found = request_rows(MeetingRequest.objects.filter(pk=pk, requester__in=mine)).first()
        if found is None:
            raise NotFound()
        if found.status != MeetingRequest.Status.CANCELLED:
            try:
                meeting_requests.cancel_request(request_id=found.pk, registration=found.requester)
            except meeting_requests.RequestError as error:
                raise Conflict(str(error)) from None
            found = request_rows(MeetingRequest.objects.filter(pk=found.pk)).get()
        return Response(request_data(found, mine))


# --- The agenda ----------------------------------------------------------------------------------


def _item_data(item) -> dict:
    if item.meeting is not None:
        meeting = item.meeting
        marks = {
            "my_mark": getattr(getattr(meeting, "my_mark", None), "attendance", None),
            "their_mark": getattr(getattr(meeting, "their_mark", None), "attendance", None),
        }
        meeting_data = {
            "id": meeting.pk,
            "session": meeting.session_id,
            "table_number": meeting.table_number,
            "partner": {"name": meeting.partner.name, "institution": meeting.partner.institution},
            "message": meeting.request.message,
            "started": bool(getattr(meeting, "started", False)),
            **marks,
        }
        session_data = None
    else:
        session = item.session
        meeting_data = None
        session_data = {
            "id": session.pk,
            "kind": session.kind,
            "room": session.room,
            "speakers": [
                {"name": speaker.user.display_name, "institution": speaker.institution.name}
                for speaker in session.speakers.all()
            ],
        }
    return {
        "kind": "meeting" if item.meeting is not None else "session",
        "title": str(item.title),
        "title_language": getattr(item.title, "language", ""),
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "is_speaker": item.is_speaker,
        "session": session_data,
        "meeting": meeting_data,
    }


class AgendaView(ParticipantView):
    """The caller's agenda at an event: its sessions and their own meetings, as the agenda page."""

    @extend_schema(
        operation_id="my_agenda",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The event's key.")],
        responses=AgendaSerializer,
    )
    def get(self, request, slug: str):
        event = Event.objects.filter(slug=slug).first()
        if event is None or not request.user.has_perm("events.open_event", event):
            raise NotFound()
        registration = agenda_registration(user=request.user, event=event)
        if registration is None or not own_registrations(request).filter(pk=registration.pk).exists():
            raise NotFound()
        meetings = with_attendance(
            agenda_meetings(registration=registration), registration=registration, now=timezone.now()
        )
        days = agenda_days(
            time_zone=event.time_zone,
            sessions=list(agenda_sessions(event=event)),
            meetings=meetings,
            speaker_registration=registration,
        )
        data = {
            "event": event,
            "registration": registration.pk,
            "registration_status": registration.status,
            "days": [{"date": day, "items": [_item_data(item) for item in items]} for day, items in days],
        }
        return Response(AgendaSerializer(data).data)


urlpatterns = [
    path("me/registrations/", RegistrationListView.as_view(), name="my_registrations"),
    path("me/registrations/<int:pk>/", RegistrationDetailView.as_view(), name="my_registration"),
    path("me/registrations/<int:pk>/cancel/", RegistrationCancelView.as_view(), name="my_registration_cancel"),
    path("me/meeting-requests/", MeetingRequestListView.as_view(), name="my_meeting_requests"),
    path("me/meeting-requests/<int:pk>/", MeetingRequestDetailView.as_view(), name="my_meeting_request"),
    path("me/meeting-requests/<int:pk>/accept/", MeetingRequestAcceptView.as_view(), name="my_meeting_request_accept"),
    path(
        "me/meeting-requests/<int:pk>/decline/",
        MeetingRequestDeclineView.as_view(),
        name="my_meeting_request_decline",
    ),
    path(
        "me/meeting-requests/<int:pk>/withdraw/",
        MeetingRequestWithdrawView.as_view(),
        name="my_meeting_request_withdraw",
    ),
    path("me/events/<slug:slug>/agenda/", AgendaView.as_view(), name="my_agenda"),
]
