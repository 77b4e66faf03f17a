"""Contact exchange at an event: two participants scan each other's codes and keep each other's details.

The rules, in one place so that the views and their tests agree:

- A code carries ``Registration.contact_token``: unguessable, and never the badge's check-in
  token (which would let whoever holds it check the person in) nor a database id.
- An exchange needs both people to have consented (``Registration.shares_contact``) and to hold
  approved registrations for the same event. Then a ``Contact`` row is stored in each
  direction, so each side keeps, exports and removes their own list.
- Scanning again is harmless: the rows are inserted with ON CONFLICT DO NOTHING, so two phones
  scanning each other at the same moment cannot raise an error either.
- Withdrawing consent later keeps the name, title, institution and country that were already
  exchanged, but hides the email address from the other person's list and exports: the email
  is the one detail that lets someone be contacted, so it follows the current consent.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.downloads import csv_text

from .badges import badge_name
from .models import Contact, Event, Registration
from .qr import TOKEN_PATTERN

_ADD_PATH = re.compile(r"/contacts/add/(?P<token>[A-Za-z0-9_-]{16,64})/?(?:[?#].*)?$")


def contact_path(registration: Registration) -> str:
    """The path a contact-exchange code points to."""
    return reverse("events:contact_add", kwargs={"token": registration.contact_token})


def contact_url(registration: Registration, request=None) -> str:
    """The absolute URL in a contact-exchange code, so that any phone camera app opens it."""
    path = contact_path(registration)
    return request.build_absolute_uri(path) if request is not None else path


def token_from_contact_scan(text: str) -> str | None:
    """The contact token in what a scanner read or a person typed: the code's URL or the bare token.

    Anything else (a website, a badge's check-in URL, a vCard) gives None and is reported as an
    unknown code rather than looked up.
    """
    text = (text or "").strip()
    if TOKEN_PATTERN.match(text):
        return text
    match = _ADD_PATH.search(text)
    return match["token"] if match else None


def own_registration(event: Event, user) -> Registration | None:
    """``user``'s approved registration for ``event``: the only one that can exchange contacts."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("user", "institution", "event")
        .filter(event=event, user=user, status=Registration.Status.APPROVED)
        .first()
    )


@dataclass(frozen=True)
class ExchangeCheck:
    """Whether ``mine`` may exchange details with ``theirs``, and what to tell the person scanning."""

    outcome: str  # ok | added | already | own_code | not_participant | other_event | not_sharing | self_not_sharing
    message: str
    mine: Registration | None = None
    theirs: Registration | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "already")


@transaction.atomic
def registration_contact_consent_set(*, registration: Registration, shares: bool) -> Registration:
    """Turn contact exchange on or off for ``registration`` and record when consent changed.

    Idempotent: setting the value it already has records nothing.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.shares_contact == shares:
        return registration
    registration.shares_contact = shares
    if shares:
        registration.shares_contact_consented_at = timezone.now()
        fields = ["shares_contact", "shares_contact_consented_at"]
    else:
        registration.shares_contact_withdrawn_at = timezone.now()
        fields = ["shares_contact", "shares_contact_withdrawn_at"]
    registration.save(update_fields=fields)
    return registration


def check_exchange(user, theirs: Registration) -> ExchangeCheck:
    """Apply the exchange rules to a signed-in ``user`` who scanned ``theirs``'s code.

    The messages say nothing about the other person unless the exchange is allowed: a code
    that does not share, or that belongs to another event, reveals no name.
    """
    if theirs.user_id == user.pk:
        return ExchangeCheck("own_code", _("This is your own code: scan another participant's code."))
    mine = own_registration(theirs.event, user)
    if mine is None:
        return ExchangeCheck(
            "other_event",
            _("This code belongs to another event: you can only exchange contacts with participants of your event."),
        )
    if theirs.status != Registration.Status.APPROVED or not theirs.shares_contact:
        return ExchangeCheck("not_sharing", _("This participant does not exchange contact details."), mine)
    if not mine.shares_contact:
        return ExchangeCheck(
            "self_not_sharing",
            _("Turn on “Exchange my contact details by scanning” first: exchanges go both ways."),
            mine,
            theirs,
        )
    if Contact.objects.filter(owner=mine, contact=theirs).exists():
        return ExchangeCheck("already", _("Already in your contacts."), mine, theirs)
    return ExchangeCheck("ok", _("You can add this participant to your contacts."), mine, theirs)


def contact_exchange(*, user, theirs: Registration) -> ExchangeCheck:
    """Store the contact in both directions if the rules allow it; return what happened.

    One INSERT … ON CONFLICT DO NOTHING writes both rows, so a repeated or simultaneous scan
    neither duplicates nor fails. The rows go in the same order whoever scans (lower owner id
    first): two phones scanning each other at once then wait for one another on the same key
    instead of each holding the key the other needs, which PostgreSQL reports as a deadlock.

    Side effects: inserts up to two ``Contact`` rows. Idempotent.
    """
    check = check_exchange(user, theirs)
    if check.outcome != "ok":
        return check
    mine = check.mine
    first, second = sorted((mine, theirs), key=lambda registration: registration.pk)
    Contact.objects.bulk_create(
        [
            Contact(event_id=mine.event_id, owner=first, contact=second),
            Contact(event_id=mine.event_id, owner=second, contact=first),
        ],
        ignore_conflicts=True,
    )
    return ExchangeCheck("added", _("Added to your contacts, and you to theirs."), mine, theirs)


def contact_delete(*, contact: Contact) -> None:
    """Remove ``contact`` from its owner's list; the other side keeps theirs.

    Side effects: deletes one ``Contact`` row.
    """
    contact.delete()


def contacts_of(registration: Registration) -> QuerySet[Contact]:
    """``registration``'s contacts with everything a list or an export shows, in one query."""
    return (
        Contact.objects.filter(owner=registration)
        .select_related("contact__user", "contact__institution")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ContactCard:
    """What one contact shows: the email only while that person still consents."""

    pk: int
    name: str
    job_title: str
    institution: str
    country: str
    country_code: str
    email: str
    shares: bool


def contact_card(contact: Contact) -> ContactCard:
    other = contact.contact
    return ContactCard(
        pk=contact.pk,
        name=badge_name(other),
        job_title=other.job_title,
        institution=other.institution.name,
        country=str(other.institution.country.name),
        country_code=other.institution.country.code,
        email=other.user.email if other.shares_contact else "",
        shares=other.shares_contact,
    )


def _vcard_escape(value: str) -> str:
    """Escape a vCard 3.0 text value (RFC 2426 §5): backslash, comma, semicolon and newlines."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def vcards(cards: list[ContactCard]) -> str:
    """A vCard 3.0 file with one VCARD per contact, lines ended by CRLF as the format requires.

    Names are kept whole (N carries the full name as family name): splitting "Dr. Sok Dara" or
    "李明" into given and family names would guess wrong as often as right.
    """
    lines = []
    for card in cards:
        lines += [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_vcard_escape(card.name)}",
            f"N:{_vcard_escape(card.name)};;;;",
            f"ORG:{_vcard_escape(card.institution)}",
        ]
        if card.job_title:
            lines.append(f"TITLE:{_vcard_escape(card.job_title)}")
        if card.email:
            lines.append(f"EMAIL;TYPE=INTERNET:{_vcard_escape(card.email)}")
        lines += [f"ADR;TYPE=WORK:;;;;;;{_vcard_escape(card.country)}", "END:VCARD"]
    return "".join(line + "\r\n" for line in lines)


def contacts_csv(cards: list[ContactCard]) -> str:
    """A CSV of the contacts, with a BOM so that Excel reads Chinese, Thai or Khmer names as UTF-8.

    Every cell is neutralised: a name starting with "=" must not become a formula.
    """
    return csv_text(
        headers=[_("Name"), _("Job title"), _("Institution"), _("Country"), _("Email")],
        rows=([card.name, card.job_title, card.institution, card.country, card.email] for card in cards),
    )
