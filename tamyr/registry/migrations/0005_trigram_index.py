"""The PostgreSQL search indexes (see tamyr/registry/search.py); nothing on other databases.

- pg_trgm, and a GIN trigram index on the vocabulary of name words (`registry_nameword.word`): a typed word is
  looked up there, among tens of thousands of distinct words rather than millions of names;
- a GIN index on the words of each variant's order-free key (`string_to_array(sorted_key, ' ')`): the people who
  carry the words found;
- a GIN trigram index on the whole order-free key, for names the word lookup cannot find (words run together or
  split apart, heavy typing errors) and for raw pg_trgm comparisons;
- a statement-level trigger that adds the words of every inserted or updated variant to the vocabulary, however
  the rows were written (services, COPY in imports, the admin, this migration's successor).

SQLite has no pg_trgm: there search uses `NameGram` rows instead. `TrigramExtension` does nothing on other
databases going forwards but not backwards, hence the subclass; the rest is RunPython for the same reason.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARDS = [
    "CREATE INDEX IF NOT EXISTS registry_namevariant_sorted_key_trgm "
    "ON registry_namevariant USING gin (sorted_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_namevariant_words "
    "ON registry_namevariant USING gin (string_to_array(sorted_key, ' '))",
    "CREATE INDEX IF NOT EXISTS registry_nameword_trgm ON registry_nameword USING gin (word gin_trgm_ops)",
    """
    CREATE OR REPLACE FUNCTION registry_nameword_collect() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO registry_nameword (word)
        SELECT DISTINCT word FROM new_rows, unnest(string_to_array(new_rows.sorted_key, ' ')) AS word
        WHERE word <> ''
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER registry_nameword_on_insert AFTER INSERT ON registry_namevariant "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_nameword_collect()",
    "CREATE TRIGGER registry_nameword_on_update AFTER UPDATE ON registry_namevariant "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_nameword_collect()",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS registry_nameword_on_update ON registry_namevariant",
    "DROP TRIGGER IF EXISTS registry_nameword_on_insert ON registry_namevariant",
    "DROP FUNCTION IF EXISTS registry_nameword_collect()",
    "DROP INDEX IF EXISTS registry_nameword_trgm",
    "DROP INDEX IF EXISTS registry_namevariant_words",
    "DROP INDEX IF EXISTS registry_namevariant_sorted_key_trgm",
]


class PostgresTrigramExtension(TrigramExtension):
    """pg_trgm on PostgreSQL; nothing elsewhere, in both directions."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARDS:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARDS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_people_at_scale")]
    operations = [
        PostgresTrigramExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
