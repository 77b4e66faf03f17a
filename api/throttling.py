"""Rate limits: per token for calls with one, per address for anonymous calls.

Counted in the shared cache (Redis), so every process of the portal counts together. Rates
come from REST_FRAMEWORK's DEFAULT_THROTTLE_RATES (``anon`` and ``token``).
"""

from allauth.core.internal.httpkit import get_client_ip
from rest_framework.throttling import AnonRateThrottle as BaseAnonRateThrottle
from rest_framework.throttling import SimpleRateThrottle

from .permissions import token_of


class AnonRateThrottle(BaseAnonRateThrottle):
    """Calls without a token, per client address."""

    scope = "anon"

    def get_ident(self, request):
        # The portal's one notion of the client address (TRUSTED_PROXY_COUNT and kin), as for
        # the sign-in limits.
        return get_client_ip(request._request if hasattr(request, "_request") else request)

    def get_cache_key(self, request, view):
        if token_of(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRateThrottle(SimpleRateThrottle):
    """Calls with a token, per token (not per person: each token has its own budget)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
