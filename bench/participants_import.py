"""Benchmark the participant import of an event (preview + commit) on a 4,000-row file.

    .venv/bin/python -m bench.participants_import [--rows 4000] [--institutions 300] [--format csv|xlsx]

Uses the benchmark database (``tvet_bench``; see ``bench.setup()``) with its 50,000 generated
institutions (``bench.data.ensure_populated``). The file is what a secretariat receives for an
exchange week: people with Chinese, Thai, Khmer and Vietnamese names (and Latin ones for the
other countries), about 300 institutions of which most are already in the portal (by English
name, some by local-script name), a few spelt differently (likely matches) and a few new,
roles, job titles and country delegations. Target: preview + commit ≤ 30 s.

Measured server-side: ``participants_preview`` and ``participants_commit`` (including the
invitation mails queued in the outbox and, after the commit, delivered by eager outbox tasks to
the local-memory mail backend), then the same flow
through the views with Django's test client (upload → preview page → confirm), on a second file
with other addresses. The views hand both steps to Celery tasks (an import job); the test
settings run them eagerly, so the view timings include the work a worker does. Everything the
run creates is deleted afterwards.
"""

from __future__ import annotations

import argparse
import io
import random
import secrets
import time

CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CN_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
]
TH_NAMES = ["สมชาย", "สมศรี", "ประเสริฐ", "วิไล", "อนันต์", "สุภาพร", "ธนากร", "พรทิพย์", "กิตติ", "จันทร์เพ็ญ"]
TH_SURNAMES = ["ใจดี", "ศรีสุข", "วงศ์ไทย", "บุญมา", "แก้วมณี", "สุวรรณ", "ทองดี", "รัตนกุล"]
KH_NAMES = ["សុខ", "ដារ៉ា", "ចាន់", "សុភា", "វណ្ណា", "ស្រីមុំ", "រតនា", "បុប្ផា", "សំណាង", "ពិសិដ្ឋ"]
VN_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
VN_MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc"]
VN_GIVEN = ["Hương", "An", "Dũng", "Lan", "Hải", "Tuấn", "Mai", "Phương", "Hùng", "Thảo"]
LATIN_GIVEN = ["Ahmad", "Siti", "Maria", "Jose", "Nur", "Budi", "Wei Ming", "Aung", "Ana", "Rizal"]
LATIN_SURNAMES = ["Santos", "Rahman", "Wijaya", "Tan", "Lim", "Reyes", "Hassan", "Soares", "Ivanov", "Abdullah"]
TITLES = [
    "Dean",
    "Lecturer",
    "Vice President",
    "Director of International Office",
    "院长",
    "教授",
    "Teacher",
    "Coordinator",
]
ROLES = [("delegate", 80), ("speaker", 6), ("observer", 8), ("press", 3), ("organiser", 3)]
DELEGATION_NAMES = {
    "CN": "Chinese delegation",
    "KH": "Cambodian delegation",
    "TH": "Thai delegation",
    "VN": "Vietnamese delegation",
    "LA": "Lao delegation",
    "ID": "Indonesian delegation",
    "MY": "Malaysian delegation",
    "PH": "Philippine delegation",
}
VARIANTS = [("University", "Univ."), ("Institute", "Inst."), ("Technology", "Tech."), (" and ", " & ")]


def _person(rng: random.Random, country: str) -> str:
    if country == "CN":
        return rng.choice(CN_SURNAMES) + rng.choice(CN_GIVEN)
    if country == "TH":
        return f"{rng.choice(TH_NAMES)} {rng.choice(TH_SURNAMES)}"
    if country == "KH":
        return f"{rng.choice(KH_NAMES)} {rng.choice(KH_NAMES)}"
    if country == "VN":
        return f"{rng.choice(VN_SURNAMES)} {rng.choice(VN_MIDDLE)} {rng.choice(VN_GIVEN)}"
    return f"{rng.choice(LATIN_GIVEN)} {rng.choice(LATIN_SURNAMES)}"


def _institution_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Return ``count`` (institution as written in the file, country code) pairs."""
    from institutions.models import Institution

    candidates = list(
        Institution.objects.filter(slug__startswith="bench-")
        .exclude(verification_status=Institution.Verification.REJECTED)
        .order_by("pk")
        .values_list("name", "name_local", "country")
    )
    existing = rng.sample(candidates, count)
    names = []
    new_count, variant_count = max(1, count // 30), max(1, count // 25)
    for index, (name, name_local, country) in enumerate(existing[: count - new_count]):
        if index < variant_count:
            variant = next((name.replace(a, b) for a, b in VARIANTS if a in name), name.lower())
            names.append((variant, country))
        elif name_local and index % 5 == 0:
            names.append((name_local, country))
        else:
            names.append((name, country))
    for index in range(new_count):
        country = rng.choice(["KH", "VN", "TH", "CN", "LA"])
        names.append((f"Benchmark Newly Founded Skills Centre {index} {secrets.token_hex(2)}", country))
    return names


def make_file(*, rows: int, institutions: int, domain: str, fmt: str, seed: int) -> tuple[bytes, str]:
    """Return a participant file of ``rows`` people at ``institutions`` institutions, and its name."""
    rng = random.Random(seed)
    names = _institution_names(rng, institutions)
    header = ["name", "email", "title", "institution", "country", "role", "delegation"]
    table = [header]
    roles, weights = zip(*ROLES, strict=True)
    for index in range(rows):
        institution, country = rng.choice(names)
        table.append(
            [
                _person(rng, country),
                f"participant{index}@{domain}",
                rng.choice(TITLES),
                institution,
                country,
                rng.choices(roles, weights)[0],
                DELEGATION_NAMES.get(country, "") if rng.random() < 0.7 else "",
            ]
        )
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in table:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "participants.xlsx"
    import csv

    text = io.StringIO()
    csv.writer(text).writerows(table)
    return b"\xef\xbb\xbf" + text.getvalue().encode(), "participants.csv"


def _cleanup(event, domains: list[str], started_at) -> None:
    from django.contrib.auth import get_user_model

    from bench import delete_generated_event
    from core.models import ImportJob
    from institutions.models import Institution

    ImportJob.objects.filter(kind="event_participants", target_id=event.pk).delete()
    delete_generated_event(event)
    for domain in domains:
        get_user_model().objects.filter(email__endswith=f"@{domain}").delete()
    Institution.objects.filter(name__startswith="Benchmark Newly Founded", created_at__gte=started_at).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--institutions", type=int, default=300)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    from bench import setup

    print(f"Database: {setup()}")
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from bench.data import ensure_populated
    from events import imports
    from events.models import Event, Registration
    from institutions.models import Institution
    from portal.models import User

    ensure_populated()
    setup_test_environment()  # local-memory mail, and the test client's host
    started_at = timezone.now()
    run_id = secrets.token_hex(4)
    event = Event.objects.create(
        title=f"Benchmark exchange week {run_id}",
        slug=f"bench-exchange-week-{run_id}",
        city="Nanning",
        country="CN",
        time_zone="Asia/Shanghai",
        start_date=timezone.localdate() + timedelta(days=60),
        end_date=timezone.localdate() + timedelta(days=66),
        status=Event.Status.PUBLISHED,
    )
    domains = [f"bench-import-{run_id}.example.org", f"bench-import-view-{run_id}.example.org"]
    results = []
    try:
        content, filename = make_file(
            rows=args.rows, institutions=args.institutions, domain=domains[0], fmt=args.format, seed=args.seed
        )
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            preview = imports.participants_preview(event=event, content=content, filename=filename)
            preview_s = time.perf_counter() - began
        preview_queries = len(queries)
        assert not preview.has_errors, [(r.number, r.errors) for r in preview.error_rows][:5]
        counts = preview.counts
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            result = imports.participants_commit(preview=preview, base_url="https://portal.example.org/")
            commit_s = time.perf_counter() - began
        results.append(("service", args.rows, preview_s, preview_queries, commit_s, len(queries)))
        registered = Registration.objects.filter(event=event).count()

        # The same flow through the views, as an organiser clicks through it.
        organiser = User.objects.create_user(email=f"organiser@{domains[1]}", password=None)
        event.organisers.add(Institution.objects.filter(slug__startswith="bench-", country="CN").first())
        from institutions.models import Membership

        Membership.objects.create(user=organiser, institution=event.organisers.get(), role=Membership.Role.ADMIN)
        client = Client()
        client.force_login(organiser)
        view_content, _name = make_file(
            rows=args.rows, institutions=args.institutions, domain=domains[1], fmt=args.format, seed=args.seed + 1
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.post(
                reverse("events:import", kwargs={"slug": event.slug}),
                {"file": SimpleUploadedFile(filename, view_content)},
                secure=True,
            )
            assert response.status_code == 302, response.status_code
            page = client.get(response.url, secure=True)
            assert page.status_code == 200
            view_preview_s = time.perf_counter() - began
        view_preview_queries = len(queries)
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            confirmed = client.post(response.url, secure=True)
            view_commit_s = time.perf_counter() - began
        assert confirmed.status_code == 302, confirmed.status_code
        from core.models import ImportJob

        job = ImportJob.objects.filter(kind="event_participants", target_id=event.pk).latest("created_at")
        assert job.status == ImportJob.Status.DONE, (job.status, job.error)
        results.append(
            (
                "views (upload+page / confirm)",
                args.rows,
                view_preview_s,
                view_preview_queries,
                view_commit_s,
                len(queries),
            )
        )
        view_registered = Registration.objects.filter(event=event).count() - registered
    finally:
        _cleanup(event, domains, started_at)

    print(
        f"\n{args.rows} rows ({args.format}), {len(preview.institutions)} distinct institutions: "
        f"{counts['new_institutions']} new, {counts['likely_institutions']} likely matches; "
        f"{counts['new_delegations']} new delegations; {result.registered} registered, "
        f"{len(result.new_people)} new accounts; views run registered {view_registered}\n"
    )
    header = f"{'flow':<30} {'rows':>6} {'preview s':>10} {'queries':>8} {'commit s':>9} {'queries':>8} {'total s':>8}"
    print(header)
    print("-" * len(header))
    for label, rows, p_s, p_q, c_s, c_q in results:
        print(f"{label:<30} {rows:>6} {p_s:>10.2f} {p_q:>8} {c_s:>9.2f} {c_q:>8} {p_s + c_s:>8.2f}")


if __name__ == "__main__":
    main()
