"""Encrypt the TOTP secrets and recovery-code seeds written in clear before tamyr.accounts.mfa existed."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from tamyr.core import crypto

SECRET_KEYS = ("secret", "seed")


def _mapped(data: dict[str, Any], change: Any) -> dict[str, Any]:
    result = dict(data)
    for key in SECRET_KEYS:
        if isinstance(result.get(key), str):
            result[key] = change(result[key])
    if isinstance(result.get("migrated_codes"), list):
        result["migrated_codes"] = [change(code) for code in result["migrated_codes"]]
    return result


def _encrypt(value: str) -> str:
    return value if value.startswith(crypto.TEXT_PREFIX) else crypto.encrypt_text(value)


def _apply(apps: Any, change: Any) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.order_by("pk"):
        data = _mapped(authenticator.data or {}, change)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    _apply(apps, _encrypt)


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    _apply(apps, crypto.decrypt_text)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_name"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
