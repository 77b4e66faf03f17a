"""Lists of names in running text, written with the separator of the reader's language.

English and most languages of the region separate the items of a list with a comma; Chinese
with the enumeration comma "、", Thai with a space, Burmese with its own comma "၊" (after the
Unicode CLDR's list patterns). The separator is a message of the catalogues, so that each
language gives its own. Exports read by machines (CSV, spreadsheets) keep their fixed
separators: this is only for text that people read.
"""

from collections.abc import Iterable

from django.utils.translation import pgettext


def separator() -> str:
    return pgettext("separator between the items of a list in running text", ", ")


def listed(items: Iterable) -> str:
    """``items`` as text, joined with the active language's separator."""
    return separator().join(str(item) for item in items)
