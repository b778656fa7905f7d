"""Loads the OECD Fields of Science and Technology (FORD 2007) from the data file shipped with the app."""

from django.db import migrations

from tamyr.registry.fields_of_science import sync_fields


def load(apps, schema_editor):
    sync_fields(apps.get_model("registry", "ExpertiseField"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_expertise_fields_and_orcid")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
