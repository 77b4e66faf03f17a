"""Forms of the networking survey: answering it, and organisers editing it."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.multilingual import TranslationsFormMixin, content_languages

from .models import Survey, SurveyQuestion

OTHER = "other"
MAX_TABLES = 200
MAX_TEXT = 2000


class AnswerForm(forms.Form):
    """One field per question (plus an "other" box where allowed), in the viewer's language.

    Questions and choices not translated into it are shown in English (else as written).

    ``answers()`` returns what ``record_response`` stores: question pk → (chosen indexes, text).
    """

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = question.localized("text")
            name = f"q{question.pk}"
            options = [(str(index), text) for index, text in enumerate(question.choice_labels())]
            if question.kind == SurveyQuestion.Kind.TEXT:
                field = forms.CharField(
                    label=label, required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
                )
            elif question.kind == SurveyQuestion.Kind.SINGLE:
                field = forms.ChoiceField(label=label, required=False, choices=options, widget=forms.RadioSelect)
            else:
                field = forms.MultipleChoiceField(
                    label=label, required=False, choices=options, widget=forms.CheckboxSelectMultiple
                )
                if question.max_choices:
                    field.help_text = ngettext(
                        "Choose at most %(count)s.", "Choose at most %(count)s.", question.max_choices
                    ) % {"count": question.max_choices}
            field.required_mark = question.required
            self.fields[name] = field
            if question.allow_other and question.kind != SurveyQuestion.Kind.TEXT:
                self.fields[f"{name}_{OTHER}"] = forms.CharField(
                    label=_("Other (please specify)"), required=False, max_length=300
                )

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = f"q{question.pk}"
            value = cleaned.get(name)
            other = (cleaned.get(f"{name}_{OTHER}") or "").strip()
            chosen = value if isinstance(value, list) else ([value] if value else [])
            if question.kind == SurveyQuestion.Kind.TEXT:
                empty = not (value or "").strip()
            else:
                empty = not chosen and not other
                total = len(chosen) + (1 if other else 0)
                if question.kind == SurveyQuestion.Kind.SINGLE and total > 1:
                    self.add_error(name, _("Choose one answer, or write your own under “Other”, not both."))
                elif question.max_choices and total > question.max_choices:
                    self.add_error(
                        name,
                        ngettext(
                            "Choose at most %(count)s answer (including “Other”).",
                            "Choose at most %(count)s answers (including “Other”).",
                            question.max_choices,
                        )
                        % {"count": question.max_choices},
                    )
            if question.required and empty and name not in self.errors:
                self.add_error(name, _("Please answer this question."))
        return cleaned

    def answers(self) -> dict[int, tuple[list[int], str]]:
        result = {}
        for question in self.questions:
            name = f"q{question.pk}"
            value = self.cleaned_data.get(name)
            if question.kind == SurveyQuestion.Kind.TEXT:
                result[question.pk] = ([], (value or "").strip())
                continue
            chosen = value if isinstance(value, list) else ([value] if value else [])
            other = (self.cleaned_data.get(f"{name}_{OTHER}") or "").strip()
            result[question.pk] = (sorted({int(index) for index in chosen}), other)
        return result

    def rows(self):
        """(bound field, its "other" box or None, required?) per question, for the template."""
        for question in self.questions:
            name = f"q{question.pk}"
            other = self[f"{name}_{OTHER}"] if f"{name}_{OTHER}" in self.fields else None
            yield self[name], other, question.required


class SurveySettingsForm(TranslationsFormMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(TranslationsFormMixin, forms.ModelForm):
    """A question, its translations, and its choices typed one per line in each language.

    The choices in the question's own language are the list; each other language is either
    empty or gives as many lines, in the same order. They are stored per choice, keyed by
    portal language code: ``{"en": …, "zh-hans": …, "km": …}``.
    """

    CHOICES_PREFIX = "choices"

    class Meta:
        model = SurveyQuestion
        fields = ["kind", "text", "max_choices", "allow_other", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_languages = content_languages()
        for code, name in self.choice_languages:
            key = f"{self.CHOICES_PREFIX}_{code}"
            self.fields[key] = forms.CharField(
                label=format_lazy("{} ({})", _("Choices, one per line"), name),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6, "lang": code}),
            )
            lines = [choice.get(code, "") for choice in self.instance.choices or []]
            self.initial.setdefault(key, "\n".join(lines) if any(lines) else "")

    @property
    def choice_groups(self) -> list[dict]:
        """One group per language for the template: its code, name, bound field, whether to open it."""
        groups = []
        original = self["original_language"].value() or self.instance.original_language or "en"
        for code, name in self.choice_languages:
            bound = self[f"{self.CHOICES_PREFIX}_{code}"]
            groups.append(
                {
                    "code": code,
                    "name": name,
                    "field": bound,
                    "open": code == original or bool(bound.value()) or bool(bound.errors),
                }
            )
        return groups

    @staticmethod
    def _lines(value: str) -> list[str]:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        original = cleaned.get("original_language") or "en"
        lines = {
            code: self._lines(cleaned.get(f"{self.CHOICES_PREFIX}_{code}")) for code, _name in self.choice_languages
        }
        main = lines.get(original, [])
        original_key = f"{self.CHOICES_PREFIX}_{original}"
        if kind and kind != SurveyQuestion.Kind.TEXT and len(main) < 2:
            self.add_error(original_key, _("Give at least two choices, one per line, in the question's language."))
        for code, name in self.choice_languages:
            if code != original and lines[code] and len(lines[code]) != len(main):
                self.add_error(
                    f"{self.CHOICES_PREFIX}_{code}",
                    _("Give as many choices in %(language)s as in the question's language (%(count)s), or none.")
                    % {"language": name, "count": len(main)},
                )
        max_choices = cleaned.get("max_choices")
        if max_choices and kind != SurveyQuestion.Kind.MULTIPLE:
            self.add_error("max_choices", _("Only a question with several choices has a maximum."))
        if max_choices and main and max_choices > len(main) + 1:
            self.add_error("max_choices", _("The maximum cannot exceed the number of choices."))
        if kind == SurveyQuestion.Kind.TEXT:
            cleaned["allow_other"] = False
            main = []
        self.cleaned_choices = [
            {
                code: texts[index]
                for code, texts in lines.items()
                if (code == original or len(texts) == len(main)) and index < len(texts)
            }
            for index in range(len(main))
        ]
        return cleaned

    def save(self, commit=True):
        self.instance.choices = self.cleaned_choices
        self.instance.allow_other = self.cleaned_data.get("allow_other", False)
        if self.instance.kind != SurveyQuestion.Kind.MULTIPLE:
            self.instance.max_choices = None
        return super().save(commit)


class AddTablesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of tables to add"), min_value=1, max_value=MAX_TABLES, initial=10)
