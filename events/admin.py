from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from core.multilingual import TranslationsJSONFormMixin

from .models import (
    Contact,
    Delegation,
    Event,
    MeetingSlot,
    Registration,
    RetentionRun,
    Session,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTable,
)


def translations_admin_form(model) -> type[forms.ModelForm]:
    """A ModelForm for ``model`` whose translations JSON is checked like any other input."""
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    return type(f"{model.__name__}AdminForm", (TranslationsJSONFormMixin, forms.ModelForm), {"Meta": meta})


class SessionInline(admin.TabularInline):
    model = Session
    fields = ("kind", "title", "starts_at", "ends_at", "room")
    extra = 0
    show_change_link = True


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = translations_admin_form(Event)
    list_display = (
        "title",
        "kind",
        "status",
        "city",
        "country",
        "start_date",
        "end_date",
        "registration_count",
    )
    list_filter = ("status", "kind", ("country", CountryFilter))
    search_fields = ("title", "slug", "theme", "city", "venue", "translations")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("organisers",)
    date_hierarchy = "start_date"
    readonly_fields = ("created_at", "updated_at")
    inlines = [SessionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_registration_count=Count(
                    "registrations", filter=~Q(registrations__status=Registration.Status.CANCELLED)
                )
            )
        )

    @admin.display(description=_("registrations"), ordering="active_registration_count")
    def registration_count(self, event: Event) -> int:
        return event.active_registration_count

    # Registrations, meetings and their follow-ups are the record of the event: an event that
    # has registrations is closed, never deleted (Registration.event is PROTECT as well).

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.registrations.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        event = self.get_object(request, unquote(object_id))
        if event is not None and event.registrations.exists():
            self.message_user(
                request,
                gettext("People have registered for “%(event)s”: it cannot be deleted. Close it instead.")
                % {"event": event},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[event.pk]))
        return super().delete_view(request, object_id, extra_context)


class MeetingSlotInline(admin.TabularInline):
    model = MeetingSlot
    fields = ("starts_at", "ends_at")
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = translations_admin_form(Session)
    list_display = ("title", "event", "kind", "starts_at", "ends_at", "room", "table_count", "slot_minutes")
    list_filter = ("kind", "scheduling_mode", ("event", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("event",)
    search_fields = ("title", "room", "event__title", "translations")
    autocomplete_fields = ("event", "speakers")
    date_hierarchy = "starts_at"
    inlines = [MeetingSlotInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "event",
                    "kind",
                    "title",
                    "description",
                    "original_language",
                    "translations",
                    "starts_at",
                    "ends_at",
                    "room",
                    "speakers",
                )
            },
        ),
        (
            _("Matchmaking"),
            {
                "fields": (
                    "table_count",
                    "slot_minutes",
                    "break_minutes",
                    "request_deadline",
                    "max_meetings_per_person",
                    "scheduling_mode",
                )
            },
        ),
    )


@admin.register(MeetingSlot)
class MeetingSlotAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "session", "event")
    list_filter = (("session__event", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("session__event",)
    search_fields = ("session__title", "session__event__title")
    autocomplete_fields = ("session",)
    date_hierarchy = "starts_at"

    @admin.display(description=_("event"), ordering="session__event__title")
    def event(self, slot: MeetingSlot) -> Event:
        return slot.session.event


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "country", "lead_institution", "head_person", "member_count")
    list_filter = (("country", CountryFilter), ("event", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("event", "lead_institution", "head__user")
    search_fields = ("name", "event__title", "lead_institution__name")
    autocomplete_fields = ("event", "lead_institution", "head")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(registration_count=Count("members"))

    @admin.display(description=_("head of delegation"), ordering="head__user__email")
    def head_person(self, delegation: Delegation):
        return delegation.head.user if delegation.head else None

    @admin.display(description=_("members"), ordering="registration_count")
    def member_count(self, delegation: Delegation) -> int:
        return delegation.registration_count


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "event",
        "institution",
        "role",
        "status",
        "delegation",
        "checked_in_at",
        "created_at",
    )
    list_filter = (
        "status",
        "role",
        ("event", admin.RelatedOnlyFieldListFilter),
        ("institution__country", CountryFilter),
        ("checked_in_at", admin.EmptyFieldListFilter),
    )
    list_select_related = ("user", "event", "institution", "delegation")
    # An exact badge token finds the person at the check-in desk.
    search_fields = ("user__email", "user__display_name", "institution__name", "event__title", "=badge_token")
    autocomplete_fields = ("event", "user", "institution", "delegation")
    date_hierarchy = "created_at"
    readonly_fields = (
        "badge_token",
        "contact_token",
        "survey_token",
        "created_at",
        "shares_contact_consented_at",
        "shares_contact_withdrawn_at",
        "personal_data_purged_at",
    )


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("owner", "contact", "event", "created_at")
    list_filter = (("event", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("owner__user", "contact__user", "event")
    search_fields = ("owner__user__email", "contact__user__email")
    autocomplete_fields = ("event", "owner", "contact")


class SurveyQuestionInline(admin.StackedInline):
    model = SurveyQuestion
    form = translations_admin_form(SurveyQuestion)
    fields = (
        "position",
        "kind",
        "text",
        "original_language",
        "translations",
        "choices",
        "max_choices",
        "allow_other",
        "required",
    )
    extra = 0


class SurveyTableInline(admin.TabularInline):
    model = SurveyTable
    fields = ("label", "token")
    readonly_fields = ("token",)
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    form = translations_admin_form(Survey)
    list_display = ("title", "event", "is_open", "created_at")
    list_filter = ("is_open",)
    list_select_related = ("event",)
    search_fields = ("title", "event__title")
    autocomplete_fields = ("event",)
    inlines = (SurveyQuestionInline, SurveyTableInline)


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    fields = ("question", "choices", "text")
    extra = 0


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ("survey", "registration", "table", "language", "submitted_at")
    list_filter = (("survey", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("survey", "registration__user", "table")
    autocomplete_fields = ("registration",)
    readonly_fields = ("respondent_key", "submitted_at")
    inlines = (SurveyAnswerInline,)


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ("ran_at", "cutoff", "registrations", "follow_ups", "survey_responses")
    date_hierarchy = "ran_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
