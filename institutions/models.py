from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .languages import WORK_LANGUAGES


class Taxonomy(models.Model):
    """A managed list of terms with an English and a Simplified Chinese name."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Return the name in the active language, falling back to English."""
        if (get_language() or "").lower().startswith("zh") and self.name_zh_hans:
            return self.name_zh_hans
        return self.name


class Sector(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class CooperationType(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("cooperation type")
        verbose_name_plural = _("cooperation types")


class Institution(models.Model):
    class Kind(models.TextChoices):
        VOCATIONAL_COLLEGE = "vocational_college", _("vocational college")
        POLYTECHNIC = "polytechnic", _("polytechnic")
        UNIVERSITY = "university", _("university")
        TECHNICAL_INSTITUTE = "technical_institute", _("technical institute")
        ENTERPRISE = "enterprise", _("enterprise")
        GOVERNMENT_AGENCY = "government_agency", _("government agency")
        INDUSTRY_ASSOCIATION = "industry_association", _("industry association")
        ALLIANCE = "alliance", _("alliance")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("international organisation")
        OTHER = "other", _("other")

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("unverified")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    name = models.CharField(_("name (English)"), max_length=250)
    name_local = models.CharField(
        _("name in local script"),
        max_length=250,
        blank=True,
        help_text=_("The name as written at home, e.g. 深圳职业技术大学 or វិទ្យាស្ថាន…"),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind, default=Kind.VOCATIONAL_COLLEGE)
    country = CountryField(_("country"))
    province = models.CharField(_("province or state"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    languages = ArrayField(
        models.CharField(max_length=10, choices=WORK_LANGUAGES),
        verbose_name=_("languages of work"),
        default=list,
        blank=True,
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="institutions", blank=True)
    verification_status = models.CharField(
        _("verification status"),
        max_length=16,
        choices=Verification,
        default=Verification.UNVERIFIED,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="institutions/logos/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "country", name="institution_name_country_unique"),
        ]
        indexes = [
            models.Index(fields=["country", "kind"]),
            models.Index(fields=["verification_status"]),
            models.Index(fields=["-updated_at"]),
            GinIndex(fields=["languages"], name="institution_languages_gin"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institutions:detail", kwargs={"slug": self.slug})

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED

    @property
    def language_names(self) -> list[str]:
        names = dict(WORK_LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]


class ProfileItem(models.Model):
    """What an institution offers to, or needs from, a partner: a cooperation type in a sector."""

    cooperation_type = models.ForeignKey(CooperationType, verbose_name=_("cooperation type"), on_delete=models.PROTECT)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    capacity = models.CharField(
        _("capacity"),
        max_length=120,
        blank=True,
        help_text=_("Optional, e.g. “20 internship places a year”."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.cooperation_type} · {self.sector}"


class Offer(ProfileItem):
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="offers"
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "cooperation_type", "sector"], name="offer_unique_per_institution"
            ),
        ]
        indexes = [models.Index(fields=["cooperation_type", "sector"], name="offer_type_sector_idx")]


class Need(ProfileItem):
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="needs"
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "cooperation_type", "sector"], name="need_unique_per_institution"
            ),
        ]
        indexes = [models.Index(fields=["cooperation_type", "sector"], name="need_type_sector_idx")]


class Membership(models.Model):
    """A person's place in an institution: an admin edits its profile, a member acts for it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("admin")
        MEMBER = "member", _("member")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending approval")
        ACTIVE = "active", _("active")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ACTIVE)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["institution__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="membership_unique_user_institution"),
        ]
        indexes = [models.Index(fields=["institution", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution} ({self.get_role_display()})"

    @property
    def is_active_admin(self) -> bool:
        return self.role == self.Role.ADMIN and self.status == self.Status.ACTIVE
