"""Every event gets its own calendar UID: added empty, filled one row at a time (a default would give every
existing event the same value), then made unique."""

import uuid

from django.db import migrations, models


def fill_uids(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for pk in Event.objects.filter(calendar_uid__isnull=True).values_list("pk", flat=True).iterator():
        Event.objects.filter(pk=pk).update(calendar_uid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("events", "0004_move_files_to_private_root")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="calendar_uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="event",
            name="calendar_uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="event",
            name="calendar_sequence",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
