"""The MoU links follow the meetings into the matchmaking app; no column or row changes.

``matchmaking.0001_initial`` took ``MeetingRequest``, ``SlotUnavailability``, ``Meeting`` and
``FollowUp`` over from the events app with their tables, so the foreign keys of ``MouMeeting``
(and the ``Mou.meetings`` relation through it) point at the same table as before: only Django's
idea of the models changes here.

This migration also drops the four models from the events app's state. That cannot happen in
an events migration: it must come after the MoU links stop naming ``events.Meeting``, and the
events migrations never wait for a migration of an app above them (tests/portal/test_layers.py,
tests/mous/test_meeting_link_migration.py). This one already follows both ``mous.0005`` (the
last to name ``events.Meeting``) and ``matchmaking.0001``.
"""

import django.db.models.deletion
from django.db import migrations, models


class ForgetModelsOfAnotherApp(migrations.operations.base.Operation):
    """Drop models of ``app_label`` from the migration state only; the database is not touched."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, app_label: str, names: list[str]):
        self.app_label = app_label
        self.names = names

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"app_label": self.app_label, "names": self.names}

    def state_forwards(self, app_label, state):
        for name in self.names:
            state.remove_model(self.app_label, name.lower())

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Forget {', '.join(self.names)} of {self.app_label} (moved to another app)"


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0001_initial"),
        ("mous", "0005_meeting_links_owned_by_mous"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="mou",
                    name="meetings",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="mous",
                        through="mous.MouMeeting",
                        to="matchmaking.meeting",
                        verbose_name="meetings",
                    ),
                ),
                migrations.AlterField(
                    model_name="moumeeting",
                    name="meeting",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mou_link",
                        to="matchmaking.meeting",
                        verbose_name="meeting",
                    ),
                ),
            ],
            database_operations=[],
        ),
        ForgetModelsOfAnotherApp(
            app_label="events", names=["FollowUp", "Meeting", "SlotUnavailability", "MeetingRequest"]
        ),
    ]
