"""Serializers of an institution admin's endpoints: the profile, its offers and its needs.

The JSON a call sends is checked for its shape here and then handed to the very forms the
profile page validates (``institutions.forms.ProfileEdit``: the profile form with its offers
and needs formsets), filled in with everything the call leaves as it is; the page's service
(``institutions.services_profile.institution_profile_update``) then saves it. So every rule
of the page holds for the API too (names unique per country, one row per cooperation type
and sector, at most 30 offers, translations per language and length), and the same audit
trail, page-cache invalidation and search columns follow. The forms' errors come back under
the API's field names.

Texts in several languages: ``description`` (of the profile) and ``note`` (of an offer or a
need) are the texts as written, in ``original_language``; ``translations`` holds the others,
``{"description": {"zh-hans": "…"}}``. A field named in ``translations`` gets exactly the
translations given (an empty text removes one); a field not named keeps its translations.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.multilingual import clean_translations, language_codes
from institutions.forms import ProfileEdit
from institutions.languages import WORK_LANGUAGES
from institutions.models import CooperationType, Institution, Need, Offer, Sector
from institutions.services_profile import institution_profile_update

from .fields import LANGUAGE_CODES

NON_FIELD = "non_field_errors"
# The profile form's own fields that the API sends and returns under the same names.
PROFILE_TEXT_FIELDS = (
    "name",
    "name_local",
    "acronym",
    "kind",
    "province",
    "city",
    "website",
    "description",
    "contact_email",
)
ITEM_TEXT_FIELDS = ("note", "capacity")
ITEM_KINDS = {"offers": Offer, "needs": Need}


class TranslationsField(serializers.DictField):
    """``{"<field>": {"<language>": "<text>"}}``: the translations of a row's texts."""

    def __init__(self, *, fields: tuple[str, ...], **kwargs) -> None:
        self.translated_fields = fields
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "Translations per text and language code. A text named here gets exactly the "
                "translations given (an empty text removes one); the others keep theirs."
            ),
        )
        super().__init__(child=serializers.DictField(child=serializers.CharField(allow_blank=True)), **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            # The portal's one check of translations: known texts and languages, lengths.
            clean_translations(value, self.translated_fields, dict.fromkeys(self.translated_fields))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value


def _translation_values(row, field: str, given: dict | None) -> dict[str, str]:
    """The form's translation fields of ``field``: the ones stored, or exactly those ``given``."""
    values = {}
    for code in language_codes():
        if given is not None and field in given:
            text = (given[field] or {}).get(code, "")
        else:
            text = row.translation(field, code) if row is not None and row.pk else ""
        values[f"translation_{field}_{code}"] = text
    return values


# --- The profile --------------------------------------------------------------------------------


def profile_form_data(institution: Institution, changes: dict | None = None) -> dict:
    """The profile form's data: the stored profile with ``changes`` (validated API values) on top."""
    changes = changes or {}
    data = {name: getattr(institution, name) or "" for name in PROFILE_TEXT_FIELDS}
    data["country"] = institution.country.code or ""
    data["languages"] = list(institution.languages or [])
    data["sectors"] = [str(pk) for pk in institution.sectors.values_list("pk", flat=True)]
    data["original_language"] = institution.original_language
    for name in (*PROFILE_TEXT_FIELDS, "country", "original_language"):
        if name in changes:
            data[name] = changes[name]
    if "languages" in changes:
        data["languages"] = list(changes["languages"])
    if "sectors" in changes:
        data["sectors"] = [str(sector.pk) for sector in changes["sectors"]]
    data.update(_translation_values(institution, "description", changes.get("translations")))
    return data


def item_form_data(item, changes: dict | None = None) -> dict:
    """One offer or need row's data: the stored row (None: a new one) with ``changes`` on top."""
    changes = changes or {}
    data = {
        "cooperation_type": str(item.cooperation_type_id) if item is not None else "",
        "sector": str(item.sector_id) if item is not None else "",
        "note": item.note if item is not None else "",
        "capacity": item.capacity if item is not None else "",
        "original_language": item.original_language if item is not None else "",
    }
    if item is not None:
        data["id"] = str(item.pk)
    for name in ("cooperation_type", "sector"):
        if name in changes:
            data[name] = str(changes[name].pk)
    for name in (*ITEM_TEXT_FIELDS, "original_language"):
        if name in changes:
            data[name] = changes[name]
    data.update(_translation_values(item, "note", changes.get("translations")))
    return data


def profile_edit_data(
    institution: Institution,
    *,
    profile: dict | None = None,
    kind: str | None = None,
    item=None,
    item_changes: dict | None = None,
    delete: bool = False,
) -> tuple[dict, int | None]:
    """The whole edit page's data for one change, and the changed row's index in its formset.

    Every stored offer and need is sent as it is (unchanged rows are not saved again), and the
    change: the profile's ``profile`` values, or in the ``kind`` formset a new row (``item`` is
    None), changes to ``item``, or ``item`` deleted.
    """
    data = profile_form_data(institution, profile)
    changed_index = None
    for prefix, model in ITEM_KINDS.items():
        rows = list(model.objects.filter(institution=institution).order_by("pk"))
        changed = item if prefix == kind and item is not None else None
        # The changed row comes last, so that a clash with another row is reported on it
        # (the formset names the later of two equal rows); stored rows are found by their id.
        forms_data = [item_form_data(row) for row in rows if changed is None or row.pk != changed.pk]
        if changed is not None:
            changed_index = len(forms_data)
            row_data = item_form_data(changed, item_changes)
            if delete:
                row_data["DELETE"] = "on"
            forms_data.append(row_data)
        if prefix == kind and item is None:
            changed_index = len(forms_data)
            forms_data.append(item_form_data(None, item_changes))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(forms_data))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row_data in enumerate(forms_data):
            for key, value in row_data.items():
                data[f"{prefix}-{index}-{key}"] = value
    return data, changed_index


def _api_field(name: str) -> str:
    if name == "__all__" or name == "id":
        return NON_FIELD
    if name.startswith("translation_"):
        return "translations"
    return name


def _add(errors: dict[str, list[str]], field: str, messages) -> None:
    if messages:
        errors.setdefault(field, []).extend(str(message) for message in messages)


def profile_edit_errors(edit: ProfileEdit, *, kind: str | None = None, index: int | None = None) -> dict:
    """The edit's errors under the API's field names.

    The profile form's and the changed row's errors keep their fields' names; anything else
    (another row, the formsets' own limits) is a general error naming the row it concerns.
    """
    errors: dict[str, list[str]] = {}
    for name, messages in edit.form.errors.items():
        _add(errors, _api_field(name), messages)
    for prefix in ITEM_KINDS:
        formset = getattr(edit, prefix)
        _add(errors, NON_FIELD, formset.non_form_errors())
        for row_index, form in enumerate(formset.forms):
            for name, messages in form.errors.items():
                if prefix == kind and row_index == index:
                    _add(errors, _api_field(name), messages)
                else:
                    label = str(form.instance) if form.instance.pk else prefix
                    _add(errors, NON_FIELD, [f"{label}: {message}" for message in messages])
    return errors or {NON_FIELD: [str(_("Nothing was saved: please check the values sent."))]}


def validated_edit(institution: Institution, **change) -> ProfileEdit:
    """Build and validate the page's ProfileEdit for ``change``, or raise ``ValidationError``."""
    data, index = profile_edit_data(institution, **change)
    edit = ProfileEdit(institution, data)
    if not edit.is_valid():
        raise serializers.ValidationError(profile_edit_errors(edit, kind=change.get("kind"), index=index))
    return edit


class CountrySerializerField(serializers.CharField):
    """A country as its ISO 3166-1 alpha-2 code; the profile form checks it is one of the portal's."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        kwargs.setdefault("help_text", _("ISO 3166-1 alpha-2 code, e.g. KH."))
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return getattr(value, "code", value) or ""

    def to_internal_value(self, data) -> str:
        return super().to_internal_value(data).upper()


class ManagedInstitutionSerializer(serializers.Serializer):
    """An institution's profile as its admins edit it (private fields included)."""

    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(max_length=250, help_text=_("The name in English."))
    name_local = serializers.CharField(max_length=250, allow_blank=True, required=False)
    acronym = serializers.CharField(max_length=30, allow_blank=True, required=False)
    kind = serializers.ChoiceField(choices=Institution.Kind.choices)
    country = CountrySerializerField()
    country_name = serializers.SerializerMethodField()
    province = serializers.CharField(max_length=120, allow_blank=True, required=False)
    city = serializers.CharField(max_length=120, allow_blank=True, required=False)
    website = serializers.CharField(max_length=200, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    original_language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    translations = TranslationsField(fields=Institution.TRANSLATED_FIELDS)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=WORK_LANGUAGES), required=False, help_text=_("Languages of work.")
    )
    sectors = serializers.SlugRelatedField(
        slug_field="slug", queryset=Sector.objects.all(), many=True, required=False, help_text=_("Sector keys.")
    )
    contact_email = serializers.EmailField(
        allow_blank=True,
        required=False,
        help_text=_("Where the contact form's messages go; never shown to anyone."),
    )
    verification_status = serializers.CharField(read_only=True)
    logo = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(read_only=True)

    def get_country_name(self, institution: Institution) -> str:
        return str(institution.country.name or "")

    def get_logo(self, institution: Institution) -> str | None:
        return institution.logo.url if institution.logo else None

    def validate(self, attrs: dict) -> dict:
        self.edit = validated_edit(self.instance, profile=attrs)
        return attrs

    def update(self, instance: Institution, validated_data: dict) -> Institution:
        edit = self.edit
        return institution_profile_update(
            form=edit.form, item_formsets=[edit.offers, edit.needs], previous_logo=edit.previous_logo
        )


# --- Offers and needs ---------------------------------------------------------------------------


class ManagedProfileItemSerializer(serializers.Serializer):
    """One offer or need: a cooperation type in a sector, with a note and a capacity.

    The serializer's context holds the ``institution`` and the ``kind`` ("offers" or "needs").
    """

    id = serializers.IntegerField(read_only=True)
    cooperation_type = serializers.SlugRelatedField(
        slug_field="slug", queryset=CooperationType.objects.all(), help_text=_("Cooperation type key.")
    )
    sector = serializers.SlugRelatedField(slug_field="slug", queryset=Sector.objects.all(), help_text=_("Sector key."))
    note = serializers.CharField(max_length=300, allow_blank=True, required=False)
    capacity = serializers.CharField(max_length=120, allow_blank=True, required=False)
    original_language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    translations = TranslationsField(fields=Offer.TRANSLATED_FIELDS)

    def validate(self, attrs: dict) -> dict:
        self.edit = validated_edit(
            self.context["institution"], kind=self.context["kind"], item=self.instance, item_changes=attrs
        )
        return attrs

    def _save(self, validated_data: dict):
        edit = self.edit
        institution = institution_profile_update(
            form=edit.form, item_formsets=[edit.offers, edit.needs], previous_logo=edit.previous_logo
        )
        model = ITEM_KINDS[self.context["kind"]]
        item = self.instance
        cooperation_type = validated_data.get("cooperation_type", getattr(item, "cooperation_type", None))
        sector = validated_data.get("sector", getattr(item, "sector", None))
        # One row per cooperation type and sector: the saved row is found by them.
        return model.objects.select_related("cooperation_type", "sector").get(
            institution=institution, cooperation_type=cooperation_type, sector=sector
        )

    def create(self, validated_data: dict):
        return self._save(validated_data)

    def update(self, instance, validated_data: dict):
        return self._save(validated_data)


def profile_item_delete(*, institution: Institution, kind: str, item) -> None:
    """Delete ``item`` as the edit page does (its row marked for deletion), or raise ValidationError."""
    edit = validated_edit(institution, kind=kind, item=item, delete=True)
    institution_profile_update(
        form=edit.form, item_formsets=[edit.offers, edit.needs], previous_logo=edit.previous_logo
    )
