"""Users get the name they write themselves; accounts whose registry record already carries a real name take it."""

from django.db import migrations, models


def names_from_records(apps, schema_editor):  # type: ignore[no-untyped-def]
    """An account whose record has a name other than its username (given by staff or a network file) keeps that
    name, so only accounts nobody ever named are asked for one after their next sign-in."""
    User = apps.get_model("accounts", "User")
    Person = apps.get_model("registry", "Person")
    records = Person.objects.filter(user__isnull=False, erased_at__isnull=True).values_list("user_id", "display_name")
    names = dict(records.iterator())
    for user in User.objects.filter(pk__in=list(names), name="").iterator():
        name = (names[user.pk] or "").strip()
        if name and name != user.username:
            user.name = name[:200]
            user.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_machine_token"),
        ("registry", "0014_load_fields_of_science"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="name",
            field=models.CharField(blank=True, max_length=200, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="user",
            name="name_asked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="name_latin",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in Latin letters"),
        ),
        migrations.RunPython(names_from_records, migrations.RunPython.noop),
    ]
