"""Writes to a person's shortlist of institutions.

Each function only ever touches the shortlist of the ``user`` it is given; views pass the
signed-in person, so nobody can change another person's entries.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import InstitutionError
from .models import Institution, ShortlistEntry
from .permissions import is_institution_member


@transaction.atomic
def shortlist_entry_add(
    *, user: AbstractBaseUser, institution: Institution, note: str = ""
) -> tuple[ShortlistEntry, bool]:
    """Save ``institution`` to ``user``'s shortlist; return the entry and whether it is new.

    Idempotent: saving an institution already on the list returns the existing entry, and
    replaces its note only when a non-empty ``note`` is given. Raises ``InstitutionError``
    and saves nothing when ``user`` is an active member of ``institution``.
    """
    if is_institution_member(user, institution):
        raise InstitutionError(_("Your own institution cannot be saved to your shortlist."))
    entry, created = ShortlistEntry.objects.get_or_create(user=user, institution=institution, defaults={"note": note})
    if not created and note and note != entry.note:
        entry.note = note
        entry.full_clean()
        entry.save(update_fields=["note", "updated_at"])
    return entry, created


def shortlist_entry_remove(*, user: AbstractBaseUser, institution: Institution) -> bool:
    """Remove ``institution`` from ``user``'s shortlist; return whether it was there.

    Idempotent: removing an institution that is not on the list changes nothing.
    """
    deleted, _by_model = ShortlistEntry.objects.filter(user=user, institution=institution).delete()
    return bool(deleted)


def shortlist_entry_set_note(*, entry: ShortlistEntry, note: str) -> ShortlistEntry:
    """Replace the private note of ``entry``; the caller has checked that it is theirs."""
    entry.note = note
    entry.full_clean()
    entry.save(update_fields=["note", "updated_at"])
    return entry
