"""Extension point: the agreements an institution already has with others.

The recommendations mark a partner the institution already has an MoU with ("You already have
an MoU: …"). MoUs live in the MoU app, above institutions, which never imports it nor knows its
statuses: the MoU app registers a provider in ``MousConfig.ready()`` (its ``links`` module).
Without one no agreement is known and nothing is marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["agreement_titles", "register_agreement_titles"]

AgreementTitles = Callable[[int, list[int]], dict[int, str]]


def _none(institution_id: int, other_ids: list[int]) -> dict[int, str]:
    return {}


_provider: AgreementTitles = _none


def register_agreement_titles(provider: AgreementTitles) -> None:
    """Install the provider; called once by the MoU app when it is ready."""
    global _provider  # the registry holds one provider, set once at start-up
    _provider = provider


def agreement_titles(*, institution_id: int, other_ids: Iterable[int]) -> dict[int, str]:
    """For each of ``other_ids`` that has an agreement in force with the institution, its title (plain data)."""
    other_ids = list(other_ids)
    if not other_ids:
        return {}
    return _provider(institution_id, other_ids)
