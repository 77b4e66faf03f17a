"""Linking the parties' shared courses to an MoU, from the MoU's page.

Someone who may not open the MoU gets 404; a person who may open it but not link courses
gets 404 too (the form is not theirs). Writes go through ``mous.services_courses``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from institutions.models import SharedCourse

from .errors import MouError
from .forms_courses import MouCourseLinkForm
from .services_courses import mou_course_link, mou_course_unlink
from .views_lifecycle import _mou_or_404


def _linkable_mou(request, pk: int):
    mou = _mou_or_404(request, pk)
    if not request.user.has_perm("mous.link_course", mou):
        raise Http404
    return mou


@login_required
@require_POST
def mou_course_link_view(request, pk: int):
    mou = _linkable_mou(request, pk)
    form = MouCourseLinkForm(request.POST, mou=mou, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose one of the parties' courses that is not linked yet."))
        return redirect(f"{mou.get_absolute_url()}#shared-courses")
    try:
        mou_course_link(mou=mou, course=form.cleaned_data["course"], by=request.user)
    except MouError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The course is linked to the MoU."))
    return redirect(f"{mou.get_absolute_url()}#shared-courses")


@login_required
@require_POST
def mou_course_unlink_view(request, pk: int, course_pk: int):
    mou = _linkable_mou(request, pk)
    course = get_object_or_404(SharedCourse, pk=course_pk, mou_links__mou=mou)
    try:
        mou_course_unlink(mou=mou, course=course, by=request.user)
    except MouError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The course is no longer linked to the MoU."))
    return redirect(f"{mou.get_absolute_url()}#shared-courses")


urlpatterns = [
    path("<int:pk>/courses/link/", mou_course_link_view, name="course_link"),
    path("<int:pk>/courses/<int:course_pk>/unlink/", mou_course_unlink_view, name="course_unlink"),
]
