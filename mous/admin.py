from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from simple_history.admin import SimpleHistoryAdmin

from core.admin import KeptByThePortalAdmin
from core.audit import audit_log
from core.multilingual import LanguageKeptFormMixin, TranslationsJSONFormMixin
from core.storage import stored_file_lookup

from .documents import check_upload, stored_file
from .errors import MouError
from .models import Exchange, Milestone, Mou, MouParty, MouSharedCourse, Project
from .services import check_parties
from .services_cooperation import exchange_check, project_check


class _PrivateFileLink:
    """What the file widget's template shows: the file's name, linked to the admin download view."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url

    def __str__(self) -> str:
        return PurePosixPath(self.name).name


class PrivateFileWidget(AdminFileWidget):
    """Show a file of the private storage, which has no public URL, with a link to the admin download view.

    The stock widget asks the storage for the file's URL, which the private storage refuses
    with a ValueError, so every change page with a stored document would fail.
    """

    def is_initial(self, value) -> bool:
        return bool(value and getattr(value, "name", "") and getattr(value, "instance", None) is not None)

    def format_value(self, value):
        if not self.is_initial(value):
            return None
        opts = value.instance._meta
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_private_file",
            args=[quote(value.instance.pk), value.field.name],
        )
        return _PrivateFileLink(value.name, url)


FORMFIELD_OVERRIDES = {
    models.FileField: {"widget": PrivateFileWidget},
    # Django 6 will assume https for scheme-less addresses; opt in now, as the warning asks.
    models.URLField: {"assume_scheme": "https"},
}


class CheckedFilesForm(forms.ModelForm):
    """Files uploaded in the admin pass the portal's checks and are stored the same way.

    ``checked_files`` maps each file field to the fields that keep its original (cleaned) name
    and its content type; the file itself is stored as checked, under a random name.
    """

    checked_files: dict[str, tuple[str, str]] = {}

    def clean(self):
        data = super().clean()
        self._checked = {}
        for field in self.checked_files:
            upload = data.get(field)
            if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
                try:
                    self._checked[field] = check_upload(upload)
                except ValidationError as error:
                    self.add_error(field, error)
                else:
                    data[field] = stored_file(self._checked[field])
        return data

    def save(self, commit=True):
        instance = super().save(commit=False)
        for field, (name_field, type_field) in self.checked_files.items():
            checked = getattr(self, "_checked", {}).get(field)
            if checked is not None:
                setattr(instance, name_field, checked.name)
                setattr(instance, type_field, checked.content_type)
            elif not getattr(instance, field):
                setattr(instance, name_field, "")
                setattr(instance, type_field, "")
        if commit:
            instance.save()
            self._save_m2m()
        return instance


class MouAdminForm(LanguageKeptFormMixin, TranslationsJSONFormMixin, CheckedFilesForm):
    checked_files = {"document": ("document_name", "document_content_type")}


class MilestoneAdminForm(LanguageKeptFormMixin, TranslationsJSONFormMixin, CheckedFilesForm):
    checked_files = {"evidence_file": ("evidence_name", "evidence_content_type")}


class PrivateFileAdminMixin:
    """Serve the model's private files to admin users who may view the object."""

    private_file_fields: tuple[str, ...] = ()
    # The field keeping each file's original name, offered back on download.
    private_file_names: dict[str, str] = {}
    formfield_overrides = FORMFIELD_OVERRIDES

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/file/<str:field_name>/",
                self.admin_site.admin_view(self.private_file_view),
                name=f"{opts.app_label}_{opts.model_name}_private_file",
            ),
            *super().get_urls(),
        ]

    def private_file_view(self, request, object_id: str, field_name: str):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or field_name not in self.private_file_fields:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise Http404
        file = getattr(obj, field_name)
        if not file:
            raise Http404
        audit_log(action="mous.file.downloaded", actor=request.user, target=obj, data={"field": field_name})
        name_field = self.private_file_names.get(field_name)
        name = (getattr(obj, name_field) if name_field else "") or PurePosixPath(file.name).name
        try:
            stored = stored_file_lookup(file.storage, file.name)
            handle = stored.open()
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=True, filename=name)
        response["Content-Length"] = str(stored.size)
        response["X-Content-Type-Options"] = "nosniff"
        return response


# A signed MoU (any status but draft) is the record of an agreement: it is never deleted
# (Mou.delete and MouQuerySet.delete refuse it in code as well), only terminated. Its parties
# may change as the portal's own edit form lets the secretariat change them: on the MoU's page,
# keeping at least two different institutions. Its milestones are never deleted (the portal
# offers no way to): they are cancelled. A draft, a proposal not yet signed, may still be
# deleted with all it holds.


def _is_signed(mou: Mou | None) -> bool:
    return mou is not None and mou.pk is not None and mou.status != Mou.Status.DRAFT


class MouPartyFormSet(BaseInlineFormSet):
    """The parties kept on a signed MoU: at least two different institutions, as in the portal."""

    def clean(self):
        super().clean()
        if not _is_signed(self.instance) or any(self.errors):
            return
        kept = [
            form.cleaned_data.get("institution")
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        try:
            check_parties(institutions=kept)
        except MouError as error:
            raise ValidationError(error.message, code=error.code) from error


class MouPartyInline(admin.TabularInline):
    model = MouParty
    formset = MouPartyFormSet
    fields = ("institution", "signatory_name", "signatory_title", "position")
    autocomplete_fields = ("institution",)
    extra = 0


class MilestoneInline(admin.StackedInline):
    model = Milestone
    form = MilestoneAdminForm
    fields = (
        ("title", "status"),
        ("due_on", "completed_on"),
        "owner_institution",
        "description",
        "evidence_note",
        "evidence_url",
        "evidence_file",
    )
    autocomplete_fields = ("owner_institution",)
    formfield_overrides = FORMFIELD_OVERRIDES
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        # ``obj`` is the MoU whose page shows the inline.
        if _is_signed(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Mou)
class MouAdmin(PrivateFileAdminMixin, SimpleHistoryAdmin):
    form = MouAdminForm
    list_display = ("title", "reference", "status", "party_names", "signed_on", "valid_until", "is_public", "event")
    list_filter = (
        "status",
        "is_public",
        "document_is_public",
        ("event", admin.RelatedOnlyFieldListFilter),
        "sectors",
        "cooperation_types",
    )
    list_select_related = ("event",)
    search_fields = ("title", "reference", "summary", "signed_place", "parties__institution__name")
    autocomplete_fields = ("event", "ceremony_session", "renewal_of", "created_by", "proposed_by")
    filter_horizontal = ("cooperation_types", "sectors")
    date_hierarchy = "signed_on"
    readonly_fields = ("created_at", "updated_at")
    inlines = [MouPartyInline, MilestoneInline]
    private_file_fields = ("document",)
    private_file_names = {"document": "document_name"}
    fieldsets = (
        (None, {"fields": ("title", "reference", "summary", "status", "original_language", "translations")}),
        (_("Signing"), {"fields": ("signed_on", "signed_place", "witnesses", "event", "ceremony_session")}),
        (_("Scope"), {"fields": ("cooperation_types", "sectors", "languages")}),
        (_("Validity"), {"fields": ("valid_from", "valid_until", "renewal_of", "termination_reason")}),
        (_("Registry"), {"fields": ("is_public", "document", "document_is_public")}),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("parties__institution")

    @admin.display(description=_("parties"))
    def party_names(self, mou: Mou) -> str:
        return ", ".join(party.institution.name for party in mou.parties.all())

    def has_delete_permission(self, request, obj=None):
        if _is_signed(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        mou = self.get_object(request, unquote(object_id))
        if _is_signed(mou):
            self.message_user(
                request,
                gettext("The MoU “%(title)s” is signed and cannot be deleted: terminate it instead.")
                % {"title": mou.title},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:mous_mou_change", args=[quote(mou.pk)]))
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (type(self).delete_drafts_only, name, description)
        return actions

    @admin.action(permissions=["delete"], description=delete_selected.short_description)
    def delete_drafts_only(self, request, queryset):
        """Django's "delete selected", refused as a whole when a signed MoU is among the selected."""
        signed = queryset.exclude(status=Mou.Status.DRAFT).count()
        if signed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of the selected MoUs is signed and cannot be deleted: terminate it instead."
                    " Nothing was deleted.",
                    "%(count)d of the selected MoUs are signed and cannot be deleted: terminate them instead."
                    " Nothing was deleted.",
                    signed,
                )
                % {"count": signed},
                messages.ERROR,
            )
            return None
        return delete_selected(self, request, queryset)


@admin.register(MouParty)
class MouPartyAdmin(SimpleHistoryAdmin):
    list_display = ("institution", "mou", "signatory_name", "signatory_title", "position")
    list_filter = ("mou__status", ("institution__country", CountryFilter))
    list_select_related = ("institution", "mou")
    search_fields = ("institution__name", "institution__name_local", "mou__title", "mou__reference", "signatory_name")
    autocomplete_fields = ("mou", "institution")

    def has_delete_permission(self, request, obj=None):
        # A signed MoU's parties change on the MoU's page, where at least two must stay.
        if obj is not None and _is_signed(obj.mou):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Milestone)
class MilestoneAdmin(PrivateFileAdminMixin, SimpleHistoryAdmin):
    form = MilestoneAdminForm
    list_display = ("title", "mou", "owner_institution", "status", "due_on", "completed_on")
    list_filter = ("status", ("due_on", admin.EmptyFieldListFilter))
    list_select_related = ("mou", "owner_institution")
    search_fields = ("title", "description", "mou__title", "mou__reference", "owner_institution__name")
    autocomplete_fields = ("mou", "owner_institution")
    date_hierarchy = "due_on"
    readonly_fields = ("created_at", "updated_at")
    private_file_fields = ("evidence_file",)
    private_file_names = {"evidence_file": "evidence_name"}

    def has_delete_permission(self, request, obj=None):
        # A signed MoU's milestones are cancelled, never deleted.
        if obj is not None and _is_signed(obj.mou):
            return False
        return super().has_delete_permission(request, obj)


class ExchangeAdminForm(forms.ModelForm):
    """The rules of the MoU page's form: the year within the MoU's life, two of its parties, one row per flow."""

    class Meta:
        model = Exchange
        fields = [
            "mou",
            "year",
            "category",
            "from_institution",
            "to_institution",
            "field",
            "duration",
            "duration_unit",
            "planned",
            "actual",
            "note",
            "recorded_by",
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                exchange_check(exchange=self.instance_with(cleaned))
            except MouError as error:
                raise ValidationError(error.message, code=error.code) from error
        return cleaned

    def instance_with(self, cleaned: dict) -> Exchange:
        exchange = Exchange(pk=self.instance.pk)
        for name in self.Meta.fields:
            if name in cleaned:
                setattr(exchange, name, cleaned[name])
        return exchange


@admin.register(Exchange)
class ExchangeAdmin(SimpleHistoryAdmin):
    form = ExchangeAdminForm
    list_display = ("mou", "year", "category", "from_institution", "to_institution", "planned", "actual")
    list_filter = ("year", "category")
    list_select_related = ("mou", "from_institution", "to_institution")
    search_fields = ("mou__title", "mou__reference", "from_institution__name", "to_institution__name")
    autocomplete_fields = ("mou", "from_institution", "to_institution", "recorded_by")
    readonly_fields = ("created_at", "updated_at")


class ProjectAdminForm(LanguageKeptFormMixin, TranslationsJSONFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "mou",
            "alliance",
            "name",
            "kind",
            "status",
            "start_on",
            "end_on",
            "description",
            "recognition_note",
            "original_language",
            "translations",
            "recorded_by",
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            project = Project(
                mou=cleaned.get("mou"),
                alliance=cleaned.get("alliance"),
                name=cleaned.get("name") or "",
                start_on=cleaned.get("start_on"),
                end_on=cleaned.get("end_on"),
            )
            try:
                project_check(project=project)
            except MouError as error:
                raise ValidationError(error.message, code=error.code) from error
        return cleaned


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    form = ProjectAdminForm
    list_display = ("name", "kind", "status", "mou", "alliance", "start_on", "end_on")
    list_filter = ("kind", "status")
    list_select_related = ("mou", "alliance")
    search_fields = ("name", "mou__title", "mou__reference", "alliance__name")
    autocomplete_fields = ("mou", "alliance", "recorded_by")
    readonly_fields = ("created_at", "updated_at")


@admin.register(MouSharedCourse)
class MouSharedCourseAdmin(KeptByThePortalAdmin):
    """Linked and unlinked by the parties' admins on the MoU's page."""

    list_display = ("course", "mou", "linked_at")
    list_select_related = ("course", "mou")
    search_fields = ("course__title", "mou__title", "mou__reference")
    date_hierarchy = "linked_at"
