"""The Data Integrity proof `DataIntegrityProof` with the cryptosuite `eddsa-rdfc-2022` (W3C vc-di-eddsa §3.3).

Signing: canonicalize the proof options (the proof without `proofValue`, carrying the document's `@context`) and
the document without its proof with RDFC-1.0, hash each with SHA-256, sign `hash(options) || hash(document)` with
Ed25519, and write the signature as multibase base58btc (`z…`). Verifying repeats the hashing and checks the
signature with the public key the verification method names.

`tests/learning/test_credentials.py` reproduces the specification's own test vector byte for byte.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tamyr.learning.credentials import canonical
from tamyr.learning.credentials.keys import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class ProofError(ValueError):
    """Why a proof does not hold; `code` is stable for the API and the command line."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def xsd_datetime(moment: datetime) -> str:
    """UTC, whole seconds, with a Z: the form every verifier parses."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_options(*, context: Any, verification_method: str, created: str) -> dict[str, Any]:
    return {
        "@context": context,
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }


def hash_data(unsecured: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    options_hash = hashlib.sha256(canonical.canonicalize(options).encode()).digest()
    document_hash = hashlib.sha256(canonical.canonicalize(unsecured).encode()).digest()
    return options_hash + document_hash


def add_proof(
    document: Mapping[str, Any], *, private_key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict[str, Any]:
    """A copy of `document` with an `eddsa-rdfc-2022` proof."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = proof_options(context=unsecured["@context"], verification_method=verification_method, created=created)
    signature = private_key.sign(hash_data(unsecured, options))
    proof = {key: value for key, value in options.items() if key != "@context"}
    proof["proofValue"] = multibase_encode(signature)
    return {**copy.deepcopy(unsecured), "proof": proof}


@dataclass(frozen=True)
class CheckedProof:
    verification_method: str
    organization_id: int
    created: str


def check_proof(
    document: Mapping[str, Any],
    resolve: Callable[[str], tuple[int, Ed25519PublicKey] | None],
    *,
    canonicalize: Callable[[Mapping[str, Any]], str] | None = None,
) -> CheckedProof:
    """Raise `ProofError` unless `document` carries one valid `eddsa-rdfc-2022` proof by a key `resolve` knows.
    `canonicalize` replaces RDFC-1.0 only to recognise what Tamyr signed before (`canonical.legacy_canonicalize`)."""
    if not isinstance(document, Mapping) or "@context" not in document:
        raise ProofError("malformed", "This is not a JSON-LD credential: it has no @context.")
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, Mapping):
        raise ProofError("no_proof", "The credential has no proof (or more than one).")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("unsupported_proof", "Only DataIntegrityProof proofs with eddsa-rdfc-2022 are verified.")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofError("wrong_purpose", "The proof is not made for assertionMethod.")
    created = proof.get("created")
    if not isinstance(created, str) or not _DATETIME.match(created):
        raise ProofError("malformed", "The proof's creation date is missing or not a date and time.")
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        raise ProofError("malformed", "The proof names no verification method.")
    try:
        signature = multibase_decode(proof.get("proofValue", ""))
    except ValueError:
        raise ProofError("signature_mismatch", "The proof value is not a base58btc multibase value.")
    if len(signature) != 64:
        raise ProofError("signature_mismatch", "The proof value is not an Ed25519 signature.")
    resolved = resolve(method)
    if resolved is None:
        raise ProofError("unknown_key", "The key that signed this credential is not a key of any Tamyr issuer.")
    organization_id, public_key = resolved
    proof_context = proof.get("@context", document["@context"])
    if proof_context != document["@context"]:
        raise ProofError("malformed", "The proof's @context differs from the credential's.")
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    options["@context"] = document["@context"]
    try:
        if canonicalize is not None:
            options_hash = hashlib.sha256(canonicalize(options).encode()).digest()
            fast, document_nquads = None, canonicalize(unsecured)
        else:
            options_hash = hashlib.sha256(canonical.canonicalize(options).encode()).digest()
            fast = canonical.fast_canonicalize(unsecured)
            document_nquads = fast if fast is not None else canonical.pyld_canonicalize(unsecured)
        data = options_hash + hashlib.sha256(document_nquads.encode()).digest()
    except canonical.ContextNotAllowed as error:
        raise ProofError("unknown_context", str(error))
    except canonical.CanonicalizationError as error:
        raise ProofError("malformed", f"The credential is not valid JSON-LD: {error}")
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise ProofError("signature_mismatch", "The signature does not match the credential's content.")
    # our own shape has no key a context leaves undefined; anything else is checked for data the signature skips
    try:
        if fast is None and canonical.drops_data(unsecured):
            raise ProofError(
                "undefined_terms",
                "The credential holds data its contexts do not define; the signature does not cover it.",
            )
    except canonical.CanonicalizationError as error:
        raise ProofError("malformed", f"The credential is not valid JSON-LD: {error}")
    return CheckedProof(verification_method=method, organization_id=organization_id, created=created)
