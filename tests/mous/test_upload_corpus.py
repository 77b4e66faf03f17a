"""Every file of the malicious-input corpus against the MoU document and milestone evidence uploads.

Each file is refused with a clear message and nothing stored or changed, or, when it is in
SAFE_AFTER_CLEANING, stored only once made safe. A file added to tests/malicious/ is tested
here without any change: it must be refused.
"""

import datetime
import html
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.urls import reverse
from PIL import Image

from mous import documents
from mous.admin import MouAdminForm
from mous.documents import check_upload
from mous.models import Milestone, Mou
from tests.factories import MouFactory, MouPartyFactory

pytestmark = pytest.mark.usefixtures("private_storage")


CORPUS_DIR = Path(__file__).resolve().parents[1] / "malicious"
CORPUS = sorted(
    path
    for path in CORPUS_DIR.iterdir()
    if path.is_file() and path.suffix not in {".py", ".md", ".txt"} and not path.name.startswith((".", "_"))
)
# What the corpus holds that is harmless once stored the portal's way: a JPEG whose EXIF
# (with a GPS position) is dropped by re-encoding, and a clean PDF whose name holds a script
# tag and path parts (the stored name is random, the name offered back is cleaned).
SAFE_AFTER_CLEANING = {"upload-exif-gps.jpg", "upload-clean-named-..%2F..%2F<script>alert(1)<%2Fscript>.pdf"}
# Why each known file is refused (a new file may be refused for any reason).
REFUSED_BECAUSE = {
    "upload-polyglot-pdf-html.pdf": "polyglot",
    "upload-polyglot-html-pdf.pdf": "format",
    "upload-javascript.pdf": "active_content",
    "upload-openaction-launch.pdf": "active_content",
    "upload-page-aa-submitform.pdf": "active_content",
    "upload-embedded-file.pdf": "active_content",
    "upload-fileattachment-annotation.pdf": "active_content",
    "upload-encrypted.pdf": "encrypted",
    "upload-truncated.pdf": "format",
    "upload-truncated.jpg": "format",
    "upload-12000x12000.png": "pixels",
    "upload-decompression-bomb.png": "pixels",
    "upload-html-named.pdf": "format",
    "upload-svg-script-named.png": "format",
    "upload-executable-named.pdf": "format",
    "upload-empty.pdf": "empty",
    "upload-png-text-bomb.png": "format",
    "upload-deeply-nested.pdf": "format",
}
REFUSALS = [
    documents.NOT_ACCEPTED,
    documents.ACTIVE_CONTENT,
    documents.POLYGLOT,
    documents.ENCRYPTED,
    documents.TOO_MANY_PIXELS,
    documents.EMPTY,
    documents.TOO_LARGE,
    forms.FileField.default_error_messages["empty"],  # a form's own check comes first for an empty file
]


def corpus_upload(path: Path) -> SimpleUploadedFile:
    """The file as a browser sends it: ``%2F`` in a corpus name stands for ``/``."""
    return SimpleUploadedFile(unquote(path.name), path.read_bytes(), content_type="application/pdf")


def shows_a_refusal(page: str) -> bool:
    text = html.unescape(page)
    return any(str(message).split("%(")[0] in text for message in REFUSALS)


def assert_stored_safely(data: bytes, content_type: str) -> None:
    """The stored bytes pass every check again; a stored image has no metadata left."""
    checked = check_upload(SimpleUploadedFile("stored", data))
    assert checked.content_type == content_type
    if content_type != "application/pdf":
        image = Image.open(BytesIO(data))
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(0x8825) == {}  # no GPS position
        assert b"Exif" not in data
        assert image.size == (240, 320)  # turned upright from its EXIF orientation


def assert_safe_name(name: str) -> None:
    assert re.fullmatch(r"[\w.-]+", name)
    assert "<" not in name
    assert ".." not in name


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_the_corpus_is_there():
    assert {path.name for path in CORPUS} >= set(REFUSED_BECAUSE) | SAFE_AFTER_CLEANING


@pytest.fixture
def mou(roles):
    """An active private MoU between institutions A and B."""
    mou = MouFactory(
        title="Teacher exchange", status=Mou.Status.ACTIVE, is_public=False, signed_on=datetime.date(2025, 1, 10)
    )
    MouPartyFactory(mou=mou, institution=roles.institution_a, position=0)
    MouPartyFactory(mou=mou, institution=roles.institution_b, position=1)
    return mou


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_check_refuses_or_cleans_each_file(path):
    if path.name in SAFE_AFTER_CLEANING:
        checked = check_upload(corpus_upload(path))
        assert_stored_safely(checked.content, checked.content_type)
        assert_safe_name(checked.name)
        return
    with pytest.raises(ValidationError) as error:
        check_upload(corpus_upload(path))
    assert error.value.code == REFUSED_BECAUSE.get(path.name, error.value.code)
    assert shows_a_refusal(" ".join(error.value.messages))


@pytest.mark.django_db
@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_document_upload_refuses_or_cleans_each_file(client, roles, mou, private_storage, path):
    before = (mou.document.name, mou.document_name, mou.document_content_type, mou.history.count())
    client.force_login(roles["secretariat"])

    response = client.post(
        reverse("mous:document_upload", args=[mou.pk]), {"document": corpus_upload(path)}, follow=True
    )

    mou.refresh_from_db()
    if path.name in SAFE_AFTER_CLEANING:
        assert "The signed document was saved." in response.content.decode()
        assert re.fullmatch(r"mous/[0-9a-f]{32}\.(pdf|jpg|png)", mou.document.name)
        assert stored_files(private_storage) == [private_storage / mou.document.name]
        assert_stored_safely((private_storage / mou.document.name).read_bytes(), mou.document_content_type)
        assert_safe_name(mou.document_name)
    else:
        assert shows_a_refusal(response.content.decode())
        assert (mou.document.name, mou.document_name, mou.document_content_type, mou.history.count()) == before
        assert stored_files(private_storage) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_milestone_evidence_refuses_or_cleans_each_file(client, roles, mou, private_storage, path):
    client.force_login(roles["participant"])

    response = client.post(
        reverse("mous:milestone_add", args=[mou.pk]),
        {
            "milestone-title": "First cohort",
            "milestone-status": "planned",
            "milestone-evidence_file": corpus_upload(path),
        },
    )

    if path.name in SAFE_AFTER_CLEANING:
        assert response.status_code == 302
        item = Milestone.objects.get(mou=mou)
        assert re.fullmatch(r"mous/evidence/[0-9a-f]{32}\.(pdf|jpg|png)", item.evidence_file.name)
        assert stored_files(private_storage) == [private_storage / item.evidence_file.name]
        assert_stored_safely((private_storage / item.evidence_file.name).read_bytes(), item.evidence_content_type)
        assert_safe_name(item.evidence_name)
    else:
        assert response.status_code == 200
        errors = list(response.context["form"].errors["evidence_file"])
        assert len(errors) >= 1
        assert all(html.escape(error) in response.content.decode() for error in errors)
        assert Milestone.objects.count() == 0
        assert stored_files(private_storage) == []


# --- the same files through the Django admin --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_admin_evidence_upload_refuses_or_cleans_each_file(rf, admin_user, mou, private_storage, path):
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site._registry[Milestone].get_form(request)
    data = {"mou": mou.pk, "kind": "milestone", "title": "First cohort", "status": "planned"}

    form = form_class(data, {"evidence_file": corpus_upload(path)})

    if path.name in SAFE_AFTER_CLEANING:
        assert form.errors == {}
        item = form.save()
        assert re.fullmatch(r"mous/evidence/[0-9a-f]{32}\.(pdf|jpg|png)", item.evidence_file.name)
        assert_stored_safely((private_storage / item.evidence_file.name).read_bytes(), item.evidence_content_type)
        assert_safe_name(item.evidence_name)
    else:
        assert list(form.errors) == ["evidence_file"]
        assert shows_a_refusal(" ".join(form.errors["evidence_file"]))
        assert Milestone.objects.count() == 0
        assert stored_files(private_storage) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_admin_document_upload_refuses_or_cleans_each_file(mou, private_storage, path):
    assert admin.site._registry[Mou].form is MouAdminForm
    form_class = modelform_factory(Mou, form=MouAdminForm, fields=["document"])

    form = form_class({}, {"document": corpus_upload(path)}, instance=mou)

    if path.name in SAFE_AFTER_CLEANING:
        assert form.errors == {}
        form.save()
        mou.refresh_from_db()
        assert re.fullmatch(r"mous/[0-9a-f]{32}\.(pdf|jpg|png)", mou.document.name)
        assert_stored_safely((private_storage / mou.document.name).read_bytes(), mou.document_content_type)
        assert_safe_name(mou.document_name)
    else:
        assert list(form.errors) == ["document"]
        mou.refresh_from_db()
        assert (mou.document.name, mou.document_name) == ("", "")
        assert stored_files(private_storage) == []
