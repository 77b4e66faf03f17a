"""Writing MoUs: the rules every way of recording one shares (form, ceremony, proposal)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from institutions.models import Institution

from .models import Mou


def check_parties(institutions: Iterable[Institution | None]) -> list[Institution]:
    """The parties of an MoU: at least two, all distinct; raise ValidationError otherwise."""
    chosen = [institution for institution in institutions if institution is not None]
    if len({institution.pk for institution in chosen}) != len(chosen):
        raise ValidationError(_("The same institution cannot be a party twice."), code="duplicate_party")
    if len(chosen) < 2:
        raise ValidationError(_("An MoU needs at least two different institutions."), code="too_few_parties")
    return chosen


def refresh_party_countries(mou: Mou) -> None:
    """Store the sorted countries of the MoU's parties (after any change of its parties)."""
    countries = sorted({str(country) for country in mou.parties.values_list("institution__country", flat=True)})
    if countries != mou.party_countries:
        mou.party_countries = countries
        Mou.objects.filter(pk=mou.pk).update(party_countries=countries)
