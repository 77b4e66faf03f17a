"""Extension point: lines on a shared course's page from apps above institutions.

A course may be shared under an MoU; the MoU app, above this one, knows which and who may see
them. It registers a provider in its ``AppConfig.ready()``; a provider is asked with the person
and the course and returns (label, url) pairs, none of what the person may not see.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["course_links", "register_course_link"]

CourseLink = Callable[[object, object], list[tuple[str, str]]]

_providers: list[CourseLink] = []


def register_course_link(provider: CourseLink) -> None:
    """Add a provider; called once by an app when it is ready (twice adds it once)."""
    if provider not in _providers:
        _providers.append(provider)


def course_links(*, user, course) -> list[tuple[str, str]]:
    """The (label, url) lines ``user`` sees on ``course``'s page, e.g. the MoUs it is shared under."""
    return [link for provider in _providers for link in provider(user, course)]
