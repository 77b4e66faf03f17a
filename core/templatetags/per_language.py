"""``{% per_language %}…{% endper_language %}``: a part of a template rendered once per language.

The frame of every page (the head's links, the menu's fixed entries, the language switcher's
options, the footer) is the same for every reader of a language, yet rendering it cost each
signed-in request a few dozen ``{% url %}``, ``{% static %}``, ``{% translate %}`` and
``{% get_language_info %}`` calls. Wrapped in this tag, it is rendered on its first use in
each language and kept in the process memory, on the template node itself (templates are
loaded once per process by the cached loader), and given out as is afterwards.

What goes inside may depend on the active language and the settings only: never on the
request, the person, a CSRF token or a ``{% block %}`` (a child template's block would be
kept from the first page that used it). The kept copies are dropped when a setting changes
(tests), and are keyed by the script prefix as well, which ``{% url %}`` puts in front.
"""

import itertools

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Moves on when a setting changes, so that copies rendered under the old settings go unused.
_generation = itertools.count()
_current = [next(_generation)]

# Languages times script prefixes a node keeps at most; beyond, it starts again from nothing.
MAX_COPIES = 64


class PerLanguageNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.copies: dict[tuple, str] = {}

    def render(self, context):
        key = (_current[0], get_language(), get_script_prefix())
        html = self.copies.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.copies) >= MAX_COPIES:
                self.copies = {}
            self.copies[key] = html
        return mark_safe(html)  # noqa: S308  # nosec B308, B703 -- the template's own rendering


@register.tag
def per_language(parser, token):
    """Keep what lies between ``{% per_language %}`` and ``{% endper_language %}`` once per language."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("'per_language' takes no arguments")
    nodelist = parser.parse(("endper_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist)


def _forget_copies(**kwargs) -> None:
    _current[0] = next(_generation)


setting_changed.connect(_forget_copies, dispatch_uid="core.templatetags.per_language")
