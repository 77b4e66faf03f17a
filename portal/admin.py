from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.models import OutboundEmail
from institutions.models import Membership

from .errors import PortalError
from .models import User
from .privacy import user_anonymise


class UserCreationForm(AdminUserCreationForm):
    """Create a user from an email address and a password; there is no username."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        # The database rejects addresses that differ only in case; say so on the form
        # instead of failing on save.
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this email address already exists."), code="unique")
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("A user with this email address already exists."), code="unique")
        return email


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("institution", "role", "status", "job_title")
    autocomplete_fields = ("institution",)
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "preferred_language", "time_zone", "show_profile_to_participants")},
        ),
        (
            _("Emails"),
            {"fields": ("email_request_digest", "email_follow_ups", "email_meeting_reminders", "email_request_nudges")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (
            _("Consent and anonymisation"),
            {"fields": ("profile_consent_given_at", "profile_consent_withdrawn_at", "anonymised_at")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    inlines = [MembershipInline]
    list_display = (
        "email",
        "display_name",
        "preferred_language",
        "time_zone",
        "is_staff",
        "is_active",
        "date_joined",
        "last_login",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "preferred_language", "groups")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    readonly_fields = (
        "last_login",
        "date_joined",
        "profile_consent_given_at",
        "profile_consent_withdrawn_at",
        "anonymised_at",
    )
    filter_horizontal = ("groups", "user_permissions")

    def get_inlines(self, request, obj):
        # Memberships are added once the account exists, like the rest of the profile.
        return self.inlines if obj is not None else []

    # Deleting a person would take their meetings, follow-ups and MoU links with them: the
    # admin's delete (one user or the "delete selected" action) anonymises instead.

    def get_deleted_objects(self, objs, request):
        described = [
            gettext(
                "%(user)s: the name, email address, password, sign-in methods, memberships, shortlist and "
                "contacts are removed; registrations, meetings and MoU links stay, anonymised."
            )
            % {"user": user.email}
            for user in objs
        ]
        return described, {}, set(), []

    def delete_model(self, request, obj):
        self._anonymise(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self._anonymise(request, user)

    def _anonymise(self, request, user) -> None:
        try:
            user_anonymise(user=user, by=request.user)
        except PortalError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def response_delete(self, request, obj_display, obj_id):
        # Django would say "deleted successfully", which would not be true.
        if not User.objects.filter(pk=obj_id, anonymised_at__isnull=False).exists():
            return HttpResponseRedirect(reverse("admin:portal_user_change", args=[obj_id]))
        self.message_user(
            request,
            gettext("The account of %(user)s was anonymised: its records stay, without the person.")
            % {"user": obj_display},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:portal_user_changelist"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            function, name, _description = actions["delete_selected"]
            actions["delete_selected"] = (function, name, _("Anonymise selected users"))
        return actions

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The "delete selected" action reports "Successfully deleted N users": say what happened.
        if request.POST.get("action") == "delete_selected" and request.POST.get("post") == "yes":
            count = len(request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME))
            message = ngettext("%(count)d account was anonymised.", "%(count)d accounts were anonymised.", count) % {
                "count": count
            }
        return super().message_user(request, message, level, *args, **kwargs)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "user", "to_email", "state", "due_at", "attempts", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("key", "user__email", "to_email", "message_id")
    list_select_related = ("user",)
    date_hierarchy = "due_at"
    raw_id_fields = ("user",)
    readonly_fields = ("message_id", "claimed_at", "sent_at", "created_at")
