from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.timezones import validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


def language_choices():
    """The portal's languages: a callable, so that shipping one more needs no migration."""
    return settings.LANGUAGES


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the email address is the login."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("How your name is shown to other participants, e.g. “Dr. Sok Dara”."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=language_choices,
        default=settings.LANGUAGE_CODE,
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Bangkok",
        validators=[validate_time_zone],
        help_text=_("Times of events are also shown in this time zone."),
    )
    show_profile_to_participants = models.BooleanField(
        _("show my name and title to other participants"),
        default=True,
    )
    # When the person last agreed to, and last withdrew, showing their name (portal.privacy).
    profile_consent_given_at = models.DateTimeField(_("name visibility consent given at"), null=True, blank=True)
    profile_consent_withdrawn_at = models.DateTimeField(
        _("name visibility consent withdrawn at"), null=True, blank=True
    )
    # Optional emails; each has a one-click unsubscribe link. Emails about a person's own
    # meetings being moved or cancelled, and account emails, always go out.
    email_request_digest = models.BooleanField(
        _("a daily digest of meeting requests waiting for me"),
        default=True,
    )
    email_follow_ups = models.BooleanField(
        _("follow-up questions after my meetings"),
        default=True,
    )
    email_meeting_reminders = models.BooleanField(
        _("reminders before my meetings"),
        default=True,
    )
    email_request_nudges = models.BooleanField(
        _("reminders about meeting requests: unanswered ones, and none sent yet"),
        default=True,
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Accounts are anonymised instead of deleted, so that meetings, registrations and MoU
    # links they took part in keep their place in the record (portal.privacy.user_anonymise).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="portal_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        if self.anonymised_at:
            return str(_("Deleted account"))
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        if self.anonymised_at:
            return str(self)
        return self.display_name or self.email.split("@")[0]
