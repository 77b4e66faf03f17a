"""Load the demonstration data: real events and institutions, fictional people.

``demo_load()`` is what ``manage.py load_demo`` runs. The facts live in ``portal.demo_data``;
this module turns them into rows through the ORM, finding every row by a natural key (slugs,
emails, titles within an event), so that loading again creates nothing, changes nothing and
writes nothing: a row is saved only when one of its values differs from the data.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from core.audit import audit_disabled
from events.models import Delegation, Event, MeetingSlot, Registration, Session, default_follow_up_days
from institutions.models import (
    CooperationType,
    CourseUseRequest,
    Institution,
    Membership,
    Need,
    Offer,
    Sector,
    SharedCourse,
    ShortlistEntry,
)
from institutions.permissions import SECRETARIAT_GROUP
from matchmaking.models import FollowUp, Meeting, MeetingRequest, SlotUnavailability
from mous.models import Exchange, Milestone, Mou, MouMeeting, MouParty, MouSharedCourse, Project

from . import demo_courses
from . import demo_data as data

# bandit: the demo accounts' password is published in the README on purpose.
DEMO_PASSWORD = "demo-portal-2026"  # nosec B105
DEMO_ACCOUNTS = [
    {"role": "participant", "email": "participant@example.org", "password": DEMO_PASSWORD},
    {"role": "institution admin", "email": "admin@example.org", "password": DEMO_PASSWORD},
    {"role": "secretariat", "email": "secretariat@example.org", "password": DEMO_PASSWORD},
]
EMAIL_DOMAIN = "example.org"

# A fixed moment, so that loading again leaves verified_at unchanged.
VERIFIED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
CHANGE_REASON = "Demo data"

# The models whose row counts the summary reports, in reading order.
SUMMARY_MODELS = [
    "institutions.Sector",
    "institutions.CooperationType",
    "institutions.Institution",
    "institutions.Offer",
    "institutions.Need",
    "portal.User",
    "institutions.Membership",
    "institutions.ShortlistEntry",
    "events.Event",
    "events.Session",
    "events.MeetingSlot",
    "events.Registration",
    "events.Delegation",
    "matchmaking.MeetingRequest",
    "matchmaking.Meeting",
    "matchmaking.FollowUp",
    "mous.Mou",
    "mous.MouParty",
    "mous.Milestone",
    "mous.Exchange",
    "mous.Project",
    "institutions.SharedCourse",
    "institutions.CourseUseRequest",
]


@dataclass
class DemoLoadResult:
    """What a load wrote (counts by model label) and how many rows each model now holds."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    links_changed: Counter = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return bool(+self.created or +self.updated or +self.links_changed)

    def summary_lines(self) -> list[str]:
        lines = []
        for label, total in self.totals.items():
            model = apps.get_model(label)
            name = str(model._meta.verbose_name_plural)
            name = name[:1].upper() + name[1:]
            lines.append(f"{name}: {total} ({self.created[label]} created, {self.updated[label]} updated)")
        return lines


class _Writer:
    """Create or update rows by natural key, saving only what differs, and count the writes."""

    def __init__(self, result: DemoLoadResult, *, history_user=None):
        self.result = result
        self.history_user = history_user
        # Rows created by this run: saving them again is part of creating them, not an update.
        self.fresh: set[tuple[str, int]] = set()

    def upsert(self, model, *, lookup: dict, values: dict | None = None, stamps: dict | None = None, on_create=None):
        """Return ``(obj, created)`` for the row matching ``lookup``, with ``values`` applied.

        ``stamps`` are values of ``auto_now_add`` fields, which ``save()`` would overwrite, so
        they are written with a queryset update. ``on_create(obj)`` runs before a new row is
        validated, for values that are set once (passwords).
        """
        values = values or {}
        label = model._meta.label
        obj = model._default_manager.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup, **values)
            if on_create is not None:
                on_create(obj)
            self._save(obj)
            self.result.created[label] += 1
            self.fresh.add((label, obj.pk))
        else:
            self.update(obj, values)
        if stamps:
            stale = {name: value for name, value in stamps.items() if getattr(obj, name) != value}
            if stale:
                model._default_manager.filter(pk=obj.pk).update(**stale)
                for name, value in stale.items():
                    setattr(obj, name, value)
                if not created:
                    self.result.updated[label] += 1
        return obj, created

    def update(self, obj, values: dict) -> None:
        """Apply ``values`` to ``obj`` and save it, only if one of them differs."""
        changed = {name: value for name, value in values.items() if not _same(obj, name, value)}
        if not changed:
            return
        for name, value in changed.items():
            setattr(obj, name, value)
        self._save(obj)
        if (obj._meta.label, obj.pk) not in self.fresh:
            self.result.updated[obj._meta.label] += 1

    def set_links(self, obj, name: str, targets) -> None:
        """Make the many-to-many ``name`` of ``obj`` hold exactly ``targets``."""
        manager = getattr(obj, name)
        wanted = {target.pk for target in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            self._mark_history(obj)
            manager.set(list(targets))
            self.result.links_changed[f"{obj._meta.label}.{name}"] += 1

    def _save(self, obj) -> None:
        # Related rows were just loaded, so skip the existence query full_clean() would run
        # for every foreign key; the database still enforces them and the constraints on them.
        obj.full_clean(exclude=[f.name for f in obj._meta.concrete_fields if f.many_to_one or f.one_to_one])
        self._mark_history(obj)
        obj.save()

    def _mark_history(self, obj) -> None:
        # django-simple-history reads these when it records the change.
        if hasattr(type(obj), "history"):
            obj._history_user = self.history_user
            obj._change_reason = CHANGE_REASON


def _same(obj, name: str, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one or model_field.one_to_one:
        return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def _local(time_zone: str, text: str) -> datetime:
    """Return the aware datetime of ``text`` ("YYYY-MM-DD HH:MM") in ``time_zone``."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(time_zone))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _email(key: str) -> str:
    return f"{key}@{EMAIL_DOMAIN}"


def _taxonomies(writer: _Writer) -> tuple[dict[str, Sector], dict[str, CooperationType]]:
    found = []
    for model, rows in ((Sector, data.SECTORS), (CooperationType, data.COOPERATION_TYPES)):
        by_slug = {}
        for position, (slug, name, name_zh_hans) in enumerate(rows, start=1):
            by_slug[slug], _created = writer.upsert(
                model,
                lookup={"slug": slug},
                values={
                    "name": name,
                    "translations": {"name": {"zh-hans": name_zh_hans, **data.TERM_TRANSLATIONS.get(slug, {})}},
                    "position": position * 10,
                },
            )
        found.append(by_slug)
    return found[0], found[1]


@transaction.atomic
def ensure_taxonomies() -> tuple[dict[str, Sector], dict[str, CooperationType]]:
    """Create or update the portal's sectors and cooperation types; return them by slug.

    Idempotent: terms are found by slug, and only a term whose names or position differ from
    the managed list is saved. Terms that are not in the list are left alone.
    """
    return _taxonomies(_Writer(DemoLoadResult()))


class _DemoLoader:
    def __init__(self) -> None:
        self.result = DemoLoadResult()
        self.writer = _Writer(self.result)
        self.institutions: dict[str, Institution] = {}
        self.users: dict[str, models.Model] = {}
        self.events: dict[str, Event] = {}
        self.sessions: dict[tuple[str, str], Session] = {}
        self.slots: dict[tuple[str, str], list[MeetingSlot]] = {}
        self.registrations: dict[tuple[str, str], Registration] = {}
        self.meetings: dict[tuple[str, str, str], Meeting] = {}
        self.person_institution = {key: slug for key, _name, slug, *_rest in data.PEOPLE}
        self.person_job_title = {key: title for key, _name, _slug, title, *_rest in data.PEOPLE}

    def run(self) -> DemoLoadResult:
        self.sectors, self.cooperation_types = _taxonomies(self.writer)
        self.load_institutions()
        self.load_people()
        self.load_shortlists()
        # MoU history names the secretariat account as the one who recorded the change.
        self.writer.history_user = self.users["secretariat"]
        self.load_events()
        self.load_registrations()
        self.load_delegations()
        self.load_matchmaking()
        self.load_mous()
        self.load_cooperation()
        self.load_courses()
        self.result.totals = {label: apps.get_model(label)._default_manager.count() for label in SUMMARY_MODELS}
        return self.result

    def load_institutions(self) -> None:
        for facts in data.INSTITUTIONS:
            verified = facts["verified"]
            institution, _created = self.writer.upsert(
                Institution,
                lookup={"slug": facts["slug"]},
                values={
                    "name": facts["name"],
                    "name_local": facts["name_local"],
                    "acronym": facts["acronym"],
                    "kind": facts["kind"],
                    "country": facts["country"],
                    "province": facts["province"],
                    "city": facts["city"],
                    "website": facts["website"],
                    "description": facts["description"],
                    "original_language": "en",
                    "translations": (
                        {"description": data.DESCRIPTION_TRANSLATIONS[facts["slug"]]}
                        if facts["slug"] in data.DESCRIPTION_TRANSLATIONS
                        else {}
                    ),
                    "languages": facts["languages"],
                    "verification_status": (
                        Institution.Verification.VERIFIED if verified else Institution.Verification.UNVERIFIED
                    ),
                    "verified_at": VERIFIED_AT if verified else None,
                },
            )
            self.writer.set_links(institution, "sectors", [self.sectors[slug] for slug in facts["sectors"]])
            for model, items in ((Offer, facts["offers"]), (Need, facts["needs"])):
                for type_slug, sector_slug, note in items:
                    self.writer.upsert(
                        model,
                        lookup={
                            "institution": institution,
                            "cooperation_type": self.cooperation_types[type_slug],
                            "sector": self.sectors[sector_slug],
                        },
                        values={"note": note},
                    )
            self.institutions[facts["slug"]] = institution

    def load_people(self) -> None:
        User = get_user_model()
        demo_emails = {account["email"] for account in DEMO_ACCOUNTS}
        secretariat, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        for key, display_name, institution_slug, job_title, language, time_zone in data.PEOPLE:
            email = _email(key)
            can_log_in = email in demo_emails
            user, created = self.writer.upsert(
                User,
                lookup={"email": email},
                values={
                    "display_name": display_name,
                    "preferred_language": language,
                    "time_zone": time_zone,
                    "is_staff": key in data.STAFF,
                    "is_active": True,
                },
                on_create=_set_password if can_log_in else _set_unusable_password,
            )
            # Hashing is slow by design: check the demo password, and set it only if it no
            # longer works (someone changed it in the browser).
            if can_log_in and not created and not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                self.result.updated[User._meta.label] += 1
            self.writer.upsert(
                EmailAddress, lookup={"user": user, "email": email}, values={"verified": True, "primary": True}
            )
            if key in data.STAFF and not user.groups.filter(pk=secretariat.pk).exists():
                user.groups.add(secretariat)
                self.result.links_changed[f"{User._meta.label}.groups"] += 1
            self.writer.upsert(
                Membership,
                lookup={"user": user, "institution": self.institutions[institution_slug]},
                values={
                    "role": Membership.Role.ADMIN if key in data.ADMIN_MEMBERS else Membership.Role.MEMBER,
                    "status": Membership.Status.PENDING if key in data.PENDING_MEMBERS else Membership.Status.ACTIVE,
                    "job_title": job_title,
                },
            )
            self.users[key] = user

    def load_shortlists(self) -> None:
        for person, institution_slug, note in data.SHORTLISTS:
            self.writer.upsert(
                ShortlistEntry,
                lookup={"user": self.users[person], "institution": self.institutions[institution_slug]},
                values={"note": note},
            )

    def load_events(self) -> None:
        for facts in data.EVENTS:
            tz = facts["time_zone"]
            opens, closes = facts.get("registration_opens_at"), facts.get("registration_closes_at")
            event, _created = self.writer.upsert(
                Event,
                lookup={"slug": facts["slug"]},
                values={
                    "title": facts["title"],
                    "kind": facts["kind"],
                    "theme": facts["theme"],
                    "description": facts["description"],
                    "city": facts["city"],
                    "country": facts["country"],
                    "venue": facts["venue"],
                    "time_zone": tz,
                    "start_date": _day(facts["start_date"]),
                    "end_date": _day(facts["end_date"]),
                    "status": facts["status"],
                    "capacity": facts.get("capacity"),
                    "registration_opens_at": _local(tz, opens) if opens else None,
                    "registration_closes_at": _local(tz, closes) if closes else None,
                    "follow_up_days": facts.get("follow_up_days", default_follow_up_days()),
                    "original_language": "en",
                    "translations": data.EVENT_TRANSLATIONS.get(facts["slug"], {}),
                },
            )
            self.writer.set_links(event, "organisers", [self.institutions[slug] for slug in facts["organisers"]])
            self.events[facts["slug"]] = event
            for session_facts in facts["sessions"]:
                self.load_session(event, tz, session_facts)

    def load_session(self, event: Event, tz: str, facts: dict) -> None:
        deadline = facts.get("request_deadline")
        session, _created = self.writer.upsert(
            Session,
            lookup={"event": event, "title": facts["title"]},
            values={
                "kind": facts["kind"],
                "description": facts["description"],
                "starts_at": _local(tz, facts["starts_at"]),
                "ends_at": _local(tz, facts["ends_at"]),
                "table_count": facts.get("table_count"),
                "slot_minutes": facts.get("slot_minutes"),
                "break_minutes": facts.get("break_minutes", 0),
                "max_meetings_per_person": facts.get("max_meetings_per_person"),
                "request_deadline": _local(tz, deadline) if deadline else None,
                "original_language": "en",
                "translations": (
                    {"title": data.SESSION_TITLE_TRANSLATIONS[facts["title"]]}
                    if facts["title"] in data.SESSION_TITLE_TRANSLATIONS
                    else {}
                ),
            },
        )
        key = (event.slug, session.title)
        self.sessions[key] = session
        if facts.get("slot_count"):
            length = timedelta(minutes=facts["slot_minutes"])
            step = length + timedelta(minutes=facts["break_minutes"])
            starts = [session.starts_at + step * number for number in range(facts["slot_count"])]
            self.slots[key] = [
                self.writer.upsert(
                    MeetingSlot, lookup={"session": session, "starts_at": start}, values={"ends_at": start + length}
                )[0]
                for start in starts
            ]

    def load_registrations(self) -> None:
        for event_slug, rows in data.REGISTRATIONS.items():
            event = self.events[event_slug]
            tz = event.time_zone
            # Registered-at times: a few days after registration opened, or a month before
            # the event, one person every two hours, in the order of the data.
            first = (
                event.registration_opens_at + timedelta(days=4)
                if event.registration_opens_at
                else datetime.combine(event.start_date - timedelta(days=30), datetime.min.time(), ZoneInfo(tz))
                + timedelta(hours=9)
            )
            for number, (key, role, checked_in) in enumerate(rows):
                pending = (event_slug, key) in data.PENDING_REGISTRATIONS
                self.registrations[(event_slug, key)] = self.writer.upsert(
                    Registration,
                    lookup={"event": event, "user": self.users[key]},
                    values={
                        "institution": self.institutions[self.person_institution[key]],
                        "role": role,
                        "status": Registration.Status.PENDING if pending else Registration.Status.APPROVED,
                        "job_title": self.person_job_title[key],
                        "checked_in_at": _local(tz, checked_in) if checked_in else None,
                    },
                    stamps={"created_at": first + timedelta(hours=2 * number)},
                )[0]

    def load_delegations(self) -> None:
        for event_slug, delegations in data.DELEGATIONS.items():
            for facts in delegations:
                delegation, _created = self.writer.upsert(
                    Delegation,
                    lookup={"event": self.events[event_slug], "name": facts["name"]},
                    values={
                        "country": facts["country"],
                        "lead_institution": self.institutions[facts["lead"]],
                        "head": self.registrations[(event_slug, facts["head"])],
                    },
                )
                for key in facts["members"]:
                    self.writer.update(self.registrations[(event_slug, key)], {"delegation": delegation})

    def load_matchmaking(self) -> None:
        for (event_slug, session_title), facts in data.MATCHMAKING.items():
            session = self.sessions[(event_slug, session_title)]
            slots = self.slots[(event_slug, session_title)]
            tz = self.events[event_slug].time_zone
            sent_at, answered_at = _local(tz, facts["sent_at"]), _local(tz, facts["answered_at"])
            for number, request_facts in enumerate(facts["requests"]):
                request = self.load_request(session, event_slug, request_facts, sent_at, answered_at, number)
                if request.status != MeetingRequest.Status.ACCEPTED:
                    continue
                slot_number = request_facts["slot"]
                meeting, _created = self.writer.upsert(
                    Meeting,
                    lookup={"request": request},
                    values={
                        "session": session,
                        "slot": slots[slot_number - 1] if slot_number else None,
                        "table_number": request_facts["table"],
                        "status": facts["meeting_status"],
                    },
                )
                self.meetings[(event_slug, request_facts["from"], request_facts["to"])] = meeting
                days = self.events[event_slug].follow_up_days
                due = [session.ends_at + timedelta(days=number) for number in days]
                for key, step, outcome in request_facts.get("follow_ups", []):
                    self.load_follow_up(meeting, self.registrations[(event_slug, key)], step, due[step - 1], outcome)
                self.load_meeting_result(meeting)
        for (event_slug, session_title), rows in data.UNAVAILABILITY.items():
            slots = self.slots[(event_slug, session_title)]
            for key, slot_number in rows:
                self.writer.upsert(
                    SlotUnavailability,
                    lookup={"registration": self.registrations[(event_slug, key)], "slot": slots[slot_number - 1]},
                )

    def load_request(self, session, event_slug, facts, sent_at, answered_at, number) -> MeetingRequest:
        to = facts["to"]
        to_institution = to.startswith("@")
        status = facts["status"]
        answered = status in (MeetingRequest.Status.ACCEPTED, MeetingRequest.Status.DECLINED)
        # Requests of the same session are a few minutes apart, in the order of the data.
        offset = timedelta(minutes=7 * number)
        return self.writer.upsert(
            MeetingRequest,
            lookup={
                "session": session,
                "requester": self.registrations[(event_slug, facts["from"])],
                "recipient": None if to_institution else self.registrations[(event_slug, to)],
                "recipient_institution": self.institutions[to[1:]] if to_institution else None,
            },
            values={
                "message": facts["message"],
                "status": status,
                "responded_at": answered_at + offset if answered else None,
                "expires_at": session.request_deadline,
            },
            stamps={"created_at": sent_at + offset},
        )[0]

    def load_meeting_result(self, meeting: Meeting) -> None:
        """Published meetings of past sessions were held; their latest answer is their outcome."""
        values = {}
        if meeting.status == Meeting.Status.PUBLISHED and meeting.session.ends_at < timezone.now():
            values["attendance"] = Meeting.Attendance.HELD
        answers = sorted((answer.answered_at, answer.outcome) for answer in meeting.follow_ups.all() if answer.outcome)
        if answers:
            values["outcome_at"], values["outcome"] = answers[-1]
        if values:
            self.writer.update(meeting, values)

    def load_follow_up(self, meeting, recipient, step, due_at, outcome) -> None:
        opted_out = outcome == "opted_out"
        self.writer.upsert(
            FollowUp,
            lookup={"meeting": meeting, "recipient": recipient, "step": step},
            values={
                "due_at": due_at,
                "sent_at": due_at,
                "outcome": "" if opted_out else outcome,
                "answered_at": due_at + timedelta(days=1) if outcome and not opted_out else None,
                "opted_out_at": due_at + timedelta(hours=3) if opted_out else None,
            },
        )

    def load_mous(self) -> None:
        milestones = data.MILESTONES
        for facts in data.MOUS:
            event = self.events[facts["event"]]
            signed_on = _day(facts["signed_on"])
            mou, _created = self.writer.upsert(
                Mou,
                lookup={"event": event, "title": facts["title"]},
                values={
                    "summary": facts["summary"],
                    "translations": facts.get("translations", {}),
                    "status": facts["status"],
                    "signed_on": signed_on,
                    "signed_place": facts["signed_place"],
                    "witnesses": facts["witnesses"],
                    "ceremony_session": self.sessions[(event.slug, facts["ceremony"])],
                    "languages": facts["languages"],
                    "valid_from": signed_on,
                    "valid_until": _day(facts["valid_until"]),
                    "is_public": facts["public"],
                    "created_by": self.users["secretariat"],
                },
            )
            self.writer.set_links(
                mou, "cooperation_types", [self.cooperation_types[slug] for slug in facts["cooperation_types"]]
            )
            self.writer.set_links(mou, "sectors", [self.sectors[slug] for slug in facts["sectors"]])
            if facts["origin"]:
                self.writer.upsert(
                    MouMeeting, lookup={"meeting": self.meetings[(event.slug, *facts["origin"])]}, values={"mou": mou}
                )
            for position, slug in enumerate(facts["parties"], start=1):
                self.writer.upsert(
                    MouParty,
                    lookup={"mou": mou, "institution": self.institutions[slug]},
                    values={"position": position},
                )
            countries = sorted({str(self.institutions[slug].country) for slug in facts["parties"]})
            self.writer.update(mou, {"party_countries": countries})
            for title, due_on, status, completed_on, owner in milestones.get(facts["title"], []):
                self.writer.upsert(
                    Milestone,
                    lookup={"mou": mou, "title": title},
                    values={
                        "description": data.ILLUSTRATIVE_MILESTONE,
                        "due_on": _day(due_on),
                        "completed_on": _day(completed_on),
                        "status": status,
                        "owner_institution": self.institutions[owner],
                    },
                )

    def load_cooperation(self) -> None:
        """Exchanges and projects under the MoUs, and a project of an alliance (see data.EXCHANGES)."""
        mous = {
            mou.title: mou for mou in Mou.objects.filter(title__in={*data.EXCHANGES, *(p[0] for p in data.PROJECTS)})
        }
        for title, rows in data.EXCHANGES.items():
            for year, category, source, target, sector, duration, unit, planned, actual in rows:
                self.writer.upsert(
                    Exchange,
                    lookup={
                        "mou": mous[title],
                        "year": year,
                        "category": category,
                        "from_institution": self.institutions[source],
                        "to_institution": self.institutions[target],
                        "field": self.sectors[sector] if sector else None,
                    },
                    values={
                        "duration": duration,
                        "duration_unit": unit,
                        "planned": planned,
                        "actual": actual,
                        "note": data.ILLUSTRATIVE_EXCHANGE,
                    },
                )
        for title, alliance, name, name_zh, kind, status, start, end, recognition in data.PROJECTS:
            self.writer.upsert(
                Project,
                lookup={
                    "mou": mous[title] if title else None,
                    "alliance": self.institutions.get(alliance),
                    "name": name,
                },
                values={
                    "translations": {"name": {"zh-hans": name_zh}},
                    "kind": kind,
                    "status": status,
                    "start_on": _day(start),
                    "end_on": _day(end),
                    "recognition_note": recognition,
                },
            )

    def load_courses(self) -> None:
        """Courses shared by demo institutions, one linked to a 2nd workshop MoU, and two requests."""
        courses = {}
        for facts in demo_courses.COURSES:
            course, _created = self.writer.upsert(
                SharedCourse,
                lookup={"institution": self.institutions[facts["institution"]], "title": facts["title"]},
                values={
                    "description": facts["description"],
                    "original_language": "en",
                    "translations": {
                        "title": {"zh-hans": facts["title_zh"]},
                        "description": {"zh-hans": facts["description_zh"]},
                    },
                    "language": facts["language"],
                    "level": facts["level"],
                    "format": facts["format"],
                    "sector": self.sectors[facts["sector"]],
                    "hours": facts["hours"],
                    "duration": facts["duration"],
                    "is_published": True,
                },
            )
            courses[facts["title"]] = course
            if facts.get("mou"):
                mou = Mou.objects.get(event=self.events[data.WORKSHOP_2], title=facts["mou"])
                self.writer.upsert(
                    MouSharedCourse,
                    lookup={"mou": mou, "course": course},
                    values={"linked_by": self.users["admin"]},
                    stamps={"linked_at": demo_courses.LINKED_AT},
                )
        for title, institution, person, status, message, decider, reply in demo_courses.REQUESTS:
            self.writer.upsert(
                CourseUseRequest,
                lookup={"course": courses[title], "institution": self.institutions[institution]},
                values={
                    "requested_by": self.users[person],
                    "message": message,
                    "status": status,
                    "decided_by": self.users[decider] if decider else None,
                    "decided_at": demo_courses.DECIDED_AT if decider else None,
                    "reply": reply,
                },
                stamps={"created_at": demo_courses.REQUESTED_AT},
            )


def _set_password(user) -> None:
    user.set_password(DEMO_PASSWORD)


def _set_unusable_password(user) -> None:
    # Fictional participants exist to fill the portal; nobody signs in as them.
    user.set_unusable_password()


@transaction.atomic
def demo_load() -> DemoLoadResult:
    """Create or update the demonstration data in one transaction, and return what was written.

    Idempotent: every row is found by a natural key and saved only when the data differs, so a
    second run creates and changes nothing (``DemoLoadResult.changed_anything`` is false).
    Passwords of the demo accounts are set when the accounts are created, and again only if
    ``DEMO_PASSWORD`` no longer works. Rows that are not in the data are left alone.

    Nothing goes into the audit trail: the demo data is nobody's doing, and logging thousands
    of rows would only slow the loading down.
    """
    with audit_disabled():
        return _DemoLoader().run()
