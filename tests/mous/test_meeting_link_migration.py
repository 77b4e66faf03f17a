"""The link from a meeting to its MoU moved from ``events_meeting.mou_id`` to ``mous.MouMeeting``.

A database migrated before the move still holds the old column: migrating it forward must keep
every link and drop the column. The events migrations no longer name the MoU app.
"""

import inspect
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from matchmaking.models import Meeting
from mous.models import MouMeeting
from tests.factories import MeetingFactory, MouFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("mous", "0004_milestone_evidence_name_and_type"), ("events", "0007_deletion_keeps_the_record")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    return MigrationLoader(connection).graph.leaf_nodes()


def _meeting_columns() -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, "events_meeting")}


def _add_old_column_and_links(links: dict[int, int]) -> None:
    """Put back ``events_meeting.mou_id`` as the events migrations used to create it, with ``links``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE events_meeting ADD COLUMN mou_id bigint NULL"
            " REFERENCES mous_mou (id) DEFERRABLE INITIALLY DEFERRED"
        )
        cursor.execute("CREATE INDEX events_meeting_mou_id_old ON events_meeting (mou_id)")
        for meeting_id, mou_id in links.items():
            cursor.execute("UPDATE events_meeting SET mou_id = %s WHERE id = %s", [mou_id, meeting_id])


def test_migrating_a_database_with_meeting_mou_links_keeps_every_link():
    first, second = MouFactory(title="Welding exchange"), MouFactory(title="Teacher training")
    meetings = [MeetingFactory() for _ in range(4)]
    # Two meetings led to the first MoU, one to the second, one to none.
    links = {meetings[0].pk: first.pk, meetings[1].pk: first.pk, meetings[2].pk: second.pk}
    latest = _latest()
    _migrate(BEFORE)
    _add_old_column_and_links(links)

    _migrate(latest)

    assert dict(MouMeeting.objects.values_list("meeting_id", "mou_id")) == links
    assert "mou_id" not in _meeting_columns()
    assert Meeting.objects.count() == 4
    assert sorted(first.meetings.values_list("pk", flat=True)) == sorted([meetings[0].pk, meetings[1].pk])


def test_migrating_a_new_database_creates_the_links_table_without_the_old_column():
    latest = _latest()
    _migrate(BEFORE)
    assert "mou_id" not in _meeting_columns()

    _migrate(latest)

    assert "mou_id" not in _meeting_columns()
    assert MouMeeting.objects.count() == 0


def test_events_migrations_neither_depend_on_nor_name_the_mou_app():
    graph = MigrationLoader(connection).graph
    events = [node for node in graph.nodes if node[0] == "events"]
    sources = [Path(inspect.getfile(type(graph.nodes[node]))).read_text() for node in events]

    assert [parent for node in events for parent in graph.node_map[node].parents if parent[0] == "mous"] == []
    assert [source for source in sources if "mous" in source] == []
