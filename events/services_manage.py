"""Writes behind the event management pages: events, their status, agenda and delegations.

Views validate input with the forms in ``events.forms`` and then call one of these functions;
rules that depend on other rows (who may publish, which status may follow which) live here and
raise ``EventError`` with a translated message the view shows as is.
"""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.pagecache import public_pages_changed

from .errors import EventError
from .models import Delegation, Event, Registration, Session

# Paths of the events app that sit next to "<slug>/": an event may not take these as its slug.
RESERVED_SLUGS = frozenset({"new", "my", "manage", "import", "survey", "check-in", "badges", "agenda"})

# Which status may follow which. Going back to draft hides the event again, which is only
# harmless while nobody has registered (see ``event_change_status``).
TRANSITIONS: dict[str, frozenset[str]] = {
    Event.Status.DRAFT: frozenset({Event.Status.PUBLISHED}),
    Event.Status.PUBLISHED: frozenset({Event.Status.CLOSED, Event.Status.DRAFT}),
    Event.Status.CLOSED: frozenset({Event.Status.PUBLISHED}),
}


def event_unique_slug(*, title: str) -> str:
    """Return an ASCII slug for ``title`` that no event uses and no events path shadows."""
    base = slugify(title, allow_unicode=False)[:100].strip("-") or "event"
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def event_create(*, form) -> Event:
    """Save a new draft event from a valid ``EventForm``; its slug is fixed from now on."""
    event = form.save(commit=False)
    event.slug = event_unique_slug(title=event.title)
    event.status = Event.Status.DRAFT
    event.full_clean()
    event.save()
    form.save_m2m()
    return event


@transaction.atomic
def event_update(*, form) -> Event:
    """Save the changes of a valid ``EventForm``; the slug stays, so shared links keep working."""
    # Lock the row and count again: an approval may have landed since the form was checked.
    Event.objects.select_for_update().get(pk=form.instance.pk)
    capacity = form.cleaned_data.get("capacity")
    if capacity is not None:
        approved = Registration.objects.filter(event_id=form.instance.pk, status=Registration.Status.APPROVED).count()
        if capacity < approved:
            raise EventError(
                _("%(approved)s registrations are already approved: the capacity cannot be lower.")
                % {"approved": approved}
            )
    return form.save()


def allowed_transitions(*, event: Event, has_registrations: bool) -> list[str]:
    """The statuses ``event`` may move to now, in the order the page offers them."""
    allowed = TRANSITIONS[event.status]
    return [
        status
        for status in (Event.Status.PUBLISHED, Event.Status.CLOSED, Event.Status.DRAFT)
        if status in allowed and not (status == Event.Status.DRAFT and has_registrations)
    ]


@transaction.atomic
def event_change_status(*, event: Event, status: str) -> Event:
    """Move ``event`` to ``status`` if that transition is allowed.

    Idempotent: asking for the current status changes nothing and raises nothing.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == status:
        return event
    if status not in TRANSITIONS.get(event.status, ()):
        raise EventError(
            _("An event cannot go from “%(current)s” to “%(wanted)s”.")
            % {"current": event.get_status_display(), "wanted": Event.Status(status).label}
        )
    if status == Event.Status.DRAFT and event.registrations.exists():
        raise EventError(
            _("People have registered for this event: it can no longer go back to draft. Close it instead.")
        )
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def session_save(*, form) -> Session:
    """Save a valid ``SessionForm`` with its speakers."""
    return form.save()


@transaction.atomic
def session_delete(*, session: Session) -> None:
    """Delete ``session`` from the agenda, unless meetings were requested at it.

    Meeting requests, meetings and their follow-ups are the record of who met whom; a
    session that has them stays, and its event is closed instead. They belong to the
    matchmaking app, which sits above events and protects the session (``on_delete=PROTECT``):
    the deletion is refused before anything is deleted.
    """
    try:
        session.delete()
    except ProtectedError as error:
        raise EventError(
            _("Meetings were requested at this session: it stays as the record of who met whom and cannot be deleted.")
        ) from error


@transaction.atomic
def delegation_save(*, form) -> Delegation:
    """Save a valid ``DelegationForm`` and make its members exactly the registrations chosen.

    The head is always a member: heading a delegation is what lets a person manage its members'
    registrations, so a head outside it would manage nobody.
    """
    delegation = form.save()
    chosen = {registration.pk for registration in form.cleaned_data.get("members") or ()}
    if delegation.head_id:
        chosen.add(delegation.head_id)
    Registration.objects.filter(delegation=delegation).exclude(pk__in=chosen).update(delegation=None)
    # Only registrations without another delegation may join; the form offers no others.
    Registration.objects.filter(event=delegation.event, pk__in=chosen).filter(delegation__isnull=True).update(
        delegation=delegation
    )
    public_pages_changed()  # the updates send no signal; the registrations list shows delegations
    return delegation


@transaction.atomic
def delegation_delete(*, delegation: Delegation) -> None:
    """Delete ``delegation``; its members keep their registrations, without a delegation."""
    delegation.delete()
