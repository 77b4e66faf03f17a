"""Template tags for the registration block of an event page."""

from django import template

from events.models import Registration

register = template.Library()


@register.simple_tag(takes_context=True)
def registration_for(context, event) -> Registration | None:
    """Return the signed-in person's registration for ``event`` (any status), or None."""
    user = context.get("user")
    if user is None or not user.is_authenticated or event is None:
        return None
    return Registration.objects.filter(event=event, user=user).select_related("institution").first()
