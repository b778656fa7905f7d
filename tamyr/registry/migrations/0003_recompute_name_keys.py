"""Name keys changed shape (tamyr.names: phonetic skeletons, patronymics); recompute every stored key."""

from django.db import migrations


def recompute(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tamyr.names import search_key

    NameVariant = apps.get_model("registry", "NameVariant")
    batch = []
    for variant in NameVariant.objects.only("pk", "text").iterator(chunk_size=2000):
        variant.key = search_key(variant.text)[:200]
        batch.append(variant)
        if len(batch) >= 2000:
            NameVariant.objects.bulk_update(batch, ["key"])
            batch = []
    NameVariant.objects.bulk_update(batch, ["key"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_countries")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
