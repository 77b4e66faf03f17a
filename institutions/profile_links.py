"""Extension point: more buttons among an institution's profile actions, from apps above.

The institution's page shows its admins the buttons of what they manage ("Edit profile",
"Members"); an app above institutions that manages something of the institution (the API
app's webhooks) registers a provider in its ``AppConfig.ready()``. A provider is asked with
the person and the institution and returns (label, url) pairs, none when the person may not.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["profile_links", "register_profile_link"]

ProfileLink = Callable[[object, object], list[tuple[str, str]]]

_providers: list[ProfileLink] = []


def register_profile_link(provider: ProfileLink) -> None:
    """Add a provider; called once by an app when it is ready (twice adds it once)."""
    if provider not in _providers:
        _providers.append(provider)


def profile_links(*, user, institution) -> list[tuple[str, str]]:
    """The extra (label, url) buttons ``user`` gets on ``institution``'s page."""
    if not user.is_authenticated:
        return []
    return [link for provider in _providers for link in provider(user, institution)]
