"""Services for joining the portal's institutions: create one, ask to join, approve, verify.

Every write here runs in a transaction, and every email is queued in the outbox in the same
transaction and sent once it commits, in the recipient's own language. Views call these
functions and turn :class:`institutions.errors.InstitutionError` into a message.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import outbox

from . import emails
from .duplicates import email_domain_matches_website
from .errors import InstitutionError
from .models import Institution, Membership
from .permissions import SECRETARIAT_GROUP, active_institution_ids, is_secretariat


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """Return an ASCII slug for ``name`` that no other institution uses ("…-2", "…-3" on collision)."""
    base = slugify(name, allow_unicode=False)[:100].strip("-") or "institution"
    taken = Institution.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    taken_slugs = set(taken.values_list("slug", flat=True))
    if base not in taken_slugs:
        return base
    number = 2
    while f"{base}-{number}" in taken_slugs:
        number += 1
    return f"{base}-{number}"


def absolute_url(*, base_url: str, path: str) -> str:
    """Join the site's address (``SITE_URL`` when set, else the request's) and ``path``."""
    base = getattr(settings, "SITE_URL", "") or base_url
    return base.rstrip("/") + path


def secretariat_people() -> list:
    """Return the active members of the secretariat."""
    return list(get_user_model().objects.filter(groups__name=SECRETARIAT_GROUP, is_active=True).distinct())


def institution_admins(*, institution: Institution) -> list:
    """Return the active people who administer ``institution``."""
    return [
        m.user
        for m in institution.memberships.filter(
            role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE, user__is_active=True
        ).select_related("user")
    ]


def join_request_deciders(*, institution: Institution) -> list:
    """Return who decides on requests to join ``institution``: its admins, else the secretariat."""
    return institution_admins(institution=institution) or secretariat_people()


def pending_join_requests(*, user: AbstractBaseUser, limit: int | None = None) -> list[Membership]:
    """Return the pending requests ``user`` may decide, oldest first: all for the secretariat.

    Each carries ``domain_matches``: whether the requester's email domain is the
    institution's website domain, a hint for whoever decides.
    """
    pending = Membership.objects.filter(status=Membership.Status.PENDING).select_related("user", "institution")
    if not is_secretariat(user):
        pending = pending.filter(institution_id__in=active_institution_ids(user, admin_only=True))
    pending = pending.order_by("created_at", "pk")
    memberships = list(pending[:limit] if limit else pending)
    for membership in memberships:
        membership.domain_matches = email_domain_matches_website(membership.user.email, membership.institution.website)
    return memberships


def _email(template: str, recipients: Iterable, *, about: str, objects: dict, values: dict | None = None) -> None:
    """Queue an email to each recipient in the outbox, sent in their language once this commits.

    ``about`` makes the outbox key unique to the decision, so that the same email is never
    queued twice; ``objects`` are fetched again when the email is written (``institutions.emails``).
    A mail server that fails does not undo what was decided: the outbox retries.
    """
    context = {"template": template, "objects": outbox.refs(**objects), "values": values or {}}
    for person in recipients:
        outbox.enqueue(
            key=f"onboarding:{template}:{about}:{person.pk}",
            kind=emails.ONBOARDING,
            user=person,
            context=context,
            immediately=True,
        )


@transaction.atomic
def institution_create(*, creator: AbstractBaseUser, data: dict, base_url: str = "") -> Institution:
    """Create an unverified institution with ``creator`` as its active admin; tell the secretariat.

    ``data`` holds the model fields of the sign-up form. Raises InstitutionError when an
    institution of that name already exists in that country.
    """
    institution = Institution(**data, verification_status=Institution.Verification.UNVERIFIED)
    institution.slug = unique_slug(institution.name)
    try:
        with transaction.atomic():
            institution.save()
    except IntegrityError as exc:
        raise InstitutionError(
            _("An institution with this name already exists in this country: ask to join it instead.")
        ) from exc
    Membership.objects.create(
        user=creator,
        institution=institution,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
        decided_at=timezone.now(),
    )
    _email(
        "new_institution",
        secretariat_people(),
        about=str(institution.pk),
        objects={"institution": institution, "creator": creator},
        values={
            "url": absolute_url(base_url=base_url, path=institution.get_absolute_url()),
            "dashboard_url": absolute_url(base_url=base_url, path=reverse("dashboard")),
        },
    )
    return institution


@transaction.atomic
def membership_request(
    *, user: AbstractBaseUser, institution: Institution, job_title: str = "", message: str = "", base_url: str = ""
) -> Membership:
    """Ask for ``user`` to join ``institution`` as a member; email whoever decides.

    Raises InstitutionError if the person already belongs to it or already asked.
    """
    if institution.verification_status == Institution.Verification.REJECTED:
        raise InstitutionError(_("This institution is not listed in the portal."))
    existing = Membership.objects.filter(user=user, institution=institution).first()
    if existing is not None:
        if existing.status == Membership.Status.PENDING:
            raise InstitutionError(_("You have already asked to join this institution; the request is waiting."))
        raise InstitutionError(_("You are already a member of this institution."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user,
                institution=institution,
                role=Membership.Role.MEMBER,
                status=Membership.Status.PENDING,
                job_title=job_title,
                request_message=message,
            )
    except IntegrityError as exc:  # the same request sent twice at once
        raise InstitutionError(_("You have already asked to join this institution; the request is waiting.")) from exc
    _email(
        "join_request",
        join_request_deciders(institution=institution),
        about=str(membership.pk),
        objects={"institution": institution, "membership": membership, "requester": user},
        values={
            "domain_matches": email_domain_matches_website(user.email, institution.website),
            "url": absolute_url(base_url=base_url, path=reverse("institutions:join_requests")),
        },
    )
    return membership


def _pending(membership: Membership) -> Membership:
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None or locked.status != Membership.Status.PENDING:
        raise InstitutionError(_("This request has already been decided."))
    return locked


@transaction.atomic
def membership_approve(*, membership: Membership, decided_by: AbstractBaseUser, base_url: str = "") -> Membership:
    """Make a pending membership active and tell the requester. Deciding twice is refused."""
    membership = _pending(membership)
    membership.status = Membership.Status.ACTIVE
    membership.decided_by = decided_by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    _email(
        "join_approved",
        [membership.user],
        about=str(membership.pk),
        objects={"institution": membership.institution},
        values={"url": absolute_url(base_url=base_url, path=membership.institution.get_absolute_url())},
    )
    return membership


@transaction.atomic
def membership_reject(*, membership: Membership, decided_by: AbstractBaseUser, base_url: str = "") -> None:
    """Refuse a pending request: the membership is deleted, and the requester told.

    Memberships have no "rejected" status; the person may ask again later.
    """
    membership = _pending(membership)
    institution, user, membership_pk = membership.institution, membership.user, membership.pk
    membership.delete()
    _email(
        "join_rejected",
        [user],
        about=str(membership_pk),
        objects={"institution": institution},
        values={"url": absolute_url(base_url=base_url, path=reverse("institutions:welcome"))},
    )


@transaction.atomic
def institution_set_verification(
    *, institution: Institution, status: str, decided_by: AbstractBaseUser, base_url: str = ""
) -> Institution:
    """Verify or reject ``institution`` and tell its admins. Setting the same status twice is a no-op."""
    if status not in (Institution.Verification.VERIFIED, Institution.Verification.REJECTED):
        raise InstitutionError(_("Choose to verify or to reject the institution."))
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if institution.verification_status == status:
        return institution
    institution.verification_status = status
    institution.verified_at = timezone.now() if status == Institution.Verification.VERIFIED else None
    # Not "updated_at": a verification is no edit of the profile (the review nudge reads it).
    institution.save(update_fields=["verification_status", "verified_at"])
    # An institution may be verified, rejected and verified again: each decision is its own email.
    _email(
        "verified" if status == Institution.Verification.VERIFIED else "verification_rejected",
        institution_admins(institution=institution),
        about=f"{institution.pk}:{timezone.now().timestamp()}",
        objects={"institution": institution},
        values={"url": absolute_url(base_url=base_url, path=institution.get_absolute_url())},
    )
    return institution
