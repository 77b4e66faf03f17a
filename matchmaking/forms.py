"""Forms of meeting requests: the participant list's filters, sending, accepting with a slot."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.collation import sort_key
from core.countries import countries
from events.models import MeetingSlot, Registration, Session
from institutions.models import Institution

from .requests import MESSAGE_MAX_LENGTH


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of institution"),
        required=False,
        choices=[("", _("all kinds")), *Institution.Kind.choices],
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # Without order_by(), the registrations' default ordering would join DISTINCT and
        # repeat a country once per institution.
        codes = set(
            Registration.objects.filter(event=event, status=Registration.Status.APPROVED)
            .order_by()
            .values_list("institution__country", flat=True)
            .distinct()
        )
        self.fields["country"].choices = [("", _("all countries"))] + sorted(
            ((code, str(countries.name(code))) for code in codes if code), key=lambda pair: sort_key(pair[1])
        )

    def apply(self, registrations: QuerySet[Registration]) -> QuerySet[Registration]:
        """Narrow the approved registrations; names are searched only where they are shown."""
        if not self.is_valid():
            return registrations
        data = self.cleaned_data
        if data["country"]:
            registrations = registrations.filter(institution__country=data["country"])
        if data["kind"]:
            registrations = registrations.filter(institution__kind=data["kind"])
        text = data["q"].strip()
        if text:
            country_codes = [code for code, name in countries if text.lower() in str(name).lower()]
            registrations = registrations.filter(
                Q(user__show_profile_to_participants=True, user__display_name__icontains=text)
                | Q(institution__name__icontains=text)
                | Q(institution__name_local__icontains=text)
                | Q(institution__acronym__iexact=text)
                | Q(institution__country__in=country_codes)
            )
        return registrations


class SendRequestForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=Session.objects.none(), empty_label=None)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you would like to discuss, in a few lines (at most 1,000 characters)."),
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: f"{s.event.localized('title')} · {s.localized('title')}"
        if len(sessions) == 1:
            self.fields["session"].widget = forms.HiddenInput()
            self.fields["session"].initial = sessions[0].pk


class AcceptForm(forms.Form):
    """Choices made when accepting: a slot (participant scheduling), colleagues who join."""

    slot = forms.ModelChoiceField(label=_("Time slot"), queryset=MeetingSlot.objects.none(), required=False)
    sharers = forms.ModelMultipleChoiceField(
        label=_("Colleagues joining the meeting"),
        queryset=Registration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, slots=None, colleagues=None, time_zone=None, needs_slot=False, **kwargs):
        super().__init__(*args, **kwargs)
        slot_ids = [slot.pk for slot in slots or []]
        self.fields["slot"].queryset = MeetingSlot.objects.filter(pk__in=slot_ids).order_by("starts_at")
        self.needs_slot = needs_slot
        if needs_slot:
            self.fields["slot"].required = True
            self.fields["slot"].empty_label = None
        if time_zone is not None:
            self.fields["slot"].label_from_instance = lambda slot: (
                f"{slot.starts_at.astimezone(time_zone):%d %b %H:%M}–{slot.ends_at.astimezone(time_zone):%H:%M}"
            )
        if colleagues is not None:
            self.fields["sharers"].queryset = colleagues
            self.fields["sharers"].label_from_instance = lambda reg: reg.user.display_name or reg.institution.name
