"""Certificates get their own status list index, drawn at random for new ones (the row id told anyone how many
certificates the platform had made). Certificates issued before keep the index their signed credential names (their
row id), so they stay verifiable, and a third-party verifier reading the issuer's status list finds their bit where
it was.

The stored credentials' `proof` becomes a list of one, as 1EdTech's Open Badges 3.0 schema requires: the proof is
not part of the signed data, so the signature still holds, and a copy a holder downloaded before (proof an object)
verifies too."""

from typing import Any

from django.db import migrations, models


def _signed_index(credential: Any, fallback: int) -> int:
    status = credential.get("credentialStatus") if isinstance(credential, dict) else None
    index = status.get("statusListIndex") if isinstance(status, dict) else None
    return int(index) if isinstance(index, str) and index.isdigit() else fallback


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Certificate = apps.get_model("learning", "Certificate")
    changed = []
    for certificate in Certificate.objects.filter(status_index__isnull=True).only("pk", "credential").iterator(2000):
        certificate.status_index = _signed_index(certificate.credential, certificate.pk)
        proof = certificate.credential.get("proof") if isinstance(certificate.credential, dict) else None
        if isinstance(proof, dict):
            certificate.credential["proof"] = [proof]
        changed.append(certificate)
        if len(changed) >= 2000:
            Certificate.objects.bulk_update(changed, ["status_index", "credential"])
            changed = []
    Certificate.objects.bulk_update(changed, ["status_index", "credential"])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The index column goes with the field; proofs go back to objects (what the code before expects)."""
    Certificate = apps.get_model("learning", "Certificate")
    changed = []
    for certificate in Certificate.objects.only("pk", "credential").iterator(2000):
        proof = certificate.credential.get("proof") if isinstance(certificate.credential, dict) else None
        if isinstance(proof, list) and len(proof) == 1:
            certificate.credential["proof"] = proof[0]
            changed.append(certificate)
    Certificate.objects.bulk_update(changed, ["credential"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0005_move_files_to_private_root"),
        ("registry", "0012_person_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="status list index"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
