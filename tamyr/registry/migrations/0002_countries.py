from django.db import migrations


def load_countries(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tamyr.registry.countries import sync_countries

    sync_countries(apps.get_model("registry", "Country"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
