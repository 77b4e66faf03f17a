"""The institutions app's emails, written by the outbox (`core.outbox`) when they are sent.

Each row's context names the objects by `outbox.refs()`; they are fetched again at sending
time, so an email whose subject is gone (a withdrawn invitation, a deleted account) is not
sent. Every email is rendered in its recipient's language.
"""

from django.conf import settings
from django.urls import reverse

from core import outbox

ONBOARDING = "onboarding"
INVITATION = "invitation"
CONTACT_MESSAGE = "contact_message"
CONTACT_COPY = "contact_copy"
PROFILE_REVIEW = "profile_review"
COURSE_REQUEST = "course_request"

INVITATION_VALID_DAYS = 30


def absolute_url(path: str) -> str:
    """Return ``path`` on the portal's public address (SITE_URL), for links in emails."""
    return settings.SITE_URL + path


@outbox.renderer(ONBOARDING)
def render_onboarding(email) -> outbox.Rendered | None:
    """Joining the portal: a new institution, a request to join, its decision, a verification."""
    objects = outbox.load_refs(email.context.get("objects", {}))
    if objects is None:
        return None
    context = {**email.context.get("values", {}), **objects, "recipient": email.user}
    return outbox.render_templates(f"institutions/email/onboarding_{email.context['template']}", context)


@outbox.renderer(INVITATION)
def render_invitation(email) -> outbox.Rendered | None:
    """The link to join an institution; not sent once the invitation was accepted or withdrawn."""
    objects = outbox.load_refs(email.context["objects"])
    if objects is None or objects["invitation"].accepted_at is not None:
        return None
    invitation = objects["invitation"]
    context = {
        "invitation": invitation,
        "institution": invitation.institution,
        "inviter": invitation.invited_by,
        "accept_url": absolute_url(reverse("institutions:invitation_accept", args=[invitation.token])),
        "valid_days": INVITATION_VALID_DAYS,
    }
    return outbox.render_templates("institutions/email/invitation", context)


def _contact_context(message) -> dict:
    from .selectors import acting_institution

    return {
        "message": message,
        "institution": message.institution,
        "sender": message.sender,
        "sender_institution": acting_institution(message.sender),
        "institution_url": absolute_url(message.institution.get_absolute_url()),
    }


@outbox.renderer(CONTACT_MESSAGE)
def render_contact_message(email) -> outbox.Rendered | None:
    """A message relayed to an institution, answered directly to its sender (Reply-To)."""
    objects = outbox.load_refs(email.context["objects"])
    if objects is None or objects["message"].sender is None:  # the sender's account was deleted
        return None
    message = objects["message"]
    return outbox.render_templates(
        "institutions/email/contact_message", _contact_context(message), reply_to=[message.sender.email]
    )


@outbox.renderer(CONTACT_COPY)
def render_contact_copy(email) -> outbox.Rendered | None:
    """The sender's copy of a relayed message; it names no recipient address."""
    objects = outbox.load_refs(email.context["objects"])
    if objects is None or objects["message"].sender is None:
        return None
    return outbox.render_templates("institutions/email/contact_copy", _contact_context(objects["message"]))


@outbox.renderer(PROFILE_REVIEW)
def render_profile_review(email) -> outbox.Rendered | None:
    """The yearly request to an admin to review their institution's profile."""
    objects = outbox.load_refs(email.context["objects"])
    if objects is None:
        return None
    institution = objects["institution"]
    context = {
        "institution": institution,
        "user": email.user,
        "edit_url": absolute_url(reverse("institutions:edit", args=[institution.slug])),
    }
    return outbox.render_templates("institutions/email/profile_review", context)


@outbox.renderer(COURSE_REQUEST)
def render_course_request(email) -> outbox.Rendered | None:
    """A request to use a shared course (to the course's admins) or its answer (to the requester's).

    Not sent when the request is gone, or, for a new request, once it is no longer pending.
    """
    objects = outbox.load_refs(email.context["objects"])
    if objects is None:
        return None
    request = objects["request"]
    template = email.context["template"]
    if template == "received" and request.status != "pending":
        return None
    context = {
        "request": request,
        "course": request.course,
        "recipient": email.user,
        "course_url": absolute_url(request.course.get_absolute_url()),
        "requests_url": absolute_url(reverse("institutions:course_requests")),
    }
    return outbox.render_templates(f"institutions/email/course_request_{template}", context)
