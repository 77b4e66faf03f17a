"""Writes behind shared courses: an institution's catalogue of courses and the requests of other
institutions to use them.

Every function checks that the person may do what it asks (``InstitutionError`` otherwise,
with nothing changed), validates the row with ``full_clean()`` and writes in one transaction;
the history of each row is kept by django-simple-history and the audit trail by auditlog.
Emails go through the outbox in the same transaction (``institutions.emails``): to the
course's institution's admins when a request arrives, to the requester's admins when it is
answered or withdrawn.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox

from . import emails
from .errors import InstitutionError
from .models import CourseUseRequest, Institution, Membership, SharedCourse

# The fields a course's form or an API may set; the institution and the author are the
# service's to set.
COURSE_FIELDS = (
    "title",
    "description",
    "original_language",
    "translations",
    "language",
    "level",
    "sector",
    "format",
    "link",
    "hours",
    "duration",
    "is_published",
)


def _check_manage(*, by: AbstractBaseUser, institution: Institution) -> None:
    if not by.has_perm("institutions.manage_courses", institution):
        raise InstitutionError(
            _("Only the admins of %(institution)s manage its courses.") % {"institution": institution}
        )


def _validated(course: SharedCourse) -> SharedCourse:
    try:
        course.full_clean()
    except ValidationError as exc:
        raise InstitutionError(" ".join(exc.messages)) from exc
    return course


@transaction.atomic
def shared_course_create(*, institution: Institution, by: AbstractBaseUser, **fields) -> SharedCourse:
    """Add a course to ``institution``'s shared courses; ``fields`` are among ``COURSE_FIELDS``."""
    _check_manage(by=by, institution=institution)
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown course fields: {sorted(unknown)}")
    course = _validated(SharedCourse(institution=institution, created_by=by, **fields))
    course.save()
    return course


@transaction.atomic
def shared_course_update(*, course: SharedCourse, by: AbstractBaseUser, **fields) -> SharedCourse:
    """Change ``course``'s ``fields`` (among ``COURSE_FIELDS``); its institution never changes."""
    _check_manage(by=by, institution=course.institution)
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown course fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(course, name, value)
    _validated(course).save()
    return course


@transaction.atomic
def shared_course_set_published(*, course: SharedCourse, published: bool, by: AbstractBaseUser) -> SharedCourse:
    """Publish or unpublish ``course``; idempotent.

    An unpublished course leaves the catalogue and the institution's page; requests already
    made stay, and pending ones can still be answered.
    """
    _check_manage(by=by, institution=course.institution)
    if course.is_published != published:
        course.is_published = published
        course.save(update_fields=["is_published", "updated_at"])
    return course


@transaction.atomic
def shared_course_delete(*, course: SharedCourse, by: AbstractBaseUser) -> None:
    """Delete ``course`` and its requests.

    Refused when another institution uses it (an accepted request) or when it is shared
    under an MoU: the record of that cooperation keeps it, and it can be unpublished instead.
    """
    _check_manage(by=by, institution=course.institution)
    if course.use_requests.filter(status=CourseUseRequest.Status.ACCEPTED).exists():
        raise InstitutionError(
            _("Another institution uses this course, so it cannot be deleted. Unpublish it instead.")
        )
    try:
        with transaction.atomic():
            course.delete()
    except ProtectedError as exc:
        raise InstitutionError(
            _("This course is shared under an agreement, so it cannot be deleted. Unpublish it instead.")
        ) from exc


# --- Requests to use a course ----------------------------------------------------------------


def _admins_of(institution_id: int):
    return [
        membership.user
        for membership in Membership.objects.filter(
            institution_id=institution_id, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
        ).select_related("user")
    ]


def _notify(*, request: CourseUseRequest, template: str, institution_id: int) -> None:
    """Queue ``template``'s email about ``request`` to the admins of ``institution_id``."""
    for admin in _admins_of(institution_id):
        outbox.enqueue(
            key=f"course_request:{request.pk}:{template}:{admin.pk}",
            kind=emails.COURSE_REQUEST,
            user=admin,
            context={"objects": outbox.refs(request=request), "template": template},
            immediately=True,
        )


@transaction.atomic
def course_request_create(
    *, course: SharedCourse, institution: Institution, by: AbstractBaseUser, message: str = ""
) -> CourseUseRequest:
    """Ask, for ``institution``, to use ``course``; its institution's admins are emailed.

    Only an admin of ``institution`` asks for it (the secretariat too); never for one of the
    institution's own courses, only for a published one, and once at a time: a second request
    while one is pending is refused with a message.
    """
    if not (by.has_perm("institutions.manage_courses", institution)):
        raise InstitutionError(
            _("Only the admins of %(institution)s ask on its behalf.") % {"institution": institution}
        )
    if course.institution_id == institution.pk:
        raise InstitutionError(_("This is one of your institution's own courses."))
    if not course.is_published or course.institution.verification_status == Institution.Verification.REJECTED:
        raise InstitutionError(_("This course is not offered at the moment."))
    if institution.verification_status == Institution.Verification.REJECTED:
        raise InstitutionError(_("A rejected institution cannot ask to use courses."))
    message = (message or "").strip()
    if len(message) > 2000:
        raise InstitutionError(_("The message is longer than 2000 characters."))
    if CourseUseRequest.objects.filter(
        course=course, institution=institution, status=CourseUseRequest.Status.PENDING
    ).exists():
        raise InstitutionError(
            _("%(institution)s has already asked to use this course; the answer is pending.")
            % {"institution": institution}
        )
    try:
        with transaction.atomic():
            request = CourseUseRequest.objects.create(
                course=course, institution=institution, requested_by=by, message=message
            )
    except IntegrityError as exc:  # the same request, sent twice at the same moment
        raise InstitutionError(
            _("%(institution)s has already asked to use this course; the answer is pending.")
            % {"institution": institution}
        ) from exc
    _notify(request=request, template="received", institution_id=course.institution_id)
    return request


def _decide(*, request: CourseUseRequest, status: str, by: AbstractBaseUser, reply: str) -> CourseUseRequest:
    request = CourseUseRequest.objects.select_for_update().select_related("course__institution").get(pk=request.pk)
    if not by.has_perm("institutions.manage_courses", request.course.institution):
        raise InstitutionError(_("Only the admins of the course's institution answer requests to use it."))
    if request.status != CourseUseRequest.Status.PENDING:
        raise InstitutionError(_("This request was already answered or withdrawn."))
    reply = (reply or "").strip()
    if len(reply) > 2000:
        raise InstitutionError(_("The reply is longer than 2000 characters."))
    request.status = status
    request.reply = reply
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reply", "decided_by", "decided_at", "updated_at"])
    _notify(request=request, template=status, institution_id=request.institution_id)
    return request


@transaction.atomic
def course_request_accept(*, request: CourseUseRequest, by: AbstractBaseUser, reply: str = "") -> CourseUseRequest:
    """Accept a pending request (the requester's admins are emailed); the course counts as used."""
    return _decide(request=request, status=CourseUseRequest.Status.ACCEPTED, by=by, reply=reply)


@transaction.atomic
def course_request_decline(*, request: CourseUseRequest, by: AbstractBaseUser, reply: str = "") -> CourseUseRequest:
    """Decline a pending request (the requester's admins are emailed); the institution may ask again."""
    return _decide(request=request, status=CourseUseRequest.Status.DECLINED, by=by, reply=reply)


@transaction.atomic
def course_request_withdraw(*, request: CourseUseRequest, by: AbstractBaseUser) -> CourseUseRequest:
    """Withdraw a pending request, by an admin of the institution that made it."""
    request = CourseUseRequest.objects.select_for_update().select_related("institution").get(pk=request.pk)
    if not by.has_perm("institutions.manage_courses", request.institution):
        raise InstitutionError(_("Only the admins of the institution that asked may withdraw the request."))
    if request.status != CourseUseRequest.Status.PENDING:
        raise InstitutionError(_("This request was already answered or withdrawn."))
    request.status = CourseUseRequest.Status.WITHDRAWN
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return request
