"""The events app's emails about registrations, written by the outbox (`core.outbox`) when sent.

The objects an email is about are named in its row's context (`outbox.refs()`) and fetched
again at sending time; each email is rendered in its recipient's language.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from core import outbox

REGISTRATION_DECISION = "registration_decision"
IMPORT_INVITATION = "import_invitation"


@outbox.renderer(REGISTRATION_DECISION)
def render_registration_decision(email) -> outbox.Rendered | None:
    """A registration approved or declined by the organisers."""
    objects = outbox.load_refs(email.context["objects"])
    if objects is None:
        return None
    registration = objects["registration"]
    context = {"registration": registration, "event": registration.event, "recipient": email.user}
    return outbox.render_templates(f"events/registration/email/{email.context['outcome']}", context)


@outbox.renderer(IMPORT_INVITATION)
def render_import_invitation(email) -> outbox.Rendered | None:
    """To a person an import registered and created an account for: a link to set a password."""
    from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
    from allauth.account.utils import user_pk_to_url_str

    objects = outbox.load_refs(email.context["objects"])
    if objects is None:
        return None
    event, user = objects["event"], email.user
    base_url = email.context["base_url"].rstrip("/")
    link = base_url + reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": EmailAwarePasswordResetTokenGenerator().make_token(user)},
    )
    context = {
        "event": event,
        "name": user.get_full_name(),
        "set_password_url": link,
        "event_url": base_url + event.get_absolute_url(),
    }
    # Plain text (the templates turn autoescape off), and a subject without the portal's prefix.
    return outbox.Rendered(
        subject=render_to_string("events/email/import_registered_subject.txt", context).strip(),
        text=render_to_string("events/email/import_registered.txt", context),
    )
