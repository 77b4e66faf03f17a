"""Name badges: who gets one, and what is printed on it.

The badge pages are print-ready HTML rather than PDF: the secretariat prints them from the
browser at the venue, and the browser draws Chinese, Thai, Khmer and Vietnamese names with
the fonts the machine has. Everything a badge shows is gathered here in one query, so a sheet
for four thousand people costs the same number of queries as a sheet for one.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from core.qr import qr_svg

from .models import Delegation, Event, Registration
from .qr import checkin_url

LAYOUTS = ("a6", "a4")
BADGES_PER_A4_SHEET = 4
# A print job of a hundred badges is what a desk printer and a browser handle comfortably;
# an exchange week of four thousand is printed page by page (or delegation by delegation).
BADGES_PER_PRINT_PAGE = 100


@dataclass(frozen=True)
class Badge:
    registration: Registration
    name: str
    job_title: str
    institution: str
    institution_local: str
    country: str
    role: str
    delegation: str
    qr_payload: str
    qr: SafeString


def badge_registrations(
    event: Event, *, delegation: Delegation | None = None, registration_id: int | None = None
) -> QuerySet[Registration]:
    """Approved registrations of ``event`` that get a badge, in the order they are handed out.

    Sorted by country, then institution, then name, so that a delegation's badges come off the
    printer together and the welcome desk can hand them out by table.
    """
    registrations = event.registrations.filter(status=Registration.Status.APPROVED).select_related(
        "user", "institution", "delegation", "event"
    )
    if delegation is not None:
        registrations = registrations.filter(delegation=delegation)
    if registration_id is not None:
        registrations = registrations.filter(pk=registration_id)
    return registrations.order_by("institution__country", "institution__name", "user__display_name", "user__email")


def badge_name(registration: Registration) -> str:
    """The name printed large: the display name, never a full email address on a lanyard."""
    user = registration.user
    return user.display_name or user.get_short_name()


def make_badge(registration: Registration, request=None) -> Badge:
    payload = checkin_url(registration, request)
    institution = registration.institution
    return Badge(
        registration=registration,
        name=badge_name(registration),
        job_title=registration.job_title,
        institution=institution.name,
        institution_local=institution.name_local if institution.name_local != institution.name else "",
        country=str(institution.country.name),
        role=str(registration.get_role_display()),
        delegation=registration.delegation.name if registration.delegation_id else "",
        qr_payload=payload,
        qr=qr_svg(payload),
    )


def make_badges(registrations, request=None) -> list[Badge]:
    return [make_badge(registration, request) for registration in registrations]


def sheets(badges: list[Badge], layout: str) -> list[tuple[Badge, ...]]:
    """Group badges into printed pages: one per A6 page, four per A4 sheet."""
    per_page = BADGES_PER_A4_SHEET if layout == "a4" else 1
    return [tuple(badges[i : i + per_page]) for i in range(0, len(badges), per_page)]
