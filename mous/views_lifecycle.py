"""An MoU's page, its status changes, history timeline, milestones and activities.

Status changes are the secretariat's (``mous.change_mou``); milestones and activities are
recorded by the parties' members (``mous.record_activity``); the history timeline is for the
secretariat and the parties' admins (``mous.view_mou_history``). Someone who may not open the
MoU gets 404 everywhere. Milestone forms answer htmx with the updated fragment and a plain POST
with a redirect to the MoU page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.multilingual import TranslationsFormMixin
from core.pagecache import public_page
from institutions.models import Institution

from . import lifecycle
from .documents import check_upload, stored_file
from .forms_cooperation import cooperation_context
from .models import Milestone, Mou
from .selectors import mous_with_event_shown

# Manual status changes offered as plain buttons; renewal and termination have their own pages.
_BUTTON_TARGETS = (Mou.Status.SIGNED, Mou.Status.ACTIVE, Mou.Status.EXPIRING, Mou.Status.EXPIRED)


def _mou_or_404(request, pk: int) -> Mou:
    mou = get_object_or_404(
        mous_with_event_shown(
            Mou.objects.select_related("event", "ceremony_session", "renewal_of").prefetch_related(
                "parties__institution", "sectors", "cooperation_types"
            ),
            user=request.user,
        ),
        pk=pk,
    )
    if not request.user.has_perm("mous.open_mou", mou):
        raise Http404
    return mou


def _require(request, permission: str, mou: Mou) -> None:
    if not request.user.has_perm(permission, mou):
        raise Http404 if not request.user.is_authenticated else PermissionDenied


def _milestone_context(request, mou: Mou) -> dict:
    items = list(mou.milestones.select_related("owner_institution", "recorded_by"))
    can_record = request.user.has_perm("mous.record_activity", mou)
    return {
        "mou": mou,
        "milestones": [item for item in items if item.kind == Milestone.Kind.MILESTONE],
        "activities": sorted(
            (item for item in items if item.kind == Milestone.Kind.ACTIVITY),
            key=lambda item: (item.completed_on is not None, item.completed_on, item.pk),
            reverse=True,
        ),
        "can_record": can_record,
        "milestone_form": MilestoneForm(mou=mou, prefix="milestone") if can_record else None,
        "activity_form": ActivityForm(mou=mou, prefix="activity") if can_record else None,
    }


@require_GET
@public_page
def mou_detail(request, pk: int):
    mou = _mou_or_404(request, pk)
    context = _milestone_context(request, mou)
    context.update(cooperation_context(request, mou))
    can_change = request.user.has_perm("mous.change_mou", mou)
    allowed = lifecycle.allowed_transitions(mou=mou)
    can_history = request.user.has_perm("mous.view_mou_history", mou)
    context.update(
        {
            "can_change": can_change,
            "status_buttons": [Mou.Status(value) for value in allowed if value in _BUTTON_TARGETS],
            "can_renew": Mou.Status.RENEWED in allowed,
            "can_terminate": Mou.Status.TERMINATED in allowed,
            "renewed_by": Mou.objects.filter(renewal_of=mou).first(),
            "can_history": can_history,
            "timeline": lifecycle.timeline(mou=mou, limit=TIMELINE_ON_PAGE, user=request.user) if can_history else [],
            "timeline_limit": TIMELINE_ON_PAGE,
        }
    )
    return render(request, "mous/mou_detail.html", context)


TIMELINE_ON_PAGE = 12


# --- Status changes (secretariat) -------------------------------------------------------------


@login_required
@require_POST
def mou_status(request, pk: int):
    mou = _mou_or_404(request, pk)
    _require(request, "mous.change_mou", mou)
    target = request.POST.get("status", "")
    if target in (Mou.Status.RENEWED, Mou.Status.TERMINATED):
        return redirect("mous:renew" if target == Mou.Status.RENEWED else "mous:terminate", pk=mou.pk)
    try:
        lifecycle.transition(mou=mou, target=target, user=request.user)
    except lifecycle.TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The MoU is now %(status)s.") % {"status": mou.get_status_display()})
    return redirect(mou)


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for termination"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Kept in the MoU's history and shown to those who may open it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def mou_terminate(request, pk: int):
    mou = _mou_or_404(request, pk)
    _require(request, "mous.change_mou", mou)
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.terminate(mou=mou, reason=form.cleaned_data["reason"], user=request.user)
        except lifecycle.TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The MoU has been terminated."))
        return redirect(mou)
    if Mou.Status.TERMINATED not in lifecycle.allowed_transitions(mou=mou):
        messages.error(
            request, _("An MoU that is %(status)s cannot be terminated.") % {"status": mou.get_status_display()}
        )
        return redirect(mou)
    return render(request, "mous/lifecycle/terminate.html", {"mou": mou, "form": form})


class RenewForm(forms.Form):
    valid_from = forms.DateField(
        label=gettext_lazy("New MoU valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=gettext_lazy("New MoU valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise ValidationError(_("The new validity must end after it starts."))
        return data


@login_required
@require_http_methods(["GET", "POST"])
def mou_renew(request, pk: int):
    mou = _mou_or_404(request, pk)
    _require(request, "mous.change_mou", mou)
    form = RenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = lifecycle.renew(mou=mou, user=request.user, **form.cleaned_data)
        except lifecycle.TransitionError as error:
            messages.error(request, error.message)
            return redirect(mou)
        messages.success(request, _("The MoU is renewed: complete and sign its successor, created as a draft."))
        return redirect(new)
    if Mou.Status.RENEWED not in lifecycle.allowed_transitions(mou=mou):
        messages.error(
            request, _("An MoU that is %(status)s cannot be renewed.") % {"status": mou.get_status_display()}
        )
        return redirect(mou)
    return render(request, "mous/lifecycle/renew.html", {"mou": mou, "form": form})


# --- History --------------------------------------------------------------------------------


@login_required
@require_GET
def mou_history(request, pk: int):
    mou = _mou_or_404(request, pk)
    _require(request, "mous.view_mou_history", mou)
    return render(
        request, "mous/lifecycle/history.html", {"mou": mou, "timeline": lifecycle.timeline(mou=mou, user=request.user)}
    )


# --- Milestones and activities (parties' members) -----------------------------------------------


class _RecordForm(TranslationsFormMixin, forms.ModelForm):
    """A milestone or activity; its title and description take translations, as parties read them."""

    evidence_url = forms.URLField(
        label=capfirst(Milestone._meta.get_field("evidence_url").verbose_name), required=False, assume_scheme="https"
    )

    def __init__(self, *args, mou: Mou, **kwargs):
        super().__init__(*args, **kwargs)
        self.mou = mou
        owner = self.fields["owner_institution"]
        owner.queryset = Institution.objects.filter(mou_parties__mou=mou).order_by("name")
        owner.empty_label = _("All parties")
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        self.previous_evidence = self.instance.evidence_file.name or ""

    @property
    def record_fields(self) -> list:
        """The record's own fields, without the language and translations (shown in their own group)."""
        return [
            self[name] for name in self.fields if name != "original_language" and not self.is_translation_field(name)
        ]

    def clean_evidence_file(self):
        file = self.cleaned_data.get("evidence_file")
        if file and hasattr(file, "content_type"):  # a new upload, not the stored file
            # Checked in full; stored as checked (images re-encoded) under a random name.
            self.checked_evidence = check_upload(file)
            return stored_file(self.checked_evidence)
        return file

    def record(self) -> Milestone:
        """The record with the form's values and its evidence file's name and type, not saved."""
        item = self.instance
        checked = getattr(self, "checked_evidence", None)
        if checked is not None:
            item.evidence_name, item.evidence_content_type = checked.name, checked.content_type
        elif not item.evidence_file:
            item.evidence_name = item.evidence_content_type = ""
        return item


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT = forms.Textarea(attrs={"rows": 3})


class MilestoneForm(_RecordForm):
    class Meta:
        model = Milestone
        fields = [
            "title",
            "description",
            "due_on",
            "owner_institution",
            "status",
            "completed_on",
            "evidence_note",
            "evidence_url",
            "evidence_file",
        ]
        widgets = {"due_on": _DATE, "completed_on": _DATE, "description": _TEXT, "evidence_note": _TEXT}


class ActivityForm(_RecordForm):
    class Meta:
        model = Milestone
        fields = [
            "title",
            "description",
            "completed_on",
            "owner_institution",
            "evidence_note",
            "evidence_url",
            "evidence_file",
        ]
        widgets = {"completed_on": _DATE, "description": _TEXT, "evidence_note": _TEXT}
        labels = {"completed_on": gettext_lazy("Date done"), "owner_institution": gettext_lazy("Carried out by")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].required = True


FORMS = {Milestone.Kind.MILESTONE: MilestoneForm, Milestone.Kind.ACTIVITY: ActivityForm}


def _save_record(request, mou: Mou, form, *, creating: bool) -> Milestone:
    return lifecycle.milestone_record(
        mou=mou, item=form.record(), user=request.user, creating=creating, previous_evidence=form.previous_evidence
    )


def _record_response(request, mou: Mou, form, item: Milestone | None, kind: str):
    """After a milestone form: the fragment for htmx, else the MoU page or the form page with errors."""
    if form.is_valid():
        if request.htmx:
            return render(request, "mous/mou_detail.html#milestones", _milestone_context(request, mou))
        messages.success(request, _("Saved."))
        return redirect(f"{mou.get_absolute_url()}#milestones")
    context = {"mou": mou, "form": form, "item": item, "kind": kind}
    if request.htmx:
        # Only the form is sent back, with its errors, in place of itself.
        response = render(request, "mous/lifecycle/_milestone_form.html", context)
        response["HX-Retarget"] = f"#record-form-{item.pk if item else kind}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "mous/lifecycle/milestone_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request, pk: int, kind: str):
    mou = _mou_or_404(request, pk)
    if not request.user.has_perm("mous.record_activity", mou):
        raise Http404
    form_class = FORMS[kind]
    form = form_class(request.POST or None, request.FILES or None, mou=mou, prefix=kind)
    if request.method == "POST" and form.is_valid():
        form.instance.kind = kind
        _save_record(request, mou, form, creating=True)
    elif request.method == "GET":
        template = "mous/lifecycle/_milestone_form.html" if request.htmx else "mous/lifecycle/milestone_form.html"
        return render(request, template, {"mou": mou, "form": form, "item": None, "kind": kind})
    return _record_response(request, mou, form, None, kind)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk: int, item_pk: int):
    mou = _mou_or_404(request, pk)
    if not request.user.has_perm("mous.record_activity", mou):
        raise Http404
    item = get_object_or_404(Milestone, pk=item_pk, mou=mou)
    form = FORMS[item.kind](
        request.POST or None, request.FILES or None, mou=mou, instance=item, prefix=f"edit{item.pk}"
    )
    if request.method == "POST" and form.is_valid():
        _save_record(request, mou, form, creating=False)
    elif request.method == "GET":
        template = "mous/lifecycle/_milestone_form.html" if request.htmx else "mous/lifecycle/milestone_form.html"
        return render(request, template, {"mou": mou, "form": form, "item": item, "kind": item.kind})
    return _record_response(request, mou, form, item, item.kind)


urlpatterns = [
    path("<int:pk>/", mou_detail, name="detail"),
    path("<int:pk>/status/", mou_status, name="status"),
    path("<int:pk>/terminate/", mou_terminate, name="terminate"),
    path("<int:pk>/renew/", mou_renew, name="renew"),
    path("<int:pk>/history/", mou_history, name="history"),
    path("<int:pk>/milestones/new/", milestone_add, {"kind": Milestone.Kind.MILESTONE}, name="milestone_add"),
    path("<int:pk>/activities/new/", milestone_add, {"kind": Milestone.Kind.ACTIVITY}, name="activity_add"),
    path("<int:pk>/milestones/<int:item_pk>/edit/", milestone_edit, name="milestone_edit"),
]
