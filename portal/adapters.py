"""Glue between django-allauth and the portal."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from institutions.permissions import is_secretariat

from .mfa import FACTOR_TYPES, second_factor_required


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """Send a person linked to no institution (not even by a pending request) to find theirs.

        Only the default target changes: a ``next`` address still wins, as allauth asks it first.
        """
        user = request.user
        if user.is_authenticated and not is_secretariat(user) and not user.memberships.exists():
            return reverse("institutions:welcome")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        """Send a newcomer, once signed in, where a sign-in would: finding their institution.

        allauth asks this where sign-up leads, also after the address is confirmed, when the
        person is not yet signed in; someone just signed up is linked to no institution. A
        ``next`` address still wins.
        """
        if request.user.is_authenticated:
            return self.get_login_redirect_url(request)
        return reverse("institutions:welcome")


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Staff and secretariat members must keep a second factor: add another authenticator app "
            "or security key before you remove this one."
        ),
    }

    def build_totp_svg(self, url: str) -> str:
        """Return the QR code as SVG markup that can sit in an HTML page (no XML declaration)."""
        svg = super().build_totp_svg(url)
        return svg[svg.index("<svg") :]

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Refuse to remove the last TOTP authenticator or WebAuthn key of whoever must hold one."""
        if authenticator.type not in FACTOR_TYPES or not second_factor_required(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=FACTOR_TYPES)
        return others.exclude(pk=authenticator.pk).exists()
