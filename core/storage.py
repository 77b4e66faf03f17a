"""Where uploads live: the local disk (the default) or an S3-compatible object store.

With ``S3_BUCKET`` set, both storages of ``STORAGES`` are these subclasses of django-storages'
S3 backend, so that every web process and worker of a deployment sees the same files. The
bucket stays private: no object gets a public ACL and no page links to the object store.
Public uploads (logos) keep their portal address under MEDIA_URL and are served by
``core.views.serve_media``; private files (MoU documents, milestone evidence, import files)
have no URL at all and are streamed by the views that check permission.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from urllib.parse import urljoin

from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, empty
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Reading a file through Storage.open keeps up to this much in memory, then spills to a
# temporary file that lives as long as the request or task.
SPOOL_MAX_MEMORY_BYTES = 5 * 1024 * 1024


def _client_config() -> Config:
    """Timeouts and retries for the object store, and checksums only where S3 requires them.

    Recent boto3 versions add CRC checksums to every upload by default, which several
    S3-compatible services (older MinIO, some Chinese clouds) refuse; "when_required" sends
    what plain S3 asks for and nothing more.
    """
    return Config(
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


def _not_found(error: ClientError) -> bool:
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404 or error.response.get(
        "Error", {}
    ).get("Code") in ("404", "NoSuchKey")


class PortalS3Storage(S3Storage):
    """The S3 backend with the portal's defaults: private objects, never overwritten."""

    def __init__(self, **options):
        options.setdefault("client_config", _client_config())
        options.setdefault("max_memory_size", SPOOL_MAX_MEMORY_BYTES)
        # No ACL is sent: objects take the bucket's own (private) policy.
        options["default_acl"] = None
        options["file_overwrite"] = False
        super().__init__(**options)

    def object_key(self, name: str) -> str:
        """The key in the bucket of the file ``name`` (under the storage's prefix)."""
        return self._normalize_name(clean_name(name))


class PublicS3Storage(PortalS3Storage):
    """Public uploads (logos), addressed through the portal like files on its disk."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(clean_name(name)))


class PrivateS3Storage(PortalS3Storage):
    """Private files: no URL, neither public nor presigned; permission-checked views stream them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Private files have no URL; a view that checks permission serves them.")


class PrivateStorage(LazyObject):
    """STORAGES["private"], looked up when first used rather than when the models are defined.

    A FileField keeps the storage it was given; through this proxy it follows STORAGES when
    tests switch it (to an object store, or to a temporary folder), as FileField's default
    storage does.
    """

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


def _storages_changed(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty


setting_changed.connect(_storages_changed, dispatch_uid="core.storage.private_storage")


@dataclass(frozen=True)
class StoredFile:
    """A file found in a storage: its size, its last change, and a way to read it in chunks."""

    size: int
    modified: datetime
    opener: Callable[[], IO[bytes]]

    def open(self) -> IO[bytes]:
        """Open the file for reading; the caller (or FileResponse) closes it."""
        return self.opener()


def stored_file_lookup(storage: Storage, name: str) -> StoredFile:
    """Look ``name`` up in ``storage``; FileNotFoundError when it is not there.

    From an object store the file is read as the body of one GET, chunk by chunk, rather
    than downloaded whole first as ``Storage.open`` does.
    """
    if isinstance(storage, S3Storage):
        obj = storage.bucket.Object(storage._normalize_name(clean_name(name)))
        try:
            obj.load()
        except ClientError as error:
            if _not_found(error):
                raise FileNotFoundError(name) from error
            raise

        def open_body() -> IO[bytes]:
            try:
                return obj.get()["Body"]
            except ClientError as error:
                if _not_found(error):
                    raise FileNotFoundError(name) from error
                raise

        return StoredFile(size=obj.content_length, modified=obj.last_modified, opener=open_body)
    return StoredFile(
        size=storage.size(name),
        modified=storage.get_modified_time(name),
        opener=lambda: storage.open(name, "rb"),
    )
