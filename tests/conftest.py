"""Fixtures for composite setups; single objects come from ``tests.factories``."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.utils import timezone, translation

from core.models import ImportJob
from events.models import Event, MeetingSlot, Registration, Session
from institutions.models import Institution, Membership
from matchmaking.models import Meeting, MeetingRequest
from portal.models import User
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    give_second_factor,
    make_secretariat,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: the database rolls back after each test, and a
    rollback moves no version of the cached public pages (core.pagecache) on."""
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language_and_time_zone():
    """Start every test in English and UTC: middleware activates both per request, and
    nothing deactivates them after a test client's request."""
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
    yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture
def admin_user(db) -> User:
    """pytest-django's superuser (behind ``admin_client``), with the authenticator app that the
    portal requires of staff."""
    user = User.objects.filter(email="admin@example.com").first()
    if user is None:
        user = User.objects.create_superuser(email="admin@example.com", password="password")
    return give_second_factor(user)


@pytest.fixture
def import_job_storage(tmp_path, monkeypatch):
    """Keep the uploaded files of import jobs in a temporary folder."""
    storage = FileSystemStorage(location=tmp_path, base_url=None)
    monkeypatch.setattr(ImportJob._meta.get_field("file"), "storage", storage)
    return tmp_path


# --- uploads on an S3-compatible object store ---------------------------------------------------
#
# moto's S3 server is a real HTTP endpoint on 127.0.0.1 (no internet): the portal talks to it
# through boto3 as it would to MinIO or a cloud's object store.

S3_CREDENTIALS = {"aws_access_key_id": "portal-test", "aws_secret_access_key": "portal-test-secret"}
S3_REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    """The address of an S3 server (moto's) running in a thread for the whole test run."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class ObjectStore:
    """The bucket a test module's uploads go to, and a client to look inside it."""

    endpoint: str
    bucket: str
    client: object
    media_root: Path | None = None
    private_media_root: Path | None = None

    def keys(self, prefix: str = "") -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def storages_setting(self) -> dict:
        """STORAGES as portal/settings.py builds it when S3_BUCKET names this bucket."""
        options = {
            "endpoint_url": self.endpoint,
            "region_name": S3_REGION,
            "access_key": S3_CREDENTIALS["aws_access_key_id"],
            "secret_key": S3_CREDENTIALS["aws_secret_access_key"],
            "addressing_style": "path",
            "signature_version": "s3v4",
            "object_parameters": {},
            "bucket_name": self.bucket,
        }
        return {
            **settings.STORAGES,
            "default": {"BACKEND": "core.storage.PublicS3Storage", "OPTIONS": {**options, "location": "public"}},
            "private": {"BACKEND": "core.storage.PrivateS3Storage", "OPTIONS": {**options, "location": "private"}},
        }


@pytest.fixture(scope="module")
def s3_bucket(s3_endpoint) -> ObjectStore:
    """A fresh, private bucket for the test module."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS)
    bucket = f"portal-test-{secrets.token_hex(6)}"
    client.create_bucket(Bucket=bucket)
    return ObjectStore(endpoint=s3_endpoint, bucket=bucket, client=client)


@pytest.fixture
def object_storage(s3_bucket, settings, tmp_path) -> ObjectStore:
    """Both storages on the module's bucket, as with S3_BUCKET set; MEDIA_ROOT and
    PRIVATE_MEDIA_ROOT point at empty folders, which must stay empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.MEDIA_ROOT.mkdir()
    settings.PRIVATE_MEDIA_ROOT.mkdir()
    settings.STORAGES = s3_bucket.storages_setting()
    s3_bucket.media_root, s3_bucket.private_media_root = settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT
    return s3_bucket


@pytest.fixture
def secretariat_user(db) -> User:
    return make_secretariat(UserFactory(verified_email=True))


@pytest.fixture
def institution_admin(db) -> User:
    """A verified person who is the active admin of one institution."""
    return MembershipFactory(user=UserFactory(verified_email=True), role=Membership.Role.ADMIN).user


@dataclass
class Roles:
    """One person in each role the permission rules tell apart, around institutions A and B.

    - ``anonymous``: a visitor who is not logged in
    - ``participant``: verified, an active member of A
    - ``other_member``: verified, an active member of B
    - ``institution_admin``: verified, the active admin of A
    - ``other_admin``: verified, the active admin of B
    - ``pending_member``: verified, asked to join A as its admin and not yet approved
    - ``no_institution``: verified, with no membership anywhere
    - ``secretariat``: verified, in the Secretariat group, with no membership
    """

    institution_a: Institution
    institution_b: Institution
    people: dict[str, User | AnonymousUser] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User | AnonymousUser:
        return self.people[role]


@pytest.fixture
def roles(db) -> Roles:
    institution_a = InstitutionFactory(name="Phnom Penh Polytechnic", country="KH")
    institution_b = InstitutionFactory(name="Guangxi Vocational College", country="CN")

    def member(institution, **kwargs) -> User:
        return MembershipFactory(user=UserFactory(verified_email=True), institution=institution, **kwargs).user

    return Roles(
        institution_a=institution_a,
        institution_b=institution_b,
        people={
            "anonymous": AnonymousUser(),
            "participant": member(institution_a),
            "other_member": member(institution_b),
            "institution_admin": member(institution_a, role=Membership.Role.ADMIN),
            "other_admin": member(institution_b, role=Membership.Role.ADMIN),
            "pending_member": member(institution_a, role=Membership.Role.ADMIN, status=Membership.Status.PENDING),
            "no_institution": UserFactory(verified_email=True),
            "secretariat": make_secretariat(UserFactory(verified_email=True)),
        },
    )


@dataclass
class MatchmakingSetup:
    event: Event
    session: Session
    slots: list[MeetingSlot]
    requester: Registration
    recipient: Registration
    request: MeetingRequest
    meeting: Meeting


@pytest.fixture
def event_with_matchmaking(db) -> MatchmakingSetup:
    """A published event with a matchmaking session of three slots and one accepted, placed meeting."""
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event)
    slots = [MeetingSlotFactory(session=session) for _ in range(3)]
    requester = RegistrationFactory(event=event, user=UserFactory(verified_email=True))
    recipient_membership = MembershipFactory(user=UserFactory(verified_email=True), institution__country="CN")
    recipient = RegistrationFactory(event=event, user=recipient_membership.user)
    request = MeetingRequestFactory(
        session=session, requester=requester, recipient=recipient, status=MeetingRequest.Status.ACCEPTED
    )
    meeting = MeetingFactory(request=request, slot=slots[0], table_number=1, status=Meeting.Status.PUBLISHED)
    return MatchmakingSetup(
        event=event,
        session=session,
        slots=slots,
        requester=requester,
        recipient=recipient,
        request=request,
        meeting=meeting,
    )


# --- the demo data, loaded once ----------------------------------------------------------------
#
# Loading the demo takes seconds, and most tests that use it only read it. The tests that ask
# for ``demo`` run one after another (``pytest_collection_modifyitems`` below puts them last
# among the ordinary database tests); the first of them loads the demo in a transaction that
# stays open until the last of them has finished, and is then rolled back. Each test still
# runs in its own transaction inside that one (pytest-django's ``db``), so a test that changes
# the demo data leaves it as loaded for the next.

DEMO_FIXTURE = "demo"


class SharedDemo:
    """The open transaction holding the loaded demo, and what loading it reported."""

    def __init__(self, django_db_blocker) -> None:
        self.blocker = django_db_blocker
        self.atomic = None
        self.result = None

    def open(self) -> None:
        from django.db import transaction

        from portal.demo import demo_load

        if self.atomic is not None:
            return
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            # Django's own test transactions carry this mark; ``atomic(durable=True)`` inside
            # a test must be allowed as it is in any test.
            self.atomic._from_testcase = True
            self.atomic.__enter__()
            self.result = demo_load()

    def close(self) -> None:
        from django.db import transaction

        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.result = None


_shared_demo: SharedDemo | None = None


@pytest.fixture(scope="session")
def _demo_data(django_db_setup, django_db_blocker) -> SharedDemo:
    """Session-scoped, so that it is set up before any test's own transaction begins."""
    global _shared_demo
    _shared_demo = SharedDemo(django_db_blocker)
    _shared_demo.open()
    yield _shared_demo
    _shared_demo.close()
    _shared_demo = None


@pytest.fixture
def demo(_demo_data, db):
    """The demo data (``portal.demo``), loaded; returns what the first load reported."""
    return _demo_data.result


def _uses_demo(item) -> bool:
    return DEMO_FIXTURE in getattr(item, "fixturenames", ())


def _database_order(item) -> int:
    """pytest-django's order: ordinary database tests, then transactional ones, then the rest."""
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transactional = transactional or marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        transactional = transactional or bool(marker.args and marker.args[0])
    if transactional:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


def pytest_itemcollected(item):
    # With pytest-xdist (`--dist loadgroup`), every demo test goes to one worker, which loads
    # the demo once for all of them; the other tests are spread over the workers.
    if _uses_demo(item):
        item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # After pytest-django's sort (a stable sort keeps its order otherwise). Tests marked
    # ``long`` use no test database and run for tens of seconds in processes of their own: they
    # start first, so that with pytest-xdist they overlap the rest instead of ending the run
    # on one worker while the others wait.
    items.sort(key=lambda item: (item.get_closest_marker("long") is None, _database_order(item), _uses_demo(item)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # A demo test after the shared transaction was closed (an unusual selection or order)
    # loads the demo again before its own transaction begins.
    if _shared_demo is not None and _uses_demo(item):
        _shared_demo.open()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # The test's own transaction is rolled back by now; drop the demo when no demo test follows.
    if _shared_demo is not None and _uses_demo(item) and (nextitem is None or not _uses_demo(nextitem)):
        _shared_demo.close()
    return result
