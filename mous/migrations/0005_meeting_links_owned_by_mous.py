"""The link from a meeting to the MoU it led to moves from events to mous.

Until now ``events.Meeting`` had a foreign key ``mou`` to ``mous.Mou``, so the two apps'
migrations depended on each other. The link now belongs to mous (``MouMeeting``, one MoU per
meeting at most), and the events migrations no longer create the column: databases migrated
before still have ``events_meeting.mou_id``. This migration copies every link it holds into
``mous_moumeeting`` and then drops the column (with its foreign key and index). On a new
database the column never existed and there is nothing to copy.

Going back drops ``mous_moumeeting`` without restoring the column: the links are lost then.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD_TABLE = "events_meeting"
OLD_COLUMN = "mou_id"


def _old_column_exists(schema_editor) -> bool:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, OLD_TABLE)
    return any(column.name == OLD_COLUMN for column in columns)


def copy_links_and_drop_old_column(apps, schema_editor):
    if not _old_column_exists(schema_editor):
        return
    # The old column is no longer in any model's state: raw SQL, on this one database.
    quote = schema_editor.quote_name
    link_table = apps.get_model("mous", "MouMeeting")._meta.db_table
    schema_editor.execute(
        f"INSERT INTO {quote(link_table)} (mou_id, meeting_id) "
        f"SELECT {quote(OLD_COLUMN)}, id FROM {quote(OLD_TABLE)} WHERE {quote(OLD_COLUMN)} IS NOT NULL"
    )
    schema_editor.execute(f"ALTER TABLE {quote(OLD_TABLE)} DROP COLUMN {quote(OLD_COLUMN)}")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0007_deletion_keeps_the_record'),
        ('mous', '0004_milestone_evidence_name_and_type'),
    ]

    operations = [
        migrations.CreateModel(
            name='MouMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('meeting', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='mou_link', to='events.meeting', verbose_name='meeting')),
                ('mou', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meeting_links', to='mous.mou', verbose_name='MoU')),
            ],
            options={
                'verbose_name': 'meeting that led to an MoU',
                'verbose_name_plural': 'meetings that led to an MoU',
                'ordering': ['mou', 'meeting'],
            },
        ),
        migrations.AddField(
            model_name='mou',
            name='meetings',
            field=models.ManyToManyField(blank=True, related_name='mous', through='mous.MouMeeting', to='events.meeting', verbose_name='meetings'),
        ),
        migrations.RunPython(copy_links_and_drop_old_column, migrations.RunPython.noop, elidable=False),
    ]
