"""The API matrix's entries for api/views_public.py (public reads)."""

from tests.api.matrix import row

MATRIX = {
    "api:root": row("OK OK OK OK OK OK UNAUTH UNAUTH OK"),
}
