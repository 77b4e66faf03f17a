"""Pagination of the API's lists: cursors (stable while rows are added, no counting)."""

from rest_framework.pagination import CursorPagination as BaseCursorPagination


class CursorPagination(BaseCursorPagination):
    """``?cursor=`` from the ``next``/``previous`` links; ``?page_size=`` up to 100.

    Views set ``ordering`` (fields that together identify a row end in ``pk``), or
    ``pagination_ordering`` is used.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"
