from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.models import Session

from .models import FollowUp, Meeting, MeetingRequest, SlotUnavailability


@admin.register(SlotUnavailability)
class SlotUnavailabilityAdmin(admin.ModelAdmin):
    list_display = ("person", "slot_starts_at", "session")
    list_filter = (("slot__session", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("registration__user", "slot__session")
    search_fields = ("registration__user__email", "registration__user__display_name")
    autocomplete_fields = ("registration", "slot")

    @admin.display(description=_("person"), ordering="registration__user__email")
    def person(self, unavailability: SlotUnavailability):
        return unavailability.registration.user

    @admin.display(description=_("starts at"), ordering="slot__starts_at")
    def slot_starts_at(self, unavailability: SlotUnavailability):
        return unavailability.slot.starts_at

    @admin.display(description=_("session"), ordering="slot__session__title")
    def session(self, unavailability: SlotUnavailability) -> Session:
        return unavailability.slot.session


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ("requester_person", "recipient_display", "session", "status", "created_at", "responded_at")
    list_filter = ("status", ("session", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("requester__user", "recipient__user", "recipient_institution", "session")
    search_fields = (
        "requester__user__email",
        "requester__user__display_name",
        "recipient__user__email",
        "recipient__user__display_name",
        "recipient_institution__name",
        "message",
    )
    autocomplete_fields = ("session", "requester", "recipient", "recipient_institution")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)

    @admin.display(description=_("from"), ordering="requester__user__email")
    def requester_person(self, request: MeetingRequest):
        return request.requester.user

    @admin.display(description=_("to"))
    def recipient_display(self, request: MeetingRequest):
        return request.recipient.user if request.recipient else request.recipient_institution


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("participants", "session", "starts_at", "table_number", "status", "sequence")
    list_filter = ("status", ("session", admin.RelatedOnlyFieldListFilter))
    list_select_related = (
        "request__requester__user",
        "request__recipient__user",
        "request__recipient_institution",
        "session",
        "slot",
    )
    search_fields = (
        "request__requester__user__email",
        "request__requester__user__display_name",
        "request__recipient__user__email",
        "request__recipient__user__display_name",
        "request__recipient_institution__name",
        "uid__exact",
    )
    autocomplete_fields = ("request", "session", "slot", "sharers")
    date_hierarchy = "slot__starts_at"
    readonly_fields = ("uid", "updated_at")

    @admin.display(description=_("participants"))
    def participants(self, meeting: Meeting) -> str:
        request = meeting.request
        other = request.recipient.user if request.recipient else request.recipient_institution
        return f"{request.requester.user} ↔ {other}"

    @admin.display(description=_("starts at"), ordering="slot__starts_at")
    def starts_at(self, meeting: Meeting):
        return meeting.slot.starts_at if meeting.slot else None


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = (
        "recipient_person",
        "session",
        "step",
        "due_at",
        "sent_at",
        "outcome",
        "answered_at",
        "opted_out_at",
    )
    list_filter = (
        "outcome",
        "step",
        ("sent_at", admin.EmptyFieldListFilter),
        ("answered_at", admin.EmptyFieldListFilter),
    )
    list_select_related = ("recipient__user", "meeting__session")
    search_fields = ("recipient__user__email", "recipient__user__display_name", "=token")
    autocomplete_fields = ("meeting", "recipient")
    date_hierarchy = "due_at"
    readonly_fields = ("token",)

    @admin.display(description=_("recipient"), ordering="recipient__user__email")
    def recipient_person(self, follow_up: FollowUp):
        return follow_up.recipient.user

    @admin.display(description=_("session"), ordering="meeting__session__title")
    def session(self, follow_up: FollowUp) -> Session:
        return follow_up.meeting.session
