"""How the API knows who calls: ``Authorization: Bearer tvp_<prefix>_<secret>``.

Sessions are not used by the API (so no CSRF questions): a call without the header is
anonymous, and may read what visitors may read. A token bound to one institution reads and
acts as a member of that institution alone: the person's other institutions (and their
private objects) are out of its reach for the whole call. A header that names no usable token (unknown,
malformed, expired, revoked, or its person deactivated) is refused with 401, never treated as
anonymous.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from institutions.permissions import narrow_active_institution_ids

from .audit import record_actor
from .models import ApiToken
from .services import secret_matches, split_token, token_touch

KEYWORD = b"bearer"


class TokenAuthentication(BaseAuthentication):
    """``request.user`` is the token's person, ``request.auth`` the ``ApiToken``."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must read “Bearer <token>”."))
        try:
            plain = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        return self.authenticate_token(plain)

    def authenticate_token(self, plain: str):
        parts = split_token(plain)
        if parts is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        prefix, secret = parts
        token = ApiToken.objects.select_related("user", "institution").filter(prefix=prefix).first()
        if token is None or not secret_matches(token, secret):
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token has been revoked."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's account is inactive."))
        token_touch(token)
        if token.institution_id is not None:
            narrow_active_institution_ids(token.user, token.institution_id)
        record_actor(token.user)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
