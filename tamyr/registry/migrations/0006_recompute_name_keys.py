"""Fill the new order-independent and blocking keys of every stored name variant (and, on SQLite, its grams)."""

from django.db import migrations


def recompute(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tamyr.registry.search import gram_rows, variant_keys

    NameVariant = apps.get_model("registry", "NameVariant")
    NameGram = apps.get_model("registry", "NameGram")
    with_grams = schema_editor.connection.vendor != "postgresql"
    batch = []
    grams = []

    def flush():  # type: ignore[no-untyped-def]
        NameVariant.objects.bulk_update(batch, ["key", "sorted_key", "blocking"])
        if with_grams:
            NameGram.objects.filter(variant_id__in=[v.pk for v in batch]).delete()
            NameGram.objects.bulk_create(NameGram(variant_id=pk, gram=gram) for pk, gram in grams)
        batch.clear()
        grams.clear()

    for variant in NameVariant.objects.only("pk", "text").iterator(chunk_size=2000):
        keys = variant_keys(variant.text)
        variant.key, variant.sorted_key, variant.blocking = keys.key, keys.sorted_key, keys.blocking
        batch.append(variant)
        if with_grams:
            grams.extend((variant.pk, gram) for gram in gram_rows(keys))
        if len(batch) >= 2000:
            flush()
    flush()


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_trigram_index")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
