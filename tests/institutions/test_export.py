import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.downloads import neutralise_formula
from institutions.models import Institution
from tests.factories import (
    CooperationTypeFactory,
    InstitutionFactory,
    MembershipFactory,
    OfferFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CSV_URL = reverse("institutions:export_csv")
XLSX_URL = reverse("institutions:export_xlsx")


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(verified_email=True))
    return client


@pytest.fixture
def institutions():
    sector = SectorFactory(name="Railway")
    shenzhen = InstitutionFactory(
        name="Shenzhen Polytechnic University",
        name_local="深圳职业技术大学",
        acronym="SZPU",
        country="CN",
        city="Shenzhen",
        website="https://www.szpu.edu.cn",
        languages=["zh", "en"],
        contact_email="international@szpu.example.org",
        verification_status=Institution.Verification.VERIFIED,
    )
    shenzhen.sectors.add(sector)
    OfferFactory(institution=shenzhen, sector=sector, cooperation_type=CooperationTypeFactory(name="Teacher training"))
    MembershipFactory(institution=shenzhen, user=UserFactory(email="dean@szpu.example.org", display_name="Dean Wu"))
    InstitutionFactory(name='=HYPERLINK("http://evil.example")', country="KH", city="-Takeo")
    InstitutionFactory(name="Rejected College", country="CN", verification_status=Institution.Verification.REJECTED)
    return shenzhen


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_export_requires_sign_in(client, institutions):
    for url in (CSV_URL, XLSX_URL):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_csv_export_has_public_fields_only(signed_in, institutions):
    response = signed_in.get(CSV_URL, {"country": "CN"})
    rows = read_csv(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert rows[0][:3] == ["Name (English)", "Name in local script", "Acronym"]
    assert rows[1] == [
        "Shenzhen Polytechnic University",
        "深圳职业技术大学",
        "SZPU",
        "vocational college",
        "China",
        "",
        "Shenzhen",
        "https://www.szpu.edu.cn",
        "Railway",
        "Teacher training (Railway)",
        "",
        "Chinese, English",
        "verified",
        f"http://testserver{institutions.get_absolute_url()}",
    ]
    assert len(rows) == 2  # the rejected one is left out
    text = str(rows)
    assert "szpu.example.org" not in text
    assert "Dean Wu" not in text


def test_csv_export_neutralises_formulas(signed_in, institutions):
    rows = read_csv(signed_in.get(CSV_URL, {"country": "KH"}))

    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][6] == "'-Takeo"


def test_csv_export_follows_the_text_search(signed_in, institutions):
    rows = read_csv(signed_in.get(CSV_URL, {"q": "深圳"}))

    assert [row[0] for row in rows[1:]] == ["Shenzhen Polytechnic University"]


def test_xlsx_export_has_the_filtered_rows(signed_in, institutions):
    response = signed_in.get(XLSX_URL, {"country": "CHINA"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert rows[0][0] == "Name (English)"
    assert [row[:2] for row in rows[1:]] == [["Shenzhen Polytechnic University", "深圳职业技术大学"]]


def test_xlsx_export_neutralises_formulas(signed_in, institutions):
    response = signed_in.get(XLSX_URL, {"country": "KH"})
    sheet = load_workbook(io.BytesIO(response.content)).active

    assert sheet["A2"].value == '\'=HYPERLINK("http://evil.example")'
    assert sheet["A2"].data_type == "s"


def test_export_headers_are_translated(client, institutions):
    client.force_login(UserFactory(verified_email=True, preferred_language="zh-hans"))

    rows = read_csv(client.get(CSV_URL))

    assert rows[0][4] == "国家"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+86 20", "'+86 20"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("Plain", "Plain")],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected
