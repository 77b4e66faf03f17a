"""Forms of the networking survey: answering it, and organisers editing it."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Survey, SurveyQuestion
from .survey import choice_labels, question_text

OTHER = "other"
MAX_TABLES = 200
MAX_TEXT = 2000


class AnswerForm(forms.Form):
    """One field per question (plus an "other" box where allowed), in the viewer's language.

    ``answers()`` returns what ``record_response`` stores: question pk → (chosen indexes, text).
    """

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = question_text(question)
            name = f"q{question.pk}"
            options = [(str(index), text) for index, text in enumerate(choice_labels(question))]
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


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "title_zh_hans", "introduction", "introduction_zh_hans"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "introduction_zh_hans": forms.Textarea(attrs={"rows": 3}),
        }


class QuestionForm(forms.ModelForm):
    """A question with its choices typed one per line, in English and (optionally) Chinese."""

    choices_en = forms.CharField(
        label=_("Choices (English), one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Keep the order of existing choices: answers already given refer to their position."),
    )
    choices_zh_hans = forms.CharField(
        label=_("Choices (Simplified Chinese), one per line, in the same order"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = SurveyQuestion
        fields = ["kind", "text", "text_zh_hans", "max_choices", "allow_other", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_en"].initial = "\n".join(c.get("en", "") for c in self.instance.choices)
            self.fields["choices_zh_hans"].initial = "\n".join(c.get("zh_hans", "") for c in self.instance.choices)

    @staticmethod
    def _lines(value: str) -> list[str]:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        english = self._lines(cleaned.get("choices_en"))
        chinese = self._lines(cleaned.get("choices_zh_hans"))
        if kind and kind != SurveyQuestion.Kind.TEXT and len(english) < 2:
            self.add_error("choices_en", _("Give at least two choices, one per line."))
        if chinese and len(chinese) != len(english):
            self.add_error(
                "choices_zh_hans",
                _("Give as many Chinese choices as English ones (%(count)s), or none.") % {"count": len(english)},
            )
        max_choices = cleaned.get("max_choices")
        if max_choices and kind != SurveyQuestion.Kind.MULTIPLE:
            self.add_error("max_choices", _("Only a question with several choices has a maximum."))
        if max_choices and english and max_choices > len(english) + 1:
            self.add_error("max_choices", _("The maximum cannot exceed the number of choices."))
        if kind == SurveyQuestion.Kind.TEXT:
            cleaned["allow_other"] = False
            english, chinese = [], []
        self.cleaned_choices = [
            {"en": text, "zh_hans": chinese[index] if index < len(chinese) else ""}
            for index, text in enumerate(english)
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
