"""`tamyr rotate_keys` and what issuing says when the stored signing key does not decrypt (issue 10: a restore with
another secret key broke issuing with a DecryptionError traceback and no way out)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tamyr.core import crypto
from tamyr.learning.credentials import keys, openbadges
from tamyr.learning.models import IssuerKey
from tests.factories import OrganizationFactory
from tests.learning.certificate_fixtures import issued_certificate, issuing_course

pytestmark = pytest.mark.django_db

NEW = "kek-2027-new"


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Any:
    keys.forget_cached_keys()
    yield
    keys.forget_cached_keys()


def rotate(**options: Any) -> str:
    out = io.StringIO()
    call_command("rotate_keys", stdout=out, **options)
    return out.getvalue()


def stored_token(organization: Any) -> bytes:
    return bytes(IssuerKey.objects.get(organization=organization).private_key_encrypted)


def test_issuing_with_a_key_that_does_not_decrypt_says_what_to_do(settings: Any) -> None:
    course = issuing_course()
    issued_certificate(course)  # the organization's key, under the secret key
    settings.TAMYR_KEY_ENCRYPTION_KEY = NEW
    keys.forget_cached_keys()
    with pytest.raises(keys.SigningKeyUnavailable) as caught:
        issued_certificate(course)
    assert caught.value.code == "signing_key_unavailable"
    assert "tamyr rotate_keys" in str(caught.value.message)


def test_rotation_moves_every_value_to_the_new_key_and_issuing_works_with_it_alone(settings: Any) -> None:
    course = issuing_course()
    issued_certificate(course)
    settings.TAMYR_KEY_ENCRYPTION_KEY = f"{NEW},{settings.SECRET_KEY}"
    out = rotate()
    token = stored_token(course.provider)
    assert crypto.decrypt(token, secrets=[NEW])
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, secrets=[settings.SECRET_KEY])
    assert f"Re-encrypted 1 value(s) (1 under {crypto.fingerprint(settings.SECRET_KEY)})" in out
    settings.TAMYR_KEY_ENCRYPTION_KEY = NEW
    keys.forget_cached_keys()
    certificate = issued_certificate(course)
    assert openbadges.verify_credential(certificate.credential).verified


def test_rotation_reads_the_old_key_from_a_file(settings: Any, tmp_path: Path) -> None:
    course = issuing_course()
    issued_certificate(course)
    old_key_file = tmp_path / "key-encryption-key"
    old_key_file.write_text(f"{settings.SECRET_KEY}\n")
    settings.TAMYR_KEY_ENCRYPTION_KEY = NEW
    rotate(old_key_file=old_key_file)
    assert crypto.decrypt(stored_token(course.provider), secrets=[NEW])


def test_rotation_changes_nothing_when_a_value_decrypts_with_no_key_given(settings: Any) -> None:
    course = issuing_course()
    issued_certificate(course)
    other = OrganizationFactory()
    settings.TAMYR_KEY_ENCRYPTION_KEY = "a key nobody kept"
    keys.create_issuer_key(other)
    before = stored_token(course.provider)
    settings.TAMYR_KEY_ENCRYPTION_KEY = f"{NEW},{settings.SECRET_KEY}"
    with pytest.raises(CommandError, match="1 stored value"):
        rotate()
    assert stored_token(course.provider) == before


def test_check_reports_which_key_decrypts_and_changes_nothing(settings: Any) -> None:
    course = issuing_course()
    issued_certificate(course)
    before = stored_token(course.provider)
    settings.TAMYR_KEY_ENCRYPTION_KEY = f"{NEW},{settings.SECRET_KEY}"
    out = rotate(check=True)
    assert f"1 under {crypto.fingerprint(settings.SECRET_KEY)}" in out
    assert stored_token(course.provider) == before
