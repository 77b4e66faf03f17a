"""Exchanges and projects under an MoU (and projects of an alliance): their forms and pages.

Whoever may not open the MoU gets 404 everywhere; whoever may open it but not record under it
(``mous.record_cooperation``: the parties' admins and the secretariat) gets 404 on the forms
too, as they are not offered. An alliance's projects are recorded by its admins and the
secretariat (``mous.record_alliance_project``). Forms answer htmx with the updated section and
a plain POST with a redirect to the MoU page (or the form page again, with its errors).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagecache import public_page
from institutions.models import Institution

from . import services_cooperation as services
from .errors import MouError
from .forms_cooperation import ExchangeForm, ProjectForm, cooperation_context
from .models import Exchange, Mou, Project
from .views_lifecycle import _mou_or_404


def _recordable_mou(request, pk: int) -> Mou:
    mou = _mou_or_404(request, pk)
    if not request.user.has_perm("mous.record_cooperation", mou):
        raise Http404
    return mou


def _section(request, mou: Mou, name: str):
    return render(request, f"mous/mou_detail.html#{name}", cooperation_context(request, mou))


# --- Exchanges ------------------------------------------------------------------------------


def _exchange_response(request, mou: Mou, form, item: Exchange | None):
    """After an exchange form: the section for htmx, else the MoU page, or the form with its errors."""
    if form.is_bound and not form.errors:
        if request.htmx:
            return _section(request, mou, "exchanges")
        messages.success(request, _("Saved."))
        return redirect(f"{mou.get_absolute_url()}#exchanges")
    context = {"mou": mou, "form": form, "item": item}
    if request.htmx:
        response = render(request, "mous/cooperation/_exchange_form.html", context)
        if request.method == "POST":
            response["HX-Retarget"] = f"#exchange-form-{item.pk if item else 'new'}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "mous/cooperation/exchange_form.html", context)


def _save_exchange(request, mou: Mou, form) -> None:
    try:
        services.exchange_save(mou=mou, exchange=form.instance, user=request.user)
    except MouError as error:  # a concurrent duplicate, between the form's check and the save
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def exchange_add(request, pk: int):
    mou = _recordable_mou(request, pk)
    form = ExchangeForm(request.POST or None, mou=mou, prefix="exchange")
    if request.method == "POST" and form.is_valid():
        _save_exchange(request, mou, form)
    return _exchange_response(request, mou, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def exchange_edit(request, pk: int, item_pk: int):
    mou = _recordable_mou(request, pk)
    item = get_object_or_404(Exchange, pk=item_pk, mou=mou)
    form = ExchangeForm(request.POST or None, mou=mou, instance=item, prefix=f"exchange{item.pk}")
    if request.method == "POST" and form.is_valid():
        _save_exchange(request, mou, form)
    return _exchange_response(request, mou, form, item)


@login_required
@require_POST
def exchange_delete(request, pk: int, item_pk: int):
    mou = _recordable_mou(request, pk)
    item = get_object_or_404(Exchange, pk=item_pk, mou=mou)
    services.exchange_delete(exchange=item, user=request.user)
    if request.htmx:
        return _section(request, mou, "exchanges")
    messages.success(request, _("The exchange was deleted."))
    return redirect(f"{mou.get_absolute_url()}#exchanges")


# --- Projects -------------------------------------------------------------------------------


def _project_or_404(request, pk: int) -> Project:
    """A project whose MoU ``request.user`` may open (an alliance's projects are public)."""
    project = get_object_or_404(Project.objects.select_related("mou", "alliance"), pk=pk)
    if project.mou_id is not None:
        _mou_or_404(request, project.mou_id)
    elif not request.user.has_perm("institutions.open_institution", project.alliance):
        raise Http404
    return project


def _may_record_project(user, project: Project) -> bool:
    if project.mou_id is not None:
        return user.has_perm("mous.record_cooperation", project.mou)
    return user.has_perm("mous.record_alliance_project", project.alliance)


def _owner_url(project: Project) -> str:
    if project.mou_id is not None:
        return f"{project.mou.get_absolute_url()}#projects"
    return project.alliance.get_absolute_url()


def _alliance_or_404(request, institution_pk: int) -> Institution:
    alliance = get_object_or_404(Institution, pk=institution_pk, kind=Institution.Kind.ALLIANCE)
    if not request.user.has_perm("mous.record_alliance_project", alliance):
        raise Http404
    return alliance


def _project_save(request, form, *, mou=None, alliance=None):
    try:
        return services.project_save(project=form.instance, user=request.user, mou=mou, alliance=alliance)
    except MouError as error:
        form.add_error(None, error.message)
    except PermissionDenied:
        raise Http404 from None
    return None


def _project_form_response(request, form, *, mou=None, alliance=None, item=None):
    context = {"form": form, "mou": mou, "alliance": alliance, "item": item}
    if request.htmx:
        response = render(request, "mous/cooperation/_project_form.html", context)
        if request.method == "POST":
            response["HX-Retarget"] = f"#project-form-{item.pk if item else 'new'}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "mous/cooperation/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_add(request, pk: int):
    mou = _recordable_mou(request, pk)
    form = ProjectForm(request.POST or None, prefix="project")
    if request.method == "POST" and form.is_valid() and _project_save(request, form, mou=mou):
        if request.htmx:
            return _section(request, mou, "projects")
        messages.success(request, _("Saved."))
        return redirect(f"{mou.get_absolute_url()}#projects")
    return _project_form_response(request, form, mou=mou)


@login_required
@require_http_methods(["GET", "POST"])
def alliance_project_add(request, institution_pk: int):
    alliance = _alliance_or_404(request, institution_pk)
    form = ProjectForm(request.POST or None, prefix="project")
    if request.method == "POST" and form.is_valid():
        project = _project_save(request, form, alliance=alliance)
        if project is not None:
            messages.success(request, _("Saved."))
            return redirect(project.get_absolute_url())
    return _project_form_response(request, form, alliance=alliance)


@require_GET
@public_page
def project_detail(request, pk: int):
    project = _project_or_404(request, pk)
    return render(
        request,
        "mous/cooperation/project_detail.html",
        {"project": project, "can_edit": _may_record_project(request.user, project)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = _project_or_404(request, pk)
    if not _may_record_project(request.user, project):
        raise Http404
    form = ProjectForm(request.POST or None, instance=project, prefix="project")
    if request.method == "POST" and form.is_valid() and _project_save(request, form):
        messages.success(request, _("Saved."))
        return redirect(project.get_absolute_url())
    return _project_form_response(request, form, mou=project.mou, alliance=project.alliance, item=project)


@login_required
@require_POST
def project_delete(request, pk: int):
    project = _project_or_404(request, pk)
    if not _may_record_project(request.user, project):
        raise Http404
    back = _owner_url(project)
    services.project_delete(project=project, user=request.user)
    messages.success(request, _("The project was deleted."))
    return redirect(back)


urlpatterns = [
    path("<int:pk>/exchanges/new/", exchange_add, name="exchange_add"),
    path("<int:pk>/exchanges/<int:item_pk>/edit/", exchange_edit, name="exchange_edit"),
    path("<int:pk>/exchanges/<int:item_pk>/delete/", exchange_delete, name="exchange_delete"),
    path("<int:pk>/projects/new/", project_add, name="project_add"),
    path("alliances/<int:institution_pk>/projects/new/", alliance_project_add, name="alliance_project_add"),
    path("projects/<int:pk>/", project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("projects/<int:pk>/delete/", project_delete, name="project_delete"),
]
