"""Encryption of secrets kept in the database (today: organizations' Ed25519 signing keys).

Why: a copy of the database (a backup, a dump handed to a developer) must not be enough to sign certificates in an
organization's name. Rows hold Fernet tokens (AES-128-CBC with an HMAC-SHA256, from `cryptography`); the Fernet key
is derived with HKDF-SHA256 from a secret that lives only in the environment:

- `TAMYR_KEY_ENCRYPTION_KEY` when set (recommended in production: it lets `TAMYR_SECRET_KEY` rotate without
  losing the signing keys). It may hold several secrets separated by commas: the first encrypts, every one
  decrypts, so a new secret can be introduced before the old one is retired (`re_encrypt` moves a token over);
- otherwise `SECRET_KEY`.

Losing the secret makes the stored keys useless: organizations then get new keys on their next certificate, and
credentials signed with the old keys still verify as long as the old public keys stay published (they do: public
keys are stored in clear).
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

HKDF_SALT = b"tamyr.core.crypto"
HKDF_INFO = b"tamyr: keys encrypted at rest, v1"


class DecryptionError(Exception):
    """The token was not made with any of the configured secrets, or it was altered."""


def configured_secrets() -> list[str]:
    """The secrets in force, the encrypting one first."""
    value = getattr(settings, "TAMYR_KEY_ENCRYPTION_KEY", "") or os.environ.get("TAMYR_KEY_ENCRYPTION_KEY", "")
    secrets = [item.strip() for item in value.split(",") if item.strip()]
    return secrets or [settings.SECRET_KEY]


@lru_cache(maxsize=16)
def _fernet_for(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


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
