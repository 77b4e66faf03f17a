import secrets
import unicodedata

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.audit import audit_scope
from core.countries import PortalCountries
from core.models import TimestampedModel
from core.multilingual import MultilingualModel

from .languages import WORK_LANGUAGES
from .text import latin_words, script_grams


class Taxonomy(MultilingualModel):
    """A managed list of terms, each named in English and translated into the portal's languages."""

    TRANSLATED_FIELDS = ("name",)

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Return the name in the active language, falling back to English."""
        return self.localized("name")


class Sector(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class CooperationType(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("cooperation type")
        verbose_name_plural = _("cooperation types")


class Institution(MultilingualModel, TimestampedModel):
    TRANSLATED_FIELDS = ("description",)

    class Kind(models.TextChoices):
        VOCATIONAL_COLLEGE = "vocational_college", _("vocational college")
        POLYTECHNIC = "polytechnic", _("polytechnic")
        UNIVERSITY = "university", _("university")
        TECHNICAL_INSTITUTE = "technical_institute", _("technical institute")
        ENTERPRISE = "enterprise", _("enterprise")
        GOVERNMENT_AGENCY = "government_agency", _("government agency")
        INDUSTRY_ASSOCIATION = "industry_association", _("industry association")
        # Alliances, networks, platforms and councils alike: a group whose members are institutions.
        ALLIANCE = "alliance", _("alliance or network")
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
    country = CountryField(_("country"), countries=PortalCountries)
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
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_(
            "Where messages from the contact form go; never shown to anyone. "
            "Left empty, they go to the institution's admins."
        ),
    )
    review_reminder_sent_at = models.DateTimeField(_("profile review reminder sent at"), null=True, blank=True)

    # Search and matching columns, derived from the fields above; never edited by hand.
    # The description's translations, one after the other, for the search (kept by ``save()``).
    search_translations = models.TextField(_("translations of the description, for search"), blank=True, editable=False)
    # Full text with English stemming for names and descriptions, 'simple' (no stemming)
    # for acronyms, places and the description's translations (in any language). A generated column: PostgreSQL keeps it current on every write.
    search_document = models.GeneratedField(
        expression=(
            SearchVector("name", config="english", weight="A")
            + SearchVector("acronym", config="simple", weight="A")
            + SearchVector("city", config="simple", weight="B")
            + SearchVector("province", config="simple", weight="B")
            + SearchVector("description", config="english", weight="C")
            + SearchVector("search_translations", config="simple", weight="C")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Character bigrams of the text in scripts written without spaces (Chinese, Thai, Khmer,
    # …), so that any substring of two or more characters is found through a GIN index.
    search_grams = ArrayField(models.CharField(max_length=8), default=list, blank=True, editable=False)
    # "<cooperation type id>:<sector id>" of every offer and need, for finding complementary
    # institutions through a GIN index.
    offer_keys = ArrayField(models.CharField(max_length=24), default=list, blank=True, editable=False)
    need_keys = ArrayField(models.CharField(max_length=24), default=list, blank=True, editable=False)

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
            GinIndex(fields=["search_document"], name="institution_search_gin"),
            GinIndex(fields=["search_grams"], name="institution_grams_gin"),
            GinIndex(fields=["offer_keys"], name="institution_offer_keys_gin"),
            GinIndex(fields=["need_keys"], name="institution_need_keys_gin"),
            # pg_trgm: the names nearest to a typed one, for duplicate detection.
            GistIndex(fields=["name"], opclasses=["gist_trgm_ops"], name="institution_name_trgm"),
        ]

    def __str__(self) -> str:
        return self.name

    def picker_label(self, *, country: bool = True) -> str:
        """The institution as a picker names it: name, acronym, local name and (by default) country."""
        label = self.name
        if self.acronym:
            label += f" ({self.acronym})"
        if self.name_local:
            label += f" · {self.name_local}"
        return f"{label} · {self.country.name}" if country else label

    def save(self, *args, **kwargs) -> None:
        self.search_translations = self.compute_search_translations()
        self.search_grams = self.compute_search_grams()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_grams", "search_translations"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("institutions:detail", kwargs={"slug": self.slug})

    def compute_search_grams(self) -> list[str]:
        """Return the bigrams of the unspaced-script text this institution is found by.

        ``save()`` keeps ``search_grams`` current; code that writes institutions with
        ``bulk_create`` or ``update()`` sets it from this method itself, after setting
        ``search_translations`` from :meth:`compute_search_translations`, which it reads.
        """
        return script_grams(
            self.name,
            self.name_local,
            self.acronym,
            self.city,
            self.province,
            self.description,
            self.search_translations,
        )

    def compute_search_translations(self) -> str:
        """Return the description's translations (not the original), one per paragraph, for search.

        A translation in a Latin script is followed by its words without accents, since the
        search folds the query's words ("thợ hàn" is looked for as "tho han"). ``save()`` keeps
        ``search_translations`` current; ``bulk_create`` and ``update()`` callers set it from
        this method, like ``search_grams``.
        """
        parts = []
        for text in self.texts_in_every_language("description")[1 if self.description else 0 :]:
            parts.append(text)
            folded = " ".join(latin_words(text))
            if folded and folded != " ".join(text.lower().split()):
                parts.append(folded)
        return "\n\n".join(parts)

    def refresh_profile_keys(self) -> None:
        """Recompute ``offer_keys`` and ``need_keys`` from the offers and needs in the database."""
        self.offer_keys = sorted({f"{t}:{s}" for t, s in self.offers.values_list("cooperation_type_id", "sector_id")})
        self.need_keys = sorted({f"{t}:{s}" for t, s in self.needs.values_list("cooperation_type_id", "sector_id")})
        Institution.objects.filter(pk=self.pk).update(offer_keys=self.offer_keys, need_keys=self.need_keys)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED

    @property
    def language_names(self) -> list[str]:
        names = dict(WORK_LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this institution (see ``core.audit``)."""
        return audit_scope(institution=self.pk)


class ProfileItem(MultilingualModel):
    """What an institution offers to, or needs from, a partner: a cooperation type in a sector."""

    TRANSLATED_FIELDS = ("note",)

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

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this offer or need (see ``core.audit``)."""
        return audit_scope(institution=self.institution_id)


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
    request_message = models.CharField(
        _("message with the request"),
        max_length=500,
        blank=True,
        help_text=_("Why the person asks to join, for the admins who decide."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
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

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this membership, and whose it is (see ``core.audit``)."""
        return {**audit_scope(institution=self.institution_id), "person": str(self.user)}


class AllianceMembership(models.Model):
    """An institution's place in an alliance (or network, platform, council): asked, decided, ended.

    An alliance is an ``Institution`` of kind ``alliance``; its admins (or the secretariat)
    approve requests to join. At most one open (requested or active) membership per pair; a
    declined or ended one stays as the record of what happened, and the institution may ask again.
    """

    class Role(models.TextChoices):
        FOUNDING_MEMBER = "founding_member", _("founding member")
        MEMBER = "member", pgettext_lazy("alliance role", "member")
        OBSERVER = "observer", _("observer")
        SECRETARIAT = "secretariat", pgettext_lazy("alliance role", "secretariat")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", pgettext_lazy("alliance membership", "active")
        DECLINED = "declined", _("declined")
        LEFT = "left", pgettext_lazy("alliance membership", "left")

    OPEN_STATUSES = (Status.REQUESTED, Status.ACTIVE)

    alliance = models.ForeignKey(
        Institution,
        verbose_name=_("alliance"),
        on_delete=models.CASCADE,
        related_name="alliance_memberships",
        limit_choices_to={"kind": Institution.Kind.ALLIANCE},
    )
    member = models.ForeignKey(
        Institution, verbose_name=_("member institution"), on_delete=models.CASCADE, related_name="alliances_joined"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.REQUESTED)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(
        _("note"),
        max_length=500,
        blank=True,
        help_text=_("Why the institution asks to join, or what the alliance noted about the membership."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alliance membership")
        verbose_name_plural = _("alliance memberships")
        ordering = ["alliance__name", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "member"],
                condition=Q(status__in=["requested", "active"]),
                name="alliance_membership_one_open_per_pair",
            ),
            models.CheckConstraint(condition=~Q(alliance=models.F("member")), name="alliance_membership_not_itself"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="alliance_membership_left_after_joined",
            ),
        ]
        indexes = [
            # The directory's filter and counts: an EXISTS on (member, status) per institution.
            models.Index(fields=["member", "status", "alliance"], name="alliance_member_status_idx"),
            models.Index(fields=["alliance", "status"], name="alliance_alliance_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.alliance} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def get_additional_data(self) -> dict:
        """Filed under both institutions in the audit trail (see ``core.audit``)."""
        return audit_scope(institution=self.alliance_id, institutions=[self.member_id])


class SearchWord(models.Model):
    """One word of the directory's vocabulary (names, acronyms, places), for spelling tolerance.

    ``folded`` is the word without accents or case; pg_trgm's GiST index on it yields the
    vocabulary words nearest to a query word by trigram similarity, closest first, and
    close spellings join the query (see ``institutions.search``).
    """

    word = models.CharField(_("word"), max_length=60, unique=True)
    folded = models.CharField(_("folded word"), max_length=60, editable=False)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [GistIndex(fields=["folded"], opclasses=["gist_trgm_ops"], name="searchword_folded_trgm")]

    def __str__(self) -> str:
        return self.word


class ShortlistEntry(TimestampedModel):
    """An institution a person saved for later, with a private note."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="shortlist"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="shortlisted_by"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="shortlist_unique_user_institution"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.institution}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An institution admin's invitation to a colleague, by email, to join the institution."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_invitation_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "institution",
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.institution}"

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this invitation (see ``core.audit``)."""
        return audit_scope(institution=self.institution_id)


class ContactMessage(models.Model):
    """A message sent to an institution through the portal's contact form.

    Kept so that the secretariat can look into abuse and so that sending can be rate-limited;
    the recipients' addresses are never shown to the sender.
    """

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="contact_messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="sent_contact_messages",
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sender", "-created_at"])]

    def __str__(self) -> str:
        return self.subject


def course_search_form(text: str) -> str:
    """``text`` as the course catalogue's search compares it: NFC, case-folded, spaces collapsed.

    No accents or vowel signs are removed: in Khmer, Thai, Lao and Burmese they are letters.
    """
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def course_search_bigrams(text: str) -> list[str]:
    """The sorted, distinct character pairs of each line of ``text`` (already in search form)."""
    return sorted({line[i : i + 2] for line in text.split("\n") for i in range(len(line) - 1)})


class SharedCourse(MultilingualModel, TimestampedModel):
    """A course or learning resource an institution shares with partners, as CATECP members do.

    Other institutions find published courses in the directory's catalogue and ask to use them
    (``CourseUseRequest``); an MoU between institutions may list the courses shared under it
    (the link is kept by the MoU app, above this one).
    """

    TRANSLATED_FIELDS = ("title", "description")

    class Level(models.TextChoices):
        SHORT_COURSE = "short_course", _("short course")
        CERTIFICATE = "certificate", pgettext_lazy("course level", "certificate")
        DIPLOMA = "diploma", pgettext_lazy("course level", "diploma")
        HIGHER_DIPLOMA = "higher_diploma", _("higher diploma or associate degree")
        BACHELOR = "bachelor", _("bachelor's degree")
        TEACHER_TRAINING = "teacher_training", _("teacher training")

    class Format(models.TextChoices):
        ONLINE = "online", pgettext_lazy("course format", "online")
        BLENDED = "blended", pgettext_lazy("course format", "blended")
        ON_SITE = "on_site", pgettext_lazy("course format", "on site")

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="shared_courses"
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    language = models.CharField(_("language of instruction"), max_length=10, choices=WORK_LANGUAGES)
    level = models.CharField(_("level"), max_length=20, choices=Level)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="shared_courses"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format)
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where partners read more about the course (an address starting with https:// or http://)."),
    )
    hours = models.PositiveSmallIntegerField(
        _("hours of study"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    duration = models.CharField(
        _("duration"), max_length=60, blank=True, help_text=_("Optional, e.g. “12 weeks” or “one semester”.")
    )
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Shown in the course catalogue and on the institution's page.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    # What the catalogue's search reads, kept by save(): the title and description in every
    # language, one per line, in course_search_form; their character pairs go to a GIN index,
    # which narrows a substring search in any script before the text itself is compared.
    search_text = models.TextField(default="", blank=True, editable=False)
    search_grams = ArrayField(models.CharField(max_length=2), default=list, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text", "search_grams", "updated_at"])

    class Meta:
        verbose_name = _("shared course")
        verbose_name_plural = _("shared courses")
        ordering = ["title", "pk"]
        indexes = [
            models.Index(fields=["is_published", "sector"], name="course_published_sector_idx"),
            models.Index(fields=["is_published", "level"], name="course_published_level_idx"),
            models.Index(fields=["is_published", "format"], name="course_published_format_idx"),
            models.Index(fields=["is_published", "language"], name="course_published_lang_idx"),
            models.Index(fields=["institution", "is_published"], name="course_institution_idx"),
            GinIndex(fields=["search_grams"], name="course_search_grams_gin"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gte=1), name="course_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.compute_search_text()
        self.search_grams = course_search_bigrams(self.search_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "search_grams"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("institutions:course_detail", kwargs={"pk": self.pk})

    def compute_search_text(self) -> str:
        """The text the catalogue's search finds this course by (see ``search_text``)."""
        return "\n".join(dict.fromkeys(f for f in map(course_search_form, self.texts_in_every_language()) if f))

    @property
    def label(self) -> str:
        """The title in the active language, falling back to English, then the original."""
        return self.localized("title")

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this course (see ``core.audit``)."""
        return audit_scope(institution=self.institution_id)


class CourseUseRequest(TimestampedModel):
    """An institution's request to use another institution's shared course.

    One open (pending) request per course and institution; an institution never asks for its
    own course (the services refuse it). The course's institution's admins accept or decline
    it with a reply; the requester may withdraw it while it is pending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("course request status", "pending")
        ACCEPTED = "accepted", pgettext_lazy("course request status", "accepted")
        DECLINED = "declined", pgettext_lazy("course request status", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("course request status", "withdrawn")

    course = models.ForeignKey(
        SharedCourse, verbose_name=_("course"), on_delete=models.CASCADE, related_name="use_requests"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("requesting institution"),
        on_delete=models.CASCADE,
        related_name="course_use_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reply = models.TextField(_("reply"), max_length=2000, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("request to use a course")
        verbose_name_plural = _("requests to use a course")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "institution"],
                condition=Q(status="pending"),
                name="course_request_one_open_per_institution",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "status"], name="course_request_inst_idx"),
            models.Index(fields=["course", "status"], name="course_request_course_idx"),
            models.Index(fields=["status", "decided_at"], name="course_request_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} → {self.course}"

    def get_additional_data(self) -> dict:
        """The audit trail files a request under both institutions (see ``core.audit``)."""
        return audit_scope(
            institution=self.institution_id, institutions=[self.institution_id, self.course.institution_id]
        )
