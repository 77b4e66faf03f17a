"""The form that creates an API token on the preferences page (written through api.services)."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from institutions.permissions import active_institution_ids

from .models import ApiToken
from .services import DEFAULT_LIFETIME, MAX_LIFETIME


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Data warehouse import”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=[
            (ApiToken.Scope.READ, _("Read only")),
            (ApiToken.Scope.WRITE, _("Read and write")),
        ],
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    institution = forms.ModelChoiceField(
        label=_("Acts for"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("No institution (my own data only)"),
        help_text=_("The one institution the token may act for; your rights there are checked on every call."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most one year from today."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=active_institution_ids(user)).order_by(
            "name"
        )
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + DEFAULT_LIFETIME
        self.fields["expires_on"].widget.attrs.update(
            {"min": (today + timedelta(days=1)).isoformat(), "max": (today + MAX_LIFETIME).isoformat()}
        )

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(_("Choose a day after today."), code="past")
        if value > today + MAX_LIFETIME:
            raise forms.ValidationError(_("A token can be valid for one year at most."), code="too_long")
        return value

    def expires_at(self) -> datetime:
        """The end of the chosen day on the person's clock."""
        day_end = datetime.combine(self.cleaned_data["expires_on"], time(23, 59, 59))
        return min(timezone.make_aware(day_end), timezone.now() + MAX_LIFETIME)
