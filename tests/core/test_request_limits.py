"""Request bodies larger than the largest accepted upload are refused before they are read."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

import mous.views_documents
from core.middleware import BODY_TOO_LARGE, RequestSizeLimitMiddleware
from core.uploadhandler import RequestBodyTooLarge
from mous.models import Mou
from tests.factories import MouFactory, MouPartyFactory

PROJECT_DIR = Path(__file__).resolve().parents[2]


class CountingStream(BytesIO):
    """A request body that remembers how many bytes were read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def multipart_request(rf, body: bytes, **environ) -> tuple[WSGIRequest, CountingStream]:
    stream = CountingStream(body)
    base = dict(rf.post("/").environ)
    base.update({"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body)), "wsgi.input": stream, **environ})
    return WSGIRequest(base), stream


@pytest.fixture
def mou(roles):
    mou = MouFactory(title="Teacher exchange")
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    return mou


def test_oversized_upload_gets_413_and_the_view_never_runs(client, roles, mou, settings, monkeypatch):
    settings.PORTAL_MAX_REQUEST_BYTES = 10_000
    calls = []
    monkeypatch.setattr(mous.views_documents, "_mou_for", lambda *args, **kwargs: calls.append(args))
    client.force_login(roles["secretariat"])

    response = client.post(
        reverse("mous:document_upload", args=[mou.pk]),
        {"document": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 20_000)},
    )

    assert response.status_code == 413
    assert "Request too large" in response.content.decode()
    assert "(0.0 MB at most)" in response.content.decode()
    assert calls == []
    mou.refresh_from_db()
    assert not mou.document


def test_body_within_the_limit_reaches_the_view(client, roles, mou, settings, monkeypatch):
    settings.PORTAL_MAX_REQUEST_BYTES = 10_000
    calls = []
    monkeypatch.setattr(mous.views_documents, "_mou_for", lambda *args, **kwargs: calls.append(args) or mou)
    client.force_login(roles["secretariat"])

    response = client.post(
        reverse("mous:document_upload", args=[mou.pk]), {"document": SimpleUploadedFile("small.pdf", b"0" * 100)}
    )

    assert response.status_code == 302
    assert len(calls) == 1


def test_oversized_form_to_any_url_gets_413_without_reading_the_body(rf, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 1000
    body = encode_multipart(BOUNDARY, {"login": "someone", "password": "x" * 5000})
    request, stream = multipart_request(rf, body, PATH_INFO="/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    response = RequestSizeLimitMiddleware(lambda request: pytest.fail("the request went on"))(request)

    assert response.status_code == 413
    assert stream.bytes_read == 0
    assert re.search(r'<html lang="zh-hans">', response.content.decode())
    assert response["Cache-Control"] == "no-store"


def test_upload_handler_stops_reading_a_body_past_the_limit(rf, settings):
    # Without the middleware's check (a length the middleware did not see, or a body longer
    # than announced), the first upload handler still stops the parser at the limit.
    settings.PORTAL_MAX_REQUEST_BYTES = 100_000
    body = encode_multipart(BOUNDARY, {"document": SimpleUploadedFile("big.pdf", b"0" * 2_000_000)})
    request, stream = multipart_request(rf, body, CONTENT_LENGTH="50000")
    request._stream = type(request._stream)(stream, len(body))  # the body is longer than announced

    with pytest.raises(RequestBodyTooLarge):
        request.POST  # noqa: B018 -- reading the form is what parses the body

    assert getattr(request, BODY_TOO_LARGE) is True
    assert stream.bytes_read < 300_000


def test_upload_handler_refuses_an_announced_length_past_the_limit(rf, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 1000
    body = encode_multipart(BOUNDARY, {"document": SimpleUploadedFile("big.pdf", b"0" * 5000)})
    request, stream = multipart_request(rf, body)

    with pytest.raises(RequestBodyTooLarge):
        request.FILES  # noqa: B018 -- reading the files is what parses the body

    assert stream.bytes_read == 0


def test_a_request_stopped_by_the_upload_handler_is_answered_413(rf, settings):
    def view_that_hit_the_limit(request):
        setattr(request, BODY_TOO_LARGE, True)
        return HttpResponse("Bad request", status=400)

    response = RequestSizeLimitMiddleware(view_that_hit_the_limit)(rf.post("/mous/1/document/upload/"))

    assert response.status_code == 413


def test_limit_follows_the_largest_upload_and_is_documented(settings):
    assert settings.PORTAL_MAX_REQUEST_BYTES >= settings.MOU_DOCUMENT_MAX_BYTES + 1024 * 1024
    # First but for the liveness and readiness probes, which answer GET alone and read no body.
    assert settings.MIDDLEWARE[:2] == ["portal.health.ProbeMiddleware", "core.middleware.RequestSizeLimitMiddleware"]
    assert settings.FILE_UPLOAD_HANDLERS[0] == "core.uploadhandler.RequestSizeLimitUploadHandler"
    settings_text = (PROJECT_DIR / "portal" / "settings.py").read_text()
    example = (PROJECT_DIR / ".env.example").read_text()
    for name in ("PORTAL_MAX_REQUEST_BYTES", "UPLOAD_MAX_IMAGE_PIXELS"):
        assert re.search(rf'env\.int\(\s*"{name}"', settings_text)
        assert re.search(rf"^#{name}=", example, re.MULTILINE)


@pytest.mark.django_db
def test_document_unchanged_after_413(client, roles, mou, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 1000
    client.force_login(roles["secretariat"])
    before = Mou.objects.filter(pk=mou.pk).values_list("document", "document_name", "updated_at").get()

    client.post(reverse("mous:document_upload", args=[mou.pk]), {"document": SimpleUploadedFile("a.pdf", b"0" * 5000)})

    assert Mou.objects.filter(pk=mou.pk).values_list("document", "document_name", "updated_at").get() == before
