"""Creating and revoking API tokens: the only writes of ``ApiToken``.

The secret is shown once, in the string ``token_create`` returns; only its SHA-256 is kept
(the secret is 256 random bits, so a plain hash is as strong as a slow one and keeps each
call cheap).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import Institution
from institutions.permissions import active_institution_ids, is_secretariat

from .errors import ApiTokenError
from .models import ApiToken

# The longest a token may live, and the lifetime the preferences form proposes.
MAX_LIFETIME = timedelta(days=365)
DEFAULT_LIFETIME = timedelta(days=90)
# Active (unexpired, unrevoked) tokens a person may hold at once.
MAX_ACTIVE_TOKENS = 20


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(plain: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a full token string ``tvp_<prefix>_<secret>``, or None if malformed."""
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != ApiToken.TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    if len(parts[1]) != ApiToken.PREFIX_LENGTH or len(parts[2]) > 128:
        return None
    return parts[1], parts[2]


def secret_matches(token: ApiToken, secret: str) -> bool:
    return hmac.compare_digest(token.secret_hash, hash_secret(secret))


def normalise_scopes(scopes) -> list[str]:
    """The scopes as stored: ``["read"]`` or ``["read", "write"]`` (write implies read)."""
    chosen = {str(scope) for scope in scopes}
    unknown = chosen - set(ApiToken.Scope.values)
    if unknown or not chosen:
        raise ApiTokenError(_("Choose the token's scopes: read, or read and write."), field="scopes")
    return [ApiToken.Scope.READ, ApiToken.Scope.WRITE] if ApiToken.Scope.WRITE in chosen else [ApiToken.Scope.READ]


def token_create(
    *, user, name: str, scopes, institution: Institution | None, expires_at: datetime
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and its full string, which is shown only now.

    ``institution`` must be one the person is an active member or admin of (the endpoints
    check which of the two each write needs, on every call); ``expires_at`` lies in the
    future and at most ``MAX_LIFETIME`` away.
    """
    if not user.is_authenticated or not user.is_active:
        raise ApiTokenError(_("Sign in to create a token."))
    name = (name or "").strip()
    if not name:
        raise ApiTokenError(_("Give the token a name."), field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ApiTokenError(_("The name is too long."), field="name")
    stored_scopes = normalise_scopes(scopes)
    if institution is not None and institution.pk not in active_institution_ids(user):
        raise ApiTokenError(_("You can only create a token for an institution you belong to."), field="institution")
    now = timezone.now()
    if expires_at is None or expires_at <= now:
        raise ApiTokenError(_("The expiry date must be in the future."), field="expires_at")
    if expires_at > now + MAX_LIFETIME + timedelta(days=1):
        raise ApiTokenError(_("A token can be valid for one year at most."), field="expires_at")
    with transaction.atomic():
        # One person's creations one at a time, so that the limit holds.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise ApiTokenError(
                _("You already have %(count)d active tokens. Revoke one you no longer use first.")
                % {"count": MAX_ACTIVE_TOKENS}
            )
        prefix = secrets.token_hex(ApiToken.PREFIX_LENGTH // 2)
        while ApiToken.objects.filter(prefix=prefix).exists():  # pragma: no cover - 40 random bits
            prefix = secrets.token_hex(ApiToken.PREFIX_LENGTH // 2)
        secret = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_hash=hash_secret(secret),
            scopes=stored_scopes,
            institution=institution,
            expires_at=expires_at,
        )
    return token, f"{ApiToken.TOKEN_PREFIX}_{prefix}_{secret}"


def token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke ``token``, one of ``user``'s own (the secretariat may revoke anyone's).

    Revoking a revoked token changes nothing.
    """
    if token.user_id != user.pk and not is_secretariat(user):
        raise ApiTokenError(_("This token is not yours."), field="token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(token: ApiToken) -> None:
    """Note that ``token`` was used now; written at most once per ``LAST_USED_RESOLUTION`` seconds."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= ApiToken.LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
