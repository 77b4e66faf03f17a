"""The contact-exchange code for a participant's own badge page (never for printed badges).

Printed badges are handed out by the desk whether or not their holder consented, so only the
badge a person opens on their own phone shows the code, and only while they consent.
"""

from django import template

from core.qr import qr_svg
from events.contacts import contact_url

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_code(context, registration) -> dict | None:
    """``{"url": …, "qr": <svg>}`` for ``registration``'s code if its holder consents, else None."""
    if registration is None or not registration.shares_contact:
        return None
    url = contact_url(registration, context.get("request"))
    return {"url": url, "qr": qr_svg(url)}
