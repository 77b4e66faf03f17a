"""Template tags for texts entered in several languages (see ``core.multilingual``).

``{{ event|localized:"title" }}`` gives the text in the reader's language, else English, else
the original; ``<h1{{ text|lang_attribute }}>`` marks a text in another language than the
page's, and ``{% fallback_note text %}`` says so in words.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.multilingual import LocalizedText

register = template.Library()


@register.filter
def localized(obj, field: str):
    """The text of ``obj.field`` in the active language, with its fallbacks."""
    if obj is None or obj == "":
        return ""
    return obj.localized(field)


@register.filter
def lang_attribute(text) -> str:
    """`` lang="…"`` when ``text`` is in another language than the reader's, else nothing."""
    if isinstance(text, LocalizedText) and text.is_fallback:
        return format_html(' lang="{}"', text.language)
    return mark_safe("")  # nosec B703 B308: an empty string


@register.inclusion_tag("core/_fallback_note.html")
def fallback_note(text):
    """A short line saying the text above is shown in another language than the reader's."""
    return {"text": text if isinstance(text, LocalizedText) and text.is_fallback else None}


@register.inclusion_tag("core/_localized_card.html")
def localized_card(obj, field: str):
    """A card with ``obj.field`` in the reader's language as paragraphs, marked and noted on a fallback."""
    return {"text": obj.localized(field) if obj else ""}
