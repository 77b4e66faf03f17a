"""The API matrix's entries for api/views_docs.py (the OpenAPI document and its readers)."""

from tests.api.matrix import row

# Public; a call with an unusable token is refused (401) here too, as everywhere in the API.
MATRIX = {
    "api:schema": row("OK OK OK OK OK OK UNAUTH UNAUTH OK"),
    "api:docs": row("OK OK OK OK OK OK UNAUTH UNAUTH OK"),
    "api:redoc": row("OK OK OK OK OK OK UNAUTH UNAUTH OK"),
}
