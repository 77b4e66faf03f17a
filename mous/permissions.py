"""Who may do what to MoUs; registered with django-rules."""

import rules

from institutions.permissions import active_institution_ids, is_institution_admin, is_secretariat


def _party_institution_ids(mou) -> set[int]:
    return {party.institution_id for party in mou.parties.all()}


@rules.predicate
def is_party_member(user, mou) -> bool:
    return mou is not None and bool(_party_institution_ids(mou) & active_institution_ids(user))


@rules.predicate
def is_party_admin(user, mou) -> bool:
    return mou is not None and bool(_party_institution_ids(mou) & active_institution_ids(user, admin_only=True))


@rules.predicate
def is_in_public_registry(user, mou) -> bool:
    return mou is not None and mou.is_public and mou.status != "draft"


@rules.predicate
def has_public_document(user, mou) -> bool:
    return is_in_public_registry(user, mou) and mou.document_is_public


# Not "view_mou": the admin asks that name, and it must stay the secretariat's.
rules.add_perm("mous.open_mou", is_secretariat | is_party_member | is_in_public_registry)
rules.add_perm("mous.add_mou", is_secretariat)
rules.add_perm("mous.change_mou", is_secretariat)
rules.add_perm("mous.delete_mou", is_secretariat)
rules.add_perm("mous.view_mou_document", is_secretariat | is_party_member | has_public_document)
# Asked with the institution on whose behalf the draft is proposed.
rules.add_perm("mous.propose_mou", is_secretariat | is_institution_admin)
rules.add_perm("mous.record_activity", is_secretariat | is_party_member)
rules.add_perm("mous.view_mou_history", is_secretariat | is_party_admin)


# --- Part M3: signed documents -------------------------------------------------------------


@rules.predicate
def is_admin_of_proposing_party(user, mou) -> bool:
    """The admins of the institution that proposed a draft may attach its document."""
    return (
        mou is not None
        and mou.status == "draft"
        and mou.proposed_by_id is not None
        and mou.proposed_by_id in active_institution_ids(user, admin_only=True)
    )


rules.add_perm("mous.upload_mou_document", is_secretariat | is_admin_of_proposing_party)


# --- Logging and proposals (part M1) --------------------------------------------------------


@rules.predicate
def is_proposer_admin(user, mou) -> bool:
    return (
        mou is not None
        and mou.proposed_by_id is not None
        and mou.proposed_by_id in active_institution_ids(user, admin_only=True)
    )


@rules.predicate
def is_draft(user, mou) -> bool:
    return mou is not None and mou.status == "draft"


# The proposer's admins see and edit their draft until the secretariat confirms it.
rules.add_perm("mous.edit_mou_form", is_secretariat | (is_proposer_admin & is_draft))
rules.add_perm("mous.review_proposals", is_secretariat)


# --- Exchanges and projects under an MoU or an alliance ---------------------------------------

# Asked with the MoU. The exchanges' figures and the projects follow the MoU's visibility
# ("mous.open_mou"); the parties' admins and the secretariat record them.
rules.add_perm("mous.record_cooperation", is_secretariat | is_party_admin)
# Notes on exchanges may name people or arrangements: the parties and the secretariat read them.
rules.add_perm("mous.view_exchange_notes", is_secretariat | is_party_member)
# Asked with the alliance (an institution of kind alliance): its own admins and the secretariat.
rules.add_perm("mous.record_alliance_project", is_secretariat | is_institution_admin)


# --- Courses shared under an MoU ------------------------------------------------------------


@rules.predicate
def is_not_terminated(user, mou) -> bool:
    return mou is not None and mou.status != "terminated"


# A party's admins link their parties' shared courses to the MoU (and unlink them).
rules.add_perm("mous.link_course", is_not_terminated & (is_secretariat | is_party_admin))
