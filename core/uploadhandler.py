"""An upload handler that stops reading a request body past the portal's limit."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler

from .middleware import BODY_TOO_LARGE


class RequestBodyTooLarge(SuspiciousOperation):
    """A multipart body carried more file data than ``settings.PORTAL_MAX_REQUEST_BYTES``."""


class RequestSizeLimitUploadHandler(FileUploadHandler):
    """Count the file data of a multipart body and stop parsing it past the limit.

    Listed first in FILE_UPLOAD_HANDLERS, so no later handler receives (or writes to a
    temporary file) a byte past the limit. Raising an error other than StopUpload leaves the
    rest of the body unread: Django's parser would read StopUpload's remainder to the end.
    The request is marked, so that ``RequestSizeLimitMiddleware`` answers 413; nothing that
    reads ``request.POST`` or ``request.FILES`` (the CSRF check, the view) goes on.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.PORTAL_MAX_REQUEST_BYTES
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit:
            self._stop()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _stop(self):
        if self.request is not None:
            setattr(self.request, BODY_TOO_LARGE, True)
        raise RequestBodyTooLarge("The request body is larger than PORTAL_MAX_REQUEST_BYTES.")
