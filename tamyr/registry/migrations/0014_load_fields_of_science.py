"""Loads the OECD Fields of Science and Technology (FORD 2007) from the data file shipped beside the app.

Rows are matched by code and brought up to date, so a later migration that re-runs `load` after the file's
translations are corrected changes names and nothing else; people and organizations keep their fields."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "fields_of_science.json"


def load(apps, schema_editor):
    ExpertiseField = apps.get_model("registry", "ExpertiseField")
    fields = json.loads(DATA.read_text(encoding="utf-8"))["fields"]
    for entry in fields:  # majors come before their children in the file
        code = entry["code"]
        major, _dot, minor = code.partition(".")
        ExpertiseField.objects.update_or_create(
            code=code,
            defaults={
                "name": entry["name"],
                "parent_id": major if minor else None,
                "position": int(major) * 100 + (int(minor) if minor else 0),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_expertise_fields_and_orcid")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
