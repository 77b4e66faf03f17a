"""System checks of the portal's own configuration, run by ``manage.py check``; registered when the
portal app is ready."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """SITE_URL must be the public address: links in emails and QR codes are built from it.

    Background jobs (reminders, digests, MoU verification codes) have no request to take the
    host from, so a SITE_URL left at its development default, or naming a host the portal
    does not answer to, sends every recipient to a dead link.
    """
    site_url = settings.SITE_URL
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return [
            Error(
                f"SITE_URL {site_url!r} is not an absolute http(s) address.",
                hint="Set SITE_URL to the portal's public address, for example https://portal.example.org.",
                id="portal.E101",
            )
        ]
    errors = []
    if _is_loopback(host):
        errors.append(
            Error(
                f"SITE_URL {site_url!r} points to this machine, so links in emails and QR codes lead nowhere.",
                hint="Set SITE_URL to the portal's public address, for example https://portal.example.org.",
                id="portal.E102",
            )
        )
    elif not validate_host(f"[{host}]" if ":" in host else host, settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"The host of SITE_URL ({host}) is not in ALLOWED_HOSTS, so its links would be refused.",
                hint="Make SITE_URL name one of the hosts in ALLOWED_HOSTS.",
                id="portal.E103",
            )
        )
    if parts.scheme != "https":
        errors.append(
            Warning(
                f"SITE_URL {site_url!r} is not an https address.",
                hint="Links in emails should use https, as the portal redirects to it.",
                id="portal.W104",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_second_factor_not_waived(app_configs=None, **kwargs):
    """Refuse the demo's waiver of the second factor for staff and the secretariat in production.

    An error, not a warning: ``check --deploy --fail-level ERROR`` runs before every deployment
    (docker-compose's migrate service), so a server with the waiver on never starts.
    """
    if not settings.PORTAL_DEMO_WAIVE_MFA:
        return []
    return [
        Error(
            "PORTAL_DEMO_WAIVE_MFA is on: staff and secretariat members can sign in without a second factor.",
            hint="Unset PORTAL_DEMO_WAIVE_MFA (or set it to 0) everywhere except the demo (make run).",
            id="portal.E001",
        )
    ]
