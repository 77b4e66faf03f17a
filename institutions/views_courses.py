"""Shared courses: the catalogue, a course's page, an institution's courses and the requests.

A course another person may not open answers 404 (an unpublished course of another
institution, a request of other institutions); every write goes through
``institutions.services_courses``, which checks the permission again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagecache import public_page

from .course_links import course_links
from .errors import InstitutionError
from .forms_courses import CourseCatalogueForm, CourseReplyForm, CourseRequestForm, SharedCourseForm
from .models import CourseUseRequest, Institution, SharedCourse
from .permissions import active_institution_ids, is_secretariat
from .selectors_courses import (
    catalogue_country_codes,
    catalogue_filter,
    catalogue_page,
    course_request_counts,
    course_requests_incoming,
    course_requests_outgoing,
    courses_of,
    courses_published,
    requestable_institutions,
)
from .services_courses import (
    course_request_accept,
    course_request_create,
    course_request_decline,
    course_request_withdraw,
    shared_course_create,
    shared_course_delete,
    shared_course_set_published,
    shared_course_update,
)
from .views_profile import institution_with_permission

CATALOGUE_TEMPLATE = "institutions/courses/catalogue.html"
PAGE_SIZE = 20


# --- The catalogue and a course's page ----------------------------------------------------------


@require_GET
@public_page
def course_catalogue(request):
    """Published courses of every institution: search by title in any language, filters, pages.

    A plain GET form without JavaScript; with htmx, the results only.
    """
    form = CourseCatalogueForm(request.GET, country_codes=catalogue_country_codes())
    queryset = catalogue_filter(courses_published(), form.filters())
    page = catalogue_page(queryset, request.GET.get("page"), per_page=PAGE_SIZE)
    template = CATALOGUE_TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#catalogue-results"
    response = render(request, template, {"form": form, "page_obj": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _course_visible(request, pk: int) -> SharedCourse:
    course = get_object_or_404(SharedCourse.objects.select_related("institution", "sector"), pk=pk)
    if not request.user.has_perm("institutions.open_course", course):
        raise Http404
    return course


def course_context(request, course: SharedCourse, *, request_form=None) -> dict:
    user = request.user
    institutions = requestable_institutions(user=user, course=course) if user.is_authenticated else None
    mine = active_institution_ids(user, admin_only=True) if user.is_authenticated else set()
    own_requests = (
        list(course.use_requests.filter(institution_id__in=mine).select_related("institution").order_by("-created_at"))
        if mine
        else []
    )
    can_request = bool(institutions) and user.has_perm("institutions.request_course", course)
    if can_request and request_form is None:
        request_form = CourseRequestForm(institutions=institutions)
    return {
        "course": course,
        "institution": course.institution,
        "can_manage": user.has_perm("institutions.manage_courses", course.institution),
        "can_request": can_request,
        "request_form": request_form,
        "own_requests": own_requests,
        "links": course_links(user=user, course=course),
    }


@require_GET
@public_page
def course_detail(request, pk: int):
    course = _course_visible(request, pk)
    return render(request, "institutions/courses/detail.html", course_context(request, course))


@login_required
@require_POST
def course_request(request, pk: int):
    """Ask, for one of the institutions the person administers, to use the course."""
    course = _course_visible(request, pk)
    institutions = requestable_institutions(user=request.user, course=course)
    if not institutions or not request.user.has_perm("institutions.request_course", course):
        raise Http404
    form = CourseRequestForm(request.POST, institutions=institutions)
    if form.is_valid():
        try:
            course_request_create(
                course=course,
                institution=form.cleaned_data["institution"],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except InstitutionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your request was sent to %(institution)s. Its admins will answer by email and on the portal.")
                % {"institution": course.institution.name},
            )
            return redirect(course)
    return render(
        request, "institutions/courses/detail.html", course_context(request, course, request_form=form), status=400
    )


# --- Requests, for an institution's admins ------------------------------------------------------


@login_required
@require_GET
def course_requests(request):
    """Requests to use the courses of the person's institutions, and those they made; the secretariat sees all."""
    secretariat = is_secretariat(request.user)
    admin_of = active_institution_ids(request.user, admin_only=True)
    if not admin_of and not secretariat:
        raise Http404
    if secretariat:
        incoming = CourseUseRequest.objects.select_related(
            "course__institution", "institution", "requested_by", "decided_by"
        ).order_by("-created_at", "-pk")
    else:
        incoming = course_requests_incoming(institution_ids=admin_of)
    outgoing = course_requests_outgoing(institution_ids=admin_of)
    return render(
        request,
        "institutions/courses/requests.html",
        {
            "incoming": list(incoming[:200]),
            "outgoing": list(outgoing[:200]),
            "secretariat": secretariat,
            "reply_form": CourseReplyForm(),
        },
    )


def _incoming_request(request, pk: int) -> CourseUseRequest:
    use_request = get_object_or_404(CourseUseRequest.objects.select_related("course__institution"), pk=pk)
    if not request.user.has_perm("institutions.manage_courses", use_request.course.institution):
        raise Http404
    return use_request


@login_required
@require_POST
def course_request_decide(request, pk: int):
    use_request = _incoming_request(request, pk)
    form = CourseReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline the request; a reply has at most 2000 characters."))
        return redirect("institutions:course_requests")
    decide = course_request_accept if form.cleaned_data["decision"] == "accept" else course_request_decline
    try:
        decide(request=use_request, by=request.user, reply=form.cleaned_data["reply"])
    except InstitutionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Your answer was sent to %(institution)s.") % {"institution": use_request.institution}
        )
    return redirect("institutions:course_requests")


@login_required
@require_POST
def course_request_withdraw_view(request, pk: int):
    use_request = get_object_or_404(CourseUseRequest.objects.select_related("institution"), pk=pk)
    if not request.user.has_perm("institutions.manage_courses", use_request.institution):
        raise Http404
    try:
        course_request_withdraw(request=use_request, by=request.user)
    except InstitutionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("institutions:course_requests")


# --- An institution's courses, for its admins ---------------------------------------------------


@login_required
@require_GET
def course_manage(request, slug: str):
    institution = institution_with_permission(request, slug, "institutions.manage_courses")
    courses = list(courses_of(institution=institution, published_only=False))
    counts = course_request_counts(course_ids=[course.pk for course in courses])
    for course in courses:
        course.request_counts = counts.get(course.pk, {"pending": 0, "accepted": 0})
    return render(request, "institutions/courses/manage.html", {"institution": institution, "courses": courses})


def _managed_course(request, slug: str, pk: int) -> tuple[Institution, SharedCourse]:
    institution = institution_with_permission(request, slug, "institutions.manage_courses")
    return institution, get_object_or_404(SharedCourse, pk=pk, institution=institution)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def course_create(request, slug: str):
    institution = institution_with_permission(request, slug, "institutions.manage_courses")
    form = SharedCourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = shared_course_create(institution=institution, by=request.user, **form.service_fields())
        except InstitutionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The course “%(title)s” was added.") % {"title": course.title})
            return redirect("institutions:course_manage", slug=institution.slug)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "institutions/courses/form.html",
        {"institution": institution, "form": form, "course": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def course_edit(request, slug: str, pk: int):
    institution, course = _managed_course(request, slug, pk)
    form = SharedCourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            shared_course_update(course=course, by=request.user, **form.service_fields())
        except InstitutionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The course was saved."))
            return redirect("institutions:course_manage", slug=institution.slug)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "institutions/courses/form.html",
        {"institution": institution, "form": form, "course": course},
        status=status,
    )


@login_required
@require_POST
def course_publish(request, slug: str, pk: int):
    institution, course = _managed_course(request, slug, pk)
    published = request.POST.get("published") == "1"
    try:
        shared_course_set_published(course=course, published=published, by=request.user)
    except InstitutionError as exc:
        messages.error(request, str(exc))
    else:
        if published:
            messages.success(request, _("The course is published in the catalogue."))
        else:
            messages.success(request, _("The course is no longer shown to other institutions."))
    return redirect("institutions:course_manage", slug=institution.slug)


@login_required
@require_POST
def course_delete(request, slug: str, pk: int):
    institution, course = _managed_course(request, slug, pk)
    try:
        shared_course_delete(course=course, by=request.user)
    except InstitutionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The course was deleted."))
    return redirect("institutions:course_manage", slug=institution.slug)


# Fixed words first: the directory's "<slug>/" catch-all comes after every module's routes.
urlpatterns = [
    path("courses/", course_catalogue, name="course_list"),
    path("courses/requests/", course_requests, name="course_requests"),
    path("courses/requests/<int:pk>/decide/", course_request_decide, name="course_request_decide"),
    path("courses/requests/<int:pk>/withdraw/", course_request_withdraw_view, name="course_request_withdraw"),
    path("courses/<int:pk>/", course_detail, name="course_detail"),
    path("courses/<int:pk>/request/", course_request, name="course_request"),
    path("<slug:slug>/courses/", course_manage, name="course_manage"),
    path("<slug:slug>/courses/new/", course_create, name="course_create"),
    path("<slug:slug>/courses/<int:pk>/edit/", course_edit, name="course_edit"),
    path("<slug:slug>/courses/<int:pk>/publish/", course_publish, name="course_publish"),
    path("<slug:slug>/courses/<int:pk>/delete/", course_delete, name="course_delete"),
]
