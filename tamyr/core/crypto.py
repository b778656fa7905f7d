"""Encryption of secrets kept in the database (today: organizations' Ed25519 signing keys).

Why: a copy of the database (a backup, a dump handed to a developer) must not be enough to sign certificates in an
organization's name. Rows hold Fernet tokens (AES-128-CBC with an HMAC-SHA256, from `cryptography`); the Fernet key
is derived with HKDF-SHA256 from a secret that lives only in the environment:

- `TAMYR_KEY_ENCRYPTION_KEY` when set (recommended in production: it lets `TAMYR_SECRET_KEY` rotate without
  losing the signing keys). It may hold several secrets separated by commas: the first encrypts, every one
  decrypts, so a new secret can be introduced before the old one is retired (`re_encrypt` moves a token over);
- otherwise `SECRET_KEY`.

Losing the secret makes the stored keys useless: issuing then stops with `learning`'s "signing key unavailable"
error until the secret is set again; credentials signed with the old keys still verify as long as the old public
keys stay published (they do: public keys are stored in clear).

Which columns hold tokens: each app names them in its AppConfig (`encrypted_fields = ("Model.field", ...)`), so
`tamyr rotate_keys` and `tamyr backup` find every one without core importing an app (docs/decisions/0010).
Secrets that another library keeps inside a JSON column (allauth's TOTP secrets and recovery-code seeds) are
stored as text tokens, `TEXT_PREFIX` followed by the Fernet token, and named in `encrypted_json_fields =
("app_label.Model.field", ...)`: every string in that column that starts with the prefix is a token.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import models

HKDF_SALT = b"tamyr.core.crypto"
HKDF_INFO = b"tamyr: keys encrypted at rest, v1"


class DecryptionError(Exception):
    """The token was not made with any of the configured secrets, or it was altered."""


def split_secrets(value: str) -> list[str]:
    """Secrets written one after another, separated by commas or new lines (an environment value, a key file)."""
    return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]


def configured_value() -> str:
    return getattr(settings, "TAMYR_KEY_ENCRYPTION_KEY", "") or os.environ.get("TAMYR_KEY_ENCRYPTION_KEY", "")


def configured_secrets() -> list[str]:
    """The secrets in force, the encrypting one first."""
    return split_secrets(configured_value()) or [settings.SECRET_KEY]


def secrets_source() -> str:
    """Where the secrets in force come from, to tell an operator which one to keep."""
    return "TAMYR_KEY_ENCRYPTION_KEY" if split_secrets(configured_value()) else "TAMYR_SECRET_KEY"


def fingerprint(secret: str) -> str:
    """A short name for a secret that reveals nothing usable: a hash of the derived Fernet key under its own label.
    (Whoever holds a backup can already test guesses against the stored tokens; this gives them nothing more.)"""
    derived = _fernet_key_bytes(secret)
    return hashlib.sha256(b"tamyr key fingerprint\0" + derived).hexdigest()[:16]


def fingerprint_of_token(token: bytes, *, secrets: list[str] | None = None) -> str | None:
    """The fingerprint of the secret (among `secrets`, or the configured ones) that decrypts `token`, or None."""
    for secret in secrets or configured_secrets():
        try:
            _fernet_for(secret).decrypt(bytes(token))
        except InvalidToken:
            continue
        return fingerprint(secret)
    return None


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every column holding tokens made here, as the apps declare them."""
    found: list[tuple[type[models.Model], str]] = []
    for config in apps.get_app_configs():
        for dotted in getattr(config, "encrypted_fields", ()):
            model_name, field_name = dotted.rsplit(".", 1)
            found.append((config.get_model(model_name), field_name))
    return found


TEXT_PREFIX = "tamyr-fernet:"


def encrypt_text(text: str) -> str:
    """A secret kept as text (inside JSON): the prefix, then the Fernet token."""
    return TEXT_PREFIX + encrypt(text.encode()).decode("ascii")


def decrypt_text(value: str) -> str:
    """Counterpart of `encrypt_text`. A value without the prefix was written before encryption was switched on;
    it is returned as it is (the accounts migration encrypts those, so only a row restored from an old backup
    can still hold one)."""
    if not value.startswith(TEXT_PREFIX):
        return value
    return decrypt(value[len(TEXT_PREFIX) :].encode("ascii")).decode()


def encrypted_json_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every JSON column whose prefixed strings are tokens, as the apps declare them."""
    found: list[tuple[type[models.Model], str]] = []
    for config in apps.get_app_configs():
        for dotted in getattr(config, "encrypted_json_fields", ()):
            app_label, model_name, field_name = dotted.split(".")
            found.append((apps.get_model(app_label, model_name), field_name))
    return found


def tokens_in(value: object) -> list[bytes]:
    """The Fernet tokens held as prefixed strings anywhere in a JSON value."""
    if isinstance(value, str):
        return [value[len(TEXT_PREFIX) :].encode("ascii")] if value.startswith(TEXT_PREFIX) else []
    if isinstance(value, dict):
        return [token for item in value.values() for token in tokens_in(item)]
    if isinstance(value, list):
        return [token for item in value for token in tokens_in(item)]
    return []


def _replace_tokens(value: object, replace: Callable[[bytes], bytes]) -> object:
    if isinstance(value, str) and value.startswith(TEXT_PREFIX):
        return TEXT_PREFIX + replace(value[len(TEXT_PREFIX) :].encode("ascii")).decode("ascii")
    if isinstance(value, dict):
        return {key: _replace_tokens(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_tokens(item, replace) for item in value]
    return value


def _fernet_key_bytes(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(secret.encode())


@lru_cache(maxsize=16)
def _fernet_for(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_fernet_key_bytes(secret)))


def _cipher(secrets: list[str] | None) -> MultiFernet:
    return MultiFernet([_fernet_for(secret) for secret in (secrets or configured_secrets())])


def encrypt(data: bytes, *, secrets: list[str] | None = None) -> bytes:
    """A Fernet token for `data` under the first configured secret (or the given ones, for tests and rotation)."""
    return _cipher(secrets).encrypt(data)


def decrypt(token: bytes, *, secrets: list[str] | None = None) -> bytes:
    try:
        return _cipher(secrets).decrypt(bytes(token))
    except InvalidToken as error:
        raise DecryptionError("The stored secret cannot be decrypted with the configured key.") from error


def re_encrypt(token: bytes, *, secrets: list[str] | None = None) -> bytes:
    """The same secret under the first configured key (after a rotation)."""
    try:
        return _cipher(secrets).rotate(bytes(token))
    except InvalidToken as error:
        raise DecryptionError("The stored secret cannot be decrypted with the configured key.") from error


class RotationError(Exception):
    """Some stored tokens decrypt with none of the given secrets; nothing was changed."""


def re_encrypt_all(*, old_secrets: list[str] | None = None, check_only: bool = False) -> dict[str, int]:
    """Re-encrypt every stored token under the first configured secret, in one transaction: either every value
    moves to the new secret or none does. A token may be under any configured secret or any of `old_secrets`
    (read from a file by `tamyr rotate_keys --old-key-file`). Returns how many values each secret decrypted, by
    fingerprint. Raises RotationError, changing nothing, when some value decrypts with none of them."""
    from django.db import transaction

    secrets = [*configured_secrets(), *(old_secrets or [])]
    counts: dict[str, int] = {}
    lost = 0
    with transaction.atomic():
        for model, field_name in encrypted_fields():
            rows = model._default_manager.select_for_update().order_by("pk").values_list("pk", field_name)
            for pk, token in rows:
                found = fingerprint_of_token(bytes(token), secrets=secrets)
                if found is None:
                    lost += 1
                    continue
                counts[found] = counts.get(found, 0) + 1
                if not check_only:
                    fresh = re_encrypt(bytes(token), secrets=secrets)
                    model._default_manager.filter(pk=pk).update(**{field_name: fresh})
        for model, field_name in encrypted_json_fields():
            rows = model._default_manager.select_for_update().order_by("pk").values_list("pk", field_name)
            for pk, value in rows:
                tokens = tokens_in(value)
                found_all = [fingerprint_of_token(token, secrets=secrets) for token in tokens]
                lost += sum(1 for found in found_all if found is None)
                for found in filter(None, found_all):
                    counts[found] = counts.get(found, 0) + 1
                if tokens and None not in found_all and not check_only:
                    fresh_value = _replace_tokens(value, lambda token: re_encrypt(token, secrets=secrets))
                    model._default_manager.filter(pk=pk).update(**{field_name: fresh_value})
        if lost:  # leaving the block by an exception rolls every update back
            raise RotationError(
                f"{lost} stored value(s) decrypt with none of the {len(secrets)} key(s) given; nothing was changed."
            )
    return counts
