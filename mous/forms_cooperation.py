"""Forms for the exchanges and projects recorded under an MoU or an alliance, and what the MoU
page's "Exchanges" and "Projects" sections need.

The forms offer only the MoU's own parties and the years of its life, and check the rules the
services check (``mous.services_cooperation``), so that bad input gets a message beside its
field and nothing is saved.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.multilingual import TranslationsFormMixin
from institutions.models import Institution, Sector

from .errors import MouError
from .models import Exchange, Mou, Project
from .selectors_cooperation import exchange_table, projects_of_mou
from .services_cooperation import exchange_check, mou_years

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT = forms.Textarea(attrs={"rows": 3})
# Which field a rule's message is shown beside (see ``MouError.code``).
_ERROR_FIELDS = {"year": "year", "party": "to_institution", "duration": "duration_unit", "duplicate": None}
# Rules that the model's check constraints hold too: the form's model validation reports them.
_CHECKED_BY_CONSTRAINTS = {"same_party", "no_figure", "number"}


class ExchangeForm(forms.ModelForm):
    class Meta:
        model = Exchange
        fields = [
            "year",
            "category",
            "from_institution",
            "to_institution",
            "field",
            "planned",
            "actual",
            "duration",
            "duration_unit",
            "note",
        ]
        widgets = {"note": _TEXT}
        help_texts = {
            "planned": _("The quota agreed for the year, if any."),
            "actual": _("How many people took part."),
        }

    def __init__(self, *args, mou: Mou, **kwargs):
        super().__init__(*args, **kwargs)
        self.mou = mou
        self.instance.mou = mou
        first, last = mou_years(mou=mou)
        this_year = timezone.localdate().year
        self.fields["year"] = forms.TypedChoiceField(
            label=self.fields["year"].label,
            choices=[(year, str(year)) for year in range(last, first - 1, -1)],
            coerce=int,
            initial=min(max(this_year, first), last),
        )
        parties = Institution.objects.filter(mou_parties__mou=mou).order_by("name")
        self.fields["from_institution"].queryset = parties
        self.fields["to_institution"].queryset = parties
        self.fields["field"].queryset = Sector.objects.order_by("pk")
        self.fields["field"].empty_label = _("Any field")
        self.fields["duration_unit"].required = False
        self.fields["duration_unit"].choices = Exchange.DurationUnit.choices
        for name in ("planned", "actual", "duration"):
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            exchange_check(exchange=self.instance_with(cleaned))
        except MouError as error:
            # The model's constraints report these with the same words (ModelForm checks them).
            if error.code not in _CHECKED_BY_CONSTRAINTS:
                self.add_error(_ERROR_FIELDS.get(error.code), error.message)
        return cleaned

    def instance_with(self, cleaned: dict) -> Exchange:
        """The exchange as it would be saved (``construct_instance`` runs after ``clean``)."""
        exchange = Exchange(pk=self.instance.pk, mou=self.mou)
        for name in self.Meta.fields:
            if name in cleaned:
                setattr(exchange, name, cleaned[name])
        return exchange

    def validate_unique(self):
        """The one-row-per-flow rule is checked by ``exchange_check`` with its own message."""


class ProjectForm(TranslationsFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "kind", "status", "start_on", "end_on", "description", "recognition_note"]
        widgets = {"start_on": _DATE, "end_on": _DATE, "description": _TEXT, "recognition_note": _TEXT}

    @property
    def project_fields(self) -> list:
        """The project's own fields, without the language and translations (in their own group)."""
        return [
            self[name] for name in self.fields if name != "original_language" and not self.is_translation_field(name)
        ]

    # The dates' order is the model's constraint "project_dates_ordered", checked with its message.


def cooperation_context(request, mou: Mou) -> dict:
    """What the MoU page's "Exchanges" and "Projects" sections show to ``request.user``."""
    can_record = request.user.has_perm("mous.record_cooperation", mou)
    return {
        "mou": mou,
        "exchange_table": exchange_table(mou=mou),
        "projects": list(projects_of_mou(mou=mou)),
        "can_record_cooperation": can_record,
        "can_read_exchange_notes": request.user.has_perm("mous.view_exchange_notes", mou),
        "exchange_form": ExchangeForm(mou=mou, prefix="exchange") if can_record else None,
        "project_form": ProjectForm(prefix="project") if can_record else None,
    }
