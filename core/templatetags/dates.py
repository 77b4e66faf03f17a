"""The ``date`` filter with the Buddhist era in Thai (see ``core.dates``).

Loaded as a template builtin (``TEMPLATES["OPTIONS"]["builtins"]``): builtins added in the
settings come after Django's, so this ``date`` takes the place of
``django.template.defaultfilters.date`` in every template. It behaves the same in every
language but Thai, and in Thai for literal patterns.
"""

from django import template
from django.utils.dateformat import format as format_pattern

from core.dates import date_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Format a date according to the given format, as Django's ``date`` filter does."""
    if value in (None, ""):
        return ""
    try:
        return date_format(value, arg)
    except AttributeError:
        try:
            return format_pattern(value, arg)
        except AttributeError:
            return ""
