from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.multilingual import reader_language
from events.timezones import time_zone_choices


class SignupForm(forms.Form):
    """Extra fields asked at sign-up; allauth adds email and password."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("As it should appear to partners, e.g. “Dr. Sok Dara”."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="Asia/Bangkok")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The language the page is read in, whichever of the portal's nine it is.
        self.fields["preferred_language"].initial = reader_language()

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["display_name", "preferred_language", "time_zone"])


class PreferencesForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    show_profile_to_participants = forms.BooleanField(
        label=_("Show my name and title to other participants"), required=False
    )
    email_request_digest = forms.BooleanField(
        label=_("Email me a daily digest of meeting requests waiting for my answer"), required=False
    )
    email_follow_ups = forms.BooleanField(label=_("Email me follow-up questions after my meetings"), required=False)
    email_meeting_reminders = forms.BooleanField(
        label=_("Email me a reminder before each of my meetings"), required=False
    )
    email_request_nudges = forms.BooleanField(
        label=_("Email me when a meeting request has waited two days for my answer, or when I have no meetings yet"),
        required=False,
    )


class AccountDeleteForm(forms.Form):
    """Confirm leaving the portal: the password, or the email address for accounts without one."""

    confirmation = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            self.fields["confirmation"] = forms.CharField(
                label=_("Your email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
            )

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise forms.ValidationError(_("This is not your password. Nothing was deleted."), code="mismatch")
        elif value.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("This is not your email address. Nothing was deleted."), code="mismatch")
        return value
