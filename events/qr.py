"""What a badge's QR code carries: the check-in URL, and reading it back from a scan.

A badge's code carries a check-in URL built from the registration's unguessable
``badge_token``; never a database id, which would let anyone who can count walk through the
participant list. The code itself is drawn by :func:`core.qr.qr_svg`.
"""

import re

from django.urls import reverse

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
