"""The matchmaking models, taken over from the events app with their tables.

``MeetingRequest``, ``SlotUnavailability``, ``Meeting`` (with its ``events_meeting_sharers``
table) and ``FollowUp`` were created by the events migrations; this migration only tells Django
that they now belong to matchmaking, under the same table, index and constraint names
(``db_table``), so no row is copied and no table is locked. ``mous.0006`` then points the MoU
links at the moved ``Meeting`` and drops the old models from the events app's state (the events
migrations cannot: they never wait for a migration of an app above them).

The models' content types move too, so their permissions and audit-log entries follow them.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
import events.models
import uuid
from django.db import migrations, models


MOVED_MODELS = ("meetingrequest", "slotunavailability", "meeting", "followup")


def _move_content_types(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="events", target="matchmaking")


def move_content_types_back(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="matchmaking", target="events")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        # The tables exist from here on.
        ('events', '0007_deletion_keeps_the_record'),
        ('institutions', '0005_fill_search_vocabulary'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MeetingRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('message', models.TextField(blank=True, max_length=1000, verbose_name='message')),
                        ('status', models.CharField(choices=[('pending', 'pending'), ('accepted', 'accepted'), ('declined', 'declined'), ('expired', 'expired'), ('cancelled', 'cancelled')], default='pending', max_length=16, verbose_name='status')),
                        ('mutual', models.BooleanField(default=False, verbose_name='mutual')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='sent at')),
                        ('responded_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires at')),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests_received', to='events.registration', verbose_name='to')),
                        ('recipient_institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='meeting_requests_received', to='institutions.institution', verbose_name='to institution')),
                        ('requester', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests_sent', to='events.registration', verbose_name='from')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meeting_requests', to='events.session', verbose_name='session')),
                    ],
                    options={
                        'verbose_name': 'meeting request',
                        'verbose_name_plural': 'meeting requests',
                        'db_table': 'events_meetingrequest',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Meeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('table_number', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='table')),
                        ('status', models.CharField(choices=[('provisional', 'provisional'), ('published', 'published'), ('cancelled', 'cancelled')], default='provisional', max_length=16, verbose_name='status')),
                        ('draft_table', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='proposed table')),
                        ('unplaced_reason', models.CharField(blank=True, choices=[('no_common_availability', 'no slot when both are available'), ('requester_full', 'the requester is fully booked'), ('recipient_full', 'the recipient is fully booked'), ('both_full', 'both are fully booked'), ('no_free_slot', 'no slot left that is free for both at a free table')], max_length=32, verbose_name='why not placed')),
                        ('attendance', models.CharField(blank=True, choices=[('held', 'held'), ('no_show', 'no-show')], max_length=16, verbose_name='attendance')),
                        ('outcome', models.CharField(blank=True, choices=[('not_held', 'did not take place'), ('no_fit', 'no fit'), ('informative', 'informative, no cooperation planned'), ('in_discussion', 'in discussion'), ('mou_planned', 'MoU in preparation'), ('mou_signed', 'MoU signed')], max_length=16, verbose_name='outcome')),
                        ('outcome_at', models.DateTimeField(blank=True, null=True, verbose_name='outcome reported at')),
                        ('unanswered_flagged_at', models.DateTimeField(blank=True, null=True, verbose_name='flagged as unanswered')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='calendar UID')),
                        ('sequence', models.PositiveIntegerField(default=0, verbose_name='calendar sequence')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('draft_slot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='events.meetingslot', verbose_name='proposed slot')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='events.session', verbose_name='session')),
                        ('sharers', models.ManyToManyField(blank=True, db_table='events_meeting_sharers', related_name='shared_meetings', to='events.registration', verbose_name='colleagues sharing the meeting')),
                        ('slot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='meetings', to='events.meetingslot', verbose_name='slot')),
                        ('request', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='meeting', to='matchmaking.meetingrequest', verbose_name='request')),
                    ],
                    options={
                        'verbose_name': 'meeting',
                        'verbose_name_plural': 'meetings',
                        'db_table': 'events_meeting',
                        'ordering': ['slot__starts_at', 'table_number'],
                    },
                ),
                migrations.CreateModel(
                    name='SlotUnavailability',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('registration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unavailable_slots', to='events.registration', verbose_name='registration')),
                        ('slot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='events.meetingslot', verbose_name='slot')),
                    ],
                    options={
                        'verbose_name': 'unavailable slot',
                        'verbose_name_plural': 'unavailable slots',
                        'db_table': 'events_slotunavailability',
                    },
                ),
                migrations.CreateModel(
                    name='FollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('step', models.PositiveSmallIntegerField(verbose_name='step')),
                        ('due_at', models.DateTimeField(verbose_name='due at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('outcome', models.CharField(blank=True, choices=[('not_held', 'did not take place'), ('no_fit', 'no fit'), ('informative', 'informative, no cooperation planned'), ('in_discussion', 'in discussion'), ('mou_planned', 'MoU in preparation'), ('mou_signed', 'MoU signed')], max_length=16, verbose_name='outcome')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('opted_out_at', models.DateTimeField(blank=True, null=True, verbose_name='opted out at')),
                        ('token', models.CharField(default=events.models.new_token, editable=False, max_length=64, unique=True)),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='events.registration', verbose_name='recipient')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='matchmaking.meeting', verbose_name='meeting')),
                    ],
                    options={
                        'verbose_name': 'follow-up',
                        'verbose_name_plural': 'follow-ups',
                        'db_table': 'events_followup',
                        'ordering': ['due_at'],
                        'indexes': [models.Index(condition=models.Q(('sent_at__isnull', True)), fields=['due_at'], name='follow_up_unsent_due_idx')],
                        'constraints': [models.UniqueConstraint(fields=('meeting', 'recipient', 'step'), name='follow_up_unique_step')],
                    },
                ),
                migrations.AddIndex(
                    model_name='meetingrequest',
                    index=models.Index(fields=['session', 'status'], name='events_meet_session_13843d_idx'),
                ),
                migrations.AddIndex(
                    model_name='meetingrequest',
                    index=models.Index(fields=['recipient', 'status'], name='events_meet_recipie_6f9edf_idx'),
                ),
                migrations.AddConstraint(
                    model_name='meetingrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('recipient__isnull', False), ('recipient_institution__isnull', False), _connector='OR'), name='meeting_request_has_recipient'),
                ),
                migrations.AddConstraint(
                    model_name='meetingrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('requester', models.F('recipient')), _negated=True), name='meeting_request_not_with_oneself'),
                ),
                migrations.AddConstraint(
                    model_name='meetingrequest',
                    constraint=models.UniqueConstraint(models.F('session'), django.db.models.functions.comparison.Least('requester', 'recipient'), django.db.models.functions.comparison.Greatest('requester', 'recipient'), condition=models.Q(('recipient__isnull', False), ('status__in', ['pending', 'accepted'])), name='meeting_request_unique_open_pair'),
                ),
                migrations.AddConstraint(
                    model_name='meetingrequest',
                    constraint=models.UniqueConstraint(condition=models.Q(('recipient__isnull', True), ('status__in', ['pending', 'accepted'])), fields=('session', 'requester', 'recipient_institution'), name='meeting_request_unique_open_institution'),
                ),
                migrations.AddIndex(
                    model_name='meeting',
                    index=models.Index(fields=['session', 'status'], name='events_meet_session_11dd5a_idx'),
                ),
                migrations.AddConstraint(
                    model_name='meeting',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('slot', 'table_number'), name='meeting_one_per_table_and_slot'),
                ),
                migrations.AddConstraint(
                    model_name='meeting',
                    constraint=models.CheckConstraint(condition=models.Q(('slot__isnull', True), ('table_number__isnull', False), _connector='OR'), name='meeting_slot_needs_table'),
                ),
                migrations.AddConstraint(
                    model_name='meeting',
                    constraint=models.CheckConstraint(condition=models.Q(('draft_slot__isnull', True), ('draft_table__isnull', False), _connector='OR'), name='meeting_draft_slot_needs_table'),
                ),
                migrations.AddConstraint(
                    model_name='slotunavailability',
                    constraint=models.UniqueConstraint(fields=('registration', 'slot'), name='unavailability_unique'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
