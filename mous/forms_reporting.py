"""The cooperation report's filters: the period, a country and a sector."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import PlainSelect
from institutions.models import Sector

from .filters import _country_choices
from .reporting import ReportFilters

# The first year a report may start: the portal holds no agreement signed before it.
FIRST_YEAR = 1990
# A report covers at most this many years: one column of figures per year stays printable.
MAX_YEARS = 30
# The default period: the last few calendar years, this one included.
DEFAULT_YEARS = 5


class ReportForm(forms.Form):
    """The report's filters; an empty form asks for the last ``DEFAULT_YEARS`` years."""

    year_from = forms.IntegerField(
        label=_("From year"),
        required=False,
        min_value=FIRST_YEAR,
        error_messages={"invalid": _("Enter the first year as four digits, such as 2024.")},
    )
    year_to = forms.IntegerField(
        label=_("To year"),
        required=False,
        min_value=FIRST_YEAR,
        error_messages={"invalid": _("Enter the last year as four digits, such as 2025.")},
    )
    country = forms.ChoiceField(label=_("Country (any party)"), required=False, widget=PlainSelect)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, to_field_name="slug", widget=PlainSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        for name in ("year_from", "year_to"):
            self.fields[name].max_value = this_year + 1
            self.fields[name].widget.attrs.update({"min": FIRST_YEAR, "max": this_year + 1, "inputmode": "numeric"})
        self.fields["year_from"].widget.attrs["placeholder"] = this_year - DEFAULT_YEARS + 1
        self.fields["year_to"].widget.attrs["placeholder"] = this_year
        self.fields["country"].choices = _country_choices(self.data)
        self.fields["sector"].queryset = Sector.objects.order_by("name")
        self.fields["sector"].empty_label = _("Any sector")

    def clean(self):
        data = super().clean()
        this_year = timezone.localdate().year
        year_to = data.get("year_to") or this_year
        year_from = data.get("year_from") or min(year_to, this_year) - DEFAULT_YEARS + 1
        if "year_from" in self.errors or "year_to" in self.errors:
            return data
        if year_from > year_to:
            raise forms.ValidationError(
                _("The first year (%(first)s) comes after the last year (%(last)s): swap them."),
                code="reversed",
                params={"first": year_from, "last": year_to},
            )
        if year_to - year_from + 1 > MAX_YEARS:
            raise forms.ValidationError(
                _("A report covers at most %(count)s years: shorten the period."),
                code="too_long",
                params={"count": MAX_YEARS},
            )
        data["year_from"], data["year_to"] = year_from, year_to
        return data

    def report_filters(self) -> ReportFilters:
        """The filters of a valid form."""
        sector = self.cleaned_data.get("sector")
        return ReportFilters(
            year_from=self.cleaned_data["year_from"],
            year_to=self.cleaned_data["year_to"],
            country=self.cleaned_data.get("country") or "",
            sector_id=sector.pk if sector else None,
        )
