"""Meeting requests: the participant list, sending, my meetings, answers, unavailability, signed links.

Every page here belongs to one person's own approved registration at the event: anyone else
gets a 404, so nobody learns who takes part. Accept, decline, cancel and the unavailability
toggles answer htmx with the updated fragment, and a plain POST with a redirect. The rules
live in ``matchmaking.requests``.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.models import Event, MeetingSlot, Registration, Session
from institutions.models import Institution

from . import requests as service
from .forms import AcceptForm, ParticipantFilterForm, SendRequestForm
from .models import Meeting, MeetingRequest, SlotUnavailability

PER_PAGE = 25


def _registration_or_404(request, slug: str) -> Registration:
    event = get_object_or_404(Event, slug=slug)
    registration = service.approved_registration(event, request.user)
    if registration is None:
        raise Http404
    return registration


def _request_rows(queryset):
    return queryset.select_related(
        "session__event",
        "requester__user",
        "requester__institution",
        "recipient__user",
        "recipient__institution",
        "recipient_institution",
    )


# ---------------------------------------------------------------------------------------------
# The participant list


@login_required
@require_GET
def participant_list(request, slug: str):
    """Approved participants and the institutions attending, with "Request a meeting" buttons.

    A fixed number of queries whatever the page size: rows come with person and institution.
    """
    registration = _registration_or_404(request, slug)
    event = registration.event
    form = ParticipantFilterForm(request.GET or None, event=event)
    rows = form.apply(
        Registration.objects.filter(event=event, status=Registration.Status.APPROVED)
        .select_related("user", "institution")
        .order_by("institution__name", "user__display_name", "pk")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    institutions = (
        Institution.objects.filter(registrations__event=event, registrations__status=Registration.Status.APPROVED)
        .annotate(participant_count=Count("registrations", filter=Q(registrations__event=event)))
        .order_by("name")
    )
    has_sessions = service.matchmaking_sessions(event).exists()
    # People I already asked, or who asked me, with a request still open or accepted.
    open_pairs = MeetingRequest.objects.filter(
        Q(requester=registration) | Q(recipient=registration),
        session__event=event,
        status__in=[MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED],
    ).values_list("requester_id", "recipient_id")
    asked = {recipient if requester == registration.pk else requester for requester, recipient in open_pairs}
    participants = [
        {
            "registration": row,
            "label": service.participant_label(row),
            "shows_profile": row.user.show_profile_to_participants and bool(row.user.display_name),
            "can_request": row.institution_id != registration.institution_id,
            "asked": row.pk in asked,
        }
        for row in page.object_list
    ]
    context = {
        "event": event,
        "registration": registration,
        "form": form,
        "page_obj": page,
        "participants": participants,
        "institutions": institutions,
        "has_sessions": has_sessions,
    }
    template = "matchmaking/requests/participants.html"
    if request.htmx and not request.htmx.boosted:
        template += "#participant-results"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Sending


def _send_target(request):
    """The person or institution the new request is for, from ?person= or ?institution=."""
    params = request.POST if request.method == "POST" else request.GET
    person_id, institution_id = params.get("person", ""), params.get("institution", "")
    if person_id.isdigit():
        person = get_object_or_404(
            Registration.objects.select_related("user", "institution", "event"),
            pk=person_id,
            status=Registration.Status.APPROVED,
        )
        mine = service.approved_registration(person.event, request.user)
        if mine is None:
            raise Http404
        return person, None
    if institution_id.isdigit():
        # A rejected institution is gone from the directory: nobody may ask it for a meeting.
        return None, get_object_or_404(
            Institution.objects.exclude(verification_status=Institution.Verification.REJECTED), pk=institution_id
        )
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """The form to request a meeting with a person (?person=) or an institution (?institution=)."""
    person, institution = _send_target(request)
    now = timezone.now()
    if person is not None:
        sessions = [
            session
            for session in service.matchmaking_sessions(person.event).select_related("event").filter(ends_at__gt=now)
            if not service.request_deadline_passed(session, now)
        ]
        target_label = service.participant_label(person)
    else:
        sessions = [choice.session for choice in service.sessions_for_institution(request.user, institution)]
        target_label = institution.name
    session_qs = Session.objects.filter(pk__in=[s.pk for s in sessions]).select_related("event").order_by("starts_at")
    form = SendRequestForm(request.POST or None, sessions=session_qs)
    if request.method == "POST" and sessions and form.is_valid():
        session = form.cleaned_data["session"]
        mine = service.approved_registration(session.event, request.user)
        if mine is None:
            raise Http404
        try:
            sent = service.send_request(
                requester=mine,
                session=session,
                recipient=person,
                institution=institution,
                message=form.cleaned_data["message"],
            )
        except service.RequestError as error:
            form.add_error(None, str(error))
        else:
            if sent.mutual:
                messages.success(request, gettext("They had already asked you: the meeting is accepted on both sides."))
            else:
                messages.success(request, gettext("Your meeting request was sent."))
            return redirect("matchmaking:my_meetings", slug=session.event.slug)
    context = {
        "form": form,
        "person": person,
        "institution": institution,
        "target_label": target_label,
        "sessions": sessions,
    }
    return render(request, "matchmaking/requests/new.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# My meetings


def _slot_zone(event) -> ZoneInfo:
    return ZoneInfo(event.time_zone)


def _accept_form(req: MeetingRequest, registration: Registration, data=None) -> AcceptForm | None:
    """The accept form of a pending received request, when it asks something (slot, colleagues)."""
    participant_mode = req.session.scheduling_mode == Session.SchedulingMode.PARTICIPANT
    colleagues = service.colleagues_attending(registration) if req.recipient_id is None else None
    if not participant_mode and not (colleagues is not None and colleagues.exists()):
        return None
    slots = service.free_slots(req.session, [req.requester_id, registration.pk]) if participant_mode else []
    return AcceptForm(
        data, slots=slots, colleagues=colleagues, time_zone=_slot_zone(req.session.event), needs_slot=participant_mode
    )


def _row_context(req: MeetingRequest, registration: Registration, error: str = "") -> dict:
    pending = req.status == MeetingRequest.Status.PENDING and (
        req.expires_at is None or req.expires_at > timezone.now()
    )
    return {
        "req": req,
        "registration": registration,
        "event": registration.event,
        "pending": pending,
        "participant_mode": req.session.scheduling_mode == Session.SchedulingMode.PARTICIPANT,
        "accept_form": _accept_form(req, registration) if pending else None,
        "from_label": service.participant_label(req.requester),
        "error": error,
    }


def _accepted_rows(registration: Registration):
    requests = _request_rows(
        MeetingRequest.objects.filter(status=MeetingRequest.Status.ACCEPTED).filter(
            Q(requester=registration) | Q(recipient=registration) | Q(meeting__sharers=registration)
        )
    ).select_related("meeting__slot")
    rows = []
    for req in requests.distinct().order_by("created_at"):
        meeting = getattr(req, "meeting", None)
        if req.requester_id == registration.pk:
            other = service.participant_label(req.recipient) if req.recipient_id else req.recipient_institution.name
            other_institution = req.recipient.institution.name if req.recipient_id else ""
        else:
            other = service.participant_label(req.requester)
            other_institution = req.requester.institution.name
        rows.append(
            {
                "req": req,
                "meeting": meeting,
                "other": other,
                "other_institution": other_institution,
                "published": meeting is not None
                and meeting.status == Meeting.Status.PUBLISHED
                and meeting.slot_id is not None,
                "cancelled": meeting is not None and meeting.status == Meeting.Status.CANCELLED,
            }
        )
    return rows


def _sent_row(req: MeetingRequest) -> dict:
    if req.recipient_id:
        return {
            "req": req,
            "label": service.participant_label(req.recipient),
            "institution": req.recipient.institution.name,
        }
    return {"req": req, "label": req.recipient_institution.name, "institution": ""}


def _availability(registration: Registration) -> list[dict]:
    sessions = list(service.matchmaking_sessions(registration.event).prefetch_related("slots"))
    unavailable = set(SlotUnavailability.objects.filter(registration=registration).values_list("slot_id", flat=True))
    booked = set(
        Meeting.objects.filter(session__event_id=registration.event_id, slot__isnull=False)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Q(request__requester=registration) | Q(request__recipient=registration) | Q(sharers=registration))
        .values_list("slot_id", flat=True)
    )
    return [
        {
            "session": session,
            "slots": [
                {"slot": slot, "unavailable": slot.pk in unavailable, "booked": slot.pk in booked}
                for slot in session.slots.all()
            ],
        }
        for session in sessions
    ]


@login_required
@require_GET
def my_meetings(request, slug: str):
    """Requests received (pending first), sent, accepted meetings, and my unavailable slots."""
    registration = _registration_or_404(request, slug)
    received = list(_request_rows(service.received_requests(registration)).order_by("-created_at"))
    received.sort(key=lambda req: req.status != MeetingRequest.Status.PENDING)
    received = [
        req for req in received if req.status != MeetingRequest.Status.ACCEPTED or req.recipient_id != registration.pk
    ]
    context = {
        "event": registration.event,
        "registration": registration,
        "received_rows": [_row_context(req, registration) for req in received],
        "sent": [_sent_row(req) for req in _request_rows(service.sent_requests(registration)).order_by("-created_at")],
        "accepted": _accepted_rows(registration),
        "availability": _availability(registration),
        "now": timezone.now(),
    }
    return render(request, "matchmaking/requests/my_meetings.html", context)


def _received_or_404(registration: Registration, pk: int) -> MeetingRequest:
    return get_object_or_404(_request_rows(service.received_requests(registration)), pk=pk)


def _answer_response(request, registration: Registration, pk: int, error: str = "", notice: str = ""):
    if request.htmx:
        req = _received_or_404(registration, pk)
        context = _row_context(req, registration, error=error)
        context["notice"] = notice
        return render(request, "matchmaking/requests/my_meetings.html#received-row", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("matchmaking:my_meetings", slug=registration.event.slug)


@login_required
@require_POST
def request_accept(request, slug: str, pk: int):
    registration = _registration_or_404(request, slug)
    req = _received_or_404(registration, pk)
    form = _accept_form(req, registration, request.POST) if req.status == MeetingRequest.Status.PENDING else None
    slot, sharers = None, []
    if form is not None:
        if not form.is_valid():
            return _answer_response(
                request,
                registration,
                pk,
                error=" ".join(form.errors.get("slot", []) + form.errors.get("sharers", [])) or str(form.errors),
            )
        slot, sharers = form.cleaned_data["slot"], list(form.cleaned_data["sharers"])
    try:
        service.accept_request(request_id=req.pk, registration=registration, slot=slot, sharers=sharers)
    except service.RequestError as error:
        return _answer_response(request, registration, pk, error=str(error))
    return _answer_response(request, registration, pk, notice=gettext("Meeting accepted."))


@login_required
@require_POST
def request_decline(request, slug: str, pk: int):
    registration = _registration_or_404(request, slug)
    req = _received_or_404(registration, pk)
    try:
        service.decline_request(request_id=req.pk, registration=registration)
    except service.RequestError as error:
        return _answer_response(request, registration, pk, error=str(error))
    return _answer_response(request, registration, pk, notice=gettext("Request declined."))


@login_required
@require_POST
def request_cancel(request, slug: str, pk: int):
    registration = _registration_or_404(request, slug)
    req = get_object_or_404(MeetingRequest, pk=pk, requester=registration)
    try:
        service.cancel_request(request_id=req.pk, registration=registration)
    except service.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Your request was withdrawn."))
    return redirect("matchmaking:my_meetings", slug=registration.event.slug)


@login_required
@require_POST
def slot_toggle(request, slug: str, slot_pk: int):
    """Mark a slot as unavailable, or available again (``unavailable`` = "1" or "0")."""
    registration = _registration_or_404(request, slug)
    slot = get_object_or_404(
        MeetingSlot.objects.select_related("session"), pk=slot_pk, session__event=registration.event
    )
    unavailable = service.set_unavailable(
        registration=registration, slot=slot, unavailable=request.POST.get("unavailable") == "1"
    )
    if request.htmx:
        context = {
            "event": registration.event,
            "slot": slot,
            "unavailable": unavailable,
            "session": slot.session,
            "changed": True,
            "booked": slot.pk in service.busy_slot_ids(slot.session, [registration.pk]),
        }
        return render(request, "matchmaking/requests/my_meetings.html#slot-toggle", context)
    if slot.session.published_at:
        messages.warning(
            request,
            gettext("The schedule is already published: the organisers must run it again to take this into account."),
        )
    else:
        messages.success(request, gettext("Your availability was saved."))
    return redirect("matchmaking:my_meetings", slug=registration.event.slug)


# ---------------------------------------------------------------------------------------------
# Signed links from emails


@require_http_methods(["GET", "POST"])
def request_answer(request, token: str):
    """Accept or decline from an email without logging in: GET confirms, only POST acts."""
    try:
        answer = service.read_answer_token(token)
    except service.RequestError as error:
        return render(request, "matchmaking/requests/answer.html", {"error": str(error)}, status=400)
    req, registration = answer.request, answer.registration
    form = None
    if answer.action == service.ACCEPT:
        form = _accept_form(req, registration, request.POST if request.method == "POST" else None)
    done = ""
    error = ""
    if request.method == "POST":
        try:
            if answer.action == service.ACCEPT:
                slot, sharers = None, []
                if form is not None:
                    if not form.is_valid():
                        raise service.RequestError(gettext("Choose a valid time slot."))
                    slot, sharers = form.cleaned_data["slot"], list(form.cleaned_data["sharers"])
                service.accept_request(request_id=req.pk, registration=registration, slot=slot, sharers=sharers)
                done = gettext("Thank you: the meeting is accepted.")
            else:
                service.decline_request(request_id=req.pk, registration=registration)
                done = gettext("The request was declined.")
        except service.RequestError as exc:
            error = str(exc)
    context = {
        "req": req,
        "registration": registration,
        "event": req.session.event,
        "action": answer.action,
        "form": form,
        "from_label": service.participant_label(req.requester),
        "token": token,
        "done": done,
        "error": error,
    }
    return render(request, "matchmaking/requests/answer.html", context, status=400 if error else 200)


urlpatterns = [
    path("requests/new/", request_new, name="request_new"),
    path("requests/answer/<str:token>/", request_answer, name="request_answer"),
    path("<slug:slug>/participants/", participant_list, name="participants"),
    path("<slug:slug>/meetings/", my_meetings, name="my_meetings"),
    path("<slug:slug>/meetings/requests/<int:pk>/accept/", request_accept, name="request_accept"),
    path("<slug:slug>/meetings/requests/<int:pk>/decline/", request_decline, name="request_decline"),
    path("<slug:slug>/meetings/requests/<int:pk>/cancel/", request_cancel, name="request_cancel"),
    path("<slug:slug>/meetings/slots/<int:slot_pk>/", slot_toggle, name="slot_toggle"),
]
