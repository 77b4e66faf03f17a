"""Signed MoU documents: upload checked by content, private download, milestone evidence, summary PDF."""

import importlib
import re
import shutil
import subprocess
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, TextStringObject

from mous.documents import check_upload, validate_upload
from mous.models import Milestone, Mou
from tests.factories import InstitutionFactory, MilestoneFactory, MouFactory, MouPartyFactory

pytestmark = pytest.mark.usefixtures("private_storage")


PROJECT_DIR = Path(__file__).resolve().parents[2]


def pdf_bytes() -> bytes:
    """A real one-page PDF, as a PDF writer makes it."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


PDF_BYTES = pdf_bytes()


def png_bytes() -> bytes:
    output = BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


def jpeg_bytes() -> bytes:
    output = BytesIO()
    Image.new("RGB", (20, 10), (20, 30, 200)).save(output, format="JPEG")
    return output.getvalue()


def upload(data: bytes, name: str = "signed.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def with_document(mou: Mou, data: bytes = PDF_BYTES, name: str = "Signed MoU.pdf", content_type="application/pdf"):
    mou.document.save("stored.pdf", ContentFile(data), save=False)
    mou.document_name = name
    mou.document_content_type = content_type
    mou.save()
    return mou


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


# --- validate_upload ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [(PDF_BYTES, "application/pdf", "pdf"), (None, "image/png", "png"), (b"jpeg", "image/jpeg", "jpg")],
)
def test_accepts_pdf_png_and_jpeg_by_content(data, content_type, extension):
    data = {None: png_bytes(), b"jpeg": jpeg_bytes()}.get(data, data)
    # The name says otherwise: only the content counts, and the name gets the real extension.
    assert validate_upload(upload(data, name="../../scan.DOCX")) == (content_type, f"scan.{extension}")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200, "contract.pdf"),  # a Windows executable renamed
        (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "scan.png"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "signed.pdf"),
        (b"%PDF-1.4\nno end marker, cut off in the middle", "truncated.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "broken.png"),
    ],
)
def test_refuses_what_is_not_an_intact_pdf_or_image(data, name):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(data, name=name))
    assert error.value.messages == [
        "Upload a PDF, JPEG or PNG file. The file you chose is not one of those, or it is damaged."
    ]


def test_refuses_empty_and_oversized_files(settings):
    settings.MOU_DOCUMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="empty"):
        validate_upload(upload(b""))
    with pytest.raises(ValidationError, match="too large"):
        validate_upload(upload(PDF_BYTES + b"\n" * 1000))


def test_safe_name_keeps_local_scripts_and_drops_paths_and_controls():
    _type, name = validate_upload(upload(PDF_BYTES, name="C:\\Users\\x\\合作备忘录\x00 <final>.pdf"))
    assert name == "合作备忘录_final.pdf"
    assert validate_upload(upload(PDF_BYTES, name="...."))[1] == "document.pdf"


# --- active PDF content, polyglots, images ----------------------------------------------------


def pdf_with(change) -> bytes:
    """A one-page PDF after ``change(writer)`` added something to it."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    change(writer)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    action.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return action


def _set(target: str, key: str, value):
    def change(writer):
        obj = writer._root_object if target == "root" else writer.pages[0]
        obj[NameObject(key)] = value(writer) if callable(value) else value

    return change


ACTIVE_PDFS = {
    "javascript-open-action": _set("root", "/OpenAction", _action("/JavaScript", JS=TextStringObject("app.alert(1)"))),
    "launch-indirect": _set("root", "/OpenAction", lambda writer: writer._add_object(_action("/Launch"))),
    "page-open-import-data": _set(
        "page", "/AA", DictionaryObject({NameObject("/O"): _action("/ImportData", F=TextStringObject("x.fdf"))})
    ),
    "uri-javascript": _set(
        "page", "/Annots", ArrayObject([_action("/URI", URI=TextStringObject(" JavaScript:alert(1)"))])
    ),
    "xfa-form": _set(
        "root", "/AcroForm", DictionaryObject({NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): ArrayObject()})
    ),
    "rich-media": _set(
        "page", "/Annots", ArrayObject([DictionaryObject({NameObject("/Subtype"): NameObject("/RichMedia")})])
    ),
    # An object nothing refers to: viewers skip it, the check does not.
    "unreachable-script": lambda writer: writer._add_object(_action("/JavaScript", JS=TextStringObject("x"))),
}


@pytest.mark.parametrize("change", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_refuses_pdfs_with_active_content(change):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(pdf_with(change)))
    assert error.value.code == "active_content"
    assert error.value.messages[0].startswith("The PDF contains active content")


def test_refuses_active_content_behind_an_escaped_name():
    # /J#53 is the name /JS written with a hex escape: it is read as /JS.
    data = pdf_with(ACTIVE_PDFS["unreachable-script"]).replace(b"/JS ", b"/J#53 ")
    assert b"/J#53" in data
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(data))
    assert error.value.code == "active_content"


def test_pdf_protected_only_against_editing_is_checked_and_accepted():
    def protect(writer):
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")

    assert validate_upload(upload(pdf_with(protect), name="signed.pdf")) == ("application/pdf", "signed.pdf")


def test_pdf_needing_a_password_is_refused():
    def protect(writer):
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")

    with pytest.raises(ValidationError) as error:
        validate_upload(upload(pdf_with(protect)))
    assert error.value.messages == [
        "The PDF is protected by a password, so it cannot be checked. Remove the password and upload it again."
    ]


def _page_text(text: bytes, padding: int = 6000):
    def change(writer):
        stream = StreamObject()
        stream.set_data(b" " * padding + b"BT /F1 12 Tf (" + text + b") Tj ET" + b" " * padding)
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)

    return change


def test_tags_inside_stream_data_are_content_not_a_polyglot():
    # Page text that quotes a tag, far from both ends of the file: compressed or not, stream
    # data is not what a browser would sniff.
    data = pdf_with(_page_text(b"an <svg> or <html> element"))
    assert validate_upload(upload(data))[0] == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [
        pdf_with(_page_text(b"<script>", padding=10)),  # near the start: checked whole
        # In a comment between two objects, far from both ends of the file.
        PDF_BYTES.replace(b"endobj\n", b"endobj\n%" + b" " * 5000 + b"<iframe src=x>\n%" + b" " * 5000 + b"\n", 1),
    ],
    ids=["near-the-start", "outside-streams"],
)
def test_refuses_pdf_html_polyglots(data):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(data))
    assert error.value.code == "polyglot"


def test_refuses_images_over_the_pixel_limit_before_decoding(settings, monkeypatch):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    output = BytesIO()
    Image.new("RGB", (2000, 1000), (200, 30, 30)).save(output, format="PNG")
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("decoded"))

    with pytest.raises(ValidationError) as error:
        validate_upload(upload(output.getvalue(), name="scan.png"))

    assert error.value.messages == [
        "The image is too large: upload an image of at most 1.0 megapixels, for example a scan at 300 dpi."
    ]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_refuses_truncated_images(fmt):
    output = BytesIO()
    Image.effect_noise((300, 300), 50).convert("RGB").save(output, format=fmt)
    data = output.getvalue()
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(data[: len(data) * 2 // 3], name=f"scan.{fmt.lower()}"))
    assert error.value.code == "format"


def test_png_text_and_jpeg_exif_are_dropped_and_transparency_kept():
    info = PngInfo()
    info.add_text("Author", "Sok Dara, +855 12 345 678")
    output = BytesIO()
    Image.new("RGBA", (20, 10), (200, 30, 30, 128)).save(output, format="PNG", pnginfo=info)

    checked = check_upload(upload(output.getvalue(), name="stamp.png"))

    with Image.open(BytesIO(checked.content)) as image:
        assert (image.mode, image.size, image.getpixel((0, 0))) == ("RGBA", (20, 10), (200, 30, 30, 128))
        assert image.text == {}
    assert b"Sok Dara" not in checked.content


def test_a_hostile_name_is_never_used_as_is():
    file = upload(PDF_BYTES)
    file.__dict__["_name"] = "../../<script>alert(1)</script>\r\n.pdf"  # as if no layer had cleaned it
    assert check_upload(file).name == "script.pdf"


def test_limit_setting_is_read_from_the_environment_and_documented():
    settings_text = (PROJECT_DIR / "portal" / "settings.py").read_text()
    assert 'env.int("MOU_DOCUMENT_MAX_BYTES"' in settings_text
    assert re.search(r"^#MOU_DOCUMENT_MAX_BYTES=", (PROJECT_DIR / ".env.example").read_text(), re.MULTILINE)


# --- upload view -----------------------------------------------------------------------------


def test_secretariat_uploads_a_pdf_stored_under_a_generated_name(client, roles, mou, private_storage):
    client.force_login(roles["secretariat"])
    response = client.post(
        reverse("mous:document_upload", args=[mou.pk]), {"document": upload(PDF_BYTES, name="ບົດບັນທຶກ MoU.pdf")}
    )
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.document_name == "ບົດບັນທຶກ_MoU.pdf"
    assert mou.document_content_type == "application/pdf"
    assert re.fullmatch(r"mous/[0-9a-f]{32}\.pdf", mou.document.name)
    assert (private_storage / mou.document.name).read_bytes() == PDF_BYTES


def test_replacing_removes_the_old_file(client, roles, mou, private_storage, django_capture_on_commit_callbacks):
    client.force_login(roles["secretariat"])
    url = reverse("mous:document_upload", args=[mou.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"document": upload(PDF_BYTES)})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"document": upload(png_bytes(), name="scan.png")})
    mou.refresh_from_db()
    assert mou.document_content_type == "image/png"
    assert stored_files(private_storage) == [private_storage / mou.document.name]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\0" * 100, "contract.pdf", "Upload a PDF, JPEG or PNG file"),
        (b"<html><body>hello</body></html>", "signed.pdf", "Upload a PDF, JPEG or PNG file"),
        (b"", "empty.pdf", "The file is empty."),
        (PDF_BYTES + b" " * 2000, "big.pdf", "The file is too large: upload a file of at most"),
    ],
)
def test_failed_upload_changes_nothing_and_says_why(client, roles, mou, private_storage, settings, data, name, message):
    settings.MOU_DOCUMENT_MAX_BYTES = 1024
    with_document(mou)
    before = (mou.document.name, mou.document_name, mou.document_content_type, mou.history.count())
    client.force_login(roles["secretariat"])

    response = client.post(
        reverse("mous:document_upload", args=[mou.pk]), {"document": upload(data, name=name)}, follow=True
    )

    assert message in response.content.decode()
    mou.refresh_from_db()
    assert (mou.document.name, mou.document_name, mou.document_content_type, mou.history.count()) == before
    assert stored_files(private_storage) == [private_storage / mou.document.name]


def test_failed_htmx_upload_shows_the_message_in_the_panel(client, roles, mou, private_storage):
    client.force_login(roles["secretariat"])
    response = client.post(
        reverse("mous:document_upload", args=[mou.pk]),
        {"document": upload(b"MZ" + b"\0" * 50)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="mou-documents"' in response.content.decode()
    assert "Upload a PDF, JPEG or PNG file" in response.content.decode()
    mou.refresh_from_db()
    assert not mou.document


def test_proposing_admin_may_upload_to_their_draft_only(client, roles, mou, private_storage):
    url = reverse("mous:document_upload", args=[mou.pk])
    client.force_login(roles["institution_admin"])
    # A signed MoU: only the secretariat.
    assert client.post(url, {"document": upload(PDF_BYTES)}).status_code == 404
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.DRAFT, signed_on=None, proposed_by=roles.institution_a)
    assert client.post(url, {"document": upload(PDF_BYTES)}).status_code == 302
    mou = Mou.objects.get(pk=mou.pk)
    assert mou.document_content_type == "application/pdf"


@pytest.mark.parametrize("role", ["participant", "other_admin", "no_institution"])
def test_others_may_not_upload(client, roles, mou, private_storage, role):
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.DRAFT, signed_on=None, proposed_by=roles.institution_a)
    client.force_login(roles[role])
    response = client.post(reverse("mous:document_upload", args=[mou.pk]), {"document": upload(PDF_BYTES)})
    assert response.status_code == 404
    mou.refresh_from_db()
    assert not mou.document


def test_secretariat_toggles_document_visibility(client, roles, mou, private_storage):
    with_document(mou)
    url = reverse("mous:document_visibility", args=[mou.pk])
    client.force_login(roles["institution_admin"])
    assert client.post(url, {"document_is_public": "1"}).status_code == 404
    client.force_login(roles["secretariat"])
    client.post(url, {"document_is_public": "1"})
    mou.refresh_from_db()
    assert mou.document_is_public
    client.post(url, {"document_is_public": "0"})
    mou.refresh_from_db()
    assert not mou.document_is_public


# --- downloads -------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("participant", 200), ("secretariat", 200), ("other_member", 404)])
def test_document_download_by_role(client, roles, private_storage, role, status):
    mou = MouFactory()
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=InstitutionFactory())
    with_document(mou)
    client.force_login(roles[role])
    response = client.get(reverse("mous:document", args=[mou.pk]))
    assert response.status_code == status
    b"".join(getattr(response, "streaming_content", []))  # reads and closes the file


def test_visitor_downloads_only_public_documents_of_public_mous(client, mou, private_storage):
    with_document(mou)
    url = reverse("mous:document", args=[mou.pk])
    assert client.get(url).status_code == 404
    Mou.objects.filter(pk=mou.pk).update(is_public=True)
    assert client.get(url).status_code == 404
    Mou.objects.filter(pk=mou.pk).update(document_is_public=True)
    response = client.get(url)
    assert response.status_code == 200
    b"".join(getattr(response, "streaming_content", []))  # reads and closes the file
    Mou.objects.filter(pk=mou.pk).update(is_public=False)
    assert client.get(url).status_code == 404


def test_no_document_is_404(client, roles, mou, private_storage):
    client.force_login(roles["secretariat"])
    assert client.get(reverse("mous:document", args=[mou.pk])).status_code == 404


def test_download_headers(client, roles, mou, private_storage):
    with_document(mou, name="ສັນຍາ 合作.pdf")
    client.force_login(roles["participant"])
    response = client.get(reverse("mous:document", args=[mou.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E0%BA%AA" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_evidence_download_for_parties_and_secretariat_only(client, roles, mou, private_storage):
    milestone = MilestoneFactory(mou=mou)
    milestone.evidence_file.save("evidence.png", ContentFile(png_bytes()))
    url = reverse("mous:milestone_evidence", args=[mou.pk, milestone.pk])
    Mou.objects.filter(pk=mou.pk).update(is_public=True, document_is_public=True)

    for role, status in [("participant", 200), ("other_member", 200), ("secretariat", 200), ("no_institution", 404)]:
        client.force_login(roles[role])
        response = client.get(url)
        assert response.status_code == status, role
        if status == 200:
            assert response["Content-Type"] == "image/png"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith("attachment;")
        b"".join(getattr(response, "streaming_content", []))  # reads and closes the file
    client.logout()
    assert client.get(url).status_code == 404


def test_evidence_of_another_mou_or_missing_file_is_404(client, roles, mou, private_storage):
    other = MilestoneFactory()
    other.evidence_file.save("evidence.pdf", ContentFile(PDF_BYTES))
    without_file = MilestoneFactory(mou=mou)
    client.force_login(roles["secretariat"])
    assert client.get(reverse("mous:milestone_evidence", args=[mou.pk, other.pk])).status_code == 404
    assert client.get(reverse("mous:milestone_evidence", args=[mou.pk, without_file.pk])).status_code == 404


# --- the panel on the MoU page --------------------------------------------------------------


def test_panel_offers_download_upload_and_summary_by_role(client, roles, mou, private_storage):
    with_document(mou)
    page = reverse("mous:detail", args=[mou.pk])
    client.force_login(roles["secretariat"])
    html = client.get(page).content.decode()
    assert reverse("mous:document", args=[mou.pk]) in html
    assert reverse("mous:document_upload", args=[mou.pk]) in html
    assert reverse("mous:document_visibility", args=[mou.pk]) in html
    assert reverse("mous:summary_pdf", args=[mou.pk]) in html

    client.force_login(roles["participant"])
    html = client.get(page).content.decode()
    assert reverse("mous:document", args=[mou.pk]) in html
    assert reverse("mous:document_upload", args=[mou.pk]) not in html
    assert reverse("mous:summary_pdf", args=[mou.pk]) in html

    Mou.objects.filter(pk=mou.pk).update(is_public=True)
    client.logout()
    html = client.get(page).content.decode()
    assert reverse("mous:document", args=[mou.pk]) not in html
    assert reverse("mous:summary_pdf", args=[mou.pk]) in html


# --- summary PDF -----------------------------------------------------------------------------


@pytest.fixture
def multilingual_mou(roles):
    mou = MouFactory(title="Mekong skills partnership", reference="MOU-2026-007", summary="Exchange of trainers.")
    for name, local, country in [
        ("Liuzhou Vocational College", "柳州职业技术学院", "CN"),
        ("Chiang Mai Technical College", "วิทยาลัยเทคนิคเชียงใหม่", "TH"),
        ("Battambang Institute of Technology", "វិទ្យាស្ថានបច្ចេកវិទ្យាបាត់ដំបង", "KH"),
    ]:
        MouPartyFactory(mou=mou, institution=InstitutionFactory(name=name, name_local=local, country=country))
    MouPartyFactory(mou=mou, institution=roles.institution_a, signatory_name="Sok Dara")
    MilestoneFactory(mou=mou, title="First trainer exchange")
    return mou


def test_summary_pdf_builds_with_local_scripts(client, roles, multilingual_mou, settings):
    settings.SITE_URL = "https://portal.example.org"
    client.force_login(roles["participant"])
    response = client.get(reverse("mous:summary_pdf", args=[multilingual_mou.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-")
    base_fonts = set(re.findall(rb"/BaseFont /(?:[A-Z]{6}\+)?(\w+)", body))
    assert {b"NotoSans", b"NotoSansThai", b"NotoSansKhmer"} <= base_fonts
    assert any(name.startswith(b"NotoSansCJK") for name in base_fonts)
    assert f"https://portal.example.org/mous/{multilingual_mou.pk}/".encode() in body  # the link annotation


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_summary_pdf_text(client, roles, multilingual_mou, settings, tmp_path):
    settings.SITE_URL = "https://portal.example.org"
    client.force_login(roles["secretariat"])
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(client.get(reverse("mous:summary_pdf", args=[multilingual_mou.pk])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "Mekong skills partnership" in text
    assert "MOU-2026-007" in text
    assert "柳州职业技术学院" in text
    assert "เชียงใหม่" in text or "เทคนิค" in text
    assert "បាត់ដំបង" in text or "វិទ្យាស្ថាន" in text
    assert "Sok Dara" in text
    assert "First trainer exchange" in text
    assert f"https://portal.example.org/mous/{multilingual_mou.pk}/" in text


def test_summary_pdf_of_a_private_mou_is_404_to_outsiders(client, roles, mou):
    url = reverse("mous:summary_pdf", args=[mou.pk])
    assert client.get(url).status_code == 404
    client.force_login(roles["no_institution"])
    assert client.get(url).status_code == 404
    client.force_login(roles["other_member"])
    assert client.get(url).status_code == 200


def test_summary_qr_code_encodes_the_verification_url(roles, multilingual_mou, settings, monkeypatch):
    import mous.pdf

    settings.SITE_URL = "https://portal.example.org"
    encoded = []
    real_qr_svg = mous.pdf.qr_svg
    monkeypatch.setattr(mous.pdf, "qr_svg", lambda payload: encoded.append(payload) or real_qr_svg(payload))

    assert mous.pdf.summary_pdf(multilingual_mou).startswith(b"%PDF-")
    assert encoded == [f"https://portal.example.org/mous/{multilingual_mou.pk}/"]


def test_htmx_upload_and_visibility_answer_with_the_panel(client, roles, mou):
    client.force_login(roles["secretariat"])
    response = client.post(
        reverse("mous:document_upload", args=[mou.pk]),
        {"document": upload(jpeg_bytes(), name="scan.jpeg")},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="mou-documents"' in html
    assert reverse("mous:document", args=[mou.pk]) in html
    assert "scan.jpg" in html

    response = client.post(
        reverse("mous:document_visibility", args=[mou.pk]), {"document_is_public": "1"}, headers={"HX-Request": "true"}
    )
    assert "Restrict to the parties" in response.content.decode()
    mou.refresh_from_db()
    assert mou.document_is_public
    assert mou.document_content_type == "image/jpeg"


def test_proposing_admin_sees_the_upload_form_on_their_draft(client, roles, mou):
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.DRAFT, signed_on=None, proposed_by=roles.institution_a)
    client.force_login(roles["institution_admin"])
    html = client.get(reverse("mous:detail", args=[mou.pk])).content.decode()
    assert reverse("mous:document_upload", args=[mou.pk]) in html
    assert reverse("mous:document_visibility", args=[mou.pk]) not in html
    client.force_login(roles["other_admin"])
    html = client.get(reverse("mous:detail", args=[mou.pk])).content.decode()
    assert reverse("mous:document_upload", args=[mou.pk]) not in html


# --- milestone evidence: random name on disk, original name on download ------------------------


def test_evidence_is_stored_under_a_random_name_and_downloaded_under_its_own(client, roles, private_storage):
    mou = MouFactory(status=Mou.Status.ACTIVE)
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    client.force_login(roles["participant"])

    client.post(
        reverse("mous:milestone_add", args=[mou.pk]),
        {
            "milestone-title": "First cohort",
            "milestone-status": "planned",
            "milestone-evidence_file": upload(PDF_BYTES, name="Attendance list 柬埔寨.pdf"),
        },
    )

    item = Milestone.objects.get(mou=mou)
    assert re.fullmatch(r"mous/evidence/[0-9a-f]{32}\.pdf", item.evidence_file.name)
    assert (item.evidence_name, item.evidence_content_type) == ("Attendance_list_柬埔寨.pdf", "application/pdf")
    assert stored_files(private_storage) == [private_storage / item.evidence_file.name]
    response = client.get(reverse("mous:milestone_evidence", args=[mou.pk, item.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''Attendance_list_%E6%9F%AC" in response["Content-Disposition"]


@pytest.fixture
def item_with_evidence(roles):
    mou = MouFactory(status=Mou.Status.ACTIVE)
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    item = MilestoneFactory(mou=mou, evidence_name="plan.pdf", evidence_content_type="application/pdf")
    item.evidence_file.save("0123.pdf", ContentFile(PDF_BYTES))
    return item


def test_clearing_the_evidence_file_forgets_it(
    client, roles, item_with_evidence, private_storage, django_capture_on_commit_callbacks
):
    item = item_with_evidence
    client.force_login(roles["participant"])
    prefix = f"edit{item.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("mous:milestone_edit", args=[item.mou.pk, item.pk]),
            {f"{prefix}-title": item.title, f"{prefix}-status": "planned", f"{prefix}-evidence_file-clear": "on"},
        )

    item.refresh_from_db()
    assert (item.evidence_file.name, item.evidence_name, item.evidence_content_type) == ("", "", "")
    assert stored_files(private_storage) == []


def test_replacing_the_evidence_file_removes_the_old_one(
    client, roles, item_with_evidence, private_storage, django_capture_on_commit_callbacks
):
    item = item_with_evidence
    client.force_login(roles["participant"])
    prefix = f"edit{item.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("mous:milestone_edit", args=[item.mou.pk, item.pk]),
            {
                f"{prefix}-title": item.title,
                f"{prefix}-status": "planned",
                f"{prefix}-evidence_file": upload(png_bytes(), name="photo.png"),
            },
        )

    item.refresh_from_db()
    assert (item.evidence_name, item.evidence_content_type) == ("photo.png", "image/png")
    assert stored_files(private_storage) == [private_storage / item.evidence_file.name]


def test_evidence_stored_before_its_name_was_kept_is_named_from_its_content(client, roles, mou, private_storage):
    item = MilestoneFactory(mou=mou)
    item.evidence_file.save("legacy.png", ContentFile(png_bytes()))
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:milestone_evidence", args=[mou.pk, item.pk]))

    b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="evidence-{item.pk}.png"'


def test_migration_moves_existing_evidence_to_a_random_name(db, private_storage):
    from django.apps import apps

    migration = importlib.import_module("mous.migrations.0004_milestone_evidence_name_and_type")
    item = MilestoneFactory()
    item.evidence_file.save("Attendance list.pdf", ContentFile(PDF_BYTES))
    missing = MilestoneFactory(evidence_file="mous/evidence/gone.pdf")

    migration.store_evidence_under_random_names(apps, None)

    item.refresh_from_db()
    assert re.fullmatch(r"mous/evidence/[0-9a-f]{32}\.pdf", item.evidence_file.name)
    assert (item.evidence_name, item.evidence_content_type) == ("Attendance_list.pdf", "application/pdf")
    assert stored_files(private_storage) == [private_storage / item.evidence_file.name]
    assert (private_storage / item.evidence_file.name).read_bytes() == PDF_BYTES
    missing.refresh_from_db()
    assert (missing.evidence_file.name, missing.evidence_name) == ("mous/evidence/gone.pdf", "")


def test_pdf_checks_take_linear_time_on_hostile_structure():
    # A PDF of unterminated streams: looking for each stream's end must not restart from each one.
    data = b"%PDF-1.4\n" + b"<< >>stream\n" * 200_000 + b"\n%%EOF\n"
    started = time.monotonic()
    with pytest.raises(ValidationError):
        validate_upload(upload(data))
    assert time.monotonic() - started < 5
