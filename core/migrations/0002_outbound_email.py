"""The outbox's model, taken over from the portal app with its table ``portal_outboundemail``.

The table was created by ``portal.0002_notification_preferences_and_outbox``; this migration
only tells Django that the model now belongs to core (``portal.0005`` drops it from the portal
app's state), and moves the model's content type, so that its permissions and audit entries
follow it. Existing rows, their keys and their states are untouched.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="core", model="outboundemail").exists():
        ContentType.objects.using(db).filter(app_label="portal", model="outboundemail").update(app_label="core")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="portal", model="outboundemail").exists():
        ContentType.objects.using(db).filter(app_label="core", model="outboundemail").update(app_label="portal")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_import_job"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The table exists from here on.
        ("portal", "0002_notification_preferences_and_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboundEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True, verbose_name="key")),
                        ("kind", models.CharField(max_length=40, verbose_name="kind")),
                        ("context", models.JSONField(blank=True, default=dict, verbose_name="context")),
                        ("due_at", models.DateTimeField(verbose_name="due at")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "waiting"),
                                    ("sending", "sending"),
                                    ("sent", "sent"),
                                    ("failed", "failed"),
                                    ("cancelled", "not needed"),
                                ],
                                default="pending",
                                max_length=16,
                                verbose_name="state",
                            ),
                        ),
                        ("next_attempt_at", models.DateTimeField(verbose_name="next attempt at")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        (
                            "claimed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="handed to a worker at"),
                        ),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        ("message_id", models.CharField(blank=True, max_length=250, verbose_name="Message-ID")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recipient",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "outgoing email",
                        "verbose_name_plural": "outgoing emails",
                        "db_table": "portal_outboundemail",
                        "ordering": ["due_at", "pk"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("state", "pending")),
                                fields=["next_attempt_at"],
                                name="outbox_pending_due_idx",
                            ),
                            models.Index(
                                condition=models.Q(("state", "sending")),
                                fields=["claimed_at"],
                                name="outbox_sending_idx",
                            ),
                            models.Index(fields=["state", "kind"], name="portal_outb_state_0d1aef_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]
