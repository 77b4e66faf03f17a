from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from institutions.models import Membership

from .models import OutboundEmail, User


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
        (_("Emails"), {"fields": ("email_request_digest", "email_follow_ups")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
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
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups", "user_permissions")

    def get_inlines(self, request, obj):
        # Memberships are added once the account exists, like the rest of the profile.
        return self.inlines if obj is not None else []


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "user", "state", "due_at", "attempts", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("key", "user__email", "message_id")
    list_select_related = ("user",)
    date_hierarchy = "due_at"
    raw_id_fields = ("user",)
    readonly_fields = ("message_id", "claimed_at", "sent_at", "created_at")
