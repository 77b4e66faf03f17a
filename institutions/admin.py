from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from core.admin import KeptByThePortalAdmin
from core.multilingual import FALLBACK_LANGUAGE, TranslationsJSONFormMixin, content_languages, language_codes

from .images import logo_from_upload
from .models import (
    AllianceMembership,
    CooperationType,
    CourseUseRequest,
    Institution,
    Membership,
    Need,
    Offer,
    Sector,
    SharedCourse,
)


class UntranslatedFilter(admin.SimpleListFilter):
    """Find the taxonomy terms whose name still lacks a translation into a language."""

    title = _("name not yet translated into")
    parameter_name = "untranslated"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in content_languages() if code != FALLBACK_LANGUAGE]

    def queryset(self, request, queryset):
        if self.value() in language_codes():
            return queryset.exclude(translations__name__has_key=self.value())
        return queryset


class TaxonomyAdminForm(TranslationsJSONFormMixin, forms.ModelForm):
    pass


@admin.register(CooperationType, Sector)
class TaxonomyAdmin(admin.ModelAdmin):
    form = TaxonomyAdminForm
    fields = ("slug", "name", "translations", "position")
    list_display = ("name", "translated_into", "slug", "position")
    list_editable = ("position",)
    list_filter = (UntranslatedFilter,)
    search_fields = ("name", "translations", "slug")

    @admin.display(description=_("translated into"))
    def translated_into(self, term) -> str:
        return ", ".join(sorted((term.translations or {}).get("name", {})))

    prepopulated_fields = {"slug": ("name",)}
    ordering = ("position", "name")


class OfferInline(admin.TabularInline):
    model = Offer
    fields = ("cooperation_type", "sector", "note", "capacity")
    extra = 0


class NeedInline(admin.TabularInline):
    model = Need
    fields = ("cooperation_type", "sector", "note", "capacity")
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "status", "job_title")
    autocomplete_fields = ("user",)
    extra = 0


class InstitutionAdminForm(forms.ModelForm):
    def clean_logo(self):
        """A logo uploaded in the admin is stored as on the profile page: re-encoded, under a random name."""
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            return logo_from_upload(logo)
        return logo


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    form = InstitutionAdminForm
    list_display = (
        "name",
        "name_local",
        "acronym",
        "kind",
        "country",
        "city",
        "verification_status",
        "member_count",
        "updated_at",
    )
    list_filter = ("verification_status", "kind", ("country", CountryFilter), "sectors")
    search_fields = ("name", "name_local", "acronym", "slug", "city", "province")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("sectors",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = [OfferInline, NeedInline, MembershipInline]
    # Django 6 will assume https for scheme-less addresses; opt in now, as the warning asks.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "name_local", "acronym", "slug", "kind")}),
        (_("Location"), {"fields": ("country", "province", "city", "website")}),
        (_("Profile"), {"fields": ("description", "languages", "sectors", "logo")}),
        (_("Verification"), {"fields": ("verification_status", "verified_at")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)),
            )
        )

    @admin.display(description=_("members"), ordering="active_member_count")
    def member_count(self, institution: Institution) -> int:
        return institution.active_member_count


@admin.register(Need, Offer)
class ProfileItemAdmin(admin.ModelAdmin):
    list_display = ("institution", "cooperation_type", "sector", "capacity", "note")
    list_filter = ("cooperation_type", "sector", ("institution__country", CountryFilter))
    list_select_related = ("institution", "cooperation_type", "sector")
    search_fields = ("institution__name", "institution__name_local", "note", "capacity")
    autocomplete_fields = ("institution",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "role", "status", "job_title", "created_at")
    list_filter = ("status", "role", ("institution__country", CountryFilter))
    list_select_related = ("user", "institution")
    search_fields = ("user__email", "user__display_name", "institution__name", "institution__name_local", "job_title")
    autocomplete_fields = ("user", "institution")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)


@admin.register(AllianceMembership)
class AllianceMembershipAdmin(KeptByThePortalAdmin):
    """Requests and decisions go through the alliance's members page (its admins, the secretariat)."""

    list_display = ("member", "alliance", "role", "status", "joined_on", "left_on", "decided_at")
    list_filter = ("status", "role", ("alliance", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("member", "alliance")
    search_fields = ("member__name", "member__name_local", "alliance__name", "alliance__acronym")
    date_hierarchy = "created_at"


@admin.register(SharedCourse)
class SharedCourseAdmin(KeptByThePortalAdmin):
    """Courses are written by their institution's admins on its courses page."""

    list_display = ("title", "institution", "level", "format", "language", "sector", "is_published")
    list_filter = ("is_published", "level", "format", "language", ("institution__country", CountryFilter))
    list_select_related = ("institution", "sector")
    search_fields = ("title", "description", "institution__name", "institution__name_local")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(CourseUseRequest)
class CourseUseRequestAdmin(KeptByThePortalAdmin):
    """Asked by an institution's admins, decided by the course's institution's admins."""

    list_display = ("course", "institution", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("course", "institution")
    search_fields = ("course__title", "institution__name", "course__institution__name")
    date_hierarchy = "created_at"
