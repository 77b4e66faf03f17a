"""Extension point: where an alliance's own page is.

An alliance's page lists its events and MoUs, which institutions cannot name, so it is served
by an app above (mous, under ``/alliances/<slug>/``), which registers the address of that page
in its ``AppConfig.ready()``. Institutions link to it ("Member of …", the alliance's profile,
the emails about memberships) through :func:`alliance_page_url`; without a provider the link
goes to the alliance's institution page.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["alliance_page_url", "register_alliance_page"]

_provider: list[Callable[[object], str]] = []


def register_alliance_page(url_of: Callable[[object], str]) -> None:
    """Set the function giving an alliance's page address; called once when an app is ready."""
    _provider[:] = [url_of]


def alliance_page_url(alliance) -> str:
    """The address of ``alliance``'s own page (its institution page if no app serves one)."""
    if _provider:
        return _provider[0](alliance)
    return alliance.get_absolute_url()
