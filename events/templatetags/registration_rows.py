"""Template helpers for the rows of the registrations table, which shows fifty at a time.

Every row shows three labels of choices and four action addresses. ``get_FOO_display()``
translates each label of the field's choices anew at every call, and ``{% url %}`` resolves
the route every time: together about half of the table's rendering time. ``display`` looks
labels up in a table made once per language, ``registration_action_url`` fills in one
address reversed once per language and script prefix.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

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
