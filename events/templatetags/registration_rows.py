"""Template helpers for the rows of the registrations table, which shows fifty at a time.

Every row shows three labels of choices and four action addresses. ``get_FOO_display()``
translates each label of the field's choices anew at every call, and ``{% url %}`` resolves
the route every time: together about half of the table's rendering time. ``display`` looks
labels up in a table made once per language, ``registration_action_url`` fills in one
address reversed once per language and script prefix, ``role_options`` writes a row's
role choices without a template loop, ``country_name`` and ``row_labels`` (the row's fixed
words) come from tables made once per language.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.countries import countries

register = template.Library()

# Stand-ins reversed once, then replaced by each row's values; no real slug or id has them.
_SLUG, _PK, _ACTION = "slug-stand-in", 918273645, "action-stand-in"


@cache
def _labels(model, field_name: str, language: str | None) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


@register.filter
def display(obj, field_name: str):
    """``obj.get_<field_name>_display()``: the label of the field's value in the active language."""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name, get_language()).get(value, value)


@cache
def _action_pattern(prefix: str, language: str | None, urlconf) -> str:
    return reverse("events:registration_action", args=[_SLUG, _PK, _ACTION])


@register.simple_tag
def registration_action_url(slug: str, pk: int, action: str) -> str:
    """What ``{% url 'events:registration_action' slug pk action %}`` gives, without resolving it each time."""
    pattern = _action_pattern(get_script_prefix(), get_language(), get_urlconf())
    # The number first: neither stand-in holds digits, and a real slug may.
    return pattern.replace(str(_PK), str(pk)).replace(_ACTION, action).replace(_SLUG, slug)


@register.simple_tag
def role_options(choices, chosen: str) -> str:
    """The ``<option>`` elements of ``choices`` (value, label), ``chosen`` selected."""
    return mark_safe(  # noqa: S308  # nosec B308, B703 -- every value and label is escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )


@cache
def _country_names(language: str | None) -> dict[str, str]:
    return {code: str(name) for code, name in countries}


@register.filter
def country_name(country) -> str:
    """``country.name`` (a ``django_countries`` Country) in the active language."""
    code = getattr(country, "code", country) or ""
    return _country_names(get_language()).get(code, "")


# The words every row repeats (marked for translation here, translated once per language).
ROW_LABELS = {
    "select": _("Select"),
    "checked_in": _("checked in"),
    "approve": _("Approve"),
    "decline": _("Decline"),
    "cancel": _("Cancel"),
    "cancel_confirm": _("Cancel this registration?"),
    "role": _("Role"),
    "change_role": _("Change role"),
}


@cache
def _row_labels(language: str | None) -> dict[str, str]:
    return {key: str(label) for key, label in ROW_LABELS.items()}


@register.simple_tag
def row_labels() -> dict[str, str]:
    """``ROW_LABELS`` in the active language: ``{% row_labels as labels %}``, then ``{{ labels.approve }}``."""
    return _row_labels(get_language())
