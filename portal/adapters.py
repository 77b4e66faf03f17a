"""Glue between django-allauth and the portal."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from institutions.permissions import is_secretariat


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """Send a person linked to no institution (not even by a pending request) to find theirs.

        Only the default target changes: a ``next`` address still wins, as allauth asks it first.
        """
        user = request.user
        if user.is_authenticated and not is_secretariat(user) and not user.memberships.exists():
            return reverse("institutions:welcome")
        return super().get_login_redirect_url(request)
