"""Organizations' Ed25519 signing keys, and how the world finds their public halves.

One active `IssuerKey` per organization, made the first time it signs. The private key is stored only as a Fernet
token (`tamyr.core.crypto`); the public key in clear as a Multikey (`z` + base58btc of 0xed01 + the 32 bytes).

Each organization is a did:web identifier, did:web:HOST:organizations:SLUG, which by the did:web method resolves to
https://HOST/organizations/SLUG/did.json: we serve that document, listing the organization's keys as `Multikey`
verification methods under `assertionMethod`. /.well-known/jwks.json lists every key again as a JWK (OKP, Ed25519)
for tools that know JOSE rather than DIDs.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tamyr.core import crypto
from tamyr.core.errors import DomainError
from tamyr.learning.models import IssuerKey
from tamyr.registry.models import Organization

logger = logging.getLogger(__name__)

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


# --- multibase (base58btc) --------------------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        chars.append(BASE58_ALPHABET[remainder])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(chars))


def b58decode(text: str) -> bytes:
    # ten digits at a time: a few big-number steps instead of one per character (verification decodes a signature)
    number = 0
    for start in range(0, len(text), 10):
        block = text[start : start + 10]
        value = 0
        for char in block:
            index = _BASE58_INDEX.get(char)
            if index is None:
                raise ValueError(f"{char!r} is not a base58btc character")
            value = value * 58 + index
        number = number * 58 ** len(block) + value
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + (number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b"")


def multibase_encode(data: bytes) -> str:
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("Only base58btc multibase values (starting with 'z') are accepted.")
    return b58decode(text[1:])


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase_encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    data = multibase_decode(value)
    if len(data) != 34 or not data.startswith(ED25519_PUB_PREFIX):
        raise ValueError("Not an Ed25519 Multikey.")
    return Ed25519PublicKey.from_public_bytes(data[2:])


# --- did:web ----------------------------------------------------------------------------------------------------


def site_host() -> str:
    """The host (and port) of SITE_URL as did:web writes it: a port's colon percent-encoded."""
    return quote(urlsplit(settings.SITE_URL).netloc, safe="")


def did_for_slug(slug: str) -> str:
    return f"did:web:{site_host()}:organizations:{slug}"


def did_for(organization: Organization) -> str:
    return did_for_slug(organization.slug)


def slug_from_did(did: str) -> str | None:
    """The organization slug of one of our own did:web identifiers; None for any other DID."""
    prefix = f"did:web:{site_host()}:organizations:"
    if not did.startswith(prefix):
        return None
    slug = unquote(did[len(prefix) :])
    return slug if slug and ":" not in slug and "/" not in slug else None


_DID_WEB_ORGANIZATION = re.compile(r"^did:web:[^:/#?]+:organizations:([^:/#?]+)$")


def issuer_slug_from_did(did: str) -> str | None:
    """The organization slug of a did:web identifier Tamyr made, under whatever address the site had when it
    signed: credentials issued before a move (or under a development address) are still checked against the key
    that signed them, which is kept after rotation. Only a key stored for that slug can verify anything, so the
    host decides nothing."""
    match = _DID_WEB_ORGANIZATION.match(did)
    if match is None:
        return None
    slug = unquote(match.group(1))
    return slug if slug and ":" not in slug and "/" not in slug else None


def verification_method_id(slug: str, multibase: str) -> str:
    return f"{did_for_slug(slug)}#{multibase}"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def did_document_url(organization: Organization) -> str:
    return absolute_url(reverse("issuer_did", kwargs={"slug": organization.slug}))


# --- keys -------------------------------------------------------------------------------------------------------


class SigningKeyUnavailable(DomainError, crypto.DecryptionError):
    """The organization's stored key does not decrypt with the configured key-encryption key: after a restore
    with another secret, or a key changed without `tamyr rotate_keys`. Issuing stops with a message that says
    what to do instead of a traceback; nothing is signed with a new key behind the operator's back, because
    the stored key is still the organization's published identity."""

    code = "signing_key_unavailable"


@dataclass(frozen=True)
class SigningKey:
    """What signing needs, decrypted once per process."""

    private_key: Ed25519PrivateKey
    verification_method: str
    issuer_did: str


_signing_keys: dict[tuple[int, str], SigningKey] = {}  # by (pk, public key): pks come back after a rollback
_public_keys: dict[str, tuple[int, Ed25519PublicKey]] = {}


def create_issuer_key(organization: Organization) -> IssuerKey:
    private_key = Ed25519PrivateKey.generate()
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return IssuerKey.objects.create(
        organization=organization,
        public_key_multibase=public_key_multibase(private_key.public_key()),
        private_key_encrypted=crypto.encrypt(raw),
        is_active=True,
    )


@transaction.atomic
def issuer_key_for(organization: Organization) -> IssuerKey:
    """The organization's active key, made on first use. The organization row is locked so that two workers
    issuing for the same organization at once make one key, not two."""
    Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk", flat=True).first()
    key = IssuerKey.objects.filter(organization=organization, is_active=True).order_by("-created_at", "-id").first()
    return key or create_issuer_key(organization)


def signing_key_for(organization: Organization) -> SigningKey:
    key = issuer_key_for(organization)
    cache_key = (key.pk, key.public_key_multibase)
    cached = _signing_keys.get(cache_key)
    if cached is None:
        try:
            raw = crypto.decrypt(bytes(key.private_key_encrypted))
        except crypto.DecryptionError:
            logger.error(
                "The signing key %s of %s does not decrypt with the configured key(s) %s (from %s). Set the key it "
                "was encrypted with after the new one in TAMYR_KEY_ENCRYPTION_KEY (or in a file) and run "
                "`tamyr rotate_keys`; `tamyr rotate_keys --check` and the backup manifest name the fingerprints.",
                key.pk,
                organization.slug,
                ", ".join(crypto.fingerprint(secret) for secret in crypto.configured_secrets()),
                crypto.secrets_source(),
            )
            raise SigningKeyUnavailable(
                _(
                    "Certificates of %(organization)s cannot be signed: its signing key does not decrypt with the "
                    "configured key-encryption key. An administrator must configure the key it was encrypted with "
                    "and run “tamyr rotate_keys” (see “Backup and restore” in the deploy guide)."
                )
                % {"organization": organization.display_name}
            )
        cached = SigningKey(
            private_key=Ed25519PrivateKey.from_private_bytes(raw),
            verification_method=verification_method_id(organization.slug, key.public_key_multibase),
            issuer_did=did_for(organization),
        )
        _signing_keys[cache_key] = cached
    return cached


def resolve_verification_method(verification_method: str) -> tuple[int, Ed25519PublicKey] | None:
    """(organization id, public key) for a verification method of one of our organizations, from the database
    (never the network), whichever address the site had when the key signed (`issuer_slug_from_did`). Public
    keys never change, so found ones are cached for the life of the process."""
    found = _public_keys.get(verification_method)
    if found is not None:
        return found
    did, _hash, fragment = verification_method.partition("#")
    slug = issuer_slug_from_did(did)
    if slug is None or not fragment:
        return None
    row = (
        IssuerKey.objects.filter(organization__slug=slug, public_key_multibase=fragment)
        .values_list("organization_id", flat=True)
        .first()
    )
    if row is None:
        return None
    try:
        found = (row, public_key_from_multibase(fragment))
    except ValueError:
        return None
    _public_keys[verification_method] = found
    return found


def forget_cached_keys() -> None:
    """For tests that swap secrets or delete keys."""
    _signing_keys.clear()
    _public_keys.clear()


# --- published documents ----------------------------------------------------------------------------------------


def did_document(organization: Organization) -> dict[str, Any]:
    did = did_for(organization)
    keys = list(IssuerKey.objects.filter(organization=organization).order_by("created_at", "id"))
    methods = [
        {
            "id": f"{did}#{key.public_key_multibase}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "alsoKnownAs": [absolute_url(organization.get_absolute_url())],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def jwk(slug: str, multibase: str) -> dict[str, str]:
    raw = multibase_decode(multibase)[2:]
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        "kid": verification_method_id(slug, multibase),
        "use": "sig",
        "alg": "EdDSA",
    }


def jwks() -> dict[str, Any]:
    rows = IssuerKey.objects.order_by("organization__slug", "created_at", "id").values_list(
        "organization__slug", "public_key_multibase"
    )
    return {"keys": [jwk(slug, multibase) for slug, multibase in rows]}
