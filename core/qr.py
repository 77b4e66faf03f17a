"""QR codes drawn on the server as inline SVG: badges, contact exchange, survey cards, MoU summaries.

Badges and cards are printed from the browser, so the code has to be part of the page itself:
no image service, nothing fetched from elsewhere. The MoU summary PDF places the same SVG as a
vector image. What a code carries is for the caller to decide (``events.qr`` builds a badge's
check-in URL); this module only draws it.
"""

import hashlib

import segno
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

# A code for a given payload never changes, so its drawing is kept for a month.
QR_CACHE_SECONDS = 30 * 24 * 3600


def qr_svg(payload: str, *, scale: int = 4, border: int = 2) -> SafeString:
    """An inline <svg> QR code for ``payload``.

    Error correction "M" survives a crease or a smudge on a printed badge while keeping the
    code small enough to scan from arm's length. The mask is fixed: letting segno try all
    eight and score them costs about 35 ms a code, 8 ms with one, and any mask scans; with
    the cache, a sheet of badges is drawn once. ``svg_inline`` omits the XML declaration and
    fixes no unit, so CSS can size the code in millimetres for print.
    """
    key = "qr-svg:" + hashlib.sha256(f"{scale}:{border}:{payload}".encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        qr = segno.make(payload, error="m", boost_error=False, mask=0)
        svg = qr.svg_inline(scale=scale, border=border, omitsize=True, svgclass="qr", lineclass=None)
        cache.set(key, svg, QR_CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 -- segno's SVG holds only path data, nothing user-controlled  # nosec B308, B703
