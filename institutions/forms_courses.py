"""Forms of shared courses: an institution's course, the catalogue's search, requests and replies."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.collation import sort_key
from core.countries import countries
from core.widgets import PlainSelect

from .forms import KeepLanguageMixin, https_formfield
from .languages import WORK_LANGUAGES
from .models import Institution, Sector, SharedCourse

# The catalogue's search box reads at most this many characters.
MAX_SEARCH = 100


class SharedCourseForm(KeepLanguageMixin, forms.ModelForm):
    """A course an institution shares: title and description in several languages, and its facts."""

    class Meta:
        model = SharedCourse
        formfield_callback = https_formfield
        fields = [
            "title",
            "description",
            "language",
            "level",
            "sector",
            "format",
            "link",
            "hours",
            "duration",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.order_by("position", "name")
        self.fields["link"].widget.attrs.update({"inputmode": "url", "placeholder": "https://"})
        self.fields["hours"].widget.attrs.update({"inputmode": "numeric"})

    def service_fields(self) -> dict:
        """The validated values, as ``services_courses`` takes them (with the texts' translations)."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["original_language"] = self.instance.original_language
        values["translations"] = self.instance.translations
        return values


class CourseRequestForm(forms.Form):
    """A request to use a course, for one of the institutions the person administers."""

    institution = forms.ModelChoiceField(label=_("On behalf of"), queryset=Institution.objects.none(), empty_label=None)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who would use the course, and how: e.g. “for 20 teachers of our mechatronics department”."),
    )

    def __init__(self, *args, institutions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only institutions the person administers, other than the course's: a posted id of
        # any other institution is an invalid choice.
        self.fields["institution"].queryset = institutions
        if len(institutions) == 1:
            self.fields["institution"].widget = forms.HiddenInput()
            self.fields["institution"].initial = institutions[0].pk


class CourseReplyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(label=_("Reply"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CourseCatalogueForm(forms.Form):
    """The catalogue's search and filters; every field is optional, invalid values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH)
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.none(),
        required=False,
        to_field_name="slug",
        widget=PlainSelect,
    )
    format = forms.ChoiceField(label=_("Format"), required=False, widget=PlainSelect)
    level = forms.ChoiceField(label=_("Level"), required=False, widget=PlainSelect)
    language = forms.ChoiceField(label=_("Language of instruction"), required=False, widget=PlainSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=PlainSelect)

    def __init__(self, *args, country_codes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.order_by("position", "name")
        self.fields["sector"].empty_label = _("Any sector")
        self.fields["format"].choices = [("", _("Any format")), *SharedCourse.Format.choices]
        self.fields["level"].choices = [("", _("Any level")), *SharedCourse.Level.choices]
        self.fields["language"].choices = [("", _("Any language")), *WORK_LANGUAGES]
        named = sorted(((code, countries.name(code)) for code in country_codes), key=lambda item: sort_key(item[1]))
        self.fields["country"].choices = [("", _("Any country")), *named]
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Course title, in any language")})

    def filters(self) -> dict:
        """The valid values only: an invalid field is shown with its error and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors and data.get(name)}
