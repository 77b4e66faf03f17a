"""Authentication backends that load the signed-in user together with their secretariat membership.

``portal.middleware`` asks on every request whether the person is staff or secretariat (to
require a second factor and to time the session out). Loading the answer with the user keeps
that at no extra query, and ``is_secretariat`` answers from it too. The ids of the
institutions in which the person holds an active membership, and of those they administer,
come with them as well (``institutions.permissions.active_institution_ids``, asked by the
registry, the directory and most permission checks).

The user so loaded is kept in the cache under their id (``user_cache_key``), since every
signed-in request needs them and they rarely change: any save or delete of the user or of
one of their memberships, any change of their groups and any rename or deletion of a group
drops the copy, at once and again when the transaction commits (``forget_cached_users``, wired
in ``portal.apps``), so that no copy read before the commit outlives it. Copies expire after
``USER_CACHE_SECONDS`` anyway.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef

from institutions.models import Membership
from institutions.permissions import SECRETARIAT_GROUP, remember_active_institution_ids

USER_CACHE_SECONDS = 600


def user_cache_key(user_id) -> str:
    return f"portal:user:{user_id}"


def forget_cached_users(user_ids) -> None:
    """Drop the cached copies of these users: now, and again once the current transaction commits."""
    keys = [user_cache_key(user_id) for user_id in user_ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def load_user(user_id):
    """The user with ``user_id``, their secretariat membership and institutions, from the cache or the database."""
    key = user_cache_key(user_id)
    user = cache.get(key)
    if user is None:
        User = get_user_model()
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=SECRETARIAT_GROUP)
        active = (
            Membership.objects.filter(user_id=OuterRef("pk"), status=Membership.Status.ACTIVE)
            .order_by()
            .values("institution_id")
        )
        try:
            user = User._default_manager.annotate(
                portal_in_secretariat_group=Exists(memberships),
                portal_institution_ids=ArraySubquery(active),
                portal_admin_institution_ids=ArraySubquery(active.filter(role=Membership.Role.ADMIN)),
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        remember_active_institution_ids(
            user, set(user.portal_institution_ids), admin_ids=set(user.portal_admin_institution_ids)
        )
        cache.set(key, user, USER_CACHE_SECONDS)
    return user


class SecretariatFlagMixin:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(SecretariatFlagMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(SecretariatFlagMixin, AllauthBackend):
    pass
