"""Forms for editing an institution's profile, its members and the contact relay."""

from django import forms
from django.db import models
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.multilingual import TranslationsFormMixin

from .images import logo_from_upload
from .languages import WORK_LANGUAGES
from .models import CooperationType, Institution, Membership, Need, Offer, Sector

MAX_PROFILE_ITEMS = 30


def https_formfield(model_field, **kwargs):
    """Build form fields as ModelForm does, with URLs assumed to be https when typed without a scheme."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class KeepLanguageMixin(TranslationsFormMixin):
    """Translations of a ModelForm's texts (the language kept when a form leaves it out), where
    the language alone is no change."""

    @cached_property
    def changed_data(self) -> list[str]:
        # The language alone does not make an empty new row (a formset's extra one) a change,
        # and a form sent without it did not change it.
        changed = super().changed_data
        if not self.instance.pk or not self["original_language"].data:
            changed = [name for name in changed if name != "original_language"]
        return changed


class InstitutionProfileForm(KeepLanguageMixin, forms.ModelForm):
    """The profile fields an institution's admins edit, with the description's translations.

    Not here on purpose: the slug (shared links must keep working when the name changes) and
    the verification status (decided by the secretariat).
    """

    languages = forms.MultipleChoiceField(
        label=_("Languages of work"),
        choices=WORK_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB; it is shown at most 512 pixels wide."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Institution
        formfield_callback = https_formfield
        fields = [
            "name",
            "name_local",
            "acronym",
            "kind",
            "country",
            "province",
            "city",
            "website",
            "description",
            "languages",
            "sectors",
            "contact_email",
        ]
        help_texts = {
            "contact_email": _(
                "Messages sent through the contact form go to this address. It is never shown to "
                "anyone; without it, messages go to the institution's admins."
            ),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return logo_from_upload(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        name, country = cleaned.get("name"), cleaned.get("country")
        if name and country:
            clash = Institution.objects.filter(name__iexact=name.strip(), country=country).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("Another institution in this country already has this name."))
        return cleaned

    def save(self, commit: bool = True) -> Institution:
        institution = super().save(commit=False)
        new_logo = self.cleaned_data.get("logo")
        if new_logo is not None:
            institution.logo = new_logo  # stored under its random name when the row is saved
        elif self.cleaned_data.get("remove_logo"):
            institution.logo = ""
        if commit:
            institution.save()
            self.save_m2m()
        return institution


class ProfileItemForm(KeepLanguageMixin, forms.ModelForm):
    """One offer or need: a cooperation type in a sector, with a note (in several languages) and
    an optional capacity."""

    class Meta:
        fields = ["cooperation_type", "sector", "note", "capacity"]
        widgets = {
            "note": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["original_language"].label = _("Language the note is written in")
        self.fields["original_language"].help_text = ""

    @property
    def has_translations(self) -> bool:
        """Whether a translation of the note is given or has an error (its fold opens)."""
        return any(group["open"] for group in self.translation_groups)


class BaseProfileItemFormSet(BaseInlineFormSet):
    """Offers or needs of one institution, with the choice lists read once for all rows."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Without this, every row's two drop-downs would query their table again.
        self._type_choices = [("", "---------"), *((t.pk, t.label) for t in CooperationType.objects.all())]
        self._sector_choices = [("", "---------"), *((s.pk, s.label) for s in Sector.objects.all())]

    def _prepare(self, form) -> None:
        if hasattr(self, "_type_choices"):
            form.fields["cooperation_type"].choices = self._type_choices
            form.fields["sector"].choices = self._sector_choices

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        self._prepare(form)
        # Django's row id accepts any offer or need and then silently skips one that is not this
        # institution's: refuse it with a message instead, so nothing is saved.
        row_id = form.fields.get(self._pk_field.name)
        if row_id is not None:
            row_id.queryset = self.get_queryset()
            row_id.error_messages["invalid_choice"] = _(
                "This row is not one of your institution's; reload the page and try again."
            )

    def new_row(self, index: int):
        """Return an empty row numbered ``index``, for adding a row to the form in place."""
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix(index),
            empty_permitted=True,
            use_required_attribute=False,
            **self.get_form_kwargs(None),
            renderer=self.renderer,
        )
        self.add_fields(form, index)
        return form

    def clean(self) -> None:
        """Refuse the same cooperation type and sector twice, naming the row, not the database rule."""
        if any(self.errors):
            return
        seen: set[tuple[int, int]] = set()
        duplicates = False
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            key = (form.cleaned_data.get("cooperation_type"), form.cleaned_data.get("sector"))
            if None in key:
                continue
            if key in seen:
                form.add_error(
                    "sector", _("This cooperation type and sector are already listed above; keep one row for them.")
                )
                duplicates = True
            seen.add(key)
        if not duplicates:
            super().clean()


OfferFormSet = inlineformset_factory(
    Institution,
    Offer,
    form=ProfileItemForm,
    formset=BaseProfileItemFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_PROFILE_ITEMS,
    validate_max=True,
)
NeedFormSet = inlineformset_factory(
    Institution,
    Need,
    form=ProfileItemForm,
    formset=BaseProfileItemFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_PROFILE_ITEMS,
    validate_max=True,
)
ITEM_FORMSETS = {"offers": OfferFormSet, "needs": NeedFormSet}


class ProfileEdit:
    """The profile form with its offers and needs, validated as one.

    All three parts are validated before the first write; ``services_profile.
    institution_profile_update`` then saves them in one transaction, all or nothing.
    """

    def __init__(self, institution: Institution, data=None, files=None):
        self.institution = institution
        # The logo's storage name before the edit: the file to delete once a new logo is saved.
        self.previous_logo = institution.logo.name or ""
        self.form = InstitutionProfileForm(data, files, instance=institution)
        self.offers = OfferFormSet(
            data,
            instance=institution,
            prefix="offers",
            queryset=Offer.objects.select_related("cooperation_type", "sector"),
        )
        self.needs = NeedFormSet(
            data,
            instance=institution,
            prefix="needs",
            queryset=Need.objects.select_related("cooperation_type", "sector"),
        )

    def is_valid(self) -> bool:
        # Validate all three, so every error shows at once.
        results = [self.form.is_valid(), self.offers.is_valid(), self.needs.is_valid()]
        return all(results)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of your colleague"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class JobTitleForm(forms.Form):
    job_title = forms.CharField(
        label=_("Your job title"),
        max_length=150,
        required=False,
        help_text=_("Shown with your name to other participants if you allow it in your preferences."),
    )


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))

    def clean_subject(self) -> str:
        # Line breaks in a subject could smuggle extra mail headers; a subject is one line.
        return " ".join(self.cleaned_data["subject"].split())
