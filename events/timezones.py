"""Time zone names for events and people (IANA names, as zoneinfo knows them)."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Reject anything that is not an IANA time zone name."""
    if value not in _known():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(_known())]
