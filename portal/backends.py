"""Authentication backends that load the signed-in user together with their secretariat membership.

``portal.middleware`` asks on every request whether the person is staff or secretariat (to
require a second factor and to time the session out). Loading the answer with the user keeps
that at no extra query; the permission rules still ask ``is_secretariat`` themselves.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef

from institutions.permissions import SECRETARIAT_GROUP


class SecretariatFlagMixin:
    def get_user(self, user_id):
        User = get_user_model()
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=SECRETARIAT_GROUP)
        try:
            user = User._default_manager.annotate(portal_in_secretariat_group=Exists(memberships)).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(SecretariatFlagMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(SecretariatFlagMixin, AllauthBackend):
    pass
