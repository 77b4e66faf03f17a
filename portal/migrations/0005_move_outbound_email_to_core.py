"""The outbox's model moved to the core app; its table, rows and indexes stay as they are.

Only Django's idea of the models changes here (``core.0002_outbound_email`` takes the model
over, under the same table name), so no row is copied and no lock is taken on the table.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_audit_indexes"),
        ("core", "0002_outbound_email"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboundEmail")],
            database_operations=[],
        ),
    ]
