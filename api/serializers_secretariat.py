"""What the secretariat's and the organisers' API reads and writes: events they run, their
registrations and participant imports, and MoUs logged one by one or a ceremony at a time.

Writes are checked twice, and the second check is the one that counts: these serializers only
describe the JSON (types, lengths, choices, for the OpenAPI document and a first answer), and
the views hand the values to the very forms the pages use (``events.forms.EventForm``,
``mous.forms.MouEdit``, ``mous.forms_ceremony.CeremonyEntry``), so that the API accepts exactly
what the pages accept, with the same translated messages. The ``*_form_data`` functions turn
the JSON into those forms' data, and ``form_errors`` turns the forms' errors back into the
API's field names.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import ImportJob
from core.multilingual import clean_translations
from events.models import Event, Registration
from events.timezones import validate_time_zone
from institutions.languages import WORK_LANGUAGES
from mous.forms import MAX_PARTIES
from mous.forms_ceremony import MAX_CEREMONY_ROWS
from mous.models import Mou

from .fields import LANGUAGE_CODES, CountrySerializer, country_dict


class WallClockDateTimeField(serializers.DateTimeField):
    """A date and time as given: with an offset it is that instant; without one, a wall-clock
    time of the event's own time zone (as the pages take it)."""

    def enforce_timezone(self, value):
        return value


def translations_field(fields: tuple[str, ...]) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        required=False,
        help_text=lazy(
            lambda: (
                _(
                    "Translations per text and language, e.g. {“title”: {“zh-hans”: “…”}}: each text named "
                    "gets exactly these translations; texts not named keep theirs. Texts: %(fields)s. "
                    "Languages: %(languages)s."
                )
                % {"fields": ", ".join(fields), "languages": ", ".join(LANGUAGE_CODES)}
            ),
            str,
        )(),
    )


def checked_translations(value, model) -> dict:
    """``value`` if it names only the model's translated texts and the portal's languages, within
    each text's length (``core.multilingual.clean_translations``, as the admin checks them)."""
    max_lengths = {name: model._meta.get_field(name).max_length for name in model.TRANSLATED_FIELDS}
    try:
        clean_translations(value, model.TRANSLATED_FIELDS, max_lengths)
    except ValidationError as error:
        raise serializers.ValidationError(list(error.messages)) from error
    return value


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class InstitutionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    country = CountrySerializer()


def institution_ref(institution) -> dict:
    return {
        "id": institution.pk,
        "slug": institution.slug,
        "name": institution.name,
        "country": country_dict(institution.country),
    }


# --- Events -----------------------------------------------------------------------------------


class ManagedEventSerializer(serializers.Serializer):
    """An event as those who run it see it: draft or not, its texts as written and their translations."""

    slug = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Event.Status.choices, read_only=True)
    kind = serializers.ChoiceField(choices=Event.Kind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    theme = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    original_language = serializers.CharField(read_only=True)
    translations = serializers.DictField(child=serializers.DictField(child=serializers.CharField()), read_only=True)
    organisers = serializers.SerializerMethodField()
    city = serializers.CharField(read_only=True)
    country = CountrySerializer()
    venue = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True)
    capacity = serializers.IntegerField(read_only=True, allow_null=True)
    registration_opens_at = serializers.DateTimeField(read_only=True, allow_null=True)
    registration_closes_at = serializers.DateTimeField(read_only=True, allow_null=True)
    follow_up_days = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("The statuses the event may move to now (POST them to its status).")
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(InstitutionRefSerializer(many=True))
    def get_organisers(self, event: Event) -> list[dict]:
        return [institution_ref(institution) for institution in sorted(event.organisers.all(), key=lambda i: i.name)]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Event.Status.choices)))
    def get_allowed_transitions(self, event: Event) -> list[str]:
        from events.services_manage import allowed_transitions

        has_registrations = getattr(event, "registration_count", None)
        if has_registrations is None:
            has_registrations = event.registrations.exists()
        return [str(status) for status in allowed_transitions(event=event, has_registrations=bool(has_registrations))]


class EventWriteSerializer(serializers.Serializer):
    """An event to create (a draft) or the fields of one to change; checked as the event form checks them."""

    kind = serializers.ChoiceField(choices=Event.Kind.choices, required=False)
    title = serializers.CharField(max_length=250)
    theme = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    original_language = serializers.ChoiceField(
        choices=LANGUAGE_CODES, required=False, help_text=_("The language the texts are written in.")
    )
    translations = translations_field(Event.TRANSLATED_FIELDS)
    organisers = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=50,
        help_text=_("Ids of the organiser institutions; only the secretariat changes them."),
    )
    city = serializers.CharField(max_length=120)
    country = serializers.CharField(max_length=2, min_length=2, help_text=_("ISO 3166 code"))
    venue = serializers.CharField(max_length=250, required=False, allow_blank=True)
    time_zone = serializers.CharField(
        max_length=64, required=False, validators=[validate_time_zone], help_text=_("An IANA name, e.g. Asia/Bangkok")
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    capacity = serializers.IntegerField(min_value=1, max_value=2147483647, required=False, allow_null=True)
    registration_opens_at = WallClockDateTimeField(
        required=False,
        allow_null=True,
        help_text=_("With an offset, that instant; without one, local time of the event's time zone."),
    )
    registration_closes_at = WallClockDateTimeField(required=False, allow_null=True)
    follow_up_days = serializers.ListField(
        child=serializers.IntegerField(), required=False, min_length=1, max_length=10
    )

    def validate_translations(self, value):
        return checked_translations(value, Event)


class EventStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Event.Status.choices)


def _wall_clock(value: datetime | None, zone: str) -> datetime | None:
    if value is None or timezone.is_naive(value):
        return value
    try:
        validate_time_zone(zone)
    except ValidationError:
        return value  # the form refuses the zone anyway
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def form_current_data(form) -> dict:
    """The data a form would post unchanged: every field's current value, as the page fills it in."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    return data


def translated_form_data(fields: tuple[str, ...], data: dict, translations) -> None:
    """Put ``translations`` (per text and language) into the form's ``data``: each text named gets
    exactly these translations, the others keep theirs."""
    if not isinstance(translations, dict):
        return
    for field in fields:
        if field not in translations:
            continue
        given = translations.get(field) or {}
        for code in LANGUAGE_CODES:
            data[f"translation_{field}_{code}"] = given.get(code, "") if isinstance(given, dict) else ""


def event_form_data(*, values: dict, current: dict) -> dict:
    """The event form's data: ``current`` (the saved event's, or nothing) changed by the API's ``values``."""
    data = dict(current)
    for name in (
        "kind",
        "title",
        "theme",
        "description",
        "original_language",
        "city",
        "country",
        "venue",
        "time_zone",
        "start_date",
        "end_date",
    ):
        if name in values:
            data[name] = values[name]
    if "organisers" in values:
        data["organisers"] = [str(pk) for pk in values["organisers"]]
    if "capacity" in values:
        data["capacity"] = "" if values["capacity"] is None else values["capacity"]
    zone = data.get("time_zone") or "Asia/Bangkok"
    for name in ("registration_opens_at", "registration_closes_at"):
        if name in values:
            data[name] = _wall_clock(values[name], zone) or ""
    if "follow_up_days" in values:
        data["follow_up_days"] = ", ".join(str(day) for day in values["follow_up_days"])
    translated_form_data(Event.TRANSLATED_FIELDS, data, values.get("translations"))
    return data


def form_errors(form, *, prefix: str = "") -> dict[str, list[str]]:
    """A form's errors under the API's field names: ``translation_title_km`` is ``translations.title.km``."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        if name == "__all__":
            key = prefix.rstrip(".") or "non_field_errors"
        elif name.startswith("translation_"):
            field, _sep, code = name.removeprefix("translation_").rpartition("_")
            key = f"{prefix}translations.{field}.{code}"
        else:
            key = f"{prefix}{name}"
        errors.setdefault(key, []).extend(str(message) for message in messages)
    return errors


# --- Registrations ------------------------------------------------------------------------------


class RegistrationFilterSerializer(serializers.Serializer):
    """The filters of the registrations list, as on its page."""

    q = serializers.CharField(required=False, max_length=200, help_text=_("Name, email or institution"))
    status = serializers.ChoiceField(choices=Registration.Status.choices, required=False)
    country = serializers.CharField(required=False, max_length=2, help_text=_("ISO 3166 code of the institution"))
    institution = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    kind = serializers.CharField(required=False, max_length=40, help_text=_("Kind of institution"))
    role = serializers.ChoiceField(choices=Registration.Role.choices, required=False)
    delegation = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    LOOKUPS = {
        "country": "institution__country",
        "institution": "institution_id",
        "kind": "institution__kind",
        "role": "role",
        "delegation": "delegation_id",
        "status": "status",
    }

    def apply(self, queryset):
        from django.db.models import Q

        data = self.validated_data
        text = (data.get("q") or "").strip()
        if text:
            queryset = queryset.filter(
                Q(user__display_name__icontains=text)
                | Q(user__email__icontains=text)
                | Q(institution__name__icontains=text)
                | Q(institution__name_local__icontains=text)
            )
        for field, lookup in self.LOOKUPS.items():
            value = data.get(field)
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value.upper() if field == "country" else value})
        return queryset


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


class ManagedRegistrationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    event = serializers.CharField(source="event.slug")
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    role = serializers.ChoiceField(choices=Registration.Role.choices)
    job_title = serializers.CharField()
    person = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    delegation = serializers.SerializerMethodField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(PersonSerializer)
    def get_person(self, registration: Registration) -> dict:
        return {"name": str(registration.user), "email": registration.user.email}

    @extend_schema_field(InstitutionRefSerializer)
    def get_institution(self, registration: Registration) -> dict:
        return institution_ref(registration.institution)

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_delegation(self, registration: Registration) -> dict | None:
        delegation = registration.delegation
        return {"id": delegation.pk, "name": delegation.name} if delegation else None


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Registration.Role.choices)


class BulkApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=5000
    )


class BulkApprovedSerializer(serializers.Serializer):
    approved = serializers.IntegerField(help_text=_("How many registrations were newly approved."))


# --- Participant imports -----------------------------------------------------------------------


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("UTF-8 CSV (with or without BOM) or .xlsx, up to 5 MB and 5,000 rows."))


class PreviewInstitutionSerializer(serializers.Serializer):
    match = serializers.DictField(allow_null=True, help_text=_("The existing institution matched exactly."))
    likely = serializers.DictField(allow_null=True, help_text=_("A likely match, to accept or not."))


class PreviewRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=_("The row's number in the spreadsheet (the header is row 1)."))
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))
    errors = serializers.ListField(child=serializers.CharField())
    registered = serializers.BooleanField(help_text=_("The person is already registered for the event."))
    existing_user = serializers.BooleanField()
    role_label = serializers.CharField()
    delegation_name = serializers.CharField(allow_blank=True)
    new_delegation = serializers.BooleanField()
    institution = PreviewInstitutionSerializer()


class PreviewLikelySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    likely_name = serializers.CharField()
    likely_percent = serializers.IntegerField()


class ImportPreviewSerializer(serializers.Serializer):
    total_rows = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    ignored_headers = serializers.ListField(child=serializers.CharField())
    has_errors = serializers.BooleanField()
    error_rows = serializers.IntegerField()
    hidden_rows = serializers.IntegerField(
        help_text=_("Rows with nothing to decide or correct that the preview leaves out.")
    )
    rows = PreviewRowSerializer(many=True)
    likely_institutions = PreviewLikelySerializer(many=True)


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    filename = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    preview = serializers.SerializerMethodField()
    result = serializers.DictField(allow_null=True, help_text=_("What the import wrote, once done."))
    warning = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)

    PREVIEW_ROW_KEYS = (
        "number",
        "values",
        "errors",
        "registered",
        "existing_user",
        "role_label",
        "delegation_name",
        "new_delegation",
        "institution",
    )

    @extend_schema_field(ImportPreviewSerializer(allow_null=True))
    def get_preview(self, job) -> dict | None:
        preview = job.preview
        if not preview:
            return None
        return {
            "total_rows": preview.get("total_rows", 0),
            "counts": preview.get("counts", {}),
            "ignored_headers": preview.get("ignored_headers", []),
            "has_errors": bool(preview.get("has_errors")),
            "error_rows": preview.get("error_rows", 0),
            "hidden_rows": preview.get("hidden_rows", 0),
            "rows": [{key: row.get(key) for key in self.PREVIEW_ROW_KEYS} for row in preview.get("rows", [])],
            "likely_institutions": [
                {key: choice.get(key) for key in ("number", "name", "likely_name", "likely_percent")}
                for choice in preview.get("likely_institutions", [])
            ],
        }


class ImportCommitSerializer(serializers.Serializer):
    institutions = serializers.DictField(
        child=serializers.ChoiceField(choices=[("accept", "accept"), ("create", "create")]),
        required=False,
        help_text=_(
            "For each likely institution match, by the number of the first row naming it: “accept” the "
            "match (the default) or “create” a new institution."
        ),
    )
    rows = serializers.DictField(
        child=serializers.ChoiceField(choices=[("skip", "skip"), ("update", "update")]),
        required=False,
        help_text=_(
            "For each person already registered, by row number: “skip” the row (the default) or "
            "“update” the registration's role, title and delegation."
        ),
    )

    def validate(self, attrs):
        for name in ("institutions", "rows"):
            for key in attrs.get(name) or {}:
                if not str(key).isdigit():
                    raise serializers.ValidationError({name: [_("Give row numbers as keys.")]})
        return attrs


# --- MoUs ---------------------------------------------------------------------------------------


class PartyInSerializer(serializers.Serializer):
    institution = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    signatory_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    signatory_title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PartyOutSerializer(serializers.Serializer):
    institution = InstitutionRefSerializer()
    signatory_name = serializers.CharField()
    signatory_title = serializers.CharField()


class ManagedMouSerializer(serializers.Serializer):
    """An MoU as the secretariat sees it: any status, public or not, its texts as written."""

    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    reference = serializers.CharField()
    summary = serializers.CharField()
    original_language = serializers.CharField()
    translations = serializers.DictField(child=serializers.DictField(child=serializers.CharField()))
    status = serializers.ChoiceField(choices=Mou.Status.choices)
    signed_on = serializers.DateField(allow_null=True)
    signed_place = serializers.CharField()
    witnesses = serializers.CharField()
    event = serializers.SerializerMethodField()
    ceremony_session = serializers.IntegerField(source="ceremony_session_id", allow_null=True)
    parties = serializers.SerializerMethodField()
    cooperation_types = serializers.SerializerMethodField()
    sectors = serializers.SerializerMethodField()
    languages = serializers.ListField(child=serializers.CharField())
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    is_public = serializers.BooleanField()
    meetings = serializers.SerializerMethodField()
    termination_reason = serializers.CharField()
    renewal_of = serializers.IntegerField(source="renewal_of_id", allow_null=True)
    allowed_transitions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True, help_text=_("The event's slug")))
    def get_event(self, mou: Mou) -> str | None:
        return mou.event.slug if mou.event_id else None

    @extend_schema_field(PartyOutSerializer(many=True))
    def get_parties(self, mou: Mou) -> list[dict]:
        return [
            {
                "institution": institution_ref(party.institution),
                "signatory_name": party.signatory_name,
                "signatory_title": party.signatory_title,
            }
            for party in mou.parties.all()
        ]

    @extend_schema_field(NamedRefSerializer(many=True))
    def get_cooperation_types(self, mou: Mou) -> list[dict]:
        return [{"id": item.pk, "name": str(item)} for item in mou.cooperation_types.all()]

    @extend_schema_field(NamedRefSerializer(many=True))
    def get_sectors(self, mou: Mou) -> list[dict]:
        return [{"id": item.pk, "name": str(item)} for item in mou.sectors.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_meetings(self, mou: Mou) -> list[int]:
        return sorted(mou.meetings.values_list("pk", flat=True))

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Mou.Status.choices)))
    def get_allowed_transitions(self, mou: Mou) -> list[str]:
        from mous.lifecycle import allowed_transitions

        return [str(status) for status in allowed_transitions(mou=mou)]


class MouWriteSerializer(serializers.Serializer):
    """An MoU to log, or the fields of one to change; checked as the MoU form checks them."""

    title = serializers.CharField(max_length=300)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    original_language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    translations = translations_field(Mou.TRANSLATED_FIELDS)
    status = serializers.ChoiceField(
        choices=[(Mou.Status.DRAFT, Mou.Status.DRAFT.label), (Mou.Status.SIGNED, Mou.Status.SIGNED.label)],
        required=False,
        help_text=_("When logging: draft or signed. Later changes go through the MoU's status."),
    )
    signed_on = serializers.DateField(required=False, allow_null=True)
    signed_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    witnesses = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    event = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    ceremony_session = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    cooperation_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=100
    )
    sectors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=100
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=WORK_LANGUAGES), required=False, max_length=20
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    duration_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1200)
    is_public = serializers.BooleanField(required=False)
    parties = PartyInSerializer(many=True, min_length=2, max_length=MAX_PARTIES)
    meetings = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=100
    )

    def validate_translations(self, value):
        return checked_translations(value, Mou)


def mou_form_data(*, values: dict, current: dict, current_parties: list[dict]) -> dict:
    """The MoU form's and its parties' data: ``current`` changed by the API's ``values``."""
    data = dict(current)
    for name in (
        "title",
        "reference",
        "summary",
        "original_language",
        "status",
        "signed_place",
        "witnesses",
        "is_public",
    ):
        if name in values:
            data[name] = values[name]
    for name in ("signed_on", "valid_from", "valid_until", "duration_months", "event", "ceremony_session"):
        if name in values:
            data[name] = "" if values[name] is None else values[name]
    for name in ("cooperation_types", "sectors", "meetings"):
        if name in values:
            data[name] = [str(pk) for pk in values[name]]
    if "languages" in values:
        data["languages"] = list(values["languages"])
    if "is_public" in data and not data["is_public"]:
        data.pop("is_public")  # an unticked box is not sent
    translated_form_data(Mou.TRANSLATED_FIELDS, data, values.get("translations"))
    parties = values.get("parties", current_parties)
    data["parties-TOTAL_FORMS"] = str(len(parties))
    data["parties-INITIAL_FORMS"] = "0"
    for index, party in enumerate(parties):
        data[f"parties-{index}-institution"] = str(party.get("institution") or "")
        data[f"parties-{index}-signatory_name"] = party.get("signatory_name", "")
        data[f"parties-{index}-signatory_title"] = party.get("signatory_title", "")
    return data


class MouStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Mou.Status.choices)
    signed_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("When signing: the signing date (default: the MoU's, or today).")
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text=_("When terminating: the reason, required.")
    )
    valid_from = serializers.DateField(required=False, allow_null=True, help_text=_("When renewing: the new validity."))
    valid_until = serializers.DateField(required=False, allow_null=True)


class MouStatusResultSerializer(serializers.Serializer):
    mou = ManagedMouSerializer()
    successor = ManagedMouSerializer(
        allow_null=True, help_text=_("When renewed: the new draft MoU that carries the agreement on.")
    )


class CeremonyRowSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    parties = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=2,
        max_length=MAX_PARTIES,
        help_text=_("Ids of the party institutions, in the order they signed."),
    )
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    sectors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=100
    )
    cooperation_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=100
    )


class CeremonySerializer(serializers.Serializer):
    """A signing ceremony: what its MoUs share, and each MoU signed at it."""

    signed_on = serializers.DateField()
    signed_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    ceremony_session = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    is_public = serializers.BooleanField(required=False, default=False)
    original_language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    mous = CeremonyRowSerializer(many=True, min_length=1, max_length=MAX_CEREMONY_ROWS)


def ceremony_form_data(values: dict) -> dict:
    """The ceremony form's and its rows' data (prefix ``rows``) from the API's values."""
    data: dict = {
        "signed_on": values["signed_on"],
        "signed_place": values.get("signed_place", ""),
        "event": "" if values.get("event") is None else str(values["event"]),
        "ceremony_session": "" if values.get("ceremony_session") is None else str(values["ceremony_session"]),
        "original_language": values.get("original_language", ""),
    }
    if values.get("is_public"):
        data["is_public"] = True
    rows = values["mous"]
    data["rows-TOTAL_FORMS"] = str(len(rows))
    data["rows-INITIAL_FORMS"] = "0"
    for index, row in enumerate(rows):
        data[f"rows-{index}-title"] = row["title"]
        data[f"rows-{index}-parties"] = [str(pk) for pk in row["parties"]]
        data[f"rows-{index}-reference"] = row.get("reference", "")
        data[f"rows-{index}-sectors"] = [str(pk) for pk in row.get("sectors", [])]
        data[f"rows-{index}-cooperation_types"] = [str(pk) for pk in row.get("cooperation_types", [])]
    return data
