"""Files that are not public by nature move from MEDIA_ROOT (served at /media/) to PRIVATE_MEDIA_ROOT, which only
the view in tamyr.core.files serves. Names are kept; the rows do not change."""

from django.db import migrations

from tamyr.core.uploads import move_files_between


def to_private(apps, schema_editor):  # type: ignore[no-untyped-def]
    move_files_between(apps, "registry", "PersonImport", ('file', 'report'), to_private=True)


def to_public(apps, schema_editor):  # type: ignore[no-untyped-def]
    move_files_between(apps, "registry", "PersonImport", ('file', 'report'), to_private=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_private_files_random_names")]

    operations = [migrations.RunPython(to_private, to_public, elidable=False)]
