"""The ``demo`` fixture (tests/conftest.py): the demo is loaded once for all the tests that ask
for it, each of them runs in its own transaction inside the one holding the demo, and the demo
is gone again once they have run."""

from dataclasses import dataclass, field

import pytest
from django.db import connection

from institutions.models import Institution
from portal import demo_data
from tests import conftest


@dataclass
class FakeItem:
    name: str
    fixturenames: tuple[str, ...] = ()
    marks: dict[str, dict] = field(default_factory=dict)

    def get_closest_marker(self, name):
        kwargs = self.marks.get(name)
        return None if kwargs is None else pytest.mark.django_db(**kwargs).mark


def test_demo_tests_run_together_after_the_other_database_tests_and_long_tests_start_first():
    items = [
        FakeItem("demo_a", ("demo", "db")),
        FakeItem("db_a", ("db",)),
        FakeItem("marked", marks={"django_db": {}}),
        FakeItem("transactional", ("transactional_db",)),
        FakeItem("demo_b", ("client", "demo", "db")),
        FakeItem("marked_transactional", marks={"django_db": {"transaction": True}}),
        FakeItem("plain"),
        FakeItem("db_b", ("db",)),
        FakeItem("long", marks={"long": {}}),
    ]

    conftest.pytest_collection_modifyitems(items)

    assert [item.name for item in items] == [
        "long",
        "db_a",
        "marked",
        "db_b",
        "demo_a",
        "demo_b",
        "transactional",
        "marked_transactional",
        "plain",
    ]


def test_demo_test_runs_in_its_own_transaction_inside_the_shared_demo(demo):
    shared = conftest._shared_demo

    assert demo is shared.result
    assert connection.atomic_blocks[0] is shared.atomic
    # The demo's own transaction, then the test's (pytest-django's ``db``).
    assert len(connection.atomic_blocks) == 2
    assert Institution.objects.count() == len(demo_data.INSTITUTIONS)


def test_closing_the_shared_demo_rolls_it_back(db, django_db_blocker):
    shared = conftest.SharedDemo(django_db_blocker)

    shared.open()
    loaded = Institution.objects.count()
    shared.close()

    assert loaded == len(demo_data.INSTITUTIONS)
    assert Institution.objects.count() == 0
    assert (shared.atomic, shared.result) == (None, None)
