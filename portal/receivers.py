from django.apps import apps as global_apps

from institutions.permissions import SECRETARIAT_GROUP

# The secretariat manages every object of the portal's own apps through the admin.
SECRETARIAT_APPS = ("institutions", "events", "mous")


def ensure_secretariat_group(sender, *, apps=global_apps, using="default", **kwargs) -> None:
    """Create the Secretariat group and grant it all permissions of the portal's apps.

    Runs after every ``migrate``; idempotent.
    """
    if sender.label != "portal":
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=SECRETARIAT_APPS)
    group.permissions.add(*permissions)
