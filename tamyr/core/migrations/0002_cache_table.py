"""The database cache table, so a fresh `migrate` is all the embedded set-up needs (rate limits use the cache)."""

from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
