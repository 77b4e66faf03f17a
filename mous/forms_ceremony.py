"""Ceremony mode: the secretariat records many MoUs signed at one ceremony in one form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.forms.utils import ErrorDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.multilingual import FALLBACK_LANGUAGE, content_languages
from events.models import Event, Session
from institutions.models import CooperationType, Institution, Sector
from institutions.selectors import institution_choices_queryset, institutions_matching

from .errors import MouError
from .forms import SessionChoiceField
from .models import Mou
from .services import check_parties

MAX_CEREMONY_ROWS = 60


class CeremonyForm(forms.Form):
    """What every MoU signed at the ceremony shares."""

    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    signed_place = forms.CharField(label=_("Place of signing"), max_length=200, required=False)
    event = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.order_by("-start_date", "title"), required=False
    )
    ceremony_session = SessionChoiceField(
        label=_("Signing ceremony"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_("A session of the event; MoU signing ceremonies are listed first."),
    )
    is_public = forms.BooleanField(label=_("List these MoUs in the public registry"), required=False)
    # The titles are recorded as written at the table; their translations are added later on
    # each MoU's own form.
    original_language = forms.ChoiceField(
        label=_("Language of the titles"),
        choices=content_languages,
        initial=FALLBACK_LANGUAGE,
        required=False,  # English when not given, as for every text of the portal
        help_text=_("The language every title below is written in. Translations can be added on each MoU's page."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels without a colon, like the portal's other forms
        super().__init__(*args, **kwargs)
        event_id = self.data.get(self.add_prefix("event")) if self.is_bound else self.initial.get("event")
        self.fields["ceremony_session"].queryset = ceremony_sessions(event_id)

    def clean(self):
        cleaned = super().clean()
        session, event = cleaned.get("ceremony_session"), cleaned.get("event")
        if session is not None:
            if event is None:
                cleaned["event"] = session.event
            elif session.event_id != event.pk:
                self.add_error("ceremony_session", _("This session belongs to another event."))
        return cleaned


def ceremony_sessions(event_id):
    """The sessions to offer: the event's (all if no event), ceremonies of MoU signing first."""
    sessions = Session.objects.select_related("event")
    if event_id and str(event_id).isdigit():
        sessions = sessions.filter(event_id=event_id)
    return sessions.annotate(
        ceremony_first=Case(
            When(kind=Session.Kind.MOU_CEREMONY, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("ceremony_first", "-event__start_date", "starts_at")


class PartiesField(forms.Field):
    """Institutions by primary key, in the order given, duplicates kept (so they can be reported)."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> list[Institution]:
        values = [str(v) for v in (value or []) if str(v).strip()]
        if any(not v.isdigit() for v in values):
            raise ValidationError(_("Pick the parties from the list."), code="invalid")
        # The same institutions as the party pickers offer: a rejected one cannot sign an MoU.
        found = institution_choices_queryset().in_bulk([int(v) for v in values])
        if len(found) != len(set(values)):
            raise ValidationError(_("One of the institutions picked no longer exists."), code="invalid_choice")
        return [found[int(v)] for v in values]

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(_("Pick at least two institutions."), code="required")


class MouRowForm(forms.Form):
    """One MoU of the ceremony."""

    title = forms.CharField(label=_("Title"), max_length=300)
    parties = PartiesField(label=_("Parties"))
    reference = forms.CharField(label=_("Reference number"), max_length=60, required=False)
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"), queryset=Sector.objects.order_by("name"), required=False
    )
    cooperation_types = forms.ModelMultipleChoiceField(
        label=_("Cooperation types"), queryset=CooperationType.objects.order_by("name"), required=False
    )
    on_behalf_of_members = forms.BooleanField(
        label=_("Alliances among the parties sign on behalf of their members"), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_parties(self) -> list[Institution]:
        parties = self.cleaned_data["parties"]
        seen: set[int] = set()
        twice: list[Institution] = []
        for institution in parties:
            if institution.pk in seen and institution not in twice:
                twice.append(institution)
            seen.add(institution.pk)
        if twice:
            raise ValidationError(
                [
                    gettext("%(name)s is picked twice: an institution is one party to an MoU.")
                    % {"name": institution.name}
                    for institution in twice
                ],
                code="duplicate_party",
            )
        try:
            return check_parties(institutions=parties)
        except MouError as error:
            raise ValidationError(error.message, code=error.code) from error

    def clean(self):
        cleaned = super().clean()
        parties = cleaned.get("parties") or []
        if cleaned.get("on_behalf_of_members") and not any(p.kind == Institution.Kind.ALLIANCE for p in parties):
            self.add_error("on_behalf_of_members", _("No party of this MoU is an alliance or network."))
        return cleaned

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if reference and Mou.objects.filter(reference=reference).exists():
            raise ValidationError(_("An MoU with this reference number already exists."), code="unique")
        return reference

    def party_choices(self) -> list[Institution]:
        """The parties picked so far, to show as chips when the form comes back."""
        if hasattr(self, "cleaned_data") and "parties" in self.cleaned_data:
            return self.cleaned_data["parties"]
        ids = self._posted_party_ids()
        found = institution_choices_queryset().in_bulk(ids)
        return [found[i] for i in ids if i in found]

    def _posted_party_ids(self) -> list[int]:
        raw = self.data.getlist(self.add_prefix("parties")) if self.is_bound else []
        return [int(v) for v in raw if str(v).isdigit()]

    @property
    def find(self) -> str:
        """What the row's search box held when the form was sent (the search without JavaScript)."""
        return self.data.get(self.add_prefix("find"), "") if self.is_bound else ""

    def found(self) -> list[Institution]:
        """The institutions the row's search box found, but those picked already: the no-JavaScript
        select offers these rather than the whole directory."""
        return list(institutions_matching(self.find, exclude_ids=self._posted_party_ids()))


class BaseMouRowFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        # Checked even when other rows have errors, so every error shows in one round.
        seen: dict[str, int] = {}
        for form in self.forms:
            if self._should_delete_form(form) or not form.has_changed():
                continue
            reference = getattr(form, "cleaned_data", {}).get("reference")
            if not reference:
                continue
            if reference in seen:
                form.add_error(
                    "reference",
                    gettext("Row %(row)s has the same reference number.") % {"row": seen[reference]},
                )
            else:
                seen[reference] = self.forms.index(form) + 1

    def new_row(self, index: int) -> MouRowForm:
        return self._construct_form(index, empty_permitted=True, use_required_attribute=False)

    def rows_to_save(self) -> list[MouRowForm]:
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form) and form.has_changed() and form.cleaned_data
        ]


MouRowFormSet = forms.formset_factory(
    MouRowForm,
    formset=BaseMouRowFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_CEREMONY_ROWS,
    validate_max=True,
    can_delete=True,
)


class CeremonyEntry:
    """The ceremony form and its rows, validated together (``mous_ceremony_create`` saves them, all or none)."""

    prefix = "rows"

    def __init__(self, data=None):
        self.form = CeremonyForm(data)
        self.rows = MouRowFormSet(data, prefix=self.prefix)

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        rows_valid = self.rows.is_valid()
        if rows_valid and not self.rows.rows_to_save():
            self.rows._non_form_errors = self.rows.error_class(
                [gettext("Add at least one MoU.")], renderer=self.rows.renderer
            )
            return False
        return form_valid and rows_valid

    def without_errors(self) -> CeremonyEntry:
        """Show the posted values without validating them (the form came back for one more row)."""
        for form in [self.form, *self.rows.forms]:
            form._errors = ErrorDict()
            form.cleaned_data = {}
        self.rows._errors = []
        self.rows._non_form_errors = self.rows.error_class(renderer=self.rows.renderer)
        return self

    def rows_with_errors(self) -> list[tuple[int, MouRowForm]]:
        """The rows to correct, numbered from 1; removed rows do not count."""
        return [
            (number, form)
            for number, form in enumerate(self.rows.forms, start=1)
            if form.errors and not self.rows._should_delete_form(form)
        ]

    def error_count(self) -> int:
        return len(self.rows_with_errors()) + (1 if self.form.errors else 0)

    def refuse(self, message: str) -> None:
        """Show ``message`` above the rows: the database refused to save them."""
        self.rows._non_form_errors = self.rows.error_class([message], renderer=self.rows.renderer)
