"""Benchmark the automatic event report on an exchange week of 4,000 registrations.

    .venv/bin/python -m bench.event_report [--registrations 4000] [--institutions 300] [--requests 6000] [--runs 5]

Uses the benchmark database (``tvet_bench``; see ``bench.setup()``). It creates a published
event with the given number of approved registrations (bulk-inserted people, about 300
institutions in eleven countries, three delegations, a dozen sessions, most people checked in),
then measures, server-side: ``build_report`` alone, the report page through Django's test
client as the secretariat (with its SQL query count, which must not depend on the number of
registrations), and the PDF. Target: the page in ≤ 1 s. A matchmaking session gets the given
number of meeting requests (about half accepted and published as meetings, most held, some with
reported outcomes), and the meeting funnel is printed with its time and query count, which must
not depend on the number of meetings. Everything the run creates is deleted.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import time
from datetime import datetime, timedelta

COUNTRIES = ["CN", "KH", "TH", "VN", "MY", "ID", "PH", "SG", "BN", "TL", "RU"]
KINDS = ["vocational_college", "polytechnic", "university", "technical_institute", "enterprise", "government_agency"]
NAMES = ["王芳", "李伟", "สมชาย ใจดี", "សុខ ដារ៉ា", "Nguyễn Thị Hương", "Siti Rahayu", "Maria Santos", "Ana Soares"]


def _timed(function, runs: int) -> tuple[float, object]:
    durations, result = [], None
    for _run in range(runs):
        began = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - began)
    return statistics.median(durations), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=4000)
    parser.add_argument("--institutions", type=int, default=300)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from bench import delete_generated_event, setup

    setup()

    from zoneinfo import ZoneInfo

    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from events.models import Delegation, Event, MeetingSlot, Registration, Session
    from institutions.models import Institution
    from institutions.permissions import SECRETARIAT_GROUP
    from matchmaking.funnel import meeting_funnel
    from matchmaking.models import Meeting, MeetingRequest
    from matchmaking.pdf import report_pdf
    from matchmaking.report import build_report
    from portal.models import User

    setup_test_environment()
    rng = random.Random(1)
    run_id = secrets.token_hex(4)
    domain = f"bench-report-{run_id}.example.org"
    start = timezone.localdate() - timedelta(days=3)
    event = Event.objects.create(
        title=f"Benchmark exchange week {run_id}",
        slug=f"bench-report-week-{run_id}",
        city="Nanning",
        country="CN",
        time_zone="Asia/Shanghai",
        start_date=start,
        end_date=start + timedelta(days=6),
        status=Event.Status.PUBLISHED,
    )
    try:
        institutions = Institution.objects.bulk_create(
            Institution(
                name=f"Bench Report Institution {run_id} {number}",
                slug=f"bench-report-{run_id}-{number}",
                country=COUNTRIES[number % len(COUNTRIES)],
                kind=KINDS[number % len(KINDS)],
                city="Nanning",
            )
            for number in range(args.institutions)
        )
        users = User.objects.bulk_create(
            User(email=f"p{number}@{domain}", display_name=NAMES[number % len(NAMES)], password="!")
            for number in range(args.registrations)
        )
        zone = ZoneInfo(event.time_zone)
        arrived = datetime.combine(start, datetime.min.time(), zone) + timedelta(hours=8)
        registrations = Registration.objects.bulk_create(
            Registration(
                event=event,
                user=user,
                institution=rng.choice(institutions),
                status=Registration.Status.APPROVED,
                checked_in_at=arrived if rng.random() < 0.9 else None,
            )
            for user in users
        )
        for number, country in enumerate(["CN", "KH", "TH"]):
            Delegation.objects.create(
                event=event, name=f"Delegation {number}", country=country, head=registrations[number]
            )
        _sessions(event, arrived, Session)
        _matchmaking(rng, event, registrations, arrived, args.requests, Session, MeetingSlot, MeetingRequest, Meeting)
        secretariat = User.objects.create_user(email=f"secretariat@{domain}", password=None)
        secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
        # The secretariat's pages open only for someone with a second factor.
        Authenticator.objects.create(user=secretariat, type=Authenticator.Type.TOTP, data={"secret": "bench"})
        client = Client()
        client.force_login(secretariat)
        url = reverse("matchmaking:report", kwargs={"slug": event.slug})

        compute_s, report = _timed(lambda: build_report(event), args.runs)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code
        page_queries = len(queries)
        page_s, _response = _timed(lambda: client.get(url, secure=True), args.runs)
        pdf_s, pdf = _timed(lambda: report_pdf(build_report(event)), max(1, args.runs // 2))

        print(f"Event report, {report.participants} approved registrations from {report.institutions} institutions")
        print(f"  build_report           {compute_s * 1000:8.1f} ms (median of {args.runs})")
        print(f"  report page (client)   {page_s * 1000:8.1f} ms, {page_queries} SQL queries  [target ≤ 1000 ms]")
        print(f"  report PDF             {pdf_s * 1000:8.1f} ms, {len(pdf) / 1024:.0f} KiB")
        now = timezone.now()
        with CaptureQueriesContext(connection) as queries:
            meeting_funnel(event_filter=Q(pk=event.pk), now=now)
        funnel_s, funnel = _timed(lambda: meeting_funnel(event_filter=Q(pk=event.pk), now=now), args.runs)
        print(f"  meeting funnel         {funnel_s * 1000:8.1f} ms, {len(queries)} SQL queries")
        for step in funnel.steps:
            previous = "—" if step.of_previous is None else f"{step.of_previous:.0f} %"
            print(
                f"    {step.label:<22} {step.count:6d}  {previous:>6} of the step before, {step.of_sent:.0f} % of sent"
            )
    finally:
        delete_generated_event(event)
        User.objects.filter(email__endswith=f"@{domain}").delete()
        Institution.objects.filter(slug__startswith=f"bench-report-{run_id}-").delete()


def _sessions(event, arrived, Session) -> None:
    """Twelve sessions of an hour, two hours apart from ``arrived`` on."""
    Session.objects.bulk_create(
        Session(
            event=event,
            title=f"Session {number}",
            starts_at=arrived + timedelta(hours=2 * number),
            ends_at=arrived + timedelta(hours=2 * number + 1),
        )
        for number in range(12)
    )


def _matchmaking(rng, event, registrations, start, requests, Session, MeetingSlot, MeetingRequest, Meeting) -> None:
    """A matchmaking session of ``requests`` requests; accepted ones become published meetings."""
    session = Session.objects.create(
        event=event,
        title="Matchmaking",
        kind=Session.Kind.MATCHMAKING,
        starts_at=start - timedelta(days=1),
        ends_at=start - timedelta(days=1) + timedelta(hours=8),
        table_count=200,
        slot_minutes=20,
    )
    slots = MeetingSlot.objects.bulk_create(
        MeetingSlot(
            session=session,
            starts_at=session.starts_at + timedelta(minutes=20 * number),
            ends_at=session.starts_at + timedelta(minutes=20 * number + 20),
        )
        for number in range(24)
    )
    statuses = [MeetingRequest.Status.ACCEPTED] * 5 + [MeetingRequest.Status.DECLINED] * 3
    statuses += [MeetingRequest.Status.EXPIRED, MeetingRequest.Status.PENDING]
    # One request per pair of people at most (the portal refuses a second open one).
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < requests:
        first, second = rng.sample(range(len(registrations)), 2)
        pairs.add((min(first, second), max(first, second)))
    made = MeetingRequest.objects.bulk_create(
        MeetingRequest(
            session=session,
            requester=registrations[first],
            recipient=registrations[second],
            status=rng.choice(statuses),
        )
        for first, second in sorted(pairs)
    )
    accepted = [request for request in made if request.status == MeetingRequest.Status.ACCEPTED]
    outcomes = ["", "", "no_fit", "informative", "in_discussion", "mou_planned", "mou_signed"]
    Meeting.objects.bulk_create(
        Meeting(
            request=request,
            session=session,
            slot=slots[number % len(slots)],
            table_number=number // len(slots) + 1,
            status=Meeting.Status.PUBLISHED,
            attendance=rng.choice(["", "", "held", "no_show"]),
            outcome=rng.choice(outcomes),
        )
        for number, request in enumerate(accepted[: len(slots) * 200])
    )


if __name__ == "__main__":
    main()
