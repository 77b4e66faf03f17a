"""The outbox's model moved from the portal app to core without touching its table or rows."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core import outbox
from core.models import OutboundEmail
from tests.factories import UserFactory

BEFORE_THE_MOVE = [("portal", "0004_audit_indexes"), ("core", "0001_import_job")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_moving_the_outbox_to_core_keeps_every_row_and_its_guarantees():
    user = UserFactory()
    old_apps = migrate(BEFORE_THE_MOVE)
    OldOutboundEmail = old_apps.get_model("portal", "OutboundEmail")
    old_content_type = old_apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="portal", model="outboundemail"
    )[0]
    now = timezone.now()
    rows = {
        state: OldOutboundEmail.objects.create(
            key=f"move:{state}",
            kind="follow_up",
            user_id=user.pk,
            context={"step": 2},
            due_at=now,
            next_attempt_at=now + timedelta(minutes=5),
            state=state,
            attempts=3 if state == "failed" else 0,
            claimed_at=now if state == "sending" else None,
            message_id=outbox.message_id_for(f"move:{state}"),
            last_error="550 mailbox unavailable" if state == "failed" else "",
        )
        for state in ("pending", "sending", "sent", "failed", "cancelled")
    }

    migrate(leaf_nodes())

    moved = {email.state: email for email in OutboundEmail.objects.all()}
    assert sorted(moved) == sorted(rows)
    for state, old in rows.items():
        new = moved[state]
        assert (new.pk, new.key, new.kind, new.user_id, new.context) == (
            old.pk,
            old.key,
            old.kind,
            user.pk,
            {"step": 2},
        )
        assert (new.attempts, new.claimed_at, new.message_id, new.last_error, new.next_attempt_at) == (
            old.attempts,
            old.claimed_at,
            old.message_id,
            old.last_error,
            old.next_attempt_at,
        )
    # Its permissions and audit entries follow the model.
    assert ContentType.objects.filter(pk=old_content_type.pk).values_list("app_label", "model").get() == (
        "core",
        "outboundemail",
    )
    # The key stays unique: queueing the same email again returns the moved row.
    assert outbox.enqueue(key="move:pending", kind="follow_up", user=user).pk == rows["pending"].pk
    assert OutboundEmail.objects.count() == 5
    # New rows continue the table's numbering.
    assert outbox.enqueue(key="move:new", kind="follow_up", user=user).pk > max(row.pk for row in rows.values())


@pytest.mark.django_db
def test_the_outbox_keeps_its_table():
    assert OutboundEmail._meta.db_table == "portal_outboundemail"
