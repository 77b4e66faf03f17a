"""An exchange week of 4,000 registrations, for the load benchmark of the secretariat's pages.

    .venv/bin/python -m bench.week [--registrations 4000]

``ensure_exchange_week()`` adds to the benchmark database one published event (slug
``bench-exchange-week``) with ``registrations`` people from ``institutions`` generated
institutions (``bench.data``'s generator: realistic names, countries and profiles), most of
them approved, the rest pending, declined or cancelled, in some forty delegations, with a
matchmaking session of meeting requests and meetings (``bench.event_report``'s). Rows are
bulk-inserted and drawn from a fixed seed, so the same arguments give the same week; it is
additive (nothing else in the database changes) and idempotent: a week already there with
the number of registrations asked for is kept, another one is replaced.

Its institutions' slugs start with ``bench-week-``, which ``bench.data`` never deletes, and
its people's addresses end with ``@bench-week.example.org``.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

SLUG = "bench-exchange-week"
INSTITUTION_PREFIX = "bench-week-"
DOMAIN = "bench-week.example.org"
SEED = 15
# (given names, family names, "family first"), per country of the institution.
PEOPLE = {
    "CN": (
        ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军"],
        ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"],
        True,
    ),
    "TH": (["Somchai", "Suda", "Niran", "Kanya", "Anan", "Malee"], ["Jaidee", "Srisuk", "Wongsa", "Boonmee"], False),
    "KH": (["Dara", "Sokha", "Vanna", "Sophea", "Rithy"], ["Sok", "Chan", "Kim", "Heng"], True),
    "VN": (["Hương", "Minh", "Lan", "Tuấn", "Hà", "Dũng"], ["Nguyễn", "Trần", "Lê", "Phạm"], True),
    "": (
        ["Siti", "Maria", "Ahmad", "Ana", "Jose", "Nurul", "Budi"],
        ["Rahayu", "Santos", "Soares", "Tan", "Lim"],
        False,
    ),
}
JOB_TITLES = ["", "", "Dean", "Lecturer", "Head of International Office", "Director", "Teacher", "Programme officer"]


def _name(rng: random.Random, country: str) -> str:
    given, family, family_first = PEOPLE.get(country, PEOPLE[""])
    first, last = rng.choice(given), rng.choice(family)
    if country == "CN":
        return f"{last}{first}"
    return f"{last} {first}" if family_first else f"{first} {last}"


def _institutions(count: int):
    """``count`` new institutions, drawn with ``bench.data``'s generator, named unlike any in the database."""
    from bench.data import _Generator, taxonomy_of_portal, write_drawn
    from institutions.models import Institution

    taxonomy = taxonomy_of_portal()
    generator = _Generator(random.Random(SEED), taxonomy)
    generator.seen |= {(name.lower(), country) for name, country in Institution.objects.values_list("name", "country")}
    drawn = []
    for index in range(count):
        row = generator.institution(index)
        row[0].slug = f"{INSTITUTION_PREFIX}{index}"
        row[0].verification_status = "verified"
        drawn.append(row)
    return write_drawn(drawn, taxonomy)


def delete_exchange_week() -> None:
    """Remove the week, its people and its institutions (nothing else)."""
    from bench import delete_generated_event
    from events.models import Delegation, Event
    from institutions.models import Institution, Need, Offer
    from portal.models import User

    event = Event.objects.filter(slug=SLUG).first()
    if event is not None:
        Delegation.objects.filter(event=event).delete()
        delete_generated_event(event)
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    generated = Institution.objects.filter(slug__startswith=INSTITUTION_PREFIX)
    for model in (Offer, Need, Institution.sectors.through):
        model.objects.filter(institution__in=generated)._raw_delete(model.objects.db)
    generated.delete()


def ensure_exchange_week(registrations: int = 4000, institutions: int = 300, requests: int = 3000) -> bool:
    """Make sure the week is there with ``registrations`` registrations; return whether it was (re)built.

    Serialised with an advisory lock, as ``bench.data.ensure_populated`` is.
    """
    from django.db import connection

    from events.models import Registration

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(748215)")
        try:
            if Registration.objects.filter(event__slug=SLUG).count() == registrations:
                return False
            build_exchange_week(registrations=registrations, institutions=institutions, requests=requests)
            return True
        finally:
            cursor.execute("SELECT pg_advisory_unlock(748215)")


def build_exchange_week(*, registrations: int, institutions: int, requests: int) -> None:
    """Replace the week with a new one (see the module's docstring)."""
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction
    from django.utils import timezone

    from bench.event_report import _matchmaking, _sessions
    from core.pagecache import public_pages_changed
    from events.models import Delegation, Event, MeetingSlot, Registration, Session
    from institutions.filters import directory_changed
    from institutions.search import rebuild_search_words
    from matchmaking.models import Meeting, MeetingRequest
    from portal.models import User

    rng = random.Random(SEED)
    with transaction.atomic():
        delete_exchange_week()
        places = _institutions(institutions)
        start = timezone.localdate() - timedelta(days=2)
        event = Event.objects.create(
            title="China–ASEAN TVET Exchange Week (benchmark)",
            slug=SLUG,
            kind=Event.Kind.EXCHANGE_WEEK,
            city="Nanning",
            country="CN",
            time_zone="Asia/Shanghai",
            start_date=start,
            end_date=start + timedelta(days=6),
            status=Event.Status.PUBLISHED,
            capacity=registrations + 500,
        )
        event.organisers.add(places[0])
        # A few institutions send many people, most send a handful (Zipf-like, as real weeks).
        weights = [1 / rank for rank in range(1, len(places) + 1)]
        chosen = rng.choices(places, weights, k=registrations)
        users = User.objects.bulk_create(
            User(email=f"p{number}@{DOMAIN}", display_name=_name(rng, place.country.code), password="!")
            for number, place in enumerate(chosen)
        )
        zone = ZoneInfo(event.time_zone)
        arrived = datetime.combine(start, datetime.min.time(), zone) + timedelta(hours=8)
        statuses = [Registration.Status.APPROVED] * 14 + [Registration.Status.PENDING] * 4
        statuses += [Registration.Status.REJECTED, Registration.Status.CANCELLED]
        roles = [Registration.Role.DELEGATE] * 12 + [Registration.Role.SPEAKER, Registration.Role.OBSERVER]
        roles += [Registration.Role.PRESS, Registration.Role.ORGANISER]
        rows = []
        for user, place in zip(users, chosen, strict=True):
            status = rng.choice(statuses)
            rows.append(
                Registration(
                    event=event,
                    user=user,
                    institution=place,
                    status=status,
                    role=rng.choice(roles),
                    job_title=rng.choice(JOB_TITLES),
                    checked_in_at=arrived if status == Registration.Status.APPROVED and rng.random() < 0.6 else None,
                )
            )
        made = Registration.objects.bulk_create(rows)
        # Forty delegations, by country: each institution's people travel with one of its country's.
        by_country: dict[str, list] = {}
        for registration in made:
            by_country.setdefault(registration.institution.country.code, []).append(registration)
        delegation_of_institution: dict[int, Delegation] = {}
        counter = itertools.count(1)
        for code, members in sorted(by_country.items()):
            lead_institutions = sorted({member.institution_id for member in members})
            groups = max(1, min(8, len(lead_institutions) // 10))
            for group in range(groups):
                number = next(counter)
                head = members[group]
                delegation = Delegation.objects.create(
                    event=event,
                    name=f"Delegation {number} ({code})",
                    country=code,
                    lead_institution_id=head.institution_id,
                    head=head,
                )
                for institution_id in lead_institutions[group::groups]:
                    delegation_of_institution[institution_id] = delegation
        for registration in made:
            if rng.random() < 0.7:
                registration.delegation = delegation_of_institution.get(registration.institution_id)
        Registration.objects.bulk_update(made, ["delegation"], batch_size=1000)
        _sessions(event, arrived, Session)
        approved = [row for row in made if row.status == Registration.Status.APPROVED]
        _matchmaking(rng, event, approved, arrived, requests, Session, MeetingSlot, MeetingRequest, Meeting)
        rebuild_search_words()
    # Fresh statistics for the planner (a bulk load leaves them saying "nine rows").
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    public_pages_changed()
    directory_changed()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=4000)
    parser.add_argument("--institutions", type=int, default=300)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    from bench import setup

    print(f"Database: {setup()}")
    built = ensure_exchange_week(args.registrations, args.institutions, args.requests)
    print("Built the exchange week." if built else "The exchange week is already there.")


if __name__ == "__main__":
    main()
