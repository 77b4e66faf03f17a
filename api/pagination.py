"""Pagination of the API's lists: cursors (stable while rows are added, no counting)."""

import binascii
from base64 import b64decode, b64encode
from urllib.parse import parse_qs

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.utils.urls import replace_query_param


class CursorPagination(BaseCursorPagination):
    """``?cursor=`` from the ``next``/``previous`` links; ``?page_size=`` up to 100.

    Views set ``ordering`` (fields that together identify a row end in ``pk``), or
    ``pagination_ordering`` is used.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"


class PageCursor:
    """Opaque cursors over a numbered page, for lists that a domain function pages itself.

    The directory (``institutions.filters.directory_search``) and the registry
    (``mous.selectors.registry_page``) page their results as their pages do, so that the API
    gives the same results in the same order; the API's cursor wraps the page number, so that
    callers follow ``next``/``previous`` as everywhere else in the API.
    """

    query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = 100

    def __init__(self, request, *, default_size: int):
        self.request = request
        self.page_number = self._decode(request.query_params.get(self.query_param))
        self.page_size = self._size(request.query_params.get(self.page_size_query_param), default_size)

    def _decode(self, cursor: str | None) -> int:
        if not cursor:
            return 1
        try:
            text = b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
            number = int(parse_qs(text, strict_parsing=True)["p"][0])
        except (TypeError, ValueError, KeyError, UnicodeError, binascii.Error):
            raise NotFound(BaseCursorPagination.invalid_cursor_message) from None
        if number < 1:
            raise NotFound(BaseCursorPagination.invalid_cursor_message)
        return number

    def _size(self, value: str | None, default: int) -> int:
        try:
            size = int(value) if value else default
        except ValueError:
            return default
        return min(max(size, 1), self.max_page_size)

    def link(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.query_param, b64encode(f"p={number}".encode()).decode("ascii"))

    def links(self, page) -> dict:
        """``next`` and ``previous`` for a Django ``Page`` of this cursor's number."""
        if page.number != self.page_number:
            # Past the end (the page functions then give their last page): no such cursor.
            raise NotFound(BaseCursorPagination.invalid_cursor_message)
        return {
            "next": self.link(page.next_page_number() if page.has_next() else None),
            "previous": self.link(page.previous_page_number() if page.has_previous() else None),
        }
