"""factory_boy factories for every model of the portal.

Defaults describe the common case and nothing more: an active member, an approved
registration, a published event whose registration has no window, a signed but private MoU.
Anything a test depends on is passed explicitly.
"""

import time as time_module
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt, encrypt
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from events.models import (
    Contact,
    Delegation,
    Event,
    MeetingSlot,
    Registration,
    Session,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTable,
)
from institutions.models import (
    ContactMessage,
    CooperationType,
    CourseUseRequest,
    Institution,
    Invitation,
    Membership,
    Need,
    Offer,
    Sector,
    SharedCourse,
    ShortlistEntry,
)
from institutions.permissions import SECRETARIAT_GROUP
from matchmaking.models import FollowUp, Meeting, MeetingRequest, SlotUnavailability
from mous.models import Milestone, Mou, MouMeeting, MouParty
from portal.models import User

TEST_PASSWORD = "pw-for-tests"


def local_datetime(day: date, at: time, time_zone: str) -> datetime:
    """Return ``day`` at ``at`` on the wall clock of ``time_zone``."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(time_zone))


class EmailAddressFactory(DjangoModelFactory):
    """A verified, primary allauth address for the user's login email."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory("tests.factories.UserFactory")
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class TOTPAuthenticatorFactory(DjangoModelFactory):
    """An active authenticator app (TOTP) with a fresh secret; ``totp_code`` gives its code."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory("tests.factories.UserFactory")
    type = Authenticator.Type.TOTP
    # Stored as allauth's TOTP.activate stores it, through the MFA adapter's encrypt().
    data = factory.LazyFunction(lambda: {"secret": encrypt(generate_totp_secret())})


def totp_code(user: User) -> str:
    """Return the code that ``user``'s authenticator app shows now, as a person would use it.

    allauth refuses a code already used (within its period): when an earlier test of the same
    process signed ``user`` in with the code shown now, this waits for the app's next code, as
    a person would, instead of sending one the portal rightly refuses.
    """
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    while True:
        now = time_module.time()
        code = format_hotp_value(hotp_value(secret, int(now) // 30))
        if not cache.get(TOTP(authenticator)._get_used_cache_key(code)):
            return code
        time_module.sleep(30 - now % 30 + 0.05)


def give_second_factor(user: User) -> User:
    """Give ``user`` an authenticator app unless they already hold one, and return them."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTPAuthenticatorFactory(user=user)
    return user


class UserFactory(DjangoModelFactory):
    """A person who can log in with ``TEST_PASSWORD``.

    ``UserFactory(verified_email=True)`` also records the address as verified in allauth,
    which a real participant's account always is. Staff and superusers get an authenticator
    app, as the portal requires of them; ``second_factor=False`` makes one without.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted:
            EmailAddressFactory(user=obj)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        wanted = (obj.is_staff or obj.is_superuser) if extracted is None else extracted
        if create and wanted:
            give_second_factor(obj)


def make_secretariat(user: User, *, second_factor: bool = True) -> User:
    """Add ``user`` to the Secretariat group and return it.

    The user also gets an authenticator app, without which the portal lets no secretariat
    member past the set-up page; ``second_factor=False`` leaves them without one.

    ``migrate`` creates the group; test databases get it here as well, so the helper does not
    depend on the post_migrate receiver having run.
    """
    group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    user.groups.add(group)
    if second_factor:
        give_second_factor(user)
    return user


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"Sector {n}")


class CooperationTypeFactory(DjangoModelFactory):
    class Meta:
        model = CooperationType

    slug = factory.Sequence(lambda n: f"cooperation-type-{n}")
    name = factory.Sequence(lambda n: f"Cooperation type {n}")


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Polytechnic Institute {n}")
    slug = factory.Sequence(lambda n: f"polytechnic-institute-{n}")
    country = "KH"
    city = "Phnom Penh"


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    institution = factory.SubFactory(InstitutionFactory)
    cooperation_type = factory.SubFactory(CooperationTypeFactory)
    sector = factory.SubFactory(SectorFactory)


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need

    institution = factory.SubFactory(InstitutionFactory)
    cooperation_type = factory.SubFactory(CooperationTypeFactory)
    sector = factory.SubFactory(SectorFactory)


class MembershipFactory(DjangoModelFactory):
    """An active, ordinary member; ``role=Membership.Role.ADMIN`` makes an institution admin."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE


class EventFactory(DjangoModelFactory):
    """A published three-day workshop in Phnom Penh, a month from today, with no registration window."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Regional TVET Workshop {n}")
    slug = factory.Sequence(lambda n: f"regional-tvet-workshop-{n}")
    city = "Phnom Penh"
    country = "KH"
    time_zone = "Asia/Phnom_Penh"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=2))
    status = Event.Status.PUBLISHED


class SessionFactory(DjangoModelFactory):
    """A 90-minute plenary at 09:00 on the event's first day, local time."""

    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    kind = Session.Kind.PLENARY
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(lambda o: local_datetime(o.event.start_date, time(9), o.event.time_zone))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))


class MatchmakingSessionFactory(SessionFactory):
    """A two-hour matchmaking session at 14:00 on the event's first day: ten tables, 20-minute meetings."""

    kind = Session.Kind.MATCHMAKING
    title = factory.Sequence(lambda n: f"B2B matchmaking {n}")
    starts_at = factory.LazyAttribute(lambda o: local_datetime(o.event.start_date, time(14), o.event.time_zone))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    table_count = 10
    slot_minutes = 20
    break_minutes = 5


class MeetingSlotFactory(DjangoModelFactory):
    """The next free slot of the session: each new slot starts after the ones it already has."""

    class Meta:
        model = MeetingSlot

    session = factory.SubFactory(MatchmakingSessionFactory)

    @factory.lazy_attribute
    def starts_at(self):
        length = timedelta(minutes=(self.session.slot_minutes or 20) + self.session.break_minutes)
        return self.session.starts_at + length * self.session.slots.count()

    @factory.lazy_attribute
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.session.slot_minutes or 20)


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = Delegation

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Delegation {n}")
    country = "KH"


class RegistrationFactory(DjangoModelFactory):
    """An approved delegate, registered for an institution in which the person is an active member.

    Without an explicit ``institution``, the person's first active membership is used, and one
    is created when there is none.
    """

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    role = Registration.Role.DELEGATE
    status = Registration.Status.APPROVED

    @factory.lazy_attribute
    def institution(self):
        membership = self.user.memberships.filter(status=Membership.Status.ACTIVE).select_related("institution").first()
        if membership is None:
            membership = MembershipFactory(user=self.user)
        return membership.institution


class SlotUnavailabilityFactory(DjangoModelFactory):
    class Meta:
        model = SlotUnavailability

    slot = factory.SubFactory(MeetingSlotFactory)
    registration = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..slot.session.event"))


class MeetingRequestFactory(DjangoModelFactory):
    """A pending request from one participant to another in the same matchmaking session."""

    class Meta:
        model = MeetingRequest

    session = factory.SubFactory(MatchmakingSessionFactory)
    requester = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..session.event"))
    recipient = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..session.event"))
    status = MeetingRequest.Status.PENDING


class MeetingFactory(DjangoModelFactory):
    """An accepted request, placed at table 1 of a new slot of its session; still provisional."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    request = factory.SubFactory(MeetingRequestFactory, status=MeetingRequest.Status.ACCEPTED)
    session = factory.SelfAttribute("request.session")
    slot = factory.SubFactory(MeetingSlotFactory, session=factory.SelfAttribute("..session"))
    table_number = 1

    @factory.post_generation
    def sharers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sharers.add(*extracted)

    @factory.post_generation
    def mou(obj, create, extracted, **kwargs):
        """``MeetingFactory(mou=mou)``: the meeting led to ``mou`` (the link is the MoU app's)."""
        if create and extracted:
            link_meeting_to_mou(obj, extracted)


def link_meeting_to_mou(meeting: Meeting, mou: Mou) -> MouMeeting:
    """Record that ``meeting`` led to ``mou``, replacing any earlier link."""
    link, _created = MouMeeting.objects.update_or_create(meeting=meeting, defaults={"mou": mou})
    return link


def linked_mou_id(meeting: Meeting) -> int | None:
    """The primary key of the MoU ``meeting`` led to, read from the database; None when unlinked."""
    return MouMeeting.objects.filter(meeting_id=meeting.pk).values_list("mou_id", flat=True).first()


class FollowUpFactory(DjangoModelFactory):
    """The first reminder to the person who asked for the meeting, due in three days."""

    class Meta:
        model = FollowUp

    meeting = factory.SubFactory(MeetingFactory)
    recipient = factory.SelfAttribute("meeting.request.requester")
    step = 1
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


class MouFactory(DjangoModelFactory):
    """A signed MoU, signed today, not listed in the public registry."""

    class Meta:
        model = Mou

    title = factory.Sequence(lambda n: f"Memorandum of understanding {n}")
    status = Mou.Status.SIGNED
    signed_on = factory.LazyFunction(timezone.localdate)


class MouPartyFactory(DjangoModelFactory):
    class Meta:
        model = MouParty

    mou = factory.SubFactory(MouFactory)
    institution = factory.SubFactory(InstitutionFactory)
    signatory_name = factory.Sequence(lambda n: f"Signatory {n}")
    signatory_title = "President"


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    mou = factory.SubFactory(MouFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class ShortlistEntryFactory(DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    institution = factory.SubFactory(InstitutionFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.org")
    invited_by = factory.SubFactory(UserFactory)


class ContactMessageFactory(DjangoModelFactory):
    class Meta:
        model = ContactMessage

    institution = factory.SubFactory(InstitutionFactory)
    sender = factory.SubFactory(UserFactory)
    subject = "Internship cooperation"
    body = "We would like to discuss internships in logistics."


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(RegistrationFactory)
    contact = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..owner.event"))
    event = factory.SelfAttribute("owner.event")


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    event = factory.SubFactory(EventFactory)
    title = "Networking survey"


class SurveyQuestionFactory(DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = SurveyQuestion.Kind.MULTIPLE
    text = factory.Sequence(lambda n: f"Question {n}")
    choices = factory.LazyFunction(
        lambda: [{"en": "Internships", "zh-hans": "实习"}, {"en": "Teacher training", "zh-hans": "师资培训"}]
    )
    max_choices = 3


class SurveyTableFactory(DjangoModelFactory):
    class Meta:
        model = SurveyTable

    survey = factory.SubFactory(SurveyFactory)
    label = factory.Sequence(lambda n: f"Table {n + 1}")


class SurveyResponseFactory(DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(SurveyFactory)
    registration = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..survey.event"))
    respondent_key = factory.LazyAttribute(lambda o: f"r:{o.registration.pk}" if o.registration else "b:test")


class SurveyAnswerFactory(DjangoModelFactory):
    class Meta:
        model = SurveyAnswer

    response = factory.SubFactory(SurveyResponseFactory)
    question = factory.SubFactory(SurveyQuestionFactory, survey=factory.SelfAttribute("..response.survey"))
    choices = factory.LazyFunction(lambda: [0])


class SharedCourseFactory(DjangoModelFactory):
    """A published short course on site, taught in English."""

    class Meta:
        model = SharedCourse

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Shared course {n}")
    language = "en"
    level = SharedCourse.Level.SHORT_COURSE
    sector = factory.SubFactory(SectorFactory)
    format = SharedCourse.Format.ON_SITE


class CourseUseRequestFactory(DjangoModelFactory):
    """A pending request by another institution."""

    class Meta:
        model = CourseUseRequest

    course = factory.SubFactory(SharedCourseFactory)
    institution = factory.SubFactory(InstitutionFactory)
