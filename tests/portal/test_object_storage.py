"""Uploads on an S3-compatible object store (S3_BUCKET): every flow that stores, shows, serves
or deletes a file works against a real S3 server, nothing is written to the web process's disk,
and no object is made public."""

import datetime
import io
import json
import os
import re
import subprocess  # nosec B404 -- runs this project's own settings module in a child Python
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import http_date
from PIL import Image
from pypdf import PdfWriter

from core.models import ImportJob
from core.storage import PrivateS3Storage, PublicS3Storage
from institutions.models import Institution
from mous.models import Milestone, Mou
from tests.factories import InstitutionFactory, MilestoneFactory, MouFactory, MouPartyFactory
from tests.institutions.test_profile_edit import profile_data

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parents[2]
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def image_bytes(fmt: str = "PNG", colour: str = "teal") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(output, format=fmt)
    return output.getvalue()


PDF = pdf_bytes()


def files_on_disk(store) -> list[Path]:
    return [path for root in (store.media_root, store.private_media_root) for path in root.rglob("*")]


@pytest.fixture
def mou(roles) -> Mou:
    """An active, private MoU between institution A and an institution nobody in ``roles`` belongs to."""
    mou = MouFactory(
        title="Teacher exchange",
        status=Mou.Status.ACTIVE,
        is_public=False,
        signed_on=datetime.date(2025, 1, 10),
        valid_from=datetime.date(2025, 1, 10),
        valid_until=datetime.date(2030, 1, 9),
    )
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou)
    return mou


@pytest.fixture(autouse=True)
def _disk_stays_empty(object_storage):
    """Whatever a test here does, nothing lands in MEDIA_ROOT or PRIVATE_MEDIA_ROOT."""
    yield
    assert files_on_disk(object_storage) == []


def assert_private(store, key: str) -> None:
    grants = store.client.get_object_acl(Bucket=store.bucket, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants)


# --- configuration --------------------------------------------------------------------------


def _storages_from_environment(**variables) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("S3_")}
    environment.update(variables)
    script = (
        "import json; from portal import settings as s; "
        "print(json.dumps({k: s.STORAGES[k] for k in ('default', 'private')}, default=str))"
    )
    return subprocess.run(  # nosec B603 -- a fixed command: this interpreter and a literal script
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, check=False
    )


def test_s3_bucket_switches_both_storages_to_the_object_store():
    result = _storages_from_environment(
        S3_BUCKET="tvet-portal",
        S3_ENDPOINT_URL="https://oss-cn-hangzhou.aliyuncs.com",
        S3_REGION="cn-hangzhou",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
        S3_ADDRESSING_STYLE="virtual",
        S3_SERVER_SIDE_ENCRYPTION="AES256",
    )
    configured = json.loads(result.stdout)

    assert configured["default"]["BACKEND"] == "core.storage.PublicS3Storage"
    assert configured["private"]["BACKEND"] == "core.storage.PrivateS3Storage"
    public, private = configured["default"]["OPTIONS"], configured["private"]["OPTIONS"]
    assert (public["bucket_name"], public["location"]) == ("tvet-portal", "public")
    assert (private["bucket_name"], private["location"]) == ("tvet-portal", "private")
    assert public["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert (public["region_name"], public["addressing_style"]) == ("cn-hangzhou", "virtual")
    assert (public["access_key"], public["secret_key"]) == ("key", "secret")
    assert public["object_parameters"] == {"ServerSideEncryption": "AES256"}


def test_private_bucket_and_instance_role():
    result = _storages_from_environment(S3_BUCKET="public-files", S3_PRIVATE_BUCKET="private-files")
    configured = json.loads(result.stdout)

    assert configured["private"]["OPTIONS"]["bucket_name"] == "private-files"
    assert configured["default"]["OPTIONS"]["bucket_name"] == "public-files"
    # No key pair: boto3 finds the server's role (or AWS_* variables) itself.
    assert configured["default"]["OPTIONS"]["access_key"] is None


def test_without_s3_bucket_files_stay_on_the_local_disk():
    configured = json.loads(_storages_from_environment().stdout)

    assert configured["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert configured["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_unknown_addressing_style_stops_the_start():
    result = _storages_from_environment(S3_BUCKET="tvet-portal", S3_ADDRESSING_STYLE="sideways")

    assert result.returncode != 0
    assert "S3_ADDRESSING_STYLE must be path, virtual or auto." in result.stderr


def test_storages_refuse_overwriting_and_public_acls(object_storage):
    public, private = storages["default"], storages["private"]

    assert isinstance(public, PublicS3Storage)
    assert isinstance(private, PrivateS3Storage)
    assert (public.file_overwrite, public.default_acl, private.file_overwrite, private.default_acl) == (
        False,
        None,
        False,
        None,
    )
    first = public.save("institutions/logos/same.webp", ContentFile(b"one"))
    second = public.save("institutions/logos/same.webp", ContentFile(b"two"))
    assert first != second
    assert object_storage.read(f"public/{first}") == b"one"
    assert public.url(first) == f"/media/{first}"
    with pytest.raises(NotImplementedError):
        private.url("mous/anything.pdf")
    public.delete(first)
    public.delete(second)


# --- public uploads: logos -----------------------------------------------------------------


def test_logo_upload_display_replacement_and_removal(client, roles, object_storage, django_capture_on_commit_callbacks):
    institution = roles.institution_a
    client.force_login(roles["institution_admin"])
    edit = reverse("institutions:edit", args=[institution.slug])
    logo = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {**profile_data(institution), "logo": logo})
    institution.refresh_from_db()
    first = institution.logo.name
    page = client.get(institution.get_absolute_url()).content.decode()
    response = client.get(institution.logo.url, secure=True)
    body = b"".join(response.streaming_content)

    assert re.fullmatch(r"institutions/logos/.+\.webp", first)
    assert object_storage.keys("public/") == [f"public/{first}"]
    assert_private(object_storage, f"public/{first}")
    assert institution.logo.url == f"/media/{first}"
    assert institution.logo.url in page
    assert object_storage.endpoint not in page
    assert response.status_code == 200
    assert body == object_storage.read(f"public/{first}")
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Length"] == str(len(body))
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"

    unchanged = client.get(institution.logo.url, secure=True, headers={"If-Modified-Since": response["Last-Modified"]})
    assert unchanged.status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            edit,
            {
                **profile_data(institution),
                "logo": SimpleUploadedFile("new.png", image_bytes(colour="red"), content_type="image/png"),
            },
        )
    institution.refresh_from_db()
    second = institution.logo.name
    assert second != first
    assert object_storage.keys("public/") == [f"public/{second}"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {**profile_data(institution), "remove_logo": "on"})
    institution.refresh_from_db()
    assert not institution.logo
    assert object_storage.keys("public/") == []


def test_media_view_serves_only_public_objects(client, object_storage):
    storages["default"].save("notes/readme.txt", ContentFile(b"hello"))
    storages["private"].save("mous/secret.pdf", ContentFile(PDF))

    download = client.get("/media/notes/readme.txt", secure=True)
    assert b"".join(download.streaming_content) == b"hello"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    for path in (
        "/media/unknown.png",
        "/media/mous/secret.pdf",
        "/media/../private/mous/secret.pdf",
        "/media/%2e%2e/private/mous/secret.pdf",
        "/media/notes/.hidden",
        "/media/notes/",
    ):
        assert client.get(path, secure=True).status_code == 404, path
    storages["default"].delete("notes/readme.txt")
    storages["private"].delete("mous/secret.pdf")


def test_logo_changed_since_asks_again(client, object_storage):
    name = storages["default"].save("institutions/logos/a.png", ContentFile(image_bytes()))
    long_ago = http_date(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC).timestamp())

    response = client.get(f"/media/{name}", secure=True, headers={"If-Modified-Since": long_ago})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    storages["default"].delete(name)


# --- private files: MoU documents and milestone evidence -------------------------------------


def test_mou_document_upload_download_and_replacement(
    client, roles, mou, object_storage, django_capture_on_commit_callbacks
):
    upload_url = reverse("mous:document_upload", args=[mou.pk])
    client.force_login(roles["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(upload_url, {"document": SimpleUploadedFile("signed.pdf", PDF)}).status_code == 302
    mou.refresh_from_db()
    key = f"private/{mou.document.name}"

    assert re.fullmatch(r"private/mous/[0-9a-f]{32}\.pdf", key)
    assert object_storage.keys("private/") == [key]
    assert object_storage.read(key) == PDF
    assert_private(object_storage, key)
    page = client.get(mou.get_absolute_url()).content.decode()
    assert reverse("mous:document", args=[mou.pk]) in page
    assert object_storage.endpoint not in page
    assert object_storage.bucket not in page
    assert "X-Amz-" not in page

    client.force_login(roles["participant"])
    response = client.get(reverse("mous:document", args=[mou.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Content-Disposition"] == 'attachment; filename="signed.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"

    client.force_login(roles["other_member"])
    assert client.get(reverse("mous:document", args=[mou.pk])).status_code == 404

    client.force_login(roles["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(upload_url, {"document": SimpleUploadedFile("scan.png", image_bytes(), content_type="image/png")})
    mou.refresh_from_db()
    assert object_storage.keys("private/") == [f"private/{mou.document.name}"]
    assert mou.document.name.endswith(".png")


def test_missing_document_object_is_404(client, roles, mou, object_storage):
    Mou.objects.filter(pk=mou.pk).update(
        document="mous/gone.pdf", document_name="gone.pdf", document_content_type="application/pdf"
    )
    client.force_login(roles["secretariat"])

    assert client.get(reverse("mous:document", args=[mou.pk])).status_code == 404


def test_milestone_evidence_is_stored_privately_and_served_to_the_parties(client, roles, mou, object_storage):
    client.force_login(roles["participant"])
    response = client.post(
        reverse("mous:milestone_add", args=[mou.pk]),
        {
            "milestone-title": "First teacher cohort",
            "milestone-due_on": "2026-09-01",
            "milestone-owner_institution": roles.institution_a.pk,
            "milestone-status": "planned",
            "milestone-evidence_file": SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    item = Milestone.objects.get(mou=mou)
    key = f"private/{item.evidence_file.name}"
    assert key.startswith("private/mous/evidence/")
    assert object_storage.read(key) == PDF
    assert_private(object_storage, key)

    url = reverse("mous:milestone_evidence", args=[mou.pk, item.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    client.force_login(roles["no_institution"])
    assert client.get(url).status_code == 404
    item.evidence_file.delete(save=False)


def test_evidence_of_unknown_type_is_named_from_its_first_bytes(client, roles, mou, object_storage):
    item = MilestoneFactory(mou=mou)
    item.evidence_file.save("evidence.bin", ContentFile(image_bytes()))
    Milestone.objects.filter(pk=item.pk).update(evidence_content_type="")
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:milestone_evidence", args=[mou.pk, item.pk]))

    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == image_bytes()
    item.evidence_file.delete(save=False)


def test_admin_downloads_a_private_file_from_the_object_store(admin_client, mou, object_storage):
    mou.document.save("stored.pdf", ContentFile(PDF), save=False)
    mou.document_name = "Signed.pdf"
    mou.save()

    response = admin_client.get(reverse("admin:mous_mou_private_file", args=[mou.pk, "document"]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Signed.pdf"'
    mou.document.delete(save=False)


# --- imports: the worker reads the upload from the object store -----------------------------


def test_import_preview_and_commit_read_the_file_from_the_object_store(
    client, secretariat_user, object_storage, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)
    content = b"name,country\nKampong Speu Institute of Technology,KH\n"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("institutions:import_upload"), {"file": SimpleUploadedFile("list.csv", content)})
    job = ImportJob.objects.get()
    key = f"private/{job.file.name}"

    assert response.status_code == 302
    assert re.fullmatch(r"private/imports/[\w-]+\.csv", key)
    assert object_storage.read(key) == content
    assert_private(object_storage, key)

    for callback in queued:  # the preview task, as a worker on another machine would run it
        callback()
    preview = client.get(response.url)
    assert [row["status"] for row in preview.context["preview"]["rows"]] == ["new"]

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response.url)
    page = client.get(done.url).content.decode()

    assert "Import done: 1 created, 0 updated, 0 skipped." in page
    assert Institution.objects.filter(name="Kampong Speu Institute of Technology").exists()
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.DONE, "")
    assert object_storage.keys("private/imports/") == []


def test_api_gives_the_logo_at_the_portals_address(client, object_storage):
    institution = InstitutionFactory(verification_status=Institution.Verification.VERIFIED)
    institution.logo.save("logo.png", ContentFile(image_bytes()))

    answer = client.get(f"/api/v1/institutions/{institution.slug}/").json()
    logo = client.get(answer["logo"])

    assert answer["logo"] == f"http://testserver/media/{institution.logo.name}"
    assert b"".join(logo.streaming_content) == image_bytes()
    institution.logo.delete(save=False)


def test_purging_old_import_jobs_deletes_their_objects(secretariat_user, object_storage):
    from core.services import import_job_create
    from core.tasks import purge_import_jobs_task

    def job() -> ImportJob:
        upload = SimpleUploadedFile("list.csv", b"name,country\nCollege,KH\n")
        return import_job_create(kind="institutions", created_by=secretariat_user, upload=upload)

    old, recent = job(), job()
    ImportJob.objects.filter(pk=old.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    assert purge_import_jobs_task() == 1
    assert object_storage.keys("private/imports/") == [f"private/{recent.file.name}"]
    recent.file.delete(save=False)
