"""Courses shared under an MoU: the link from an MoU to its parties' shared courses.

The link lives here, above institutions (a course knows nothing of MoUs). A party's admin
(or the secretariat) links a course of one of the MoU's parties; each link keeps who made it
and when, in its history. Linking counts as activity under the MoU.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from institutions.models import SharedCourse
from institutions.permissions import active_institution_ids, is_secretariat
from institutions.selectors_courses import courses_published

from .errors import MouError
from .lifecycle import touch_activity
from .models import Mou, MouSharedCourse


def mou_course_choices(*, mou: Mou, user: AbstractBaseUser) -> QuerySet[SharedCourse]:
    """The courses ``user`` may link to ``mou``: its parties', not linked yet, that ``user`` may open.

    That is the parties' published courses, and the unpublished ones of the institutions
    ``user`` belongs to (all of them for the secretariat): another party's unpublished course
    stays its own.
    """
    courses = (
        SharedCourse.objects.filter(institution__mou_parties__mou=mou)
        .exclude(mou_links__mou=mou)
        .select_related("institution")
        .order_by("institution__name", "title", "pk")
        .distinct()
    )
    if not is_secretariat(user):
        courses = courses.filter(
            Q(pk__in=courses_published().values("pk")) | Q(institution_id__in=active_institution_ids(user))
        )
    return courses


def _check(*, mou: Mou, by: AbstractBaseUser) -> None:
    if not by.has_perm("mous.link_course", mou):
        raise MouError(
            _("Only the admins of the MoU's parties link courses to it, and not once it is terminated."),
            code="forbidden",
        )


@transaction.atomic
def mou_course_link(*, mou: Mou, course: SharedCourse, by: AbstractBaseUser) -> MouSharedCourse:
    """Record that ``course`` is shared under ``mou``.

    Refused (``MouError``) unless ``by`` may link courses to ``mou`` and the course belongs to
    one of its parties; a course already linked is refused with a message.
    """
    _check(mou=mou, by=by)
    if not mou.parties.filter(institution_id=course.institution_id).exists():
        raise MouError(_("Only the courses of the MoU's parties can be linked to it."), code="not_a_party")
    if not by.has_perm("institutions.open_course", course):
        raise MouError(_("Only the courses of the MoU's parties can be linked to it."), code="not_visible")
    if MouSharedCourse.objects.filter(mou=mou, course=course).exists():
        raise MouError(_("This course is already linked to the MoU."), code="duplicate")
    try:
        with transaction.atomic():
            link = MouSharedCourse.objects.create(mou=mou, course=course, linked_by=by)
    except IntegrityError as exc:
        raise MouError(_("This course is already linked to the MoU."), code="duplicate") from exc
    touch_activity(mou=mou)
    return link


@transaction.atomic
def mou_course_unlink(*, mou: Mou, course: SharedCourse, by: AbstractBaseUser) -> None:
    """Remove the link between ``course`` and ``mou``; the course itself stays. Idempotent."""
    _check(mou=mou, by=by)
    for link in MouSharedCourse.objects.filter(mou=mou, course=course):
        link.delete()
