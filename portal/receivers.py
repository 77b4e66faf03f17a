import time

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from institutions.permissions import SECRETARIAT_GROUP

from .backends import forget_cached_users
from .mfa import FACTOR_CHECK_SESSION_KEY, forget_second_factor, has_second_factor
from .middleware import SEEN_AT_SESSION_KEY, SIGNED_IN_AT_SESSION_KEY

# The secretariat manages every object of the portal's own apps through the admin.
SECRETARIAT_APPS = ("institutions", "events", "matchmaking", "mous")


def ensure_secretariat_group(sender, *, apps=global_apps, using="default", verbosity=1, **kwargs) -> None:
    """Create the Secretariat group and grant it all permissions of the portal's apps.

    Runs after every ``migrate``; idempotent. The apps' permissions are created here first,
    because Django creates them per app in the same signal, possibly after this receiver.
    """
    if sender.label != "portal":
        return
    for label in SECRETARIAT_APPS:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=SECRETARIAT_APPS)
    group.permissions.add(*permissions)


def record_sign_in(sender, *, request, user, **kwargs) -> None:
    """Stamp the session with its sign-in time, and remember whether its user holds a factor.

    The stamps feed ``StaffSessionTimeoutMiddleware``; the factor check spares
    ``SecondFactorRequiredMiddleware`` a query on the next pages.
    """
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT_SESSION_KEY] = now
    request.session[SEEN_AT_SESSION_KEY] = now
    # Whatever the person's role: asking it here would cache it on ``user``.
    if has_second_factor(user):
        request.session[FACTOR_CHECK_SESSION_KEY] = [user.pk, now]


def forget_removed_second_factor(sender, *, request, **kwargs) -> None:
    """Check again on the next page whether the person still holds a factor."""
    if request is not None and hasattr(request, "session"):
        forget_second_factor(request)


def forget_cached_user(sender, *, instance, **kwargs) -> None:
    """A user was saved or deleted: drop their cached copy (``portal.backends``)."""
    forget_cached_users([instance.pk])


def forget_cached_member(sender, *, instance, **kwargs) -> None:
    """A membership was saved or deleted: drop its person's cached copy, which lists their institutions."""
    forget_cached_users([instance.user_id])


def forget_cached_group_members(sender, *, instance, **kwargs) -> None:
    """A group was saved (perhaps renamed) or is being deleted: drop its members' cached copies."""
    if instance.pk is not None:
        forget_cached_users(instance.user_set.values_list("pk", flat=True))


def forget_cached_users_of_groups_change(sender, *, instance, action, reverse, pk_set, **kwargs) -> None:
    """Someone's groups changed, from either side: drop the cached copies of the people concerned."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        forget_cached_users([instance.pk])
    elif action == "pre_clear":
        forget_cached_users(instance.user_set.values_list("pk", flat=True))
    else:
        forget_cached_users(pk_set or ())
