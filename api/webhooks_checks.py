"""System check: local webhook receivers are for development only; registered when the API app is ready."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_local_webhook_receivers_off(app_configs=None, **kwargs):
    """Refuse, in production, webhooks to plain http and to loopback or private addresses.

    With them allowed, anyone who may add a webhook could make the portal's workers send
    requests into its own network (SSRF): to the database, Redis, or a cloud metadata service.
    """
    if not settings.WEBHOOKS_ALLOW_LOCAL_RECEIVERS:
        return []
    return [
        Error(
            "WEBHOOKS_ALLOW_LOCAL_RECEIVERS is on: webhooks may be sent to this machine and its private network.",
            hint="Unset WEBHOOKS_ALLOW_LOCAL_RECEIVERS (or set it to 0) everywhere except development.",
            id="api.E001",
        )
    ]
