"""Institution pickers that scale with the directory: a select offering only what was searched for.

A select listing every institution would carry the whole directory into the page (tens of
thousands of options). A picker's select offers instead the institutions matching the text
typed in its search box (htmx replaces the options as the person types; without JavaScript a
search button sends the form back to be shown again), plus the one already chosen. The field
itself still accepts any institution of its queryset, so a choice made through the search
stays valid whichever options the page showed.
"""

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import institutions_matching


def offer_found(field: forms.ModelChoiceField, *, find: str, keep: Iterable = ()) -> None:
    """Let ``field``'s select offer the institutions of its queryset matching ``find``, and ``keep``.

    ``keep`` holds the ids (or posted values) of institutions chosen already: they stay on offer
    when they are in the field's queryset, first, whatever the search.
    """
    among = field.queryset
    kept_ids = {int(value) for value in keep if str(value).isdigit()}
    kept = list(among.filter(pk__in=kept_ids)) if kept_ids else []
    found = list(institutions_matching(find, among=among, exclude_ids=kept_ids))
    shown = kept + found
    if found:
        prompt = _("Choose one of the matches")
    elif find.strip():
        prompt = _("No institution matches")
    elif kept:
        prompt = "---------"
    else:
        prompt = _("Find the institution first")
    field.widget.choices = [("", prompt)] + [(institution.pk, institution.picker_label()) for institution in shown]
