"""Dates in the reader's conventions beyond what Django's formats can say: the Buddhist era in Thai.

Thai readers count years in the Buddhist era (B.E. = A.D. + 543): government letters, MoUs and
invitations are dated "12 พฤษภาคม 2568". Django's format strings have no letter for that year,
and a language's format module cannot add one, so :func:`date_format` writes each ``Y`` of a
*named* format (``DATE_FORMAT``, ``WEEKDAY_DATE_FORMAT``…) in Thai as the B.E. year with the
Gregorian one beside it, "12 พฤษภาคม 2568 (2025)", because the portal's events and MoUs are
shared with partners who count in A.D. Literal patterns (``"Y-m-d"``, ``"Ymd"``, ``"c"``) are for
machines (``<time datetime>``, comparisons, file names) and stay as they are; so does every
other language, and the dates stored.

Templates get this through the ``date`` filter of :mod:`core.templatetags.dates`, a template
builtin (``TEMPLATES["OPTIONS"]["builtins"]`` in the settings) that takes the place of Django's
own, so that every ``|date:"DATE_FORMAT"`` on every page, email and PDF follows without each
template changing. Python code that formats a date for a reader calls :func:`date_format` here
instead of ``django.utils.formats.date_format``.
"""

from __future__ import annotations

import re

from django.utils import dateformat
from django.utils import formats as django_formats
from django.utils.translation import get_language

BUDDHIST_ERA_OFFSET = 543
BUDDHIST_ERA_LANGUAGES = frozenset({"th"})

_FORMAT_NAME = re.compile(r"[A-Z][A-Z_]*_FORMAT")


def uses_buddhist_era(language: str | None = None) -> bool:
    """Whether readers of ``language`` (default: the active one) count years in the Buddhist era."""
    return (language or get_language() or "").lower().split("-")[0] in BUDDHIST_ERA_LANGUAGES


def with_buddhist_era(pattern: str, year: int) -> str:
    """Return ``pattern`` with each unescaped ``Y`` written as the B.E. year, then ``(Y)``."""
    era_year = "".join("\\" + digit for digit in str(year + BUDDHIST_ERA_OFFSET))
    out, chars = [], iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(char + next(chars, ""))
        elif char == "Y":
            out.append(era_year + " (Y)")
        else:
            out.append(char)
    return "".join(out)


def date_format(value, format: str | None = None, use_l10n: bool | None = None) -> str:
    """Format ``value`` as ``django.utils.formats.date_format`` does, with the Buddhist era in Thai.

    ``format`` is a format name (default ``DATE_FORMAT``) or a literal pattern; only names
    get the Buddhist era.
    """
    name = format or "DATE_FORMAT"
    if _FORMAT_NAME.fullmatch(name) and uses_buddhist_era() and hasattr(value, "year"):
        pattern = django_formats.get_format(name, use_l10n=use_l10n)
        return dateformat.format(value, with_buddhist_era(pattern, value.year))
    return django_formats.date_format(value, format, use_l10n=use_l10n)
