"""Forms of registrations: registering, changing a role, and the organisers' list filters."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.countries import countries
from core.pagecache import kept
from core.widgets import PlainSelect, PlainTextInput
from institutions.models import Institution, Membership

from .models import Delegation, Event, Registration
from .services import PARTICIPANT_ROLES


class RegistrationForm(forms.Form):
    """Register for an event: for which institution, in which role, with which delegation."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), empty_label=None)
    role = forms.ChoiceField(label=_("Role"), choices=[])
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    delegation = forms.ModelChoiceField(
        label=_("Delegation"),
        queryset=Delegation.objects.none(),
        required=False,
        empty_label=_("Not part of a delegation"),
        help_text=_("Join your country's delegation if you travel with one."),
    )

    def __init__(self, *args, user, event: Event, initial_institution: Institution | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        institution_ids = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values("institution_id")
        institutions = Institution.objects.filter(pk__in=institution_ids).order_by("name")
        self.fields["institution"].queryset = institutions
        if initial_institution is not None:
            self.fields["institution"].initial = initial_institution.pk
        self.fields["role"].choices = [(role.value, role.label) for role in PARTICIPANT_ROLES]
        # Delegations of the person's countries or led by their institutions.
        countries_of_person = list(institutions.values_list("country", flat=True))
        delegations = event.delegations.filter(
            Q(country__in=countries_of_person) | Q(lead_institution__in=institution_ids)
        ).order_by("name")
        self.fields["delegation"].queryset = delegations
        if not delegations.exists():
            self.fields["delegation"].widget = forms.HiddenInput()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Registration.Role.choices)

    def __init__(self, *args, roles: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = roles


def filter_choices(event: Event) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """The institutions registered for ``event`` (id, name, country) and its delegations (id, name), by name.

    Kept until the next change of an event, registration or institution (``core.pagecache``):
    two queries over all of the event's registrations otherwise, for every page of the list.
    """

    def compute():
        registered = Institution.objects.filter(registrations__event=event).distinct()
        institutions = list(registered.order_by("name").values_list("pk", "name", "country"))
        delegations = list(Delegation.objects.filter(event=event).order_by("name").values_list("pk", "name"))
        return institutions, delegations

    return kept(f"registration-filters:{event.pk}", compute)


class RegistrationFilterForm(forms.Form):
    """The GET form above the organisers' registrations list; invalid values are ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=PlainTextInput(attrs={"type": "search", "placeholder": _("Name, email or institution")}),
    )
    country = forms.ChoiceField(label=_("Country"), required=False, widget=PlainSelect)
    institution = forms.TypedChoiceField(
        label=_("Institution"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    kind = forms.ChoiceField(label=_("Kind of institution"), required=False, widget=PlainSelect)
    role = forms.ChoiceField(label=_("Role"), required=False, widget=PlainSelect)
    delegation = forms.TypedChoiceField(
        label=_("Delegation"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        institutions, delegations = filter_choices(event)
        present_countries = {row[2] for row in institutions}
        self.fields["country"].choices = anything + [
            (code, name) for code, name in countries if code in present_countries
        ]
        self.fields["institution"].choices = anything + [(pk, name) for pk, name, _country in institutions]
        self.fields["kind"].choices = anything + list(Institution.Kind.choices)
        self.fields["role"].choices = anything + list(Registration.Role.choices)
        self.fields["delegation"].choices = anything + delegations
        self.fields["status"].choices = anything + list(Registration.Status.choices)

    def narrows(self) -> bool:
        """Whether any valid filter is set (call ``is_valid()`` first)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return any(value not in (None, "") for value in data.values())

    def apply(self, queryset: QuerySet[Registration]) -> QuerySet[Registration]:
        """Narrow ``queryset`` by the valid filters (call ``is_valid()`` first)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        text = (data.get("q") or "").strip()
        if text:
            queryset = queryset.filter(
                Q(user__display_name__icontains=text)
                | Q(user__email__icontains=text)
                | Q(institution__name__icontains=text)
                | Q(institution__name_local__icontains=text)
            )
        for field, lookup in (
            ("country", "institution__country"),
            ("institution", "institution_id"),
            ("kind", "institution__kind"),
            ("role", "role"),
            ("delegation", "delegation_id"),
            ("status", "status"),
        ):
            value = data.get(field)
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value})
        return queryset
