from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from institutions.permissions import SECRETARIAT_GROUP

# The secretariat manages every object of the portal's own apps through the admin.
SECRETARIAT_APPS = ("institutions", "events", "mous")


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
