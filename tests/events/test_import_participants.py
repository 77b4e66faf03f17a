"""The organiser's import of a participant list: reading, preview, commit, mails and permissions."""

import io
import tracemalloc
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from core.models import ImportJob
from events import imports
from events.models import Delegation, Registration
from institutions.models import Institution, Membership
from portal.models import User
from tests.factories import (
    DelegationFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.spreadsheet_corpus import corpus_file, spreadsheet_corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_job_storage")]

HEADER = "name,email,title,institution,country,role,delegation\n"


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = header + "".join(row + "\n" for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "institutions": Institution.objects.count(),
        "memberships": Membership.objects.count(),
        "registrations": Registration.objects.count(),
        "delegations": Delegation.objects.count(),
    }


@pytest.fixture
def event(roles):
    event = EventFactory()
    event.organisers.add(roles.institution_a)
    return event


def preview_of(event, content: bytes, filename: str = "list.csv") -> imports.ParticipantPreview:
    return imports.participants_preview(event=event, content=content, filename=filename)


# Reading --------------------------------------------------------------------------------------

SCRIPT_NAMES = ["王小明", "สมชาย ใจดี", "សុខ ដារ៉ា", "Nguyễn Thị Hương"]


@pytest.mark.parametrize("bom", [False, True])
def test_csv_with_or_without_bom_keeps_every_script(event, bom):
    rows = [
        f"{name},script{i}@example.org,Lecturer,Phnom Penh Polytechnic,KH,delegate,"
        for i, name in enumerate(SCRIPT_NAMES)
    ]

    preview = preview_of(event, csv_bytes(*rows, bom=bom))
    imports.participants_commit(preview=preview)

    assert [row.name for row in preview.rows] == SCRIPT_NAMES
    assert list(
        User.objects.filter(email__startswith="script").order_by("email").values_list("display_name", flat=True)
    ) == (SCRIPT_NAMES)


def test_xlsx_with_chinese_headers(event):
    content = xlsx_bytes(
        [
            ["姓名", "电子邮箱", "职务", "单位", "国家", "角色", "代表团"],
            ["李华", "lihua@example.org", "院长", "Phnom Penh Polytechnic", "柬埔寨", "发言人", "柬埔寨代表团"],
        ]
    )

    preview = preview_of(event, content, "名单.xlsx")

    [row] = preview.rows
    assert (row.name, row.email, row.job_title, row.country, row.role, row.delegation_name) == (
        "李华",
        "lihua@example.org",
        "院长",
        "KH",
        Registration.Role.SPEAKER,
        "柬埔寨代表团",
    )
    assert row.errors == []


def test_chinese_email_header_variant_and_role_labels(event):
    content = csv_bytes(
        "张三,zhang@example.org,,Phnom Penh Polytechnic,中国,观察员",
        "Ann,ann@example.org,,Phnom Penh Polytechnic,Cambodia,Press",
        header="姓名,邮箱,职务,机构,国家,角色\n",
    )

    preview = preview_of(event, content)

    assert [(row.role, row.country) for row in preview.rows] == [
        (Registration.Role.OBSERVER, "CN"),
        (Registration.Role.PRESS, "KH"),
    ]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "list.csv", "empty"),
        (b"name,email\nA,a@example.org\n", "list.csv", "missing: institution, country"),
        (HEADER.encode(), "list.csv", "no rows"),
        ("name,email,institution,country\nÉva,e@example.org,X,KH\n".encode("latin-1"), "list.csv", "UTF-8"),
        (b"not a workbook", "list.xlsx", "not a valid .xlsx"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(event, content, filename, message):
    with pytest.raises(imports.ImportFailed, match=message):
        preview_of(event, content, filename)


def test_too_many_rows_are_refused(event, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    content = csv_bytes(*[f"P{i},p{i}@example.org,,X,KH,," for i in range(3)])

    with pytest.raises(imports.ImportFailed, match="more than 2 rows"):
        preview_of(event, content)


# Preview ---------------------------------------------------------------------------------------


def test_preview_classifies_people_institutions_and_flags(event, roles):
    existing = UserFactory(email="Dara@Example.org")
    registered = RegistrationFactory(event=event, institution=roles.institution_a).user
    InstitutionFactory(name="Guangxi Transport College", name_local="广西交通职业技术学院", country="CN")
    InstitutionFactory(name="Kampong Speu Institute of Technology", acronym="KSIT", country="KH")
    InstitutionFactory(name="Shenzhen Polytechnic University", country="CN")
    DelegationFactory(event=event, name="Cambodian delegation")
    content = csv_bytes(
        "Sok Dara,dara@example.org,Dean,Phnom Penh Polytechnic,KH,,Cambodian delegation",
        f"Already,{registered.email.upper()},,Phnom Penh Polytechnic,KH,speaker,",
        "Wang Li,wangli@example.org,,广西交通职业技术学院,CN,,Chinese delegation",
        "Chan,chan@example.org,,KSIT,KH,,",
        "Liu,liu@example.org,,Shenzhen Polytechnic Univ.,CN,,",
        "Tran,tran@example.org,,Brand New Skills Centre,VN,,",
        "Twice,DARA@example.org,,Phnom Penh Polytechnic,KH,,",
        ",noname@example.org,,Phnom Penh Polytechnic,KH,,",
        "No Email,,,Phnom Penh Polytechnic,KH,,",
        "Bad Email,not-an-email,,Phnom Penh Polytechnic,KH,,",
        "Nowhere,nowhere@example.org,,Phnom Penh Polytechnic,Atlantis,,",
        "Chief,chief@example.org,,Phnom Penh Polytechnic,KH,emperor,",
    )

    preview = preview_of(event, content)

    rows = {row.number: row for row in preview.rows}
    assert rows[2].user == existing
    assert rows[2].institution.match == roles.institution_a
    assert rows[2].delegation.name == "Cambodian delegation"
    assert rows[3].registration == Registration.objects.get(user=registered)
    assert rows[4].user is None
    assert rows[4].institution.match.name == "Guangxi Transport College"
    assert rows[4].delegation is None
    assert rows[4].delegation_name == "Chinese delegation"
    assert rows[5].institution.match.name == "Kampong Speu Institute of Technology"
    assert rows[6].institution.match is None
    assert rows[6].institution.likely.institution.name == "Shenzhen Polytechnic University"
    assert (rows[7].institution.match, rows[7].institution.likely) == (None, None)
    assert rows[8].errors == ["email: the same person is already on row 2."]
    assert rows[9].errors == ["name: missing."]
    assert rows[10].errors == ["email: missing."]
    assert rows[11].errors == ["email: “not-an-email” is not a valid email address."]
    assert rows[12].errors == ["country: unknown country “Atlantis”."]
    assert rows[13].errors == ["role: unknown role “emperor”."]
    assert preview.has_errors
    assert preview.counts == {
        "rows": 12,
        "errors": 6,
        "new_people": 4,
        "registered": 1,
        "new_institutions": 1,
        "likely_institutions": 1,
        "new_delegations": 1,
    }


def test_preview_writes_nothing(event):
    before = counts()

    preview_of(event, csv_bytes("New Person,new@example.org,,Unknown College,KH,,New delegation"))

    assert counts() == before


def test_commit_is_refused_while_rows_have_errors(event):
    preview = preview_of(event, csv_bytes("Ok,ok@example.org,,X College,KH,,", "Bad,bad,,X College,KH,,"))
    before = counts()

    with pytest.raises(imports.ImportFailed, match="Correct the rows with errors"):
        imports.participants_commit(preview=preview)

    assert counts() == before


def test_preview_queries_do_not_grow_with_rows(event, roles):
    def run(n: int) -> int:
        content = csv_bytes(*[f"P{i},q{n}-{i}@example.org,,Phnom Penh Polytechnic,KH,,D{i % 3}" for i in range(n)])
        with CaptureQueriesContext(connection) as queries:
            preview_of(event, content)
        return len(queries)

    assert run(1) == run(30)


# Commit -----------------------------------------------------------------------------------------


def test_commit_writes_people_institutions_delegations_and_registrations(event, roles):
    existing = UserFactory(email="dara@example.org")
    InstitutionFactory(name="Shenzhen Polytechnic University", country="CN")
    content = csv_bytes(
        "Sok Dara,DARA@example.org,Dean,Phnom Penh Polytechnic,KH,speaker,Cambodian delegation",
        "王小明,wang@example.org,教授,Shenzhen Polytechnic Univ.,CN,,Chinese delegation",
        "Nguyễn Văn An,an@example.org,Lecturer,Hanoi Skills Centre,VN,observer,",
        "Second Hanoi,an2@example.org,,Hanoi Skills Centre,VN,,",
    )
    preview = preview_of(event, content)

    result = imports.participants_commit(preview=preview)

    registrations = Registration.objects.filter(event=event).select_related("user", "institution", "delegation")
    by_email = {r.user.email: r for r in registrations}
    assert set(by_email) == {"dara@example.org", "wang@example.org", "an@example.org", "an2@example.org"}
    assert {r.status for r in registrations} == {Registration.Status.APPROVED}
    assert by_email["dara@example.org"].user == existing
    assert (by_email["dara@example.org"].role, by_email["dara@example.org"].job_title) == ("speaker", "Dean")
    assert by_email["dara@example.org"].institution == roles.institution_a
    assert by_email["wang@example.org"].institution.name == "Shenzhen Polytechnic University"
    assert by_email["wang@example.org"].delegation.name == "Chinese delegation"
    assert by_email["wang@example.org"].delegation.country == "CN"
    hanoi = Institution.objects.get(name="Hanoi Skills Centre")
    assert hanoi.verification_status == Institution.Verification.UNVERIFIED
    assert str(hanoi.country) == "VN"
    assert by_email["an@example.org"].institution == by_email["an2@example.org"].institution == hanoi
    new_people = User.objects.filter(email__in=["wang@example.org", "an@example.org", "an2@example.org"])
    assert all(not person.has_usable_password() for person in new_people)
    assert User.objects.get(email="wang@example.org").display_name == "王小明"
    assert list(
        EmailAddress.objects.filter(user__in=new_people).order_by("email").values_list("email", "verified", "primary")
    ) == [("an2@example.org", False, True), ("an@example.org", False, True), ("wang@example.org", False, True)]
    assert sorted(
        Membership.objects.filter(user__in=new_people).values_list("user__email", "institution__name", "role", "status")
    ) == [
        ("an2@example.org", "Hanoi Skills Centre", "member", "active"),
        ("an@example.org", "Hanoi Skills Centre", "member", "active"),
        ("wang@example.org", "Shenzhen Polytechnic University", "member", "active"),
    ]
    assert not Membership.objects.filter(user=existing).exists()
    assert (result.registered, result.updated, result.skipped) == (4, 0, 0)
    assert [i.name for i in result.new_institutions] == ["Hanoi Skills Centre"]
    assert sorted(d.name for d in result.new_delegations) == ["Cambodian delegation", "Chinese delegation"]


def test_commit_can_create_instead_of_accepting_a_likely_match(event):
    match = InstitutionFactory(name="Shenzhen Polytechnic University", country="CN")
    preview = preview_of(event, csv_bytes("Liu,liu@example.org,,Shenzhen Polytechnic Univ.,CN,,"))
    choice = preview.likely_institutions[0]

    imports.participants_commit(preview=preview, institution_decisions={choice.number: imports.Decision.CREATE})

    registration = Registration.objects.get(user__email="liu@example.org")
    assert registration.institution != match
    assert registration.institution.name == "Shenzhen Polytechnic Univ."


def test_already_registered_is_skipped_unless_updated(event, roles):
    first = RegistrationFactory(event=event, institution=roles.institution_a, role="delegate", job_title="")
    second = RegistrationFactory(event=event, institution=roles.institution_a, role="delegate", job_title="")
    content = csv_bytes(
        f"One,{first.user.email},Dean,Phnom Penh Polytechnic,KH,speaker,",
        f"Two,{second.user.email},Dean,Phnom Penh Polytechnic,KH,speaker,",
    )
    preview = preview_of(event, content)

    result = imports.participants_commit(preview=preview, row_decisions={3: imports.Decision.UPDATE})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, first.job_title) == ("delegate", "")
    assert (second.role, second.job_title) == ("speaker", "Dean")
    assert (result.registered, result.updated, result.skipped) == (0, 1, 1)


def test_a_row_failing_at_write_time_writes_nothing(event, roles):
    late = UserFactory(email="late@example.org")
    content = csv_bytes(
        "New One,new1@example.org,,Brand New College,KH,,New delegation",
        "Late,late@example.org,,Phnom Penh Polytechnic,KH,,",
    )
    preview = preview_of(event, content)
    # Someone registers the same person between the preview and the confirmation.
    RegistrationFactory(event=event, user=late, institution=roles.institution_a)
    before = counts()

    with pytest.raises(imports.ImportFailed, match="Row 3 could not be saved"):
        imports.participants_commit(preview=preview)

    assert counts() == before
    assert not Institution.objects.filter(name="Brand New College").exists()


def test_invitation_emails_go_out_only_after_commit(event, django_capture_on_commit_callbacks):
    preview = preview_of(
        event,
        csv_bytes(
            "Siobhán O'Brien,new1@example.org,,Phnom Penh Polytechnic,KH,,",
            f"Old,{UserFactory().email},,Phnom Penh Polytechnic,KH,,",
        ),
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        imports.participants_commit(preview=preview, base_url="https://portal.example.org/")
    assert mail.outbox == []
    for callback in callbacks:
        callback()

    [message] = mail.outbox
    assert message.to == ["new1@example.org"]
    assert message.subject == f"You are registered for {event.title}"
    assert message.body.startswith("Dear Siobhán O'Brien,\n")
    link = next(line for line in message.body.splitlines() if "/password/reset/key/" in line)
    assert link.startswith("https://portal.example.org/")
    assert urlsplit(link).path.startswith(reverse("account_reset_password"))


def test_failed_import_sends_no_mail(event, roles, django_capture_on_commit_callbacks):
    late = UserFactory(email="late@example.org")
    preview = preview_of(
        event,
        csv_bytes(
            "New,new@example.org,,Phnom Penh Polytechnic,KH,,", "Late,late@example.org,,Phnom Penh Polytechnic,KH,,"
        ),
    )
    RegistrationFactory(event=event, user=late, institution=roles.institution_a)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(imports.ImportFailed):
        imports.participants_commit(preview=preview)

    assert mail.outbox == []


# Views ----------------------------------------------------------------------------------------


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file, run the preview task it queues, and return the page that shows the outcome."""

    def post(event, content: bytes, filename: str = "list.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("events:import", kwargs={"slug": event.slug}),
                {"file": SimpleUploadedFile(filename, content)},
            )
        return client.get(response.url) if response.status_code == 302 else response

    return post


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    """Confirm a job's preview, run the commit task (and its emails), and return the job's page."""

    def post(url: str, data: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return client.get(response.url) if response.status_code == 302 else response

    return post


def job_url(response) -> str:
    return response.wsgi_request.path


@pytest.mark.parametrize("role", ["institution_admin", "secretariat"])
def test_organisers_upload_preview_and_confirm(client, event, roles, role, upload, confirm):
    client.force_login(roles[role])
    InstitutionFactory(name="Shenzhen Polytechnic University", country="CN")
    content = csv_bytes(
        "สมชาย ใจดี,somchai@example.org,Director,Bangkok Technical College,TH,,Thai delegation",
        "Liu,liu@example.org,,Shenzhen Polytechnic Univ.,CN,,",
        bom=True,
    )

    page = upload(event, content)
    preview_url = job_url(page)
    assert Registration.objects.filter(event=event).count() == 0
    confirmed = confirm(preview_url, {"institution-3": "create"})

    html = page.content.decode()
    assert "สมชาย ใจดี" in html
    assert "will be created (unverified)" in html
    assert "likely: Shenzhen Polytechnic University" in html
    assert "Import done: 2 registered, 0 updated, 0 skipped; 2 new accounts, 2 new institutions." in (
        confirmed.content.decode()
    )
    assert sorted(Registration.objects.filter(event=event).values_list("user__email", "institution__name")) == [
        ("liu@example.org", "Shenzhen Polytechnic Univ."),
        ("somchai@example.org", "Bangkok Technical College"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["liu@example.org", "somchai@example.org"]
    job = ImportJob.objects.get()
    assert (job.status, job.created_by, job.target_id, job.file.name) == (
        ImportJob.Status.DONE,
        roles[role],
        event.pk,
        "",  # the file is gone once imported
    )
    entry = LogEntry.objects.get(additional_data__action="events.registrations.imported")
    assert (entry.actor, entry.additional_data["event"], entry.additional_data["created"]) == (roles[role], event.pk, 2)


def test_preview_page_with_errors_cannot_be_confirmed(client, event, roles, upload, confirm):
    client.force_login(roles["institution_admin"])
    page = upload(event, csv_bytes("Bad,bad-email,,X College,KH,,"))
    before = counts()

    response = confirm(job_url(page))

    assert "“bad-email” is not a valid email address." in page.content.decode()
    assert "Confirm the import" not in page.content.decode()
    assert "Correct the rows with errors" in response.content.decode()
    assert counts() == before


def test_upload_form_shows_file_errors_next_to_the_field(client, event, roles, upload):
    client.force_login(roles["institution_admin"])

    wrong_type = upload(event, b"x", "list.pdf")
    not_text = upload(event, b"name,email\x00\nA,a@example.org\n")
    missing = upload(event, b"name,email\nA,a@example.org\n")

    assert wrong_type.context["form"].errors == {"file": ["Upload a .csv or .xlsx file."]}
    assert "The file contains NUL bytes" in not_text.context["form"].errors["file"][0]
    assert missing.context["job"].status == ImportJob.Status.FAILED
    assert "missing: institution, country" in missing.context["job"].error
    assert "missing: institution, country" in missing.content.decode()
    assert missing.context["form"] is not None  # the failed job's page offers the upload again


def test_changed_data_since_preview_asks_to_check_again(client, event, roles, upload, confirm):
    client.force_login(roles["institution_admin"])
    preview_url = job_url(upload(event, csv_bytes("New,new@example.org,,Phnom Penh Polytechnic,KH,,")))
    UserFactory(email="new@example.org")
    before = counts()

    response = confirm(preview_url)

    assert job_url(response) == preview_url
    assert "The portal&#x27;s data changed since this preview was made." in response.content.decode()
    assert response.context["job"].status == ImportJob.Status.PREVIEWED
    assert counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["participant", "other_admin", "other_member", "no_institution"])
def test_others_get_404(client, event, roles, role, upload):
    client.force_login(roles[role])

    page = client.get(reverse("events:import", kwargs={"slug": event.slug}))
    posted = upload(event, csv_bytes("New,new@example.org,,X,KH,,"))

    assert (page.status_code, posted.status_code) == (404, 404)
    assert not User.objects.filter(email="new@example.org").exists()
    assert ImportJob.objects.count() == 0


def test_visitor_is_sent_to_login(client, event):
    response = client.get(reverse("events:import", kwargs={"slug": event.slug}))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_job_is_open_to_its_uploader_and_the_secretariat_under_its_own_event_only(client, event, roles, upload):
    client.force_login(roles["institution_admin"])
    preview_url = job_url(upload(event, csv_bytes("New,new@example.org,,X,KH,,")))
    job = ImportJob.objects.get()
    other_event = EventFactory()
    other_event.organisers.add(roles.institution_a)
    colleague = MembershipFactory(
        institution=roles.institution_a, user=UserFactory(verified_email=True), role=Membership.Role.ADMIN
    ).user

    on_other_event = client.get(reverse("events:import_preview", kwargs={"slug": other_event.slug, "job_id": job.pk}))
    client.force_login(colleague)
    by_colleague = (client.get(preview_url).status_code, client.post(preview_url).status_code)
    client.force_login(roles["secretariat"])
    by_secretariat = client.get(preview_url)

    assert on_other_event.status_code == 404
    assert by_colleague == (404, 404)
    assert (by_secretariat.status_code, by_secretariat.context["job"]) == (200, job)
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_organiser_admin_of_one_event_cannot_open_a_job_of_another(client, roles, upload):
    event_x = EventFactory()
    event_x.organisers.add(roles.institution_a)
    event_y = EventFactory()
    event_y.organisers.add(roles.institution_b)
    client.force_login(roles["other_admin"])
    job_y_url = job_url(upload(event_y, csv_bytes("New,new@example.org,,X,KH,,")))
    job_y = ImportJob.objects.get()
    client.force_login(roles["institution_admin"])

    under_x = client.get(reverse("events:import_preview", kwargs={"slug": event_x.slug, "job_id": job_y.pk}))
    under_y = client.get(job_y_url)

    assert (under_x.status_code, under_y.status_code) == (404, 404)


def test_an_institution_rejected_by_the_secretariat_is_refused(event):
    InstitutionFactory(name="Fly By Night Academy", country="KH", verification_status=Institution.Verification.REJECTED)

    preview = preview_of(event, csv_bytes("Sam,sam@example.org,,fly by night academy,KH,,"))

    assert preview.rows[0].errors == [
        "institution: “fly by night academy” was rejected by the secretariat and cannot take part."
    ]


def test_the_emailed_link_lets_the_new_person_set_a_password(client, event, django_capture_on_commit_callbacks):
    preview = preview_of(event, csv_bytes("Sok Dara,Dara.New@Example.org,,Phnom Penh Polytechnic,KH,,"))
    with django_capture_on_commit_callbacks(execute=True):
        imports.participants_commit(preview=preview, base_url="http://testserver/")
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/password/reset/key/" in line)

    form_page = client.get(urlsplit(link).path, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": "a-Long-pass-2026!", "password2": "a-Long-pass-2026!"})

    assert User.objects.get(email="dara.new@example.org").check_password("a-Long-pass-2026!")


def test_preview_page_shows_every_row_to_look_at_and_counts_the_plain_rest(client, event, roles, monkeypatch, upload):
    monkeypatch.setattr(imports, "PREVIEW_PLAIN_ROWS", 2)
    client.force_login(roles["institution_admin"])
    plain = [f"P{i},plain{i}@example.org,,Phnom Penh Polytechnic,KH,," for i in range(4)]

    html = upload(event, csv_bytes(*plain, "New,new@example.org,,Brand New College,KH,,")).content.decode()

    shown = [number for number in range(2, 7) if f'id="import-row-{number}"' in html]
    assert shown == [2, 3, 6]
    assert "And 2 more rows with nothing to decide or correct." in html


def test_likely_matches_are_recomputed_when_the_directory_changes(event):
    content = csv_bytes("Liu,liu@example.org,,Shenzhen Polytechnic Univ.,CN,,")
    before = preview_of(event, content).institutions[0].likely

    InstitutionFactory(name="Shenzhen Polytechnic University", country="CN")
    after = preview_of(event, content).institutions[0].likely

    assert before is None
    assert after.institution.name == "Shenzhen Polytechnic University"


def test_preview_page_queries_do_not_grow_with_rows(client, event, roles, upload):
    client.force_login(roles["institution_admin"])

    def page_queries(n: int) -> int:
        content = csv_bytes(
            *[f"P{i},page{n}-{i}@example.org,,Phnom Penh Polytechnic,KH,,D{i % 3}" for i in range(n)],
            f"Known,{RegistrationFactory(event=event, institution=roles.institution_a).user.email},,Phnom Penh Polytechnic,KH,,",
        )
        preview_url = job_url(upload(event, content))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(preview_url)
        assert response.status_code == 200
        return len(queries)

    assert page_queries(1) == page_queries(20)


@spreadsheet_corpus
@pytest.mark.parametrize("role", ["institution_admin", "secretariat"])
def test_every_malicious_spreadsheet_is_refused_with_a_message_and_writes_nothing(
    client, event, roles, role, upload, import_job_storage, filename, message
):
    client.force_login(roles[role])
    before = counts()
    tracemalloc.start()
    try:
        page = upload(event, corpus_file(filename), filename)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert page.status_code == 200
    assert message in page.content.decode()
    assert counts() == before
    assert list(ImportJob.objects.exclude(status=ImportJob.Status.FAILED)) == []
    assert [path for path in import_job_storage.rglob("*") if path.is_file()] == []
    assert mail.outbox == []
    assert peak < 50 * 1024 * 1024


def test_invitations_go_out_from_the_commit_task_not_the_confirm_request(
    client, event, roles, upload, django_capture_on_commit_callbacks
):
    client.force_login(roles["institution_admin"])
    url = job_url(upload(event, csv_bytes("New Person,new@example.org,,Brand New College,KH,,")))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url)
    queued = (ImportJob.objects.get().status, mail.outbox[:], User.objects.filter(email="new@example.org").exists())
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()  # the commit task, run by a worker

    assert queued == (ImportJob.Status.COMMITTING, [], False)
    assert [message.to for message in mail.outbox] == [["new@example.org"]]
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert Registration.objects.filter(event=event, user__email="new@example.org").count() == 1


# Leaving out the rows with errors ------------------------------------------------------------


def test_commit_can_leave_out_the_rows_with_errors(event):
    preview = preview_of(
        event,
        csv_bytes(
            "Ok,ok@example.org,,New College,KH,,",
            "Bad,bad,,Bad Only College,KH,,Bad delegation",
            "Twice,ok@example.org,,Other College,KH,,",
        ),
    )

    result = imports.participants_commit(preview=preview, leave_out_errors=True)

    assert (result.registered, result.left_out) == (1, 2)
    assert list(Registration.objects.values_list("user__email", "institution__name")) == [
        ("ok@example.org", "New College")
    ]
    assert list(User.objects.filter(email__in=["ok@example.org", "bad"]).values_list("email", flat=True)) == [
        "ok@example.org"
    ]
    assert (Institution.objects.filter(name="Bad Only College").exists(), Delegation.objects.exists()) == (False, False)


def test_a_chosen_row_failing_at_write_time_writes_none_of_the_others(event, roles):
    late = UserFactory(email="late@example.org")
    content = csv_bytes(
        "New One,new1@example.org,,Brand New College,KH,,New delegation",
        "Bad,bad,,X College,KH,,",
        "Late,late@example.org,,Phnom Penh Polytechnic,KH,,",
    )
    preview = preview_of(event, content)
    RegistrationFactory(event=event, user=late, institution=roles.institution_a)
    before = counts()

    with pytest.raises(imports.ImportFailed, match="Row 4 could not be saved"):
        imports.participants_commit(preview=preview, leave_out_errors=True)

    assert counts() == before


def participants_rejected_url(event, page) -> str:
    return reverse("events:import_rejected", kwargs={"slug": event.slug, "job_id": page.context["job"].pk})


def test_organisers_import_the_valid_rows_and_download_the_others_to_correct(client, event, roles, upload, confirm):
    client.force_login(roles["institution_admin"])
    content = xlsx_bytes(
        [
            ["name", "email", "institution", "country", "phone"],
            ["Ana", "ana@example.org", "Phnom Penh Polytechnic", "KH", "+855 12 345"],
            ["Bo", "bo-at-example.org", "Phnom Penh Polytechnic", "KH", "@SUM(1)"],
        ]
    )
    page = upload(event, content, "list.xlsx")

    done = confirm(job_url(page), {"leave_out_errors": "1"})
    download = client.get(participants_rejected_url(event, page))

    from openpyxl import load_workbook

    assert "Import 1 row, leave out 1" in page.content.decode()
    assert list(Registration.objects.filter(event=event).values_list("user__email", flat=True)) == ["ana@example.org"]
    assert "1 row with errors was left out." in done.content.decode()
    assert done.context["job"].result["left_out"] == 1
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["name", "email", "institution", "country", "phone", "Why this row was not imported"],
        [
            "Bo",
            "bo-at-example.org",
            "Phnom Penh Polytechnic",
            "KH",
            "'@SUM(1)",
            "email: “bo-at-example.org” is not a valid email address.",
        ],
    ]
    entry = LogEntry.objects.get(additional_data__action="events.rejected_rows.downloaded")
    assert (entry.actor, entry.additional_data["event"], entry.action) == (
        roles["institution_admin"],
        event.pk,
        LogEntry.Action.ACCESS,
    )


def test_the_downloaded_rows_upload_again_without_their_reason_column(client, event, roles, upload):
    client.force_login(roles["institution_admin"])
    page = upload(event, csv_bytes("Ana,ana-example.org,,X College,KH,,", "Bo,bo@example.org,,X College,KH,,"))
    content = b"".join(client.get(participants_rejected_url(event, page)).streaming_content)

    again = upload(event, content.replace(b"ana-example.org", b"ana@example.org"))

    assert again.context["preview"]["ignored_headers"] == []
    assert [(row["values"]["email"], row["errors"]) for row in again.context["preview"]["rows"]] == [
        ("ana@example.org", [])
    ]


def test_the_rows_with_errors_are_for_the_uploader_and_the_secretariat_only(client, event, roles, upload):
    client.force_login(roles["institution_admin"])
    page = upload(event, csv_bytes("Secret Person,secret-at-example.org,,X,KH,,"))
    url = participants_rejected_url(event, page)
    other_event = EventFactory()
    other_event.organisers.add(roles.institution_a)
    colleague = MembershipFactory(
        institution=roles.institution_a, user=UserFactory(verified_email=True), role=Membership.Role.ADMIN
    ).user

    under_other_event = client.get(
        reverse("events:import_rejected", kwargs={"slug": other_event.slug, "job_id": page.context["job"].pk})
    )
    client.force_login(colleague)
    by_colleague = client.get(url)
    client.force_login(roles["other_admin"])
    by_other_admin = client.get(url)
    client.force_login(roles["secretariat"])
    by_secretariat = client.get(url)

    assert (under_other_event.status_code, by_colleague.status_code, by_other_admin.status_code) == (404, 404, 404)
    assert "Secret Person" in b"".join(by_secretariat.streaming_content).decode("utf-8-sig")
