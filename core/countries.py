"""The portal's country list: django-countries, sorted as the reader's language sorts.

django-countries sorts its names with a module-level key that has no setting: the Unicode
collation when ``pyuca`` is installed, otherwise the names' ASCII letters, which leaves every
Chinese, Thai or Lao name in no order at all (each reduces to an empty string). It does let a
``CountryField`` take a ``Countries`` subclass (``CountryField(countries=PortalCountries)``), so
this subclass re-sorts its list with :func:`core.collation.sort_key`. Code that iterates the
countries for a reader imports :data:`countries` from here, not from ``django_countries``.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django_countries import Countries

from core.collation import sort_key


class PortalCountries(Countries):
    """Countries sorted by :func:`core.collation.sort_key` in the active language."""

    def __iter__(self):
        # The parent yields the first countries (COUNTRIES_FIRST, none today) and their
        # separator, then all the others sorted by its own key; only the latter are re-sorted.
        # The parent keeps its list per language and options, so its output is the cache key.
        listed = tuple(super().__iter__())
        language = get_language()
        cache = self.__dict__.setdefault("_portal_sorted", {})
        key = (language, listed)
        if key not in cache:
            if len(cache) > 64:  # options or translations that keep changing: stay bounded
                cache.clear()
            cache[key] = self._sorted(list(listed), language)
        yield from cache[key]

    def _sorted(self, listed: list, language: str | None) -> list:
        first = [code for code in map(self.alpha2, self._resolve_first_countries()) if code in self.countries]
        head = len(first) + bool(first and self.get_option("first_break"))
        if head and self.get_option("first_sort"):
            listed[: len(first)] = sorted(listed[: len(first)], key=lambda pair: sort_key(pair.name, language))
        listed[head:] = sorted(listed[head:], key=lambda pair: sort_key(pair.name, language))
        return listed


countries = PortalCountries()
