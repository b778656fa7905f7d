# Counts of distinct people kept with the events they count over (docs/decisions/0036). The rows of the counts are
# derived data: the existing ones are dropped with their counts, and the next change (or the nightly count) builds
# them again under the new layout.

import django.db.models.deletion
from django.db import migrations, models


def forget_counts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # the foreign keys checked now, not at the commit: the tables are altered in this transaction
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    IndicatorPeriod = apps.get_model("cooperation", "IndicatorPeriod")
    PeopleCount = apps.get_model("cooperation", "PeopleCount")
    CountedPerson = apps.get_model("cooperation", "CountedPerson")
    IndicatorPeriod.objects.filter(counter__isnull=False).update(counter=None)
    CountedPerson.objects.all().delete()
    PeopleCount.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cooperation', '0003_network_wide_rows'),
    ]

    operations = [
        migrations.RunPython(forget_counts, migrations.RunPython.noop),
        migrations.DeleteModel(name='CountedPerson'),
        migrations.CreateModel(
            name='CountedPerson',
            fields=[
                ('pk', models.CompositePrimaryKey('count', 'person_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('count', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='people', to='cooperation.peoplecount')),
                ('person_id', models.BigIntegerField()),
            ],
        ),
        migrations.AddField(
            model_name='peoplecount',
            name='countries',
            field=models.CharField(blank=True, max_length=400, null=True),
        ),
        migrations.AddField(
            model_name='peoplecount',
            name='max_age',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='peoplecount',
            name='min_age',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='CountedEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.BigIntegerField()),
                ('year', models.PositiveSmallIntegerField(default=0)),
                ('count', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cooperation.peoplecount')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('event_id', 'count'), name='one_counted_event')],
            },
        ),
    ]
