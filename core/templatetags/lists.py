"""``{{ names|listed }}``: a list in running text, in the reader's language (see ``core.lists``).

Loaded as a template builtin (``TEMPLATES["OPTIONS"]["builtins"]``).
"""

from django import template

from core.lists import listed as listed_text

register = template.Library()


@register.filter(is_safe=False)
def listed(value):
    """Join the items of ``value`` with the active language's separator."""
    if not value:
        return ""
    return listed_text(value)
