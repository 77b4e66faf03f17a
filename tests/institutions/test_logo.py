"""Logo uploads: only real, reasonable images are kept, and only as clean re-encoded copies."""

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

from institutions.admin import InstitutionAdminForm
from institutions.images import (
    BROKEN,
    MAX_LOGO_BYTES,
    NOT_AN_IMAGE,
    STORED_LOGO_SIZE,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    logo_from_upload,
)
from institutions.models import Institution
from tests.institutions.test_profile_edit import profile_data

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "PNG", size=(64, 48), mode: str = "RGB", **save_kwargs) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, color="teal" if mode == "RGB" else None).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(content) -> Image.Image:
    content.seek(0)
    image = Image.open(BytesIO(content.read()))
    image.load()
    return image


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGB"), ("PNG", "RGBA"), ("JPEG", "RGB"), ("WEBP", "RGB"), ("GIF", "P")]
)
def test_accepted_formats_are_stored_as_webp_under_a_random_name(fmt, mode):
    result = logo_from_upload(upload(image_bytes(fmt, mode=mode), name=f"my logo.{fmt.lower()}"))

    image = stored(result)
    assert result.name.endswith(".webp")
    assert "my logo" not in result.name
    assert (image.format, image.size) == ("WEBP", (64, 48))


def test_two_uploads_get_different_names():
    first = logo_from_upload(upload(image_bytes()))
    second = logo_from_upload(upload(image_bytes()))

    assert first.name != second.name


def test_large_images_are_scaled_down_keeping_their_shape():
    result = logo_from_upload(upload(image_bytes(size=(2000, 1000))))

    assert stored(result).size == (STORED_LOGO_SIZE, STORED_LOGO_SIZE // 2)


def test_exif_orientation_is_applied_and_metadata_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    exif[0x010F] = "Camera maker"
    data = image_bytes("JPEG", size=(80, 40), exif=exif.tobytes())

    result = stored(logo_from_upload(upload(data, "photo.jpg", "image/jpeg")))

    assert result.size == (40, 80)
    assert not result.getexif()


def test_transparency_is_kept():
    result = stored(logo_from_upload(upload(image_bytes(mode="RGBA"))))

    assert result.mode == "RGBA"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "logo.pdf"),
        (b"just some text pretending to be an image", "logo.png"),
        (image_bytes("BMP"), "logo.bmp"),
    ],
    ids=["svg", "pdf", "text-renamed-png", "bmp"],
)
def test_other_files_are_rejected_with_a_clear_message(data, name):
    with pytest.raises(ValidationError) as error:
        logo_from_upload(upload(data, name))

    assert error.value.messages == ["Upload a PNG, JPEG, WebP or GIF image. The file you chose is not one of those."]


def test_truncated_image_is_rejected():
    data = image_bytes("PNG", size=(300, 300))

    with pytest.raises(ValidationError) as error:
        logo_from_upload(upload(data[: len(data) // 2]))

    assert error.value.code in {"broken", "format"}


def test_huge_dimensions_are_rejected_before_decoding():
    # A tiny file that claims 5000 × 5000 pixels: refused from its header alone.
    data = image_bytes("PNG", size=(5000, 5000), mode="1", optimize=True)

    with pytest.raises(ValidationError) as error:
        logo_from_upload(upload(data))

    assert len(data) < MAX_LOGO_BYTES
    assert error.value.code == "dimensions"


def test_files_over_two_megabytes_are_rejected():
    data = image_bytes() + b"\0" * MAX_LOGO_BYTES

    with pytest.raises(ValidationError) as error:
        logo_from_upload(upload(data))

    assert error.value.messages == ["The logo is too large: upload an image of at most 2 MB."]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_admin_uploads_and_removes_a_logo(client, roles, media):
    institution = roles.institution_a
    client.force_login(roles["institution_admin"])
    url = reverse("institutions:edit", args=[institution.slug])

    client.post(url, {**profile_data(institution), "logo": upload(image_bytes())})
    institution.refresh_from_db()
    stored_name = institution.logo.name
    page = client.get(institution.get_absolute_url()).content.decode()

    assert stored_name.startswith("institutions/logos/")
    assert stored_name.endswith(".webp")
    assert (media / stored_name).exists()
    assert institution.logo.url in page

    client.post(url, {**profile_data(institution), "remove_logo": "on"})
    institution.refresh_from_db()

    assert not institution.logo


def test_a_bad_logo_stops_the_whole_save(client, roles, media):
    institution = roles.institution_a
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:edit", args=[institution.slug]),
        {**profile_data(institution, description="Changed"), "logo": upload(b"<svg/>", "logo.svg")},
    )

    assert "Upload a PNG, JPEG, WebP or GIF image." in response.content.decode()
    institution.refresh_from_db()
    assert (institution.description, institution.logo.name) == ("", "")
    assert list(media.rglob("*.*")) == []


# --- the malicious-input corpus ----------------------------------------------------------------

CORPUS_DIR = Path(__file__).resolve().parents[1] / "malicious"
CORPUS = sorted(
    path
    for path in CORPUS_DIR.iterdir()
    if path.is_file() and path.suffix not in {".py", ".md", ".txt"} and not path.name.startswith((".", "_"))
)
# Harmless once re-encoded: a photo whose EXIF holds a GPS position. Any other file is refused.
SAFE_LOGOS = {"upload-exif-gps.jpg"}
# The form's own check comes first for an empty file.
LOGO_REFUSALS = [NOT_AN_IMAGE, TOO_LARGE, TOO_MANY_PIXELS, BROKEN, forms.FileField.default_error_messages["empty"]]


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_logo_upload_refuses_or_cleans_each_corpus_file(client, roles, media, path):
    institution = roles.institution_a
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:edit", args=[institution.slug]),
        {**profile_data(institution, description="Changed"), "logo": upload(path.read_bytes(), unquote(path.name))},
    )

    institution.refresh_from_db()
    if path.name in SAFE_LOGOS:
        assert response.status_code == 302
        assert re.fullmatch(r"institutions/logos/[0-9a-f]{24}\.webp", institution.logo.name)
        assert [file.relative_to(media).as_posix() for file in media.rglob("*.*")] == [institution.logo.name]
        with Image.open(media / institution.logo.name) as image:
            assert image.format == "WEBP"
            assert dict(image.getexif()) == {}
        assert b"Exif" not in (media / institution.logo.name).read_bytes()
    else:
        page = html.unescape(response.content.decode())
        assert any(str(message) in page for message in LOGO_REFUSALS)
        assert (institution.description, institution.logo.name) == ("", "")
        assert list(media.rglob("*.*")) == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_admin_logo_upload_refuses_or_cleans_each_corpus_file(roles, media, path):
    institution = roles.institution_a
    assert admin.site._registry[Institution].form is InstitutionAdminForm
    form_class = modelform_factory(Institution, form=InstitutionAdminForm, fields=["logo"])

    form = form_class({}, {"logo": upload(path.read_bytes(), unquote(path.name))}, instance=institution)

    if path.name in SAFE_LOGOS:
        assert form.errors == {}
        form.save()
        institution.refresh_from_db()
        assert re.fullmatch(r"institutions/logos/[0-9a-f]{24}\.webp", institution.logo.name)
        assert b"Exif" not in (media / institution.logo.name).read_bytes()
    else:
        assert list(form.errors) == ["logo"]
        institution.refresh_from_db()
        assert institution.logo.name == ""
        assert list(media.rglob("*.*")) == []
