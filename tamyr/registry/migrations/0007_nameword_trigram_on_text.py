"""Rebuild the vocabulary's trigram index on `word::text` (PostgreSQL only).

The planner matches `word % 'text'`, which casts the varchar column to text, only to an index on the cast
expression; with the index on the bare column it scanned the whole vocabulary, about twenty times slower.
"""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS registry_nameword_trgm")
    schema_editor.execute(
        "CREATE INDEX registry_nameword_trgm ON registry_nameword USING gin ((word::text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS registry_nameword_trgm")
    schema_editor.execute("CREATE INDEX registry_nameword_trgm ON registry_nameword USING gin (word gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_recompute_name_keys")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
