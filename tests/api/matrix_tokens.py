"""The API matrix's entries for api/views_tokens.py (the calling token itself)."""

from tests.api.matrix import row

MATRIX = {
    "api:token": (
        row("UNAUTH OK OK OK OK OK UNAUTH UNAUTH OK"),
        row("UNAUTH NO_CONTENT NO_CONTENT NO_CONTENT NO_CONTENT NO_CONTENT UNAUTH UNAUTH NO_CONTENT", method="DELETE"),
        row("UNAUTH METHOD METHOD METHOD METHOD METHOD UNAUTH UNAUTH METHOD", method="POST", data=lambda w: {}),
    ),
}
