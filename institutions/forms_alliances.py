"""Forms of alliance membership: asking to join, deciding, adding a member, changing one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AllianceMembership, Institution
from .permissions import active_institution_ids
from .pickers import offer_found
from .selectors import alliance_candidates


class DateInput(forms.DateInput):
    input_type = "date"


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class AllianceJoinForm(forms.Form):
    """Ask for one of the person's institutions (those they administer) to join the alliance."""

    member = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), empty_label=None)
    note = forms.CharField(
        label=_("Message to the alliance"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, alliance: Institution, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ids = active_institution_ids(user, admin_only=True) - {alliance.pk}
        self.fields["member"].queryset = (
            Institution.objects.filter(pk__in=ids)
            .exclude(verification_status=Institution.Verification.REJECTED)
            .order_by("name")
        )


class AllianceDecisionForm(forms.Form):
    """Approve a request with a role and a joining date."""

    role = forms.ChoiceField(
        label=_("Role"), choices=AllianceMembership.Role.choices, initial=AllianceMembership.Role.MEMBER
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput)

    def clean_joined_on(self):
        return _not_future(self.cleaned_data.get("joined_on"))


class AllianceMemberForm(forms.Form):
    """Change an active membership's role, date and note."""

    role = forms.ChoiceField(
        label=_("Role"), choices=AllianceMembership.Role.choices, initial=AllianceMembership.Role.MEMBER
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_joined_on(self):
        return _not_future(self.cleaned_data.get("joined_on"))


class AllianceEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), required=False, widget=DateInput)

    def clean_left_on(self):
        return _not_future(self.cleaned_data.get("left_on"))


class AllianceAddForm(forms.Form):
    """Add an institution of the directory directly (the alliance's admins, the secretariat).

    The institution is picked by typing part of its name (``find``): the select offers only the
    matches, never the whole directory, while any institution that may join is accepted when
    posted (``candidates``).
    """

    member = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        help_text=_("Any institution listed in the portal: find it by its name, local name or acronym."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=AllianceMembership.Role.choices, initial=AllianceMembership.Role.MEMBER
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput)

    def __init__(self, *args, alliance: Institution, find: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = alliance_candidates(alliance)
        posted = self.data.get(self.add_prefix("member"), "") if self.is_bound else ""
        offer_found(self.fields["member"], find=find, keep=[posted])

    def clean_joined_on(self):
        return _not_future(self.cleaned_data.get("joined_on"))
