"""The API's own records: the tokens people create to call it."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A person's key to the API, shown once at creation as ``tvp_<prefix>_<secret>``.

    Only a hash of the secret is stored; ``prefix`` names the token in lists and finds it
    on each call. ``scopes``: ``read`` and, for tokens that may change data, ``write`` (which
    implies ``read``). ``institution``: the one institution the token acts for, null for a
    token that needs none (a participant's own data, the secretariat's work). Every call
    checks again that the person still holds the rights the token was made with.
    """

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    # The full string: tvp_<prefix>_<secret>.
    TOKEN_PREFIX = "tvp"  # nosec B105 - the public marker of the format, not a secret
    PREFIX_LENGTH = 10
    # ``last_used_at`` is written at most once per this many seconds.
    LAST_USED_RESOLUTION = 60

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    scopes = ArrayField(models.CharField(max_length=16, choices=Scope), verbose_name=_("scopes"))
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def has_scope(self, scope: str) -> bool:
        """Whether the token carries ``scope``; ``write`` implies ``read``."""
        return scope in self.scopes or (scope == self.Scope.READ and self.Scope.WRITE in self.scopes)

    @property
    def can_write(self) -> bool:
        return self.has_scope(self.Scope.WRITE)

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active() else "expired"
