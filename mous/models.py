import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, ProtectedError, Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.audit import audit_scope
from core.multilingual import MultilingualModel
from events.models import Event, Session
from institutions.languages import WORK_LANGUAGES
from institutions.models import CooperationType, Institution, Sector, SharedCourse
from matchmaking.models import Meeting


def private_storage():
    """Store signed documents outside MEDIA_ROOT; views check permission before serving."""
    return storages["private"]


def _refuse_deleting_signed(mous) -> None:
    raise ProtectedError(
        gettext("A signed MoU cannot be deleted: terminate it instead. Only drafts may be deleted."), set(mous)
    )


class MouQuerySet(models.QuerySet):
    def delete(self):
        """Delete drafts only: a signed MoU among them refuses the whole deletion (see `Mou.delete`)."""
        signed = list(self.exclude(status=Mou.Status.DRAFT)[:10])
        if signed:
            _refuse_deleting_signed(signed)
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


def search_form(text: str) -> str:
    """``text`` as the registry's search compares it: NFC, case-folded, spaces collapsed.

    No accents or vowel signs are removed: in Khmer, Thai, Lao and Burmese they are letters.
    """
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def party_names_text(names: Iterable[str]) -> str:
    """The parties' names as ``Mou.party_names`` keeps them: in search form, one per line, each once."""
    return "\n".join(dict.fromkeys(form for form in map(search_form, names) if form))


def search_bigrams(text: str) -> list[str]:
    """The sorted, distinct character pairs of each line of ``text`` (already in its search form).

    A single character has no pair: a one-letter search compares the text alone.
    """
    return sorted({line[i : i + 2] for line in text.split("\n") for i in range(len(line) - 1)})


class Mou(MultilingualModel):
    """A memorandum of understanding among two or more institutions."""

    TRANSLATED_FIELDS = ("title", "summary")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("mou status", "draft")
        SIGNED = "signed", pgettext_lazy("mou status", "signed")
        ACTIVE = "active", pgettext_lazy("mou status", "active")
        EXPIRING = "expiring", pgettext_lazy("mou status", "expiring")
        EXPIRED = "expired", pgettext_lazy("mou status", "expired")
        RENEWED = "renewed", pgettext_lazy("mou status", "renewed")
        TERMINATED = "terminated", pgettext_lazy("mou status", "terminated")

    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference number"), max_length=60, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_place = models.CharField(_("place of signing"), max_length=200, blank=True)
    witnesses = models.TextField(_("witnesses"), blank=True)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.SET_NULL, related_name="mous", null=True, blank=True
    )
    ceremony_session = models.ForeignKey(
        Session,
        verbose_name=_("signing ceremony"),
        on_delete=models.SET_NULL,
        related_name="mous",
        null=True,
        blank=True,
    )
    # The matchmaking meetings an MoU was born from; each meeting leads to one MoU at most.
    meetings = models.ManyToManyField(
        Meeting, verbose_name=_("meetings"), through="MouMeeting", related_name="mous", blank=True
    )
    cooperation_types = models.ManyToManyField(
        CooperationType, verbose_name=_("cooperation types"), related_name="mous", blank=True
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="mous", blank=True)
    # The courses the parties share under this MoU; each link says who made it and when.
    shared_courses = models.ManyToManyField(
        SharedCourse,
        verbose_name=_("shared courses"),
        through="MouSharedCourse",
        related_name="mous",
        blank=True,
    )
    languages = ArrayField(
        models.CharField(max_length=10, choices=WORK_LANGUAGES),
        verbose_name=_("languages of the document"),
        default=list,
        blank=True,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_public = models.BooleanField(_("listed in the public registry"), default=False)
    document = models.FileField(_("signed document"), storage=private_storage, upload_to="mous/", blank=True)
    document_is_public = models.BooleanField(_("document may be downloaded by anyone"), default=False)
    # The uploaded file's own name and its type as found from its content (not its name).
    document_name = models.CharField(_("document file name"), max_length=200, blank=True)
    document_content_type = models.CharField(_("document type"), max_length=60, blank=True)
    # A party institution's admins proposed this draft for the secretariat to confirm.
    proposed_by = models.ForeignKey(
        Institution,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        related_name="proposed_mous",
        null=True,
        blank=True,
    )
    # The parties' countries, sorted, kept by the MoU services: filters by country and country
    # pair read one indexed column instead of joining the parties.
    party_countries = ArrayField(
        models.CharField(max_length=2), verbose_name=_("countries of the parties"), default=list, blank=True
    )
    # The last time a party recorded a milestone or activity (dormant MoUs have none for months).
    last_activity_at = models.DateTimeField(_("last activity recorded"), null=True, blank=True)
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        on_delete=models.SET_NULL,
        related_name="renewed_by",
        null=True,
        blank=True,
    )
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What the registry's text search reads, kept by save() (see compute_search_text): the
    # reference, the title and summary in every language, one per line, in search_form. The
    # bigrams of those lines go to a GIN index, which narrows a substring search in any script
    # to the rows holding all its pairs before the text itself is compared.
    search_text = models.TextField(default="", blank=True, editable=False)
    search_grams = ArrayField(models.CharField(max_length=2), default=list, blank=True, editable=False)
    # The parties' names (English, local script, acronym), in search form, one per line: part
    # of search_text, so that a search finds an MoU by its parties without joining them. Kept
    # by mous.services.refresh_party_names whenever a party joins or leaves an MoU or an
    # institution is renamed (mous.signals).
    party_names = models.TextField(default="", blank=True, editable=False)

    history = HistoricalRecords(
        m2m_fields=[cooperation_types, sectors], excluded_fields=["search_text", "search_grams", "party_names"]
    )

    objects = MouQuerySet.as_manager()

    class Meta:
        verbose_name = _("MoU")
        verbose_name_plural = _("MoUs")
        ordering = [F("signed_on").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="mou_reference_unique_when_set"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="mou_validity_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "active", "expiring", "expired", "renewed", "terminated"])
                | Q(signed_on__isnull=False),
                name="mou_signed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["is_public", "-signed_on"]),
            GinIndex(fields=["party_countries"], name="mou_party_countries_gin"),
            GinIndex(fields=["search_grams"], name="mou_search_grams_gin"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            # Written by refresh_party_names() with update(): this instance may hold an older copy.
            stored = Mou.objects.filter(pk=self.pk).values_list("party_names", flat=True).first()
            if stored is not None:
                self.party_names = stored
        self.search_text = self.compute_search_text()
        self.search_grams = search_bigrams(self.search_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "search_grams"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("mous:detail", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        """Delete a draft only. A signed MoU (any status but draft) is the record of an agreement:
        deleting it would unlink its meetings (``MouMeeting`` cascades) and lose its parties,
        milestones and history, so it is refused, like a PROTECT, before anything is written.
        The lifecycle terminates it instead. ``MouQuerySet.delete`` refuses the same for bulk
        deletions; no relation cascades into an MoU.
        """
        if self.status != Mou.Status.DRAFT or Mou.objects.filter(pk=self.pk).exclude(status=Mou.Status.DRAFT).exists():
            _refuse_deleting_signed([self])
        return super().delete(*args, **kwargs)

    def compute_search_text(self) -> str:
        """The text the registry's search finds this MoU by (see ``search_text``).

        ``save()`` keeps it current with ``search_grams = search_bigrams(search_text)``, from
        the kept ``party_names``; code that writes MoUs with ``bulk_create`` or ``update()``
        sets the three itself.
        """
        lines = [self.reference or "", *self.texts_in_every_language(), *self.party_names.split("\n")]
        return "\n".join(dict.fromkeys(form for form in map(search_form, lines) if form))


class MouParty(models.Model):
    """An institution that is party to an MoU, with the person who signed for it."""

    mou = models.ForeignKey(Mou, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="parties")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="mou_parties"
    )
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("MoU party")
        verbose_name_plural = _("MoU parties")
        ordering = ["mou", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "institution"], name="mou_party_unique_institution"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.mou})"


class MouMeeting(models.Model):
    """The matchmaking meeting an MoU was born from.

    The link is owned by the MoU app, which sits above events: a meeting knows nothing of MoUs.
    The one-to-one keeps the rule that a meeting leads to one MoU at most; an MoU may come from
    several meetings. Deleting either side removes the link, never the other side.
    """

    mou = models.ForeignKey(Mou, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="meeting_links")
    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="mou_link"
    )

    class Meta:
        verbose_name = _("meeting that led to an MoU")
        verbose_name_plural = _("meetings that led to an MoU")
        ordering = ["mou", "meeting"]

    def __str__(self) -> str:
        return f"{self.meeting} → {self.mou}"

    def get_additional_data(self) -> dict:
        """The audit trail files the link where it files its meeting (see ``core.audit``)."""
        return self.meeting.get_additional_data()


class MouSharedCourse(models.Model):
    """A course one of the parties shares under an MoU, linked by a party's admin.

    Owned by the MoU app, above institutions: a course knows nothing of MoUs. A course that is
    linked to an MoU cannot be deleted (PROTECT): the agreement's record keeps it; its
    institution unpublishes it instead.
    """

    mou = models.ForeignKey(Mou, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="course_links")
    course = models.ForeignKey(
        SharedCourse, verbose_name=_("course"), on_delete=models.PROTECT, related_name="mou_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("course shared under an MoU")
        verbose_name_plural = _("courses shared under MoUs")
        ordering = ["mou", "linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "course"], name="mou_shared_course_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course} → {self.mou}"

    def get_additional_data(self) -> dict:
        """The audit trail files a link under the course's institution (see ``core.audit``)."""
        return audit_scope(institution=self.course.institution_id)


class Milestone(MultilingualModel):
    """A planned milestone or a recorded activity under an MoU, e.g. the first teacher-training cohort."""

    TRANSLATED_FIELDS = ("title", "description")

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("milestone")
        ACTIVITY = "activity", _("activity")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", pgettext_lazy("milestone status", "cancelled")

    mou = models.ForeignKey(Mou, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.MILESTONE)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    owner_institution = models.ForeignKey(
        Institution,
        verbose_name=_("owner institution"),
        on_delete=models.SET_NULL,
        related_name="mou_milestones",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PLANNED)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), storage=private_storage, upload_to="mous/evidence/", blank=True
    )
    # The evidence file is stored under a random name; these say how to offer it back.
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(_("evidence file type"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["mou", F("due_on").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title


# --- Cooperation under an MoU: exchanges and projects -----------------------------------------

# No one flow of one kind of people in one year is in the thousands; a bigger figure is a typo.
EXCHANGE_MAX_PEOPLE = 10_000
EXCHANGE_NUMBER_MESSAGE = format_lazy(_("A number of people must be between 0 and {max}."), max=EXCHANGE_MAX_PEOPLE)


class Exchange(models.Model):
    """People exchanged under an MoU in one year: one flow of one category from one party to another.

    The planned figure is the quota (as agreement managers such as MoveON call it), the actual
    one what took place; either may be unknown yet. One row per flow (MoU, year, category,
    direction, field), edited rather than duplicated. The parties are institutions, not
    ``MouParty`` rows: the record of an exchange that took place stays when a party later
    leaves the MoU, and the countries of the flow are the institutions' own.

    The duration is a number and a unit (days, weeks or months), as the programme states it: a
    two-week teacher training and a one-semester student exchange are both recorded as said,
    without a conversion that people would have to redo when reading them back.
    """

    class Category(models.TextChoices):
        STUDENTS = "students", pgettext_lazy("exchange category", "students")
        TEACHERS = "teachers", pgettext_lazy("exchange category", "teachers")
        TRAINERS = "trainers", pgettext_lazy("exchange category", "trainers")
        INTERNS = "interns", pgettext_lazy("exchange category", "interns")
        STAFF = "staff", pgettext_lazy("exchange category", "staff")

    class DurationUnit(models.TextChoices):
        DAYS = "days", pgettext_lazy("duration unit", "days")
        WEEKS = "weeks", pgettext_lazy("duration unit", "weeks")
        MONTHS = "months", pgettext_lazy("duration unit", "months")

    mou = models.ForeignKey(Mou, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="exchanges")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("who"), max_length=16, choices=Category)
    from_institution = models.ForeignKey(
        Institution,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="exchanges_sent",
    )
    to_institution = models.ForeignKey(
        Institution,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="exchanges_received",
    )
    field = models.ForeignKey(
        Sector,
        verbose_name=_("field"),
        on_delete=models.SET_NULL,
        related_name="exchanges",
        null=True,
        blank=True,
    )
    duration = models.PositiveSmallIntegerField(_("duration"), null=True, blank=True)
    duration_unit = models.CharField(
        _("duration unit"), max_length=8, choices=DurationUnit, default=DurationUnit.WEEKS, blank=True
    )
    planned = models.PositiveIntegerField(_("planned (quota)"), null=True, blank=True)
    actual = models.PositiveIntegerField(_("actual"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["mou", "-year", "category", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mou", "year", "category", "from_institution", "to_institution", "field"],
                nulls_distinct=False,
                name="exchange_one_row_per_flow",
                violation_error_message=_(
                    "This flow is already recorded for that year: edit it rather than adding it again."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(from_institution=F("to_institution")),
                name="exchange_between_two_parties",
                violation_error_message=_("People go from one party to another: choose two different parties."),
            ),
            models.CheckConstraint(
                condition=Q(planned__isnull=False) | Q(actual__isnull=False),
                name="exchange_has_a_figure",
                violation_error_message=_("Give the planned number, the actual number or both."),
            ),
            models.CheckConstraint(
                condition=Q(planned__isnull=True) | Q(planned__lte=EXCHANGE_MAX_PEOPLE),
                name="exchange_planned_sane",
                violation_error_message=EXCHANGE_NUMBER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__lte=EXCHANGE_MAX_PEOPLE),
                name="exchange_actual_sane",
                violation_error_message=EXCHANGE_NUMBER_MESSAGE,
            ),
        ]
        indexes = [models.Index(fields=["year", "category"])]

    def __str__(self) -> str:
        return f"{self.mou} · {self.year} · {self.get_category_display()}"

    @property
    def duration_text(self) -> str:
        """The duration as people say it ("2 weeks", "1 month"), or "" when none was given."""
        if self.duration is None:
            return ""
        n = self.duration
        if self.duration_unit == self.DurationUnit.DAYS:
            return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}
        if self.duration_unit == self.DurationUnit.MONTHS:
            return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}
        return ngettext("%(n)s week", "%(n)s weeks", n) % {"n": n}

    def get_additional_data(self) -> dict:
        """The audit trail files an exchange under the two institutions of its flow (see ``core.audit``)."""
        return audit_scope(institutions=[self.from_institution_id, self.to_institution_id])


class Project(MultilingualModel):
    """A named project under an MoU or an alliance: a training base, a Luban workshop, a competition.

    Exactly one of ``mou`` and ``alliance`` is set; an alliance is an institution of kind alliance.
    """

    TRANSLATED_FIELDS = ("name", "description", "recognition_note")

    class Kind(models.TextChoices):
        TRAINING_BASE = "training_base", _("training base")
        INDUSTRIAL_COLLEGE = "industrial_college", _("industrial college")
        WORKSHOP = "workshop", _("craftsmanship workshop / Luban workshop")
        COMPETITION = "competition", _("skills competition")
        JOINT_DEVELOPMENT = "joint_development", _("joint course or standard development")
        INTERNSHIP_PROGRAMME = "internship_programme", _("internship or employment programme")
        OTHER = "other", pgettext_lazy("project kind", "other")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("project status", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("project status", "in progress")
        COMPLETED = "completed", pgettext_lazy("project status", "completed")
        MODEL = "model", pgettext_lazy("project status", "recognised as a model project")
        STOPPED = "stopped", pgettext_lazy("project status", "stopped")

    mou = models.ForeignKey(
        Mou, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="projects", null=True, blank=True
    )
    alliance = models.ForeignKey(
        Institution,
        verbose_name=_("alliance"),
        on_delete=models.CASCADE,
        related_name="alliance_projects",
        limit_choices_to={"kind": Institution.Kind.ALLIANCE},
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind, default=Kind.OTHER)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PLANNED)
    start_on = models.DateField(_("start date"), null=True, blank=True)
    end_on = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    recognition_note = models.TextField(
        _("recognition"), blank=True, help_text=_("For example: approved as a model project by which body, when.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = [F("start_on").desc(nulls_last=True), "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mou__isnull=False, alliance__isnull=True) | Q(mou__isnull=True, alliance__isnull=False),
                name="project_under_mou_or_alliance",
                violation_error_message=_("A project belongs to one MoU or to one alliance."),
            ),
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="project_dates_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mous:project_detail", kwargs={"pk": self.pk})

    def get_additional_data(self) -> dict:
        """The audit trail files a project under its alliance, or under its MoU's parties."""
        if self.alliance_id is not None:
            return audit_scope(institution=self.alliance_id)
        parties = MouParty.objects.filter(mou_id=self.mou_id).values_list("institution_id", flat=True)
        return audit_scope(institutions=list(parties))
