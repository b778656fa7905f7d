"""One index per certificate in its issuer's status list (in its own migration: PostgreSQL does not alter a table
in the transaction that just rewrote its rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("learning", "0006_certificate_status_index")]

    operations = [
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("issuer", "status_index"), name="learning_certificate_status_index_unique"
            ),
        ),
    ]
