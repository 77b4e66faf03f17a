import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from core.audit import audit_scope
from core.countries import PortalCountries
from core.multilingual import LocalizedText, MultilingualModel, pick
from institutions.models import Institution

from .timezones import validate_time_zone


def new_token() -> str:
    """Return an unguessable token for badges, survey links and signed actions."""
    return secrets.token_urlsafe(24)


def default_follow_up_days() -> list[int]:
    return [3, 30, 90]


class Event(MultilingualModel):
    # The title, theme and description as written (``original_language``), with their
    # translations; readers see them through ``localized`` (see ``core.multilingual``).
    TRANSLATED_FIELDS = ("title", "theme", "description")

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("workshop")
        CONFERENCE = "conference", _("conference")
        FORUM = "forum", _("forum")
        EXCHANGE_WEEK = "exchange_week", _("exchange week")
        STUDY_TRIP = "study_trip", _("study trip")
        COMPETITION = "competition", _("competition")
        WEBINAR = "webinar", _("webinar")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "draft")
        PUBLISHED = "published", pgettext_lazy("event status", "published")
        CLOSED = "closed", pgettext_lazy("event status", "closed")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.WORKSHOP)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    organisers = models.ManyToManyField(
        Institution, verbose_name=_("organisers"), related_name="organised_events", blank=True
    )
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"), countries=PortalCountries)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Bangkok", validators=[validate_time_zone])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    # Days after the end of a matchmaking session at which both sides of each meeting held
    # are asked for its outcome.
    follow_up_days = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("follow-up steps (days after the matchmaking session)"),
        default=default_follow_up_days,
        blank=True,
        size=10,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self) -> str:
        # A plain str (not the LocalizedText), so that whatever keeps it can also pickle it.
        return str.__str__(self.localized("title"))

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this event (see ``core.audit``)."""
        return audit_scope(event=self.pk)


class RegistrationRole(models.TextChoices):
    DELEGATE = "delegate", _("delegate")
    SPEAKER = "speaker", _("speaker")
    ORGANISER = "organiser", _("organiser")
    OBSERVER = "observer", _("observer")
    PRESS = "press", _("press")


class Session(MultilingualModel):
    TRANSLATED_FIELDS = ("title", "description")

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("plenary")
        PANEL = "panel", _("panel")
        WORKSHOP = "workshop", pgettext_lazy("session kind", "workshop")
        MATCHMAKING = "matchmaking", _("matchmaking")
        NETWORKING = "networking", _("networking")
        INDUSTRIAL_VISIT = "industrial_visit", _("industrial visit")
        CULTURAL_VISIT = "cultural_visit", _("cultural visit")
        MOU_CEREMONY = "mou_ceremony", _("MoU signing ceremony")
        CEREMONY = "ceremony", _("opening or closing ceremony")
        OTHER = "other", _("other")

    class SchedulingMode(models.TextChoices):
        ORGANISER = "organiser", _("the organiser schedules")
        PARTICIPANT = "participant", _("participants pick a slot when accepting")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PLENARY)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=120, blank=True)
    speakers = models.ManyToManyField(
        "Registration", verbose_name=_("speakers"), related_name="sessions_spoken", blank=True
    )
    # Matchmaking settings; used only when kind is "matchmaking".
    table_count = models.PositiveSmallIntegerField(_("number of tables"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break between meetings (minutes)"), default=0)
    request_deadline = models.DateTimeField(_("meeting request deadline"), null=True, blank=True)
    max_meetings_per_person = models.PositiveSmallIntegerField(_("maximum meetings per person"), null=True, blank=True)
    scheduling_mode = models.CharField(
        _("scheduling mode"), max_length=16, choices=SchedulingMode, default=SchedulingMode.ORGANISER
    )
    request_expiry_hours = models.PositiveSmallIntegerField(
        _("hours to answer a meeting request"),
        default=72,
        help_text=_("Requests not answered within this time expire, and both sides are told."),
    )
    # Reminders before each published meeting (sent by the matchmaking app): a day and an
    # hour before by default; empty turns the step off.
    first_reminder_hours = models.PositiveSmallIntegerField(
        _("first meeting reminder (hours before)"),
        null=True,
        blank=True,
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("Everyone is reminded of each of their meetings this many hours before it; empty for none."),
    )
    second_reminder_minutes = models.PositiveSmallIntegerField(
        _("second meeting reminder (minutes before)"),
        null=True,
        blank=True,
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("And again this many minutes before it; empty for none."),
    )
    # Who may meet whom, by registration role: roles listed here cannot send, or cannot
    # receive, meeting requests at this session (e.g. press cannot request).
    roles_cannot_request = ArrayField(
        models.CharField(max_length=16, choices=RegistrationRole),
        verbose_name=_("roles that cannot send requests"),
        default=list,
        blank=True,
    )
    roles_cannot_be_requested = ArrayField(
        models.CharField(max_length=16, choices=RegistrationRole),
        verbose_name=_("roles that cannot receive requests"),
        default=list,
        blank=True,
    )
    # The organiser's last scheduler run, and the last time its result was published.
    scheduled_at = models.DateTimeField(_("last scheduled"), null=True, blank=True)
    published_at = models.DateTimeField(_("schedule published"), null=True, blank=True)
    publication_count = models.PositiveSmallIntegerField(_("times published"), default=0)
    # The LAST-MODIFIED and DTSTAMP of the session's entry in subscribed calendar feeds.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["event", "starts_at"])]

    def __str__(self) -> str:
        # A plain str (not the LocalizedText), so that whatever keeps it can also pickle it.
        return str.__str__(self.localized("title"))

    @property
    def is_matchmaking(self) -> bool:
        return self.kind == self.Kind.MATCHMAKING

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this session (see ``core.audit``)."""
        return audit_scope(event=self.event_id)


class MeetingSlot(models.Model):
    """One time slot of a matchmaking session; every table meets in every slot."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.UniqueConstraint(fields=["session", "starts_at"], name="slot_unique_start_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Delegation(models.Model):
    """A named group travelling together, e.g. the Cambodian delegation, led by a head."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="delegations")
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), countries=PortalCountries)
    lead_institution = models.ForeignKey(
        Institution,
        verbose_name=_("lead institution"),
        on_delete=models.PROTECT,
        related_name="led_delegations",
        null=True,
        blank=True,
    )
    head = models.ForeignKey(
        "Registration",
        verbose_name=_("head of delegation"),
        on_delete=models.SET_NULL,
        related_name="delegations_headed",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="delegation_unique_name_per_event"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this delegation (see ``core.audit``)."""
        return audit_scope(institution=self.lead_institution_id, event=self.event_id)


class Registration(models.Model):
    """A person's place at an event, for an institution, in a role."""

    Role = RegistrationRole

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("registration status", "pending")
        APPROVED = "approved", pgettext_lazy("registration status", "approved")
        REJECTED = "rejected", pgettext_lazy("registration status", "rejected")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")

    # Registrations are the record of who took part: an event with registrations is closed,
    # never deleted, and a person who leaves the portal is anonymised, never deleted.
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="registrations"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.DELEGATE)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.SET_NULL,
        related_name="members",
        null=True,
        blank=True,
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    badge_token = models.CharField(_("badge token"), max_length=64, unique=True, default=new_token, editable=False)
    # The contact-exchange code on the badge and the phone (never the badge's check-in token),
    # and the participant's consent to exchange contact details by scanning.
    contact_token = models.CharField(
        _("contact exchange token"), max_length=64, unique=True, default=new_token, editable=False
    )
    shares_contact = models.BooleanField(
        _("exchange contact details by scanning"),
        default=False,
        help_text=_(
            "Participants whose codes you scan, and who scan yours, see your name, title, institution and email."
        ),
    )
    # When the participant last turned contact exchange on, and off.
    shares_contact_consented_at = models.DateTimeField(_("contact exchange consent given at"), null=True, blank=True)
    shares_contact_withdrawn_at = models.DateTimeField(
        _("contact exchange consent withdrawn at"), null=True, blank=True
    )
    # Opens this participant's networking survey without signing in.
    survey_token = models.CharField(_("survey token"), max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # Set when the retention period after the event passed and the personal tokens were
    # replaced and the check-in time reduced to the day (events.retention).
    personal_data_purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "institution__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_unique_person_per_event"),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["event", "institution"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event}"

    def get_additional_data(self) -> dict:
        """Where the audit trail files changes of this registration, and whose it is (see ``core.audit``)."""
        return {**audit_scope(institution=self.institution_id, event=self.event_id), "person": str(self.user)}


class Contact(models.Model):
    """A participant's contact, made at an event by scanning each other's codes (both consented).

    Scanning adds a row in each direction, so each side keeps and exports their own list.
    """

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="contacts")
    owner = models.ForeignKey(Registration, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="contacts")
    contact = models.ForeignKey(
        Registration, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="contact_of"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "contact"], name="contact_unique_pair"),
            models.CheckConstraint(condition=~Q(owner=F("contact")), name="contact_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} → {self.contact}"


class Survey(MultilingualModel):
    """An event's short networking questionnaire."""

    TRANSLATED_FIELDS = ("title", "introduction")

    event = models.OneToOneField(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="survey")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    is_open = models.BooleanField(_("open for answers"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        # A plain str (not the LocalizedText), so that whatever keeps it can also pickle it.
        return str.__str__(self.localized("title"))


class SurveyQuestion(MultilingualModel):
    TRANSLATED_FIELDS = ("text",)

    class Kind(models.TextChoices):
        SINGLE = "single", _("one choice")
        MULTIPLE = "multiple", _("several choices")
        TEXT = "text", _("free text")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.MULTIPLE)
    text = models.CharField(_("question"), max_length=300)
    # Each choice: its text per portal language code, {"en": "...", "zh-hans": "...", "km": "..."};
    # answers store the choice's index, so results group by the choice whatever its language.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many choices"), null=True, blank=True, help_text=_("For several choices, e.g. 3.")
    )
    allow_other = models.BooleanField(_("allow an “other” answer"), default=False)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        # A plain str (not the LocalizedText), so that whatever keeps it can also pickle it.
        return str.__str__(self.localized("text"))

    def choice_labels(self, language: str | None = None) -> list[LocalizedText]:
        """The choices in the reader's language, else English, else the question's language."""
        return [
            pick(choice.get(self.original_language, ""), self.original_language, choice, language)
            for choice in self.choices or []
        ]


class SurveyTable(models.Model):
    """A table at the venue with its own QR code that opens the survey without signing in."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="tables")
    label = models.CharField(_("table"), max_length=60)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("survey table")
        verbose_name_plural = _("survey tables")
        ordering = ["survey", "label"]
        constraints = [models.UniqueConstraint(fields=["survey", "label"], name="survey_table_unique_label")]

    def __str__(self) -> str:
        return self.label


class SurveyResponse(models.Model):
    """One respondent's answers: a registration (personal token) or a browser at a table."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    table = models.ForeignKey(
        SurveyTable, verbose_name=_("table"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who answered, for "one answer per respondent": "r:<registration pk>" or "b:<browser key>".
    respondent_key = models.CharField(_("respondent"), max_length=80)
    language = models.CharField(_("language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"], name="survey_one_response_per_respondent"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.submitted_at:%Y-%m-%d %H:%M}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    choices = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question} · {self.response}"


class RetentionRun(models.Model):
    """One run of the retention job that purges personal data of events long past."""

    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    cutoff = models.DateField(_("events that ended before"))
    registrations = models.PositiveIntegerField(_("registrations purged"), default=0)
    follow_ups = models.PositiveIntegerField(_("follow-up links replaced"), default=0)
    survey_responses = models.PositiveIntegerField(_("survey responses unlinked from browsers"), default=0)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M} · {self.cutoff}"
