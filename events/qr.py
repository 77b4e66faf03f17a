"""QR codes for badges, drawn on the server as inline SVG.

Badges are printed from the browser, so the code has to be part of the page itself: no image
service, nothing fetched from elsewhere. A badge's code carries a check-in URL built from the
registration's unguessable ``badge_token``; never a database id, which would let anyone who can
count walk through the participant list.
"""

import hashlib
import re

import segno
from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .models import Registration

# Tokens come from secrets.token_urlsafe(24): 32 URL-safe characters. Accept a little more or
# less so that older or hand-made tokens still work, but nothing that could be a path or a query.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SCAN_PATH = re.compile(r"/check-in/scan/(?P<token>[A-Za-z0-9_-]{16,64})/?(?:[?#].*)?$")


def checkin_path(registration: Registration) -> str:
    """The path a badge's QR code points to: the check-in confirmation for that badge."""
    return reverse("events:checkin_scan", kwargs={"slug": registration.event.slug, "token": registration.badge_token})


def checkin_url(registration: Registration, request=None) -> str:
    """The absolute URL encoded in a badge's QR code.

    Absolute, so that a phone's ordinary camera app opens the portal when it reads the code;
    the check-in page's own scanner only needs the token at the end.
    """
    path = checkin_path(registration)
    return request.build_absolute_uri(path) if request is not None else path


def token_from_scan(text: str) -> str | None:
    """The badge token in what a scanner read: a check-in URL, or the bare token typed in.

    Returns None for anything else, so that a stray QR code (a website, a vCard) is reported as
    an unknown badge rather than looked up.
    """
    text = (text or "").strip()
    if TOKEN_PATTERN.match(text):
        return text
    match = _SCAN_PATH.search(text)
    return match["token"] if match else None


# A badge's code never changes, so its drawing is kept for a month.
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
