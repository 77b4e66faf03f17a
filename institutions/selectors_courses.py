"""Reads of shared courses: the catalogue, an institution's courses and the requests to use them.

For statistics: a course is *shared* when it is published; it is *used* when a request to use
it was accepted (``CourseUseRequest.Status.ACCEPTED``) or when it is linked to an MoU (the MoU
app's ``MouSharedCourse``, which this app cannot name).
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from .models import CourseUseRequest, Institution, SharedCourse, course_search_bigrams, course_search_form
from .permissions import active_institution_ids, is_secretariat


def courses_published() -> QuerySet[SharedCourse]:
    """The courses anyone may see: published, of an institution that was not rejected."""
    return SharedCourse.objects.filter(is_published=True).exclude(
        institution__verification_status=Institution.Verification.REJECTED
    )


def courses_visible_to(user) -> QuerySet[SharedCourse]:
    """The courses ``user`` may open: the published ones, their own institutions' and, for the secretariat, all."""
    if is_secretariat(user):
        return SharedCourse.objects.all()
    mine = active_institution_ids(user)
    if not mine:
        return courses_published()
    return SharedCourse.objects.filter(Q(pk__in=courses_published().values("pk")) | Q(institution_id__in=mine))


def courses_of(*, institution: Institution, published_only: bool) -> QuerySet[SharedCourse]:
    courses = institution.shared_courses.select_related("sector").order_by("title", "pk")
    if published_only:
        courses = courses.filter(is_published=True)
    return courses


def catalogue_country_codes() -> list[str]:
    """The countries of the institutions that share published courses (the catalogue's filter)."""
    return sorted(
        {str(code) for code in courses_published().order_by().values_list("institution__country", flat=True).distinct()}
    )


def text_matching(queryset: QuerySet[SharedCourse], text: str) -> QuerySet[SharedCourse]:
    """The courses whose title or description, in any of its languages, contains ``text``.

    The GIN index on ``search_grams`` finds the rows holding every character pair of the text
    (any script), then the substring test on ``search_text`` drops those holding them apart.
    """
    wanted = course_search_form(text)
    if not wanted:
        return queryset
    grams = course_search_bigrams(wanted)
    if grams:
        queryset = queryset.filter(search_grams__contains=grams)
    return queryset.filter(search_text__contains=wanted)


def catalogue_filter(queryset: QuerySet[SharedCourse], values: dict) -> QuerySet[SharedCourse]:
    """Narrow ``queryset`` by the valid values of ``CourseCatalogueForm.filters()``."""
    if values.get("q"):
        queryset = text_matching(queryset, values["q"])
    if values.get("sector"):
        queryset = queryset.filter(sector=values["sector"])
    for name in ("format", "level", "language"):
        if values.get(name):
            queryset = queryset.filter(**{name: values[name]})
    if values.get("country"):
        queryset = queryset.filter(institution__country=values["country"])
    return queryset


def catalogue_page(queryset: QuerySet[SharedCourse], number, *, per_page: int) -> Page:
    """One page of the catalogue, with what each row shows, in a fixed number of queries."""
    queryset = queryset.select_related("institution", "sector").order_by("title", "pk")
    return Paginator(queryset, per_page).get_page(number)


def course_requests_incoming(*, institution_ids) -> QuerySet[CourseUseRequest]:
    """Requests to use the courses of ``institution_ids``, pending first, newest first."""
    return (
        CourseUseRequest.objects.filter(course__institution_id__in=institution_ids)
        .select_related("course__institution", "institution", "requested_by", "decided_by")
        .order_by("-created_at", "-pk")
    )


def course_requests_outgoing(*, institution_ids) -> QuerySet[CourseUseRequest]:
    """Requests made by ``institution_ids`` to use other institutions' courses, newest first."""
    return (
        CourseUseRequest.objects.filter(institution_id__in=institution_ids)
        .select_related("course__institution", "institution", "requested_by", "decided_by")
        .order_by("-created_at", "-pk")
    )


def course_request_counts(*, course_ids) -> dict[int, dict[str, int]]:
    """Per course, how many requests are pending and accepted (for an institution's course list)."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        CourseUseRequest.objects.filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(
            pending=Count("pk", filter=Q(status=CourseUseRequest.Status.PENDING)),
            accepted=Count("pk", filter=Q(status=CourseUseRequest.Status.ACCEPTED)),
        )
        .order_by()
    )
    for row in rows:
        counts[row["course_id"]] = {"pending": row["pending"], "accepted": row["accepted"]}
    return counts


def requestable_institutions(*, user, course: SharedCourse) -> QuerySet[Institution]:
    """The institutions ``user`` may ask for ``course`` on behalf of: those they administer, but its own."""
    ids = active_institution_ids(user, admin_only=True) - {course.institution_id}
    return (
        Institution.objects.filter(pk__in=ids)
        .exclude(verification_status=Institution.Verification.REJECTED)
        .order_by("name")
    )
