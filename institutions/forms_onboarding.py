"""Forms of the sign-up flow (find, join or create an institution) and of the import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.imports import SpreadsheetUploadForm

from .models import Institution, Membership

IMPORT_MAX_BYTES = 2 * 1024 * 1024


class InstitutionFindForm(forms.Form):
    q = forms.CharField(
        label=_("Name, local-script name or acronym of your institution"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class InstitutionCreateForm(forms.ModelForm):
    """What a newcomer tells about their institution; the rest is filled in on its profile later."""

    # Sent by the "none of these, create mine" button, shown with the likely duplicates.
    confirm_new = forms.BooleanField(required=False)
    # Django 6 will assume https for addresses typed without a scheme; opt in now.
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Institution
        fields = ["name", "name_local", "acronym", "kind", "country", "province", "city", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("The official name in English, without abbreviations.")

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        name, country = cleaned.get("name"), cleaned.get("country")
        if name and country and Institution.objects.filter(name__iexact=name, country=country).exists():
            # An error on "name" also keeps the model's own constraint check from repeating it.
            self.add_error(
                "name", _("An institution with this name already exists in this country: ask to join it instead.")
            )
        return cleaned

    def institution_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["job_title", "request_message"]
        widgets = {"request_message": forms.Textarea(attrs={"rows": 3})}
        labels = {"job_title": _("Your job title"), "request_message": _("Message to the admins (optional)")}


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Institution.Verification.VERIFIED, _("verify")),
            (Institution.Verification.REJECTED, _("reject")),
        ]
    )


class ImportUploadForm(SpreadsheetUploadForm):
    max_bytes = IMPORT_MAX_BYTES
    too_large = _("The file is larger than 2 MB: split it into several imports.")

    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_("UTF-8 CSV (with or without BOM) or .xlsx, up to 2 MB and 2,000 rows."),
    )
