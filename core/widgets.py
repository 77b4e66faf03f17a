"""Form widgets written out in Python, for filter forms with long option lists.

Django renders a select through a template per option: with a few hundred institutions or
countries that took most of a page's time (the registrations list, the MoU registry). These
write the same markup (choices without groups) directly, every value and label escaped.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A single select, as ``forms.Select`` renders it."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
            for key, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308  # nosec B308, B703 -- escaped


class PlainTextInput(forms.TextInput):
    """A text input, as ``forms.TextInput`` renders it."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        shown = "" if context["value"] is None else f' value="{escape(context["value"])}"'
        attributes = flatatt(context["attrs"])
        return mark_safe(f'<input type="{escape(self.input_type)}" name="{escape(name)}"{shown}{attributes}>')  # noqa: S308  # nosec B308, B703 -- escaped
