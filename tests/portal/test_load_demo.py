import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from events.models import Event, Registration, Session
from events.selectors import events_upcoming
from institutions.models import AllianceMembership, CooperationType, Institution, Membership, Sector
from institutions.permissions import SECRETARIAT_GROUP
from matchmaking.models import Meeting, MeetingRequest
from matchmaking.report import build_report
from mous.models import Mou, MouParty
from portal import demo_data
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load, ensure_taxonomies

pytestmark = pytest.mark.django_db

COUNTED_APPS = ("portal", "institutions", "events", "matchmaking", "mous", "auth", "account")
FIXED_TODAY = date(2026, 11, 21)
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")

# Unicode blocks of the scripts that local names must be written in.
SCRIPTS = {
    "CN": (0x4E00, 0x9FFF),  # CJK unified ideographs
    "KH": (0x1780, 0x17FF),  # Khmer
    "TH": (0x0E00, 0x0E7F),  # Thai
    "LA": (0x0E80, 0x0EFF),  # Lao
    "RU": (0x0400, 0x04FF),  # Cyrillic
}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models()
    }


def test_demo_load_twice_leaves_every_count_and_row_unchanged(demo):
    counts = row_counts()
    stamps = {model: sorted(model.objects.values_list("pk", "updated_at")) for model in (Institution, Event, Mou)}

    again = demo_load()

    assert row_counts() == counts
    assert again.changed_anything is False
    assert {model: sorted(model.objects.values_list("pk", "updated_at")) for model in stamps} == stamps
    assert counts["institutions.Institution"] == len(demo_data.INSTITUTIONS)
    assert counts["portal.User"] == len(demo_data.PEOPLE)
    assert counts["mous.Mou"] == len(demo_data.MOUS)


def test_demo_load_first_run_reports_what_it_created(demo):
    assert demo.changed_anything is True
    assert demo.created["events.Event"] == len(demo_data.EVENTS)
    assert demo.totals["events.Event"] == len(demo_data.EVENTS)
    # The demo data is nobody's doing: loading it writes nothing to the audit trail.
    assert LogEntry.objects.count() == 0


def test_load_demo_command_prints_counts_and_says_when_nothing_changed():
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    assert f"Institutions: {len(demo_data.INSTITUTIONS)} ({len(demo_data.INSTITUTIONS)} created, 0 updated)" in (
        first.getvalue().splitlines()
    )
    assert "The demo data was already up to date." not in first.getvalue()
    assert "The demo data was already up to date." in second.getvalue().splitlines()


def test_ensure_taxonomies_is_idempotent_and_names_every_term_in_chinese():
    sectors, cooperation_types = ensure_taxonomies()
    ensure_taxonomies()

    assert sorted(sectors) == sorted(slug for slug, _en, _zh in demo_data.SECTORS)
    assert sorted(cooperation_types) == sorted(slug for slug, _en, _zh in demo_data.COOPERATION_TYPES)
    assert Sector.objects.count() == 15
    assert CooperationType.objects.count() == 14
    for term in [*Sector.objects.all(), *CooperationType.objects.all()]:
        assert any(0x4E00 <= ord(char) <= 0x9FFF for char in term.translation("name", "zh-hans")), term.slug


# Unicode blocks of the scripts each language's names are written in (the others: Latin).
LANGUAGE_SCRIPTS = {
    "zh-hans": (0x4E00, 0x9FFF),
    "km": (0x1780, 0x17FF),
    "th": (0x0E00, 0x0E7F),
    "lo": (0x0E80, 0x0EFF),
    "my": (0x1000, 0x109F),
}


def test_every_term_is_named_in_all_nine_languages():
    ensure_taxonomies()

    for term in [*Sector.objects.all(), *CooperationType.objects.all()]:
        names = {"en": term.name, **term.translations["name"]}
        assert sorted(names) == sorted(code for code, _name in settings.LANGUAGES), term.slug
        for code, (first, last) in LANGUAGE_SCRIPTS.items():
            assert any(first <= ord(char) <= last for char in names[code]), (term.slug, code)
        assert len(set(names.values())) >= 8, term.slug  # Indonesian and Malay may share a word
    assert set(demo_data.TERM_TRANSLATIONS) == {
        slug for slug, _en, _zh in [*demo_data.SECTORS, *demo_data.COOPERATION_TYPES]
    }


def test_some_descriptions_are_translated_into_chinese_and_their_countrys_language(demo):
    translated = Institution.objects.exclude(translations={})

    assert translated.count() == len(demo_data.DESCRIPTION_TRANSLATIONS) >= 2
    own_language = {"KH": "km", "TH": "th", "VN": "vi"}
    for institution in translated:
        texts = institution.translations["description"]
        assert set(texts) == {"zh-hans", own_language[institution.country.code]}, institution.slug
        assert any(0x4E00 <= ord(char) <= 0x9FFF for char in texts["zh-hans"]), institution.slug
        with translation.override("zh-hans"):
            assert institution.localized("description") == texts["zh-hans"]


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account["role"])
def test_demo_account_logs_in_through_allauth(demo, client, account):
    user = get_user_model().objects.get(email=account["email"])

    response = client.post(reverse("account_login"), {"login": account["email"], "password": account["password"]})

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        (account["email"], True, True)
    ]


def test_demo_account_with_wrong_password_is_refused(demo, client):
    assert client.login(email="participant@example.org", password="not-the-password") is False


def test_only_demo_accounts_have_usable_passwords(demo):
    usable = sorted(user.email for user in get_user_model().objects.all() if user.has_usable_password())

    assert usable == sorted(account["email"] for account in DEMO_ACCOUNTS)


def test_demo_load_restores_a_changed_demo_password(demo):
    user = get_user_model().objects.get(email="admin@example.org")
    user.set_password("changed-in-the-browser")
    user.save()

    result = demo_load()

    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD) is True
    assert result.updated["portal.User"] == 1


def test_demo_accounts_hold_their_roles(demo):
    User = get_user_model()
    participant = User.objects.get(email="participant@example.org")
    admin = User.objects.get(email="admin@example.org")
    secretariat = User.objects.get(email="secretariat@example.org")

    assert list(participant.memberships.values_list("institution__slug", "role", "status")) == [
        ("kampong-speu-institute-of-technology", "member", "active")
    ]
    assert list(admin.memberships.values_list("institution__slug", "role", "status")) == [
        ("shenzhen-polytechnic-university", "admin", "active")
    ]
    assert list(
        Membership.objects.filter(
            institution__slug="shenzhen-polytechnic-university", status=Membership.Status.PENDING
        ).values_list("user__email", flat=True)
    ) == ["zhao.ming@example.org"]
    assert list(secretariat.groups.values_list("name", flat=True)) == [SECRETARIAT_GROUP]
    assert (secretariat.is_staff, participant.is_staff, admin.is_staff) == (True, False, False)
    assert list(secretariat.memberships.values_list("institution__slug", flat=True)) == ["seameo-ted"]
    assert User.objects.filter(is_superuser=True).count() == 0


def test_demo_participant_is_registered_and_has_meetings(demo):
    participant = get_user_model().objects.get(email="participant@example.org")

    events = sorted(Registration.objects.filter(user=participant).values_list("event__slug", flat=True))
    meetings = Meeting.objects.filter(request__requester__user=participant) | Meeting.objects.filter(
        request__recipient__user=participant
    )

    assert events == sorted([demo_data.WORKSHOP_2, demo_data.UPCOMING])
    assert sorted(meetings.values_list("session__event__slug", "status")) == [
        (demo_data.WORKSHOP_2, "published"),
        (demo_data.WORKSHOP_2, "published"),
        (demo_data.WORKSHOP_2, "published"),
        (demo_data.UPCOMING, "provisional"),
    ]


def test_every_user_email_is_at_example_org(demo):
    domains = {email.rsplit("@", 1)[1] for email in get_user_model().objects.values_list("email", flat=True)}
    address_domains = {email.rsplit("@", 1)[1] for email in EmailAddress.objects.values_list("email", flat=True)}

    assert domains == {"example.org"}
    assert address_domains == {"example.org"}


def test_upcoming_event_is_open_for_registration_on_a_fixed_today(demo):
    event = Event.objects.get(slug=demo_data.UPCOMING)
    noon = datetime.combine(FIXED_TODAY, datetime.min.time(), UTC) + timedelta(hours=12)

    assert event.status == Event.Status.PUBLISHED
    assert event.registration_opens_at < noon < event.registration_closes_at
    assert event.registration_closes_at.date() < event.start_date
    assert (event.start_date, event.end_date, event.capacity) == (date(2027, 5, 11), date(2027, 5, 12), 200)
    assert list(events_upcoming(today=FIXED_TODAY)) == [event]


def test_upcoming_matchmaking_session_is_cut_into_slots(demo):
    session = Session.objects.get(event__slug=demo_data.UPCOMING, kind=Session.Kind.MATCHMAKING)
    starts = [slot.starts_at.astimezone(PHNOM_PENH) for slot in session.slots.all()]
    lengths = {slot.ends_at - slot.starts_at for slot in session.slots.all()}

    assert (session.table_count, session.slot_minutes, session.break_minutes) == (30, 20, 5)
    assert session.max_meetings_per_person == 8
    assert len(starts) == 16
    assert starts[0] == datetime(2027, 5, 12, 9, 0, tzinfo=PHNOM_PENH)
    assert {later - earlier for earlier, later in zip(starts, starts[1:], strict=False)} == {timedelta(minutes=25)}
    assert lengths == {timedelta(minutes=20)}
    assert session.slots.last().ends_at == session.ends_at
    assert session.request_deadline.date() < session.event.start_date


def test_second_workshop_has_13_mous_signed_at_its_ceremony_among_14_institutions(demo):
    mous = Mou.objects.filter(event__slug=demo_data.WORKSHOP_2)
    parties = MouParty.objects.filter(mou__in=mous)

    assert mous.count() == 13
    assert set(mous.values_list("signed_on", flat=True)) == {date(2025, 5, 13)}
    assert set(mous.values_list("ceremony_session__title", flat=True)) == {"MoU signing ceremony"}
    assert set(mous.values_list("summary", flat=True)) == {
        "The report records 13 MoUs among 14 schools without naming them; the parties here are illustrative."
    }
    assert parties.values("institution").distinct().count() == 14
    assert mous.filter(is_public=True).count() == 5


def test_second_workshop_description_states_the_figures_of_its_registrations(demo):
    """Every "N (participants) from M" and the MoUs the description states are what the data holds."""
    event = Event.objects.get(slug=demo_data.WORKSHOP_2)
    report = build_report(event)
    line = {breakdown.key: breakdown for breakdown in report.countries}
    rest = [breakdown for breakdown in report.countries if breakdown.key not in ("CN", "KH", "RU")]
    text = " ".join(event.description.split())

    described = [
        (int(people), int(places)) for people, places in re.findall(r"(\d+) (?:participants )?from (\d+)", text)
    ]
    mous = re.search(r"(\d+) MoUs were signed among (\d+)", text)

    assert described == [
        (report.participants, report.institutions),
        (line["CN"].participants, line["CN"].institutions),
        (line["KH"].participants, line["KH"].institutions),
        (sum(b.participants for b in rest), sum(b.institutions for b in rest)),
        (line["RU"].participants, line["RU"].institutions),
    ]
    assert "nine Southeast Asian countries" in text
    assert len(rest) + 1 == 9  # with Cambodia
    assert (int(mous[1]), int(mous[2])) == (report.mous_signed, report.mou_institutions)


def test_past_events_registered_in_part_say_that_their_report_counts_only_those(demo):
    """Their descriptions tell of the real event (over 4,000 guests); the demo registers a few."""
    past = Event.objects.filter(status=Event.Status.CLOSED).exclude(slug=demo_data.WORKSHOP_2).order_by("slug")

    partly = {event.slug: build_report(event).participants for event in past}

    assert sorted(partly) == sorted(
        {demo_data.ALLIANCE, demo_data.EXCHANGE_WEEK, demo_data.GUANGXI, demo_data.STUDY_TRIP}
    )
    assert all(0 < participants < 10 for participants in partly.values())
    for event in past:
        assert event.description.endswith(demo_data.FEW_REGISTERED)


def test_exchange_week_mous_join_lcetpa_and_asin_asean_with_each_reported_partner(demo):
    mous = Mou.objects.filter(event__slug=demo_data.EXCHANGE_WEEK).order_by("title")

    partners = [
        sorted(
            mou.parties.exclude(institution__slug__in=["lcetpa", "asin-asean-chongqing"]).values_list(
                "institution__name", flat=True
            )
        )
        for mou in mous
    ]

    assert partners == [
        ["Guangxi Technological College of Machinery and Electricity"],
        ["Guizhou Open University"],
        ["Guizhou Vocational Technology College of Electronics & Information"],
        ["Wuhan City Polytechnic"],
    ]
    assert set(mous.values_list("signed_on", "status", "is_public")) == {(date(2024, 8, 21), "active", True)}
    assert all(mou.parties.count() == 3 for mou in mous)


def test_the_reports_alliances_hold_the_members_they_name(demo):
    alliances = Institution.objects.filter(kind=Institution.Kind.ALLIANCE)
    assert set(alliances.values_list("slug", flat=True)) >= {
        "china-asean-mechanical-electrical-alliance",
        "lcetpa",
        "mekong-lancang-council-industry-education",
        "catecp",
    }
    members = {
        (m.alliance.slug, m.member.slug): (m.role, m.joined_on)
        for m in AllianceMembership.objects.filter(status="active").select_related("alliance", "member")
    }
    assert members[("lcetpa", "asin-asean-chongqing")] == ("secretariat", None)
    assert members[("catecp", "seameo-ted")][0] == "secretariat"
    assert members[("china-asean-mechanical-electrical-alliance", "kampong-speu-institute-of-technology")] == (
        "observer",
        date(2025, 12, 15),
    )
    # Every alliance has members, and the alliance organises its inaugural conference.
    assert all(alliance.alliance_memberships.exists() for alliance in alliances)
    conference = Event.objects.get(slug=demo_data.ALLIANCE)
    assert list(conference.organisers.values_list("slug", flat=True)) == ["china-asean-mechanical-electrical-alliance"]


def test_meetings_never_double_book_a_person_or_a_table(demo):
    placed = Meeting.objects.filter(slot__isnull=False).select_related("request", "session")
    people_per_slot: dict[int, list[int]] = {}
    tables_per_slot: dict[int, list[int]] = {}
    for meeting in placed:
        people_per_slot.setdefault(meeting.slot_id, []).extend(
            [meeting.request.requester_id, meeting.request.recipient_id]
        )
        tables_per_slot.setdefault(meeting.slot_id, []).append(meeting.table_number)
        assert 1 <= meeting.table_number <= meeting.session.table_count

    assert placed.count() == 10
    assert all(len(people) == len(set(people)) for people in people_per_slot.values())
    assert all(len(tables) == len(set(tables)) for tables in tables_per_slot.values())
    assert MeetingRequest.objects.filter(status=MeetingRequest.Status.ACCEPTED).count() == Meeting.objects.count()


def test_event_statuses_are_closed_in_the_past_and_published_ahead(demo):
    statuses = dict(Event.objects.values_list("slug", "status"))

    assert statuses == {
        demo_data.ALLIANCE: "closed",
        demo_data.WORKSHOP_2: "closed",
        demo_data.EXCHANGE_WEEK: "closed",
        demo_data.GUANGXI: "closed",
        demo_data.STUDY_TRIP: "closed",
        demo_data.UPCOMING: "published",
    }


def test_local_names_are_written_in_the_script_of_their_country(demo):
    for institution in Institution.objects.exclude(name_local=""):
        block = SCRIPTS.get(institution.country.code)
        if block is None:
            continue
        letters = [char for char in institution.name_local if not char.isspace() and char not in "—-"]
        assert all(block[0] <= ord(char) <= block[1] for char in letters), institution.slug


def test_only_institutions_without_a_known_local_name_leave_it_blank(demo):
    blank = sorted(Institution.objects.filter(name_local="").values_list("slug", flat=True))

    assert blank == [
        "asin-asean-chongqing",
        "bohol-coastal-polytechnic-college",
        "catecp",
        "china-asean-mechanical-electrical-alliance",
        "go-study-global-education",
        "lcetpa",
        "marina-institute-applied-technology",
        "mekong-lancang-council-industry-education",
        "seameo-ted",
    ]


def test_fictional_institutions_cover_every_other_country_of_the_second_workshop(demo):
    fictional = Institution.objects.filter(description__startswith=demo_data.FICTIONAL)

    assert sorted(fictional.values_list("country", flat=True)) == ["BN", "ID", "MY", "PH", "SG", "TH", "TL", "VN"]


def test_directory_shows_verified_and_unverified_institutions(demo):
    unverified = sorted(
        Institution.objects.filter(verification_status=Institution.Verification.UNVERIFIED).values_list(
            "slug", flat=True
        )
    )

    assert unverified == ["asin-asean-chongqing", "lcetpa", "lorosae-technical-institute"]
    assert Institution.objects.filter(verification_status=Institution.Verification.VERIFIED).count() == (
        len(demo_data.INSTITUTIONS) - 3
    )


def test_demo_courses_are_asked_decided_and_linked_by_those_who_may(demo):
    from institutions.models import CourseUseRequest
    from mous.models import MouSharedCourse

    def admin_of(user, institution_id) -> bool:
        return Membership.objects.filter(
            user=user, institution_id=institution_id, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
        ).exists()

    requests = list(CourseUseRequest.objects.select_related("course"))
    assert requests
    for request in requests:
        assert admin_of(request.requested_by, request.institution_id), request
        if request.decided_by:
            assert admin_of(request.decided_by, request.course.institution_id), request
    links = list(MouSharedCourse.objects.select_related("course", "linked_by"))
    assert links
    for link in links:
        parties = set(MouParty.objects.filter(mou=link.mou_id).values_list("institution_id", flat=True))
        assert link.course.institution_id in parties, link
        assert any(admin_of(link.linked_by, party) for party in parties), link
