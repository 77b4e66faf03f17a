"""The secretariat's import of institutions from CSV or XLSX: preview, then all or nothing, in the background."""

import io
import tracemalloc

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.models import ImportJob
from institutions import imports
from institutions.models import Institution, Need, Offer
from tests.factories import CooperationTypeFactory, InstitutionFactory, SectorFactory
from tests.spreadsheet_corpus import corpus_file, spreadsheet_corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_job_storage")]

UPLOAD = reverse("institutions:import_upload")
HEADER = "name,name_local,acronym,kind,country,city,website,languages,sectors,offers,needs"


@pytest.fixture(autouse=True)
def taxonomy(db):
    return {
        "logistics": SectorFactory(
            slug="logistics-supply-chain",
            name="Logistics and supply chain",
            translations={"name": {"zh-hans": "物流与供应链"}},
        ),
        "nev": SectorFactory(
            slug="automotive-nev",
            name="Automotive and new-energy vehicles",
            translations={"name": {"zh-hans": "汽车与新能源汽车"}},
        ),
        "internship": CooperationTypeFactory(
            slug="internship-placement",
            name="Internship and employment placement",
            translations={"name": {"zh-hans": "实习与就业安置"}},
        ),
        "teacher-training": CooperationTypeFactory(
            slug="teacher-training", name="Teacher training", translations={"name": {"zh-hans": "教师培训"}}
        ),
    }


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\n".join(lines).encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file, run the preview task it queues, and follow to the page that shows the outcome."""

    def post(content: bytes, name: str = "institutions.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
        return client.get(response.url) if response.status_code == 302 else response

    return post


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    """Confirm a job's preview, run the commit task it queues, and follow to its page."""

    def post(url: str, data: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return client.get(response.url) if response.status_code == 302 else response

    return post


def job_url(response) -> str:
    return response.wsgi_request.path


LOCAL_SCRIPT_ROWS = [
    'Shenzhen Polytechnic University,深圳职业技术大学,SZPU,university,中国,Shenzhen,www.szpu.edu.cn,"en; zh",物流与供应链,'
    "internship-placement/logistics-supply-chain,teacher training / automotive-nev",
    "Chiang Mai Technical College,วิทยาลัยเทคนิคเชียงใหม่,CMTC,vocational college,Thailand,Chiang Mai,,th,,,",
    "Kampong Speu Institute of Technology,វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ,KSIT,technical institute,柬埔寨,Chbar Mon,,km,,,",
    "Hanoi College of Industry,Trường Cao đẳng Công nghiệp Hà Nội,HCI,vocational_college,VN,Hà Nội,,vi,,,",
]


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_csv_import_preview_then_commit_keeps_local_scripts(client, secretariat_user, taxonomy, bom, upload, confirm):
    client.force_login(secretariat_user)

    preview = upload(csv_bytes(HEADER, *LOCAL_SCRIPT_ROWS, bom=bom))

    assert Institution.objects.count() == 0  # the preview writes nothing
    assert [(row["number"], row["status"]) for row in preview.context["preview"]["rows"]] == [
        (2, "new"),
        (3, "new"),
        (4, "new"),
        (5, "new"),
    ]
    assert "深圳职业技术大学" in preview.content.decode()

    done = confirm(job_url(preview))

    assert "Import done: 4 created, 0 updated, 0 skipped." in done.content.decode()
    assert dict(Institution.objects.values_list("name_local", "country")) == {
        "深圳职业技术大学": "CN",
        "วิทยาลัยเทคนิคเชียงใหม่": "TH",
        "វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ": "KH",
        "Trường Cao đẳng Công nghiệp Hà Nội": "VN",
    }
    szpu = Institution.objects.get(acronym="SZPU")
    assert (szpu.kind, szpu.website, szpu.languages) == ("university", "https://www.szpu.edu.cn", ["en", "zh"])
    assert szpu.verification_status == Institution.Verification.VERIFIED
    assert list(szpu.sectors.all()) == [taxonomy["logistics"]]
    assert list(Offer.objects.filter(institution=szpu).values_list("cooperation_type", "sector")) == [
        (taxonomy["internship"].pk, taxonomy["logistics"].pk)
    ]
    assert list(Need.objects.filter(institution=szpu).values_list("cooperation_type", "sector")) == [
        (taxonomy["teacher-training"].pk, taxonomy["nev"].pk)
    ]
    szpu.refresh_from_db()
    assert szpu.offer_keys == [f"{taxonomy['internship'].pk}:{taxonomy['logistics'].pk}"]
    assert Institution.objects.get(acronym="HCI").city == "Hà Nội"
    entry = LogEntry.objects.get(additional_data__action="institutions.directory.imported")
    assert (entry.actor, entry.additional_data["created"], entry.additional_data["updated"]) == (secretariat_user, 4, 0)
    created = LogEntry.objects.get(
        content_type__model="institution", object_pk=str(szpu.pk), action=LogEntry.Action.CREATE
    )
    assert created.actor == secretariat_user


def test_xlsx_import_with_chinese_headers(client, secretariat_user, upload, confirm):
    client.force_login(secretariat_user)
    content = xlsx_bytes(
        [
            ["名称", "本地名称", "国家", "城市", "网站", "行业"],
            [
                "Liuzhou Vocational and Technical College",
                "柳州职业技术学院",
                "中国",
                "柳州",
                "https://www.lzzy.net",
                "物流与供应链",
            ],
            ["Yangon Technological University", "ရန်ကုန်နည်းပညာတက္ကသိုလ်", "Myanmar", "Yangon", None, None],
        ]
    )

    response = upload(content, name="list.xlsx")
    confirm(job_url(response))

    assert dict(Institution.objects.values_list("name", "name_local")) == {
        "Liuzhou Vocational and Technical College": "柳州职业技术学院",
        "Yangon Technological University": "ရန်ကုန်နည်းပညာတက္ကသိုလ်",
    }


def test_preview_classifies_new_update_duplicate_and_errors(client, secretariat_user, upload):
    same_name = InstitutionFactory(name="Royal University of Phnom Penh", country="KH", city="")
    same_domain = InstitutionFactory(
        name="Institute of Technology of Cambodia", website="https://itc.edu.kh", country="KH"
    )
    similar = InstitutionFactory(name="Kampong Speu Institute of Technology", country="KH")
    client.force_login(secretariat_user)
    content = csv_bytes(
        "name,country,city,website,sectors,offers",
        "Brand New Polytechnic,KH,,,,",
        "royal university of phnom penh,Cambodia,Phnom Penh,,,",
        "ITC,KH,,http://www.itc.edu.kh/en/,,",
        "Kampong Speu Inst. of Technology,KH,,,,",
        ",KH,,,,",
        "Atlantis College,Atlantis,,,,",
        "Bad Site College,KH,,http://exa mple,,",
        "Unknown Sector College,KH,,,Basket weaving,",
        "Bad Offer College,KH,,,,internships",
        "Brand New Polytechnic,KH,,,,",
    )

    rows = upload(content).context["preview"]["rows"]

    assert [(r["number"], r["status"]) for r in rows] == [
        (2, "new"),
        (3, "update"),
        (4, "update"),
        (5, "duplicate"),
        (6, "error"),
        (7, "error"),
        (8, "error"),
        (9, "error"),
        (10, "error"),
        (11, "error"),
    ]
    assert (rows[1]["match"], rows[2]["match"]) == (
        {"name": same_name.name, "url": same_name.get_absolute_url()},
        {"name": same_domain.name, "url": same_domain.get_absolute_url()},
    )
    assert [c["name"] for c in rows[3]["candidates"]] == [similar.name]
    assert rows[4]["errors"] == ["name: missing."]
    assert rows[5]["errors"] == ["country: unknown country “Atlantis”."]
    assert rows[6]["errors"] == ["website: “http://exa mple” is not a web address."]
    assert rows[7]["errors"] == ["sectors: unknown sector “Basket weaving”."]
    assert rows[8]["errors"] == ["offers: “internships” should read “cooperation type / sector”."]
    assert rows[9]["errors"] == ["name: the same institution is already on row 2."]
    assert Institution.objects.count() == 3


def test_rows_with_errors_block_the_commit(client, secretariat_user, upload, confirm):
    client.force_login(secretariat_user)
    response = upload(csv_bytes("name,country", "Good College,KH", "Bad College,Atlantis"))

    confirmed = confirm(job_url(response))

    assert Institution.objects.count() == 0
    assert "nothing was imported" in confirmed.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_commit_updates_match_and_follows_duplicate_decisions(client, secretariat_user, taxonomy, upload, confirm):
    rupp = InstitutionFactory(name="Royal University of Phnom Penh", country="KH", city="", description="Kept")
    kamp = InstitutionFactory(name="Kampong Speu Institute of Technology", country="KH", city="")
    batt = InstitutionFactory(name="Battambang Institute of Technology", country="KH", city="")
    siem = InstitutionFactory(name="Siem Reap Polytechnic Institute", country="KH", city="")
    client.force_login(secretariat_user)
    content = csv_bytes(
        "name,country,city,sectors",
        "Royal University of Phnom Penh,KH,Phnom Penh,logistics-supply-chain",
        "Kampong Speu Inst. of Technology,KH,Chbar Mon,",
        "Battambang Inst. of Technology,KH,Battambang,",
        "Siem Reap Polytechnic Inst.,KH,Siem Reap,",
    )
    response = upload(content)

    confirm(job_url(response), {"row-3": "update", "row-4": "create"})  # row 5: skipped by default

    rupp.refresh_from_db()
    kamp.refresh_from_db()
    siem.refresh_from_db()
    assert (rupp.city, rupp.description, list(rupp.sectors.all())) == ("Phnom Penh", "Kept", [taxonomy["logistics"]])
    assert (kamp.name, kamp.city) == ("Kampong Speu Institute of Technology", "Chbar Mon")
    assert Institution.objects.filter(name="Battambang Inst. of Technology").exists()
    assert siem.city == ""
    assert Institution.objects.count() == 5
    assert batt.pk in Institution.objects.values_list("pk", flat=True)


def test_row_failing_at_write_time_writes_nothing(client, secretariat_user, monkeypatch, upload, confirm):
    client.force_login(secretariat_user)
    response = upload(csv_bytes("name,country", "First College,KH", "Second College,KH", "Third College,KH"))
    real_save = Institution.save

    def save(self, *args, **kwargs):
        if self.name == "Third College":
            from django.db import DatabaseError

            raise DatabaseError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Institution, "save", save)

    confirmed = confirm(job_url(response))

    assert Institution.objects.count() == 0
    assert "Row 4 could not be saved (disk full); nothing was imported." in confirmed.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_directory_changed_since_preview_asks_again(client, secretariat_user, upload, confirm):
    client.force_login(secretariat_user)
    response = upload(csv_bytes("name,country", "First College,KH", "Second College,KH"))
    InstitutionFactory(name="Second College", country="KH")  # created by someone else meanwhile

    confirmed = confirm(job_url(response))

    assert Institution.objects.count() == 1
    assert "The directory changed since this preview was made." in confirmed.content.decode()
    assert [r["status"] for r in confirmed.context["preview"]["rows"]] == ["new", "update"]
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_rejects_non_utf8_csv(client, secretariat_user, upload):
    client.force_login(secretariat_user)

    response = upload("name,country\n深圳职业技术大学,CN\n".encode("gb18030"))

    assert response.status_code == 200
    assert "The file is not in UTF-8." in response.content.decode()
    assert Institution.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
        ("list.csv", b"name,country\n" + b"x" * (2 * 1024 * 1024), "The file is larger than 2 MB"),
        ("list.xlsx", b"name,country\nA,KH\n", "The file is not a valid .xlsx workbook."),
        ("list.csv", b"city,country\nPhnom Penh,KH\n", "one of them must be “name” (名称)"),
        ("list.csv", b"", "The submitted file is empty."),
    ],
    ids=["type", "size", "fake-xlsx", "no-name-column", "empty"],
)
def test_rejects_unusable_files_with_message(client, secretariat_user, name, content, message, upload):
    client.force_login(secretariat_user)

    response = upload(content, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Institution.objects.count() == 0


def test_rejects_too_many_rows(client, secretariat_user, monkeypatch, upload):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    client.force_login(secretariat_user)

    response = upload(csv_bytes("name,country", *[f"College {n},KH" for n in range(4)]))

    assert "more than 3 rows" in response.content.decode()


@pytest.mark.parametrize("role", ["institution_admin", "participant", "no_institution"])
def test_import_by_non_secretariat_not_found(client, roles, role, upload):
    client.force_login(roles[role])

    get = client.get(UPLOAD)
    post = upload(csv_bytes("name,country", "College,KH"))

    assert (get.status_code, post.status_code) == (404, 404)
    assert not Institution.objects.filter(name="College").exists()
    assert ImportJob.objects.count() == 0


def test_import_visitor_redirected_to_login(client):
    response = client.get(UPLOAD)

    assert response.url.startswith(reverse("account_login"))


def test_import_job_of_another_person_is_open_to_the_secretariat_only(client, secretariat_user, roles, upload):
    client.force_login(secretariat_user)
    url = job_url(upload(csv_bytes("name,country", "College,KH")))
    other_secretariat = roles["secretariat"]

    client.force_login(roles["institution_admin"])
    by_admin = (client.get(url).status_code, client.post(url).status_code)
    client.force_login(other_secretariat)
    by_secretariat = client.get(url)

    assert by_admin == (404, 404)
    assert by_secretariat.status_code == 200
    assert by_secretariat.context["job"].status == ImportJob.Status.PREVIEWED
    assert not Institution.objects.filter(name="College").exists()


def test_import_job_url_takes_only_a_job_number(client, secretariat_user):
    client.force_login(secretariat_user)

    response = client.get(UPLOAD + "..%2F..%2Fetc%2Fpasswd/")

    assert response.status_code == 404


def test_uploaded_file_is_kept_privately_under_a_random_name_until_done(
    client, secretariat_user, upload, confirm, import_job_storage
):
    client.force_login(secretariat_user)
    response = upload(csv_bytes("name,country", "College,KH"), name="../../secret list.csv")
    job = ImportJob.objects.get()
    stored = job.file.name

    confirm(job_url(response))

    assert stored.startswith("imports/")
    assert "secret" not in stored
    assert stored.endswith(".csv")
    job.refresh_from_db()
    assert (job.status, job.file.name, (import_job_storage / stored).exists()) == (ImportJob.Status.DONE, "", False)


@spreadsheet_corpus
def test_every_malicious_spreadsheet_is_refused_with_a_message_and_writes_nothing(
    client, secretariat_user, upload, import_job_storage, filename, message
):
    client.force_login(secretariat_user)
    content = corpus_file(filename)
    tracemalloc.start()
    try:
        page = upload(content, name=filename)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert page.status_code == 200
    assert message in page.content.decode()
    assert Institution.objects.count() == 0
    assert list(ImportJob.objects.exclude(status=ImportJob.Status.FAILED)) == []
    assert [path for path in import_job_storage.rglob("*") if path.is_file()] == []
    assert peak < 50 * 1024 * 1024


def test_script_in_a_name_is_shown_as_text(client, secretariat_user, upload, confirm):
    client.force_login(secretariat_user)

    page = upload(csv_bytes("name,country", "<script>alert(document.cookie)</script> College,KH"))

    html = page.content.decode()
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt; College" in html
    assert "<script>alert(document.cookie)" not in html


def test_formula_only_in_an_ignored_column_is_no_reason_to_refuse(client, secretariat_user, upload):
    client.force_login(secretariat_user)

    page = upload(csv_bytes("name,country,phone,notes", "College,KH,+855 23 123 456,=1+1"))

    assert page.context["job"].status == ImportJob.Status.PREVIEWED
    assert page.context["preview"]["ignored_headers"] == ["phone", "notes"]


# Leaving out the rows with errors ------------------------------------------------------------

REJECTED_HEADER = "Why this row was not imported"


def rejected_url(page) -> str:
    return reverse("institutions:import_rejected", args=[page.context["job"].pk])


def test_the_rows_without_errors_can_be_imported_leaving_out_the_others(client, secretariat_user, upload, confirm):
    client.force_login(secretariat_user)
    page = upload(csv_bytes("name,country", "Good College,KH", "Bad College,Atlantis", "Other College,TH"))
    html = page.content.decode()

    done = confirm(job_url(page), {"leave_out_errors": "1"})

    assert "1 row has errors and cannot be imported." in html
    assert "2 rows have none." in html
    assert "Import 2 rows, leave out 1" in html
    assert sorted(Institution.objects.values_list("name", flat=True)) == ["Good College", "Other College"]
    assert "Import done: 2 created, 0 updated, 0 skipped." in done.content.decode()
    assert "1 row with errors was left out." in done.content.decode()
    assert (done.context["job"].status, done.context["job"].result["left_out"]) == (ImportJob.Status.DONE, 1)
    assert done.context["rejected_url"] == rejected_url(page)


def test_a_file_of_errors_only_offers_no_import(client, secretariat_user, upload, confirm):
    client.force_login(secretariat_user)
    page = upload(csv_bytes("name,country", "Bad College,Atlantis"))

    confirmed = confirm(job_url(page), {"leave_out_errors": "1"})

    assert 'name="leave_out_errors"' not in page.content.decode()
    assert "Correct the rows with errors" in confirmed.content.decode()
    assert Institution.objects.count() == 0
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_a_chosen_row_failing_at_write_time_writes_none_of_the_others(
    client, secretariat_user, monkeypatch, upload, confirm
):
    client.force_login(secretariat_user)
    page = upload(csv_bytes("name,country", "First College,KH", "Bad College,Atlantis", "Third College,KH"))
    real_save = Institution.save

    def save(self, *args, **kwargs):
        if self.name == "Third College":
            from django.db import DatabaseError

            raise DatabaseError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Institution, "save", save)

    confirmed = confirm(job_url(page), {"leave_out_errors": "1"})

    assert Institution.objects.count() == 0
    assert "Row 4 could not be saved (disk full); nothing was imported." in confirmed.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_the_rows_with_errors_download_as_uploaded_with_their_reasons_and_upload_again(
    client, secretariat_user, upload, confirm
):
    client.force_login(secretariat_user)
    page = upload(
        csv_bytes(
            "name,country,notes",
            "Good College,KH,fine",
            "Bad College,Atlantis,=HYPERLINK(1)",
            "Good College,KH,twice",
        )
    )
    confirm(job_url(page), {"leave_out_errors": "1"})

    response = client.get(rejected_url(page))
    content = b"".join(response.streaming_content)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="rejected-rows-{page.context["job"].pk}.csv"'
    assert content.decode("utf-8-sig").splitlines() == [
        f"name,country,notes,{REJECTED_HEADER}",
        "Bad College,Atlantis,'=HYPERLINK(1),country: unknown country “Atlantis”.",
        "Good College,KH,twice,name: the same institution is already on row 2.",
    ]
    corrected = content.replace(b"Atlantis,", b"Thailand,").replace(b"Good College,KH,twice", b"Best College,KH,x")
    again = upload(corrected)
    assert again.context["preview"]["ignored_headers"] == ["notes"]
    assert [(row["values"]["name"], row["status"]) for row in again.context["preview"]["rows"]] == [
        ("Bad College", "new"),
        ("Best College", "new"),
    ]
    entry = LogEntry.objects.get(additional_data__action="institutions.rejected_rows.downloaded")
    assert (entry.actor, entry.action, entry.additional_data["rows"]) == (secretariat_user, LogEntry.Action.ACCESS, 2)


def test_the_rows_with_errors_of_a_workbook_download_as_a_workbook(client, secretariat_user, upload):
    from openpyxl import load_workbook

    client.force_login(secretariat_user)
    page = upload(
        xlsx_bytes([["名称", "国家", "电话"], ["Good College", "中国", None], ["Bad College", "Atlantis", "+855 12"]]),
        name="list.xlsx",
    )

    response = client.get(rejected_url(page))
    sheet = load_workbook(io.BytesIO(response.content)).active

    assert response["Content-Disposition"].endswith('.xlsx"')
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["名称", "国家", "电话", REJECTED_HEADER],
        ["Bad College", "Atlantis", "'+855 12", "country: unknown country “Atlantis”."],
    ]


def test_the_rows_with_errors_are_for_the_secretariat_only(client, secretariat_user, roles, upload):
    client.force_login(secretariat_user)
    page = upload(csv_bytes("name,country", "Secret College,Atlantis"))
    url = rejected_url(page)
    clean = upload(csv_bytes("name,country", "Good College,KH"))

    client.force_login(roles["institution_admin"])
    by_admin = client.get(url)
    client.force_login(roles["secretariat"])
    by_other_secretariat = client.get(url)
    without_errors = client.get(rejected_url(clean))

    assert by_admin.status_code == 404
    assert "Secret College" in b"".join(by_other_secretariat.streaming_content).decode()
    assert without_errors.status_code == 404
