"""The API of those who run events and keep the MoU registry: the secretariat, and the admins of an
event's organiser institutions where the pages let them.

- Events they run (drafts included): list, create (secretariat), change, change status.
- An event's registrations: list with the page's filters, one registration, approve / decline /
  cancel / change role, approve several at once (all or none).
- Participant imports, as on the page: upload a file (a job previewed in the background), read
  the job and its preview, commit it (all or nothing: a preview with any row in error is refused
  with every row's errors).
- MoUs (secretariat): log one, log a signing ceremony (all or none), read and change one, change
  its status (sign, activate, renew, terminate...).

Everything is written through the services the pages call, after the pages' own forms have
checked the input, so the rules, messages, emails (through the outbox) and audit trail are the
pages'. Rights are asked on every request, of the person and the token as they are now: a token
carries no right of its own, so a secretariat member who leaves the secretariat loses its rights
at the next call. Someone who may not see an object gets 404; someone who may see it but not do
what they ask gets 403; without a token, 401.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import ImportJob
from events import imports as participant_imports
from events import services as registrations
from events.errors import EventError
from events.forms import EventForm
from events.models import Event, Registration
from events.services_manage import event_change_status, event_create, event_update
from institutions.permissions import is_secretariat
from mous import lifecycle
from mous.errors import MouError
from mous.forms import MouEdit
from mous.forms_ceremony import CeremonyEntry
from mous.models import Mou, MouParty
from mous.services import mou_save, mous_ceremony_create

from . import serializers_secretariat as s
from .errors import Conflict
from .pagination import CursorPagination
from .permissions import ScopePermission, TokenRequired, acting_institutions


def _invalid(errors: dict) -> exceptions.ValidationError:
    return exceptions.ValidationError(errors)


def as_form_data(data: dict) -> MultiValueDict:
    """The dict the API builds, as the posted data a form reads (lists for fields with several values)."""

    def posted(value):
        # Numbers as a browser posts them: forms read some values as text (``str.isdigit``).
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    return MultiValueDict(
        {key: [posted(v) for v in value] if isinstance(value, list) else [posted(value)] for key, value in data.items()}
    )


# 400, 401, 403, 404 (problem details) are added to every operation by api.schema; 409 is ours.
PROBLEM = {"$ref": "#/components/schemas/Problem"}


def conflict(description: str) -> dict:
    return {(409, "application/problem+json"): OpenApiResponse(response=PROBLEM, description=description)}


class SecretariatAPIView(APIView):
    """A write or read of someone running events or the registry: a token is needed for every call.

    The audit trail records the token's person as the actor of the changes made (api.audit).
    """

    # A token for every call (401 without), then its scope: read for GET, write for the rest.
    permission_classes = [TokenRequired, ScopePermission]


# --- Who runs what -----------------------------------------------------------------------------


def is_secretariat_call(request) -> bool:
    """Whether the call has the secretariat's rights: its person is in the secretariat now."""
    return is_secretariat(request.user)


def organiser_ids_run_by(request) -> set[int]:
    """The institutions the call acts for as their admin (the token's institution, if the person administers it)."""
    return acting_institutions(request, admin_only=True)


def may_run(request, event: Event) -> bool:
    """``events.manage_event`` for this call: the secretariat, or an admin of an organiser the token acts for."""
    if is_secretariat_call(request):
        return True
    ids = organiser_ids_run_by(request)
    return bool(ids) and event.organisers.filter(pk__in=ids).exists()


def run_event_or_error(request, slug: str) -> Event:
    """The event ``slug`` if the call may run it; 403 if it is public, else 404 (as if there were none).

    What a call may see is what its token acts for: a draft of institution A is not found with
    a token for another institution, or for none, even if its person administers A.
    """
    event = get_object_or_404(Event.objects.prefetch_related("organisers"), slug=slug)
    if may_run(request, event):
        return event
    if event.status in (Event.Status.PUBLISHED, Event.Status.CLOSED):
        raise exceptions.PermissionDenied(_("Only the secretariat and the organisers' admins run this event."))
    raise Http404


def events_run_by(request):
    events = Event.objects.all()
    if not is_secretariat_call(request):
        events = events.filter(organisers__in=organiser_ids_run_by(request)).distinct()
    return events.prefetch_related("organisers").annotate(registration_count=Count("registrations"))


# --- Events --------------------------------------------------------------------------------------


class EventCursorPagination(CursorPagination):
    ordering = ("-start_date", "-id")


class ManagedEventList(SecretariatAPIView):
    pagination_class = EventCursorPagination

    @extend_schema(
        operation_id="manage_events_list",
        summary=_("Events the caller runs"),
        description=_(
            "Every event for the secretariat, drafts included; for an organiser institution's admin, "
            "the events it organises (the token's institution)."
        ),
        parameters=[
            OpenApiParameter(
                "status", enum=Event.Status.values, required=False, description=_("Only events in this status")
            )
        ],
        responses={200: s.ManagedEventSerializer(many=True)},
        tags=["manage: events"],
    )
    def get(self, request):
        events = events_run_by(request)
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in Event.Status.values:
                raise _invalid({"status": [_("Choose a valid status.")]})
            events = events.filter(status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(s.ManagedEventSerializer(page, many=True).data)

    @extend_schema(
        operation_id="manage_events_create",
        summary=_("Create an event (a draft)"),
        description=_("The secretariat creates events; they start as drafts. Checked as the event form checks them."),
        request=s.EventWriteSerializer,
        responses={201: s.ManagedEventSerializer},
        tags=["manage: events"],
    )
    def post(self, request):
        if not is_secretariat_call(request):
            raise exceptions.PermissionDenied(_("Only the secretariat creates events."))
        serializer = s.EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        defaults = s.form_current_data(EventForm())
        form = EventForm(as_form_data(s.event_form_data(values=serializer.validated_data, current=defaults)))
        if not form.is_valid():
            raise _invalid(s.form_errors(form))
        event = event_create(form=form)
        return Response(s.ManagedEventSerializer(event).data, status=status.HTTP_201_CREATED)


class ManagedEventDetail(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_events_retrieve",
        summary=_("An event the caller runs"),
        responses={200: s.ManagedEventSerializer},
        tags=["manage: events"],
    )
    def get(self, request, slug: str):
        event = run_event_or_error(request, slug)
        return Response(s.ManagedEventSerializer(event).data)

    @extend_schema(
        operation_id="manage_events_partial_update",
        summary=_("Change an event"),
        description=_(
            "The fields given change, the others stay; checked as the event form checks them. "
            "Only the secretariat changes the organisers."
        ),
        request=s.EventWriteSerializer(partial=True),
        responses={200: s.ManagedEventSerializer},
        tags=["manage: events"],
    )
    def patch(self, request, slug: str):
        event = run_event_or_error(request, slug)
        serializer = s.EventWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        can_change_organisers = request.user.has_perm("events.change_event", event) and is_secretariat_call(request)
        if "organisers" in values and not can_change_organisers:
            current = {i.pk for i in event.organisers.all()}
            if set(values["organisers"]) != current:
                raise exceptions.PermissionDenied(_("Only the secretariat changes the organisers of an event."))
        instance = Event.objects.get(pk=event.pk)
        current = s.form_current_data(EventForm(instance=instance, can_change_organisers=can_change_organisers))
        form = EventForm(
            as_form_data(s.event_form_data(values=values, current=current)),
            instance=instance,
            can_change_organisers=can_change_organisers,
        )
        if not form.is_valid():
            raise _invalid(s.form_errors(form))
        try:
            event_update(form=form)
        except EventError as error:
            raise _invalid({"capacity": [str(error)]}) from error
        return Response(s.ManagedEventSerializer(Event.objects.prefetch_related("organisers").get(pk=event.pk)).data)


class ManagedEventStatus(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_events_status",
        summary=_("Publish, close or withdraw an event"),
        description=_(
            "Moves the event to the status given, as its management page does: a draft is published, a "
            "published event closed or (while nobody registered) back to draft, a closed one published again. "
            "Asking for the current status changes nothing."
        ),
        request=s.EventStatusSerializer,
        responses={200: s.ManagedEventSerializer, **conflict(_("Not allowed from the current status."))},
        tags=["manage: events"],
    )
    def post(self, request, slug: str):
        event = run_event_or_error(request, slug)
        serializer = s.EventStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            event_change_status(event=event, status=serializer.validated_data["status"])
        except EventError as error:
            raise Conflict(str(error)) from error
        return Response(s.ManagedEventSerializer(Event.objects.prefetch_related("organisers").get(pk=event.pk)).data)


# --- Registrations -----------------------------------------------------------------------------


class RegistrationCursorPagination(CursorPagination):
    ordering = ("id",)


REGISTRATION_FILTERS = [
    OpenApiParameter("q", str, required=False, description=_("Name, email or institution")),
    OpenApiParameter("status", enum=Registration.Status.values, required=False),
    OpenApiParameter("country", str, required=False, description=_("ISO 3166 code of the institution's country")),
    OpenApiParameter("institution", int, required=False, description=_("Id of the institution")),
    OpenApiParameter("kind", str, required=False, description=_("Kind of institution")),
    OpenApiParameter("role", enum=Registration.Role.values, required=False),
    OpenApiParameter("delegation", int, required=False, description=_("Id of the delegation")),
]


# What a registration's answer shows, and no more: an institution's row also holds its search
# columns (a text vector and arrays), which would otherwise be read and parsed for every row
# (as the registrations page does, ``events.views_registration.ROW_FIELDS``).
REGISTRATION_FIELDS = (
    "event__slug",
    "status",
    "role",
    "job_title",
    "checked_in_at",
    "created_at",
    "user__display_name",
    "user__email",
    "user__anonymised_at",
    "institution__slug",
    "institution__name",
    "institution__country",
    "delegation__name",
)


def _registrations(event: Event):
    return (
        Registration.objects.filter(event=event)
        .select_related("event", "user", "institution", "delegation")
        .only(*REGISTRATION_FIELDS)
    )


class RegistrationList(SecretariatAPIView):
    pagination_class = RegistrationCursorPagination

    @extend_schema(
        operation_id="manage_registrations_list",
        summary=_("An event's registrations"),
        description=_("With the filters of the registrations page; in the order they were made."),
        parameters=REGISTRATION_FILTERS,
        responses={200: s.ManagedRegistrationSerializer(many=True)},
        tags=["manage: registrations"],
    )
    def get(self, request, slug: str):
        event = run_event_or_error(request, slug)
        filters = s.RegistrationFilterSerializer(
            data={
                key: request.query_params[key]
                for key in s.RegistrationFilterSerializer().fields
                if key in request.query_params
            }
        )
        filters.is_valid(raise_exception=True)
        rows = filters.apply(_registrations(event))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(s.ManagedRegistrationSerializer(page, many=True).data)


def registration_or_error(request, slug: str, pk: int) -> tuple[Event, Registration]:
    """The registration ``pk`` of event ``slug`` if the call runs the event; 403 if it may only see it."""
    event = get_object_or_404(Event.objects.prefetch_related("organisers"), slug=slug)
    registration = get_object_or_404(_registrations(event), pk=pk)
    if may_run(request, event):
        return event, registration
    if registration.user_id == request.user.pk or registration.institution_id in acting_institutions(request):
        raise exceptions.PermissionDenied(_("Only those who run the event act on its registrations."))
    raise Http404


class RegistrationDetail(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_registrations_retrieve",
        summary=_("One registration of an event the caller runs"),
        responses={200: s.ManagedRegistrationSerializer},
        tags=["manage: registrations"],
    )
    def get(self, request, slug: str, pk: int):
        _event, registration = registration_or_error(request, slug, pk)
        return Response(s.ManagedRegistrationSerializer(registration).data)


def _refused(error: registrations.RegistrationError) -> exceptions.APIException:
    if error.field:
        return _invalid({error.field: [str(error.message)]})
    return Conflict(str(error.message))


class RegistrationAction(SecretariatAPIView):
    """Approve, decline or cancel one registration (the participant is told by email)."""

    action_name = ""
    ACTIONS = {
        "approve": registrations.approve_registration,
        "reject": registrations.reject_registration,
        "cancel": registrations.cancel_registration,
    }

    def post(self, request, slug: str, pk: int):
        _event, registration = registration_or_error(request, slug, pk)
        try:
            self.ACTIONS[self.action_name](registration=registration)
        except registrations.RegistrationError as error:
            raise _refused(error) from error
        registration.refresh_from_db(fields=["status", "role"])
        return Response(s.ManagedRegistrationSerializer(registration).data)


def _action_view(name: str, summary: str, description: str):
    def post(self, request, slug: str, pk: int):
        return RegistrationAction.post(self, request, slug, pk)

    view = type(
        f"Registration{name.title()}",
        (RegistrationAction,),
        {"action_name": name, "__doc__": description, "post": post},
    )
    view.post = extend_schema(
        operation_id=f"manage_registrations_{name}",
        summary=summary,
        description=description,
        request=None,
        responses={
            200: s.ManagedRegistrationSerializer,
            **conflict(_("Not allowed now (e.g. already approved, or the event is full).")),
        },
        tags=["manage: registrations"],
    )(view.post)
    return view


RegistrationApprove = _action_view(
    "approve",
    _("Approve a registration"),
    _("Approve a pending, declined or cancelled registration; the person is told by email."),
)
RegistrationReject = _action_view(
    "reject", _("Decline a registration"), _("Decline a registration; the person is told by email.")
)
RegistrationCancel = _action_view(
    "cancel", _("Cancel a registration"), _("Cancel a registration, which frees its place.")
)


class RegistrationRole(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_registrations_role",
        summary=_("Change a registration's role"),
        request=s.RoleSerializer,
        responses={200: s.ManagedRegistrationSerializer},
        tags=["manage: registrations"],
    )
    def post(self, request, slug: str, pk: int):
        _event, registration = registration_or_error(request, slug, pk)
        serializer = s.RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            registrations.change_role(registration=registration, role=serializer.validated_data["role"])
        except registrations.RegistrationError as error:
            raise _refused(error) from error
        return Response(s.ManagedRegistrationSerializer(registration).data)


class RegistrationBulkApprove(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_registrations_bulk_approve",
        summary=_("Approve several registrations, all or none"),
        description=_(
            "Refused as a whole when an id is not a registration of the event, or when the places "
            "taken back exceed the capacity. Each person is told by email."
        ),
        request=s.BulkApproveSerializer,
        responses={200: s.BulkApprovedSerializer, **conflict(_("The event is full."))},
        tags=["manage: registrations"],
    )
    def post(self, request, slug: str):
        event = run_event_or_error(request, slug)
        serializer = s.BulkApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["ids"])
        if Registration.objects.filter(event=event, pk__in=ids).count() != len(ids):
            raise _invalid({"ids": [_("Select registrations of this event to approve.")]})
        try:
            approved = registrations.approve_registrations(event=event, ids=ids, by=request.user)
        except registrations.RegistrationError as error:
            raise _refused(error) from error
        return Response({"approved": approved})


# --- Participant imports -------------------------------------------------------------------------


def import_job_or_error(request, slug: str, job_id: int) -> tuple[Event, ImportJob]:
    event = run_event_or_error(request, slug)
    job = get_object_or_404(ImportJob, pk=job_id, kind=participant_imports.KIND, target_id=event.pk)
    if not request.user.has_perm("core.open_import_job", job):
        raise Http404
    return event, job


class ImportStart(SecretariatAPIView):
    # The file comes as a form upload; JSON is understood too, to say that the file is missing.
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="manage_imports_create",
        summary=_("Upload a participant list"),
        description=_(
            "A CSV or .xlsx file with the columns of the import page (name, email, institution, country; "
            "title, role, delegation). The file becomes an import job, read in the background: read the "
            "job until it is “previewed”, then commit it. Nothing else is written."
        ),
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={202: s.ImportJobSerializer},
        tags=["manage: imports"],
    )
    def post(self, request, slug: str):
        event = run_event_or_error(request, slug)
        serializer = s.ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if not upload.name.lower().endswith(participant_imports.EXTENSIONS):
            raise _invalid({"file": [_("Upload a .csv or .xlsx file.")]})
        try:
            job = participant_imports.participant_import_start(
                event=event,
                created_by=request.user,
                upload=upload,
                language=translation.get_language(),
                base_url=request.build_absolute_uri("/"),
            )
        except participant_imports.ImportFailed as error:
            raise _invalid({"file": [str(error)]}) from error
        job.refresh_from_db()
        response = Response(s.ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = request.build_absolute_uri(f"{job.pk}/")
        return response


class ImportDetail(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_imports_retrieve",
        summary=_("An import job: its progress, preview, result"),
        description=_(
            "The preview lists every row with something to correct or decide (errors, people already "
            "registered, institutions without an exact match) and the first hundred others."
        ),
        responses={200: s.ImportJobSerializer},
        tags=["manage: imports"],
    )
    def get(self, request, slug: str, job_id: int):
        _event, job = import_job_or_error(request, slug, job_id)
        return Response(s.ImportJobSerializer(job).data)


class ImportCommit(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_imports_commit",
        summary=_("Commit a previewed import, all or nothing"),
        description=_(
            "Writes every row in one transaction in the background (then emails the new people). A preview "
            "with any row in error is refused, with each row's errors, and nothing is written."
        ),
        request=s.ImportCommitSerializer,
        responses={
            202: s.ImportJobSerializer,
            **conflict(_("The job is not waiting for a confirmation.")),
        },
        tags=["manage: imports"],
    )
    def post(self, request, slug: str, job_id: int):
        _event, job = import_job_or_error(request, slug, job_id)
        serializer = s.ImportCommitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if job.status != ImportJob.Status.PREVIEWED:
            raise Conflict(
                _("This import is not waiting for a confirmation (it is “%(status)s”).")
                % {"status": job.get_status_display()}
            )
        preview = job.preview or {}
        if preview.get("has_errors"):
            # Every row in error, by its number in the spreadsheet: "rows.3": ["email: …"].
            rows = {str(row["number"]): list(row["errors"]) for row in preview.get("rows", []) if row.get("errors")}
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        _("Correct the rows with errors in the file and upload it again; nothing was imported.")
                    ],
                    "rows": rows,
                }
            )
        decisions = serializer.validated_data
        confirmed = participant_imports.participant_import_confirm(
            job=job,
            institution_decisions={int(k): v for k, v in (decisions.get("institutions") or {}).items()},
            row_decisions={int(k): v for k, v in (decisions.get("rows") or {}).items()},
        )
        if not confirmed:
            raise Conflict(_("This import is not waiting for a confirmation."))
        job.refresh_from_db()
        return Response(s.ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


# --- MoUs ------------------------------------------------------------------------------------------


def _mous():
    return Mou.objects.select_related("event", "ceremony_session").prefetch_related(
        Prefetch("parties", queryset=MouParty.objects.select_related("institution").order_by("position", "pk")),
        "cooperation_types",
        "sectors",
    )


def secretariat_only(request, message) -> None:
    if not request.user.has_perm("mous.add_mou"):
        raise exceptions.PermissionDenied(message)


def mou_or_error(request, pk: int) -> Mou:
    """The MoU ``pk`` for the secretariat; 403 for others who may open it, else 404."""
    mou = get_object_or_404(_mous(), pk=pk)
    if request.user.has_perm("mous.change_mou", mou):
        return mou
    visible = mou.is_public and mou.status != Mou.Status.DRAFT
    if visible or {party.institution_id for party in mou.parties.all()} & acting_institutions(request):
        raise exceptions.PermissionDenied(_("Only the secretariat changes MoUs."))
    raise Http404


def _save_mou(request, edit: MouEdit) -> Mou:
    if not edit.is_valid():
        errors = s.form_errors(edit.form)
        for index, party in enumerate(edit.parties.forms):
            errors.update(s.form_errors(party, prefix=f"parties.{index}."))
        if edit.parties.non_form_errors():
            errors.setdefault("parties", []).extend(str(m) for m in edit.parties.non_form_errors())
        raise _invalid(errors)
    form = edit.form
    try:
        mou = mou_save(
            mou=form.instance,
            parties=[row.cleaned_data for row in edit.parties.forms],
            cooperation_types=form.cleaned_data["cooperation_types"],
            sectors=form.cleaned_data["sectors"],
            meetings=form.cleaned_data["meetings"],
            user=request.user,
        )
    except MouError as error:
        raise _invalid({"non_field_errors": [error.message]}) from error
    return mou


class MouLog(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_mous_create",
        summary=_("Log an MoU"),
        description=_("The secretariat records an MoU with its parties; checked as the MoU form checks it."),
        request=s.MouWriteSerializer,
        responses={201: s.ManagedMouSerializer},
        tags=["manage: MoUs"],
    )
    def post(self, request):
        secretariat_only(request, _("Only the secretariat logs MoUs."))
        serializer = s.MouWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        defaults = s.form_current_data(MouEdit(user=request.user).form)
        data = s.mou_form_data(values=serializer.validated_data, current=defaults, current_parties=[])
        mou = _save_mou(request, MouEdit(data=as_form_data(data), user=request.user))
        return Response(s.ManagedMouSerializer(_mous().get(pk=mou.pk)).data, status=status.HTTP_201_CREATED)


class MouDetail(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_mous_retrieve",
        summary=_("An MoU, as the secretariat sees it"),
        responses={200: s.ManagedMouSerializer},
        tags=["manage: MoUs"],
    )
    def get(self, request, pk: int):
        return Response(s.ManagedMouSerializer(mou_or_error(request, pk)).data)

    @extend_schema(
        operation_id="manage_mous_partial_update",
        summary=_("Change an MoU"),
        description=_(
            "The fields given change, the others stay (``parties`` replaces all parties). The status "
            "changes through the MoU's status."
        ),
        request=s.MouWriteSerializer(partial=True),
        responses={200: s.ManagedMouSerializer},
        tags=["manage: MoUs"],
    )
    def patch(self, request, pk: int):
        mou = mou_or_error(request, pk)
        serializer = s.MouWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("status", None)
        instance = Mou.objects.get(pk=mou.pk)
        unchanged = MouEdit(instance=instance, user=request.user)
        current = s.form_current_data(unchanged.form)
        parties = [
            {
                "institution": party.institution_id,
                "signatory_name": party.signatory_name,
                "signatory_title": party.signatory_title,
            }
            for party in mou.parties.all()
        ]
        data = s.mou_form_data(values=values, current=current, current_parties=parties)
        _save_mou(request, MouEdit(instance=instance, data=as_form_data(data), user=request.user))
        return Response(s.ManagedMouSerializer(_mous().get(pk=mou.pk)).data)


class MouStatus(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_mous_status",
        summary=_("Change an MoU's status"),
        description=_(
            "As on the MoU's page: draft → signed → active → expiring → expired; renewed (a successor draft "
            "is created, with ``valid_from`` / ``valid_until``) or terminated (``reason`` required) from "
            "signed, active or expiring."
        ),
        request=s.MouStatusSerializer,
        responses={
            200: s.MouStatusResultSerializer,
            **conflict(_("Not allowed from the current status.")),
        },
        tags=["manage: MoUs"],
    )
    def post(self, request, pk: int):
        mou = mou_or_error(request, pk)
        serializer = s.MouStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        target = values["status"]
        successor = None
        try:
            if target == Mou.Status.TERMINATED:
                if not (values.get("reason") or "").strip():
                    raise _invalid({"reason": [_("Give the reason for terminating the MoU.")]})
                lifecycle.terminate(mou=mou, reason=values["reason"], user=request.user)
            elif target == Mou.Status.RENEWED:
                valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
                if valid_from and valid_until and valid_until < valid_from:
                    raise _invalid({"valid_until": [_("The new validity must end after it starts.")]})
                successor = lifecycle.renew(mou=mou, user=request.user, valid_from=valid_from, valid_until=valid_until)
            else:
                lifecycle.transition(mou=mou, target=target, user=request.user, signed_on=values.get("signed_on"))
        except lifecycle.TransitionError as error:
            raise Conflict(error.message) from error
        return Response(
            {
                "mou": s.ManagedMouSerializer(_mous().get(pk=mou.pk)).data,
                "successor": s.ManagedMouSerializer(_mous().get(pk=successor.pk)).data if successor else None,
            }
        )


class MouCeremony(SecretariatAPIView):
    @extend_schema(
        operation_id="manage_mous_ceremony",
        summary=_("Log the MoUs of a signing ceremony, all or none"),
        description=_(
            "Several MoUs sharing the signing date, place and event, checked as the ceremony page checks "
            "them. If any MoU is invalid, nothing is written and the errors come per MoU, e.g. "
            "“mous.2.parties”."
        ),
        request=s.CeremonySerializer,
        responses={
            201: s.ManagedMouSerializer(many=True),
            **conflict(_("A reference number was taken meanwhile; nothing was saved.")),
        },
        tags=["manage: MoUs"],
    )
    def post(self, request):
        secretariat_only(request, _("Only the secretariat logs MoUs."))
        serializer = s.CeremonySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = CeremonyEntry(as_form_data(s.ceremony_form_data(serializer.validated_data)))
        if not entry.is_valid():
            errors = s.form_errors(entry.form)
            for index, row in enumerate(entry.rows.forms):
                errors.update(s.form_errors(row, prefix=f"mous.{index}."))
            if entry.rows.non_form_errors():
                errors.setdefault("mous", []).extend(str(m) for m in entry.rows.non_form_errors())
            raise _invalid(errors)
        try:
            with transaction.atomic():
                created = mous_ceremony_create(
                    shared=entry.form.cleaned_data,
                    rows=[row.cleaned_data for row in entry.rows.rows_to_save()],
                    created_by=request.user,
                )
        except MouError as error:
            raise Conflict(error.message) from error
        mous = list(_mous().filter(pk__in=[mou.pk for mou in created]).order_by("pk"))
        return Response(s.ManagedMouSerializer(mous, many=True).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("manage/events/", ManagedEventList.as_view(), name="manage-event-list"),
    path("manage/events/<slug:slug>/", ManagedEventDetail.as_view(), name="manage-event-detail"),
    path("manage/events/<slug:slug>/status/", ManagedEventStatus.as_view(), name="manage-event-status"),
    path("manage/events/<slug:slug>/registrations/", RegistrationList.as_view(), name="manage-registration-list"),
    path(
        "manage/events/<slug:slug>/registrations/approve/",
        RegistrationBulkApprove.as_view(),
        name="manage-registration-bulk-approve",
    ),
    path(
        "manage/events/<slug:slug>/registrations/<int:pk>/",
        RegistrationDetail.as_view(),
        name="manage-registration-detail",
    ),
    path(
        "manage/events/<slug:slug>/registrations/<int:pk>/approve/",
        RegistrationApprove.as_view(),
        name="manage-registration-approve",
    ),
    path(
        "manage/events/<slug:slug>/registrations/<int:pk>/reject/",
        RegistrationReject.as_view(),
        name="manage-registration-reject",
    ),
    path(
        "manage/events/<slug:slug>/registrations/<int:pk>/cancel/",
        RegistrationCancel.as_view(),
        name="manage-registration-cancel",
    ),
    path(
        "manage/events/<slug:slug>/registrations/<int:pk>/role/",
        RegistrationRole.as_view(),
        name="manage-registration-role",
    ),
    path("manage/events/<slug:slug>/imports/", ImportStart.as_view(), name="manage-import-create"),
    path("manage/events/<slug:slug>/imports/<int:job_id>/", ImportDetail.as_view(), name="manage-import-detail"),
    path(
        "manage/events/<slug:slug>/imports/<int:job_id>/commit/",
        ImportCommit.as_view(),
        name="manage-import-commit",
    ),
    path("manage/mous/", MouLog.as_view(), name="manage-mou-create"),
    path("manage/mous/ceremonies/", MouCeremony.as_view(), name="manage-mou-ceremony"),
    path("manage/mous/<int:pk>/", MouDetail.as_view(), name="manage-mou-detail"),
    path("manage/mous/<int:pk>/status/", MouStatus.as_view(), name="manage-mou-status"),
]
