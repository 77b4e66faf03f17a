"""Indexes for the secretariat's activity page over the audit trail (``core.audit``).

The page filters entries by the institution, event and action kept in ``additional_data``
(with the ``@>`` containment operator, which a ``jsonb_path_ops`` GIN index serves) and by
person, newest first.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_user_consent_times_and_anonymisation"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE INDEX IF NOT EXISTS auditlog_logentry_additional_data_gin "
                "ON auditlog_logentry USING gin ((additional_data::jsonb) jsonb_path_ops);",
                "CREATE INDEX IF NOT EXISTS auditlog_logentry_actor_timestamp "
                "ON auditlog_logentry (actor_id, timestamp DESC);",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS auditlog_logentry_additional_data_gin;",
                "DROP INDEX IF EXISTS auditlog_logentry_actor_timestamp;",
            ],
        ),
    ]
