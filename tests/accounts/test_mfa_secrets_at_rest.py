"""TOTP secrets and recovery-code seeds are encrypted in the database (a backup alone must not give anyone a staff
member's second factor), and `tamyr rotate_keys` and `tamyr backup` treat them like the signing keys."""

from __future__ import annotations

import importlib
import io
import time
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.apps import apps as django_apps
from django.core.management import call_command

from tamyr.core import backup, crypto
from tests.factories import UserFactory, with_totp

pytestmark = pytest.mark.django_db

migration = importlib.import_module("tamyr.accounts.migrations.0005_encrypt_mfa_secrets")


def stored(user: Any, kind: str) -> dict[str, Any]:
    return Authenticator.objects.get(user=user, type=kind).data


def test_the_totp_secret_is_stored_as_a_token_not_in_clear() -> None:
    user = UserFactory()
    secret = with_totp(user)
    data = stored(user, Authenticator.Type.TOTP)
    assert secret not in str(data)
    assert data["secret"].startswith(crypto.TEXT_PREFIX)
    assert crypto.decrypt_text(data["secret"]) == secret


def test_a_code_from_the_secret_still_validates() -> None:
    user = UserFactory()
    secret = with_totp(user)
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert totp.validate_code(code)


def test_recovery_codes_are_generated_from_an_encrypted_seed() -> None:
    user = UserFactory()
    with_totp(user)
    codes = RecoveryCodes.activate(user)
    data = stored(user, Authenticator.Type.RECOVERY_CODES)
    assert data["seed"].startswith(crypto.TEXT_PREFIX)
    assert codes.validate_code(codes.get_unused_codes()[0])


def test_the_migration_encrypts_secrets_written_in_clear_and_leaves_tokens_alone() -> None:
    user = UserFactory()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    other = UserFactory()
    with_totp(other)
    already = stored(other, Authenticator.Type.TOTP)["secret"]

    migration.encrypt_secrets(django_apps, None)

    secret = stored(user, Authenticator.Type.TOTP)["secret"]
    assert secret.startswith(crypto.TEXT_PREFIX) and crypto.decrypt_text(secret) == "JBSWY3DPEHPK3PXP"
    assert stored(other, Authenticator.Type.TOTP)["secret"] == already


def test_rotating_the_key_moves_the_totp_secret_to_the_new_key(settings: Any) -> None:
    user = UserFactory()
    secret = with_totp(user)
    settings.TAMYR_KEY_ENCRYPTION_KEY = f"kek-new,{settings.SECRET_KEY}"
    call_command("rotate_keys", stdout=io.StringIO())
    token = crypto.tokens_in(stored(user, Authenticator.Type.TOTP))[0]
    assert crypto.decrypt(token, secrets=["kek-new"]).decode() == secret
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, secrets=[settings.SECRET_KEY])


def test_rotation_refuses_and_changes_nothing_when_a_totp_secret_decrypts_with_no_key(settings: Any) -> None:
    user = UserFactory()
    with_totp(user)
    before = stored(user, Authenticator.Type.TOTP)
    settings.TAMYR_KEY_ENCRYPTION_KEY = "kek-unrelated"
    with pytest.raises(crypto.RotationError):
        crypto.re_encrypt_all()
    assert stored(user, Authenticator.Type.TOTP) == before


def test_the_backup_counts_the_totp_secrets_among_the_encrypted_values(tmp_path: Path) -> None:
    before = len(backup._encrypted_tokens(lambda query: _rows(query)))
    with_totp(UserFactory())
    assert len(backup._encrypted_tokens(lambda query: _rows(query))) == before + 1


def _rows(query: str) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query)
        return list(cursor.fetchall())
