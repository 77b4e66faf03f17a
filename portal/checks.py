"""System checks of the portal's own settings, registered when the portal app is ready."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_second_factor_not_waived(app_configs, **kwargs) -> list[Warning]:
    """Report the demo's waiver of the second factor for staff and the secretariat."""
    if not settings.PORTAL_DEMO_WAIVE_MFA:
        return []
    return [
        Warning(
            "PORTAL_DEMO_WAIVE_MFA is on: staff and secretariat members can sign in without a second factor.",
            hint="Unset PORTAL_DEMO_WAIVE_MFA (or set it to 0) everywhere except the demo (make run).",
            id="portal.W001",
        )
    ]
