"""Who may do what to institutions; registered with django-rules.

Every permission question in the portal is asked the same way, ``user.has_perm(name, obj)``
in Python and ``{% has_perm name user obj as allowed %}`` in templates, and answered by the
predicates registered in the apps' ``permissions.py`` modules.
"""

import rules

from core.permissions import is_import_job_creator

SECRETARIAT_GROUP = "Secretariat"


@rules.predicate
def is_secretariat(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Loaded with the signed-in user by portal.backends (an annotation), so no query of its own.
    in_group = getattr(user, "portal_in_secretariat_group", None)
    if in_group is not None:
        return in_group
    # Cached per request object, since templates ask many times.
    cached = getattr(user, "_is_secretariat", None)
    if cached is None:
        cached = user.groups.filter(name=SECRETARIAT_GROUP).exists()
        user._is_secretariat = cached
    return cached


def active_institution_ids(user, *, admin_only: bool = False) -> set[int]:
    """Return the ids of the institutions in which ``user`` holds an active membership."""
    if not user.is_authenticated:
        return set()
    attr = "_admin_institution_ids" if admin_only else "_member_institution_ids"
    cached = getattr(user, attr, None)
    if cached is None:
        memberships = user.memberships.filter(status="active")
        if admin_only:
            memberships = memberships.filter(role="admin")
        # No ordering: Membership's default one would join the user and institution tables.
        cached = set(memberships.order_by().values_list("institution_id", flat=True))
        setattr(user, attr, cached)
    return cached


def narrow_active_institution_ids(user, institution_id: int) -> None:
    """Let ``user`` count, for the rest of this request, as a member of ``institution_id`` alone
    (and of nothing if they are not): every predicate on :func:`active_institution_ids` then
    sees only that institution's private objects. For a call made with a token bound to one
    institution (``api.authentication``), which must not read the person's other institutions.
    """
    for admin_only in (False, True):
        narrowed = active_institution_ids(user, admin_only=admin_only) & {institution_id}
        setattr(user, "_admin_institution_ids" if admin_only else "_member_institution_ids", narrowed)


def remember_active_institution_ids(user, ids: set[int], *, admin_ids: set[int] | None = None) -> None:
    """Cache the ids of the institutions in which ``user`` holds an active membership.

    For a caller that has just read all of ``user``'s active memberships anyway, so that
    ``active_institution_ids`` (and the predicates on it) need no query of their own;
    ``admin_ids``, those of the active memberships as admin, when the caller knows them too.
    """
    if getattr(user, "_member_institution_ids", None) is None:
        user._member_institution_ids = set(ids)
    if admin_ids is not None and getattr(user, "_admin_institution_ids", None) is None:
        user._admin_institution_ids = set(admin_ids)


@rules.predicate
def is_institution_admin(user, institution) -> bool:
    return institution is not None and institution.pk in active_institution_ids(user, admin_only=True)


@rules.predicate
def is_institution_member(user, institution) -> bool:
    return institution is not None and institution.pk in active_institution_ids(user)


@rules.predicate
def has_institution(user) -> bool:
    return bool(active_institution_ids(user))


# Rules named like Django's model permissions (add_/change_/delete_/view_<model>) are also
# asked by the admin, so only secretariat-only rules take those names.
rules.add_perm("institutions.edit_institution", is_secretariat | is_institution_admin)
rules.add_perm("institutions.manage_members", is_secretariat | is_institution_admin)
rules.add_perm("institutions.view_members", is_secretariat | is_institution_member)
rules.add_perm("institutions.verify_institution", is_secretariat)
rules.add_perm("institutions.delete_institution", is_secretariat)


@rules.predicate
def is_not_rejected(user, institution) -> bool:
    return institution is not None and institution.verification_status != "rejected"


@rules.predicate
def has_any_membership_in(user, institution) -> bool:
    """Active or pending: someone who already asked to join cannot ask again."""
    if not user.is_authenticated or institution is None:
        return False
    return user.memberships.filter(institution=institution).exists()


# A rejected institution's page is gone for everyone but the secretariat and its own members,
# who need to see why it vanished from the directory.
rules.add_perm("institutions.open_institution", is_not_rejected | is_secretariat | is_institution_member)
rules.add_perm(
    "institutions.join_institution",
    rules.is_authenticated & is_not_rejected & ~has_any_membership_in,
)
# Saving an institution to one's shortlist and asking it for a meeting are for people outside
# it: its own members work with it already.
rules.add_perm(
    "institutions.approach_institution",
    rules.is_authenticated & is_not_rejected & ~is_institution_member,
)
rules.add_perm("institutions.import_institutions", is_secretariat)
# A background import job (its file, preview and result) is opened by whoever started it and
# by the secretariat; each import view also checks the job belongs to what it imports into.
rules.add_perm("core.open_import_job", is_secretariat | is_import_job_creator)


# --- Shared courses ------------------------------------------------------------------------


@rules.predicate
def is_course_institution_admin(user, course) -> bool:
    return course is not None and course.institution_id in active_institution_ids(user, admin_only=True)


@rules.predicate
def is_course_institution_member(user, course) -> bool:
    return course is not None and course.institution_id in active_institution_ids(user)


@rules.predicate
def is_course_public(user, course) -> bool:
    """A published course of an institution that was not rejected: anyone may read it."""
    return course is not None and course.is_published and course.institution.verification_status != "rejected"


@rules.predicate
def is_admin_elsewhere(user, course) -> bool:
    """``user`` is an admin of an institution other than the course's, which may ask for it."""
    return course is not None and _administers_other_than(user, course.institution_id)


# Asked with the institution whose courses are managed (add, edit, unpublish, delete, answer).
rules.add_perm("institutions.manage_courses", is_secretariat | is_institution_admin)
# An institution's members see its unpublished courses too; others see published ones only.
rules.add_perm("institutions.open_course", is_course_public | is_secretariat | is_course_institution_member)
# Admins act for their institution: they ask to use another institution's published course.
rules.add_perm("institutions.request_course", rules.is_authenticated & is_course_public & is_admin_elsewhere)
# --- Alliances -------------------------------------------------------------------------------


@rules.predicate
def is_alliance(user, institution) -> bool:
    return institution is not None and institution.kind == "alliance"


# Asked with the alliance: who decides on its members (its admins, the secretariat).
rules.add_perm("institutions.manage_alliance_members", is_alliance & (is_secretariat | is_institution_admin))


@rules.predicate
def administers_another_institution(user, institution) -> bool:
    return institution is not None and _administers_other_than(user, institution.pk)


def _administers_other_than(user, institution_id: int) -> bool:
    """Whether ``user`` administers an institution other than ``institution_id``."""
    return bool(active_institution_ids(user, admin_only=True) - {institution_id})


# Asked with the alliance: who may ask for one of their institutions to join it (an admin of
# an institution other than the alliance; the service checks the institution chosen).
rules.add_perm("institutions.join_alliance", is_alliance & is_not_rejected & administers_another_institution)
