"""Request middleware shared by every app."""

from ipaddress import ip_address

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


class AuditMiddleware(AuditlogMiddleware):
    """``AuditlogMiddleware`` that records an address nobody can forge.

    The library takes the first address of ``X-Forwarded-For``, which any client can write, and
    stores whatever it finds: a made-up header would put a false address in the audit trail, or
    text that the database refuses, failing the request. Here the address is ``REMOTE_ADDR``,
    unless ``AUDIT_TRUSTED_PROXIES`` reverse proxies stand in front of the portal: then it is the
    address the outermost trusted proxy saw, counted from the end of the header. Anything that is
    not an IP address is dropped.
    """

    @staticmethod
    def _get_remote_addr(request) -> str | None:
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        address = request.META.get("REMOTE_ADDR", "")
        proxies = settings.AUDIT_TRUSTED_PROXIES
        if proxies > 0:
            hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
            if len(hops) >= proxies:
                address = hops[-proxies]
        try:
            return str(ip_address(address))
        except ValueError:
            return None
