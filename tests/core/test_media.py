"""Public uploads are served from MEDIA_ROOT in production; nothing else is."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from institutions.images import logo_from_upload
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    """Production-like storage: DEBUG off, public and private files in separate folders."""
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    }
    settings.MEDIA_ROOT.mkdir()
    settings.PRIVATE_MEDIA_ROOT.mkdir()
    return tmp_path


def _png() -> SimpleUploadedFile:
    output = BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(output, format="PNG")
    return SimpleUploadedFile("logo.png", output.getvalue(), content_type="image/png")


def test_uploaded_logo_is_served_with_cache_headers(media):
    institution = InstitutionFactory()
    institution.logo.save("ignored.webp", logo_from_upload(_png()))

    response = Client().get(institution.logo.url, secure=True)
    body = b"".join(response.streaming_content)
    response.close()

    assert institution.logo.url.startswith("/media/institutions/logos/")
    assert response.status_code == 200
    assert body == (media / "media" / institution.logo.name).read_bytes()
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    # Answered before sessions and locale: shared caches may hand the same copy to everyone.
    assert "Vary" not in response


def test_unchanged_logo_answers_304(media):
    (media / "media" / "a.png").write_bytes(b"\x89PNG")
    first = Client().get("/media/a.png", secure=True)

    first.close()
    again = Client().get("/media/a.png", secure=True, headers={"If-Modified-Since": first["Last-Modified"]})

    assert (first.status_code, again.status_code) == (200, 304)


def test_other_file_types_are_downloads_never_pages(media):
    (media / "media" / "page.html").write_text("<script>alert(1)</script>")
    (media / "media" / "drawing.svg").write_text("<svg onload='alert(1)'></svg>")

    page = Client().get("/media/page.html", secure=True)
    drawing = Client().get("/media/drawing.svg", secure=True)
    page.close()
    drawing.close()

    assert page["Content-Disposition"].startswith("attachment")
    assert drawing["Content-Disposition"].startswith("attachment")
    assert page["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "path",
    [
        "/media/../private-media/mous/signed.pdf",
        "/media/%2e%2e/private-media/mous/signed.pdf",
        "/media/..%2fprivate-media/mous/signed.pdf",
        "/media//etc/passwd",
        "/media/institutions/",
        "/media/.hidden",
        "/media/missing.png",
        "/media/escape/signed.pdf",
    ],
)
def test_paths_outside_the_public_files_answer_404(media, path):
    (media / "private-media" / "mous").mkdir()
    (media / "private-media" / "mous" / "signed.pdf").write_bytes(b"%PDF-1.7 private")
    (media / "media" / "institutions").mkdir()
    (media / "media" / ".hidden").write_text("secret")
    (media / "media" / "escape").symlink_to(media / "private-media" / "mous")

    response = Client().get(path, secure=True)

    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_private_documents_are_not_under_media_even_when_configured_inside_it(settings, media):
    settings.PRIVATE_MEDIA_ROOT = media / "media" / "private"
    (media / "media" / "private").mkdir()
    (media / "media" / "private" / "signed.pdf").write_bytes(b"%PDF-1.7 private")

    response = Client().get("/media/private/signed.pdf", secure=True)

    assert response.status_code == 404


def test_signed_in_visitors_get_the_same_cacheable_file(media, roles):
    (media / "media" / "a.png").write_bytes(b"\x89PNG")
    browser = Client()
    browser.force_login(roles["participant"])

    response = browser.get("/media/a.png", secure=True)
    response.close()

    assert (response.status_code, response["Cache-Control"], "Vary" in response) == (
        200,
        "public, max-age=31536000, immutable",
        False,
    )


def test_media_answers_only_reads(media):
    (media / "media" / "a.png").write_bytes(b"\x89PNG")

    response = Client().post("/media/a.png", secure=True)

    assert response.status_code == 405
