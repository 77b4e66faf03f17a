"""The Celery application; its configuration is the CELERY_* part of Django's settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _name_redbeat_settings_plainly(sender, **kwargs):
    """Also give RedBeat's settings (CELERY_REDBEAT_* in Django's) under their bare names.

    RedBeat reads them through the prefix, but checks by bare name whether its Redis URL was
    given, and otherwise warns at each start that it falls back on the broker's: wrongly here.
    """
    for key in [key for key in sender.conf if key.startswith("CELERY_REDBEAT_")]:
        sender.conf[key.removeprefix("CELERY_").lower()] = sender.conf[key]
