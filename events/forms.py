"""Forms the secretariat and organisers use to set up an event, its agenda and its delegations.

Times are typed as wall-clock times of the event's own time zone (that is how programmes are
printed and how organisers think), and stored in UTC. ``LocalDateTimeField`` therefore parses
a *naive* value; each form attaches the event's zone in ``clean()``, before the model sees it.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.multilingual import TranslationsFormMixin
from institutions.models import Institution

from .models import Delegation, Event, Registration, Session
from .timezones import time_zone_choices

DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time on the wall clock of ``time_zone``: parsed naive, shown in that zone."""

    widget = forms.DateTimeInput(format=DATETIME_INPUT_FORMAT, attrs={"type": "datetime-local"})

    def __init__(self, *args, time_zone: str = "UTC", **kwargs):
        self.time_zone = time_zone
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        # Parse under UTC so Django attaches no zone of its own, then drop it: the form
        # decides the zone (the event's may be changed in the same submission).
        with timezone.override(UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else result

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(ZoneInfo(self.time_zone)).replace(tzinfo=None)
        return value


def in_zone(value: datetime | None, time_zone: str) -> datetime | None:
    """Read the naive ``value`` as a wall-clock time in ``time_zone``."""
    if value is None or timezone.is_aware(value):
        return value
    return value.replace(tzinfo=ZoneInfo(time_zone))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EventForm(TranslationsFormMixin, forms.ModelForm):
    """Create or edit an event: its texts as written, with their translations.

    The list of organisers decides who may run the event, so only the secretariat changes it:
    for an organiser's admin the field is shown but disabled, and a tampered POST is ignored.
    """

    registration_opens_at = LocalDateTimeField(label=capfirst(_("registration opens")), required=False)
    registration_closes_at = LocalDateTimeField(label=capfirst(_("registration closes")), required=False)
    time_zone = forms.ChoiceField(label=capfirst(_("time zone")), choices=time_zone_choices)
    # Comma-separated days after the end of a matchmaking session, e.g. "3, 30, 90".
    follow_up_days = forms.CharField(
        label=_("Follow-up steps (days after the matchmaking session)"),
        max_length=100,
        required=False,
        help_text=_(
            "Both sides of each meeting are asked what came of it this many days after the session, "
            "e.g. “3, 30, 90”: 1 to 10 different numbers of days, at most 730."
        ),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "theme",
            "organisers",
            "city",
            "country",
            "venue",
            "time_zone",
            "start_date",
            "end_date",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "description",
            "follow_up_days",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "capacity": _("Leave empty for no limit."),
            "organisers": _("The admins of these institutions can run the event with the secretariat."),
        }

    def __init__(self, *args, can_change_organisers: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        organisers = self.fields["organisers"]
        organisers.queryset = Institution.objects.exclude(
            verification_status=Institution.Verification.REJECTED
        ).order_by("name")
        organisers.disabled = not can_change_organisers
        zone = self.instance.time_zone if self.instance.pk else "Asia/Bangkok"
        if not self.instance.pk:
            self.initial.setdefault("time_zone", zone)
        for name in ("registration_opens_at", "registration_closes_at"):
            self.fields[name].time_zone = zone
            self.fields[name].help_text = _("Local time of the event's time zone.")
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        days = self.instance.follow_up_days if self.instance.pk else Event._meta.get_field("follow_up_days").default()
        self.initial_follow_up_days = list(days or [])
        self.initial["follow_up_days"] = ", ".join(str(day) for day in self.initial_follow_up_days)

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("The capacity must be at least 1, or empty for no limit."))
        if capacity is not None and self.instance.pk:
            approved = self.instance.registrations.filter(status=Registration.Status.APPROVED).count()
            if capacity < approved:
                raise forms.ValidationError(
                    _(
                        "%(approved)s registrations are already approved: the capacity cannot be lower. "
                        "Cancel or reject registrations first."
                    ),
                    params={"approved": approved},
                )
        return capacity

    def clean_follow_up_days(self) -> list[int]:
        """Turn "3, 30, 90" into [3, 30, 90]: 1 to 10 different whole numbers of days from 1 to 730, sorted."""
        raw = self.cleaned_data.get("follow_up_days") or ""
        parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if "follow_up_days" not in self.data:
            # Left out of the POST (older forms, scripts): keep the steps as they are.
            return self.initial_follow_up_days
        if not parts or not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("Enter whole numbers of days separated by commas, e.g. “3, 30, 90”."), code="invalid"
            )
        days = [int(part) for part in parts]
        if len(set(days)) != len(days):
            raise forms.ValidationError(_("Each number of days may appear only once."), code="duplicate")
        if len(days) > 10:
            raise forms.ValidationError(_("At most 10 follow-up steps."), code="too_many")
        if any(day < 1 or day > 730 for day in days):
            raise forms.ValidationError(_("Each step must be between 1 and 730 days."), code="range")
        return sorted(days)

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone") or self.instance.time_zone
        for name in ("registration_opens_at", "registration_closes_at"):
            cleaned[name] = in_zone(cleaned.get(name), zone)
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The event cannot end before it starts."))
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        return cleaned


# The settings of a matchmaking session, shown in their own part of the session form.
SESSION_MATCHMAKING_FIELDS = (
    "table_count",
    "slot_minutes",
    "break_minutes",
    "request_deadline",
    "max_meetings_per_person",
    "scheduling_mode",
    "request_expiry_hours",
    "first_reminder_hours",
    "second_reminder_minutes",
    "roles_cannot_request",
    "roles_cannot_be_requested",
)


class SessionForm(TranslationsFormMixin, forms.ModelForm):
    """A session of the agenda; its times are local times of the event and fall on its dates."""

    starts_at = LocalDateTimeField(label=capfirst(_("starts at")))
    ends_at = LocalDateTimeField(label=capfirst(_("ends at")))
    request_deadline = LocalDateTimeField(label=capfirst(_("meeting request deadline")), required=False)

    matchmaking_fields = SESSION_MATCHMAKING_FIELDS

    class Meta:
        model = Session
        fields = [
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "room",
            "speakers",
            *SESSION_MATCHMAKING_FIELDS,
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        for name in ("starts_at", "ends_at", "request_deadline"):
            self.fields[name].time_zone = event.time_zone
        # Hidden unless the kind is matchmaking, so they must not block saving another kind.
        self.fields["break_minutes"].required = False
        self.fields["scheduling_mode"].required = False
        self.fields["request_expiry_hours"].required = False
        # Who may meet whom: one checkbox per registration role.
        for name in ("roles_cannot_request", "roles_cannot_be_requested"):
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=self.fields[name].label,
                choices=Registration.Role.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        speakers = self.fields["speakers"]
        speakers.queryset = (
            event.registrations.filter(status=Registration.Status.APPROVED)
            .select_related("user", "institution")
            .order_by("user__display_name", "user__email")
        )
        speakers.label_from_instance = lambda r: f"{r.user} · {r.institution.name}"
        speakers.help_text = _("Chosen among the event's approved registrations.")

    @property
    def matchmaking_bound_fields(self):
        return [self[name] for name in self.matchmaking_fields]

    def clean(self):
        cleaned = super().clean()
        zone = self.event.time_zone
        for name in ("starts_at", "ends_at", "request_deadline"):
            cleaned[name] = in_zone(cleaned.get(name), zone)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        local = ZoneInfo(zone)
        first, last = self.event.start_date, self.event.end_date
        if starts and not first <= starts.astimezone(local).date() <= last:
            self.add_error("starts_at", self.outside_dates_message())
        if ends and not first <= ends.astimezone(local).date() <= last:
            self.add_error("ends_at", self.outside_dates_message())
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts."))
        if cleaned.get("kind") != Session.Kind.MATCHMAKING:
            # The settings of a matchmaking session mean nothing for any other kind.
            for name in ("table_count", "slot_minutes", "request_deadline", "max_meetings_per_person"):
                cleaned[name] = None
            cleaned["break_minutes"] = 0
            cleaned["scheduling_mode"] = Session.SchedulingMode.ORGANISER
            cleaned["roles_cannot_request"] = cleaned["roles_cannot_be_requested"] = []
            cleaned["request_expiry_hours"] = self.instance.request_expiry_hours or 72
            cleaned["first_reminder_hours"] = self.instance.first_reminder_hours
            cleaned["second_reminder_minutes"] = self.instance.second_reminder_minutes
        else:
            first, second = cleaned.get("first_reminder_hours"), cleaned.get("second_reminder_minutes")
            if first and second and second >= first * 60:
                self.add_error(
                    "second_reminder_minutes",
                    _("The second reminder must come after the first, closer to the meeting."),
                )
            if cleaned.get("request_expiry_hours") is None:
                cleaned["request_expiry_hours"] = self.instance.request_expiry_hours or 72
            if cleaned.get("break_minutes") is None:
                cleaned["break_minutes"] = 0
            cleaned["scheduling_mode"] = cleaned.get("scheduling_mode") or Session.SchedulingMode.ORGANISER
        return cleaned

    def outside_dates_message(self):
        return _("The session must take place during the event, from %(start)s to %(end)s (local dates).") % {
            "start": self.event.start_date.isoformat(),
            "end": self.event.end_date.isoformat(),
        }


class DelegationForm(forms.ModelForm):
    """A delegation with its head and members, all among the event's registrations.

    A registration belongs to one delegation at most, so the members offered are those
    without a delegation or already in this one; the head is made a member if not chosen.
    """

    members = forms.ModelMultipleChoiceField(
        label=capfirst(_("members")),
        queryset=Registration.objects.none(),
        required=False,
        help_text=_("Registrations already in another delegation are not listed."),
    )

    class Meta:
        model = Delegation
        fields = ["name", "country", "lead_institution", "head"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        registrations = (
            event.registrations.exclude(status=Registration.Status.CANCELLED)
            .select_related("user", "institution")
            .order_by("institution__name", "user__display_name", "user__email")
        )
        label = lambda r: f"{r.user} · {r.institution.name}"  # noqa: E731 - shared by two fields
        available = registrations.filter(delegation__isnull=True)
        if self.instance.pk:
            # The delegation's own members stay listed.
            available = registrations.filter(Q(delegation__isnull=True) | Q(delegation=self.instance))
            self.initial.setdefault("members", list(self.instance.members.values_list("pk", flat=True)))
        self.fields["members"].queryset = available
        self.fields["members"].label_from_instance = label
        self.fields["head"].queryset = available
        self.fields["head"].label_from_instance = label
        self.fields["lead_institution"].queryset = Institution.objects.exclude(
            verification_status=Institution.Verification.REJECTED
        ).order_by("name")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Delegation.objects.filter(event=self.event, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This event already has a delegation with this name."))
        return name


class StatusForm(forms.Form):
    """The status an event should move to; which moves are allowed is the service's business."""

    status = forms.ChoiceField(choices=Event.Status.choices)
