"""Open Badges 3.0 credentials: shipped contexts, canonicalization, eddsa-rdfc-2022 signatures, keys at rest."""

from __future__ import annotations

import base64
import copy
import hashlib
import importlib
import json
import random
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from tamyr.core import crypto
from tamyr.learning import certificates
from tamyr.learning.credentials import canonical, keys, openbadges, signing
from tamyr.learning.models import Certificate, IssuerKey
from tests.factories import UserFactory, grant, with_totp
from tests.learning.certificate_fixtures import KAZAKH_NAME, issued_certificate, issuing_course
from tests.openbadges_schema import schema_errors

pytestmark = pytest.mark.django_db


# --- the shipped contexts ---------------------------------------------------------------------------------------


def test_the_shipped_contexts_are_the_published_documents_byte_for_byte() -> None:
    digests = {
        url: hashlib.sha256((canonical.CONTEXT_DIR / name).read_bytes()).hexdigest()
        for url, name in canonical.CONTEXT_FILES.items()
    }
    # credentials/v2: the digest the VC Data Model 2.0 publishes for its base context (w3c/vc-data-model 8d0ee107)
    assert digests[canonical.CREDENTIALS_V2] == "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9"
    # Open Badges 3.0.3: 1EdTech/openbadges-specification ob_v3p0/context-3.0.3.json (see contexts/README.md)
    assert digests[canonical.OPEN_BADGES_V3] == "01d87cc8b5357af557bfb09428f603c4691c49ef8a6089945a70bda1b96b1db2"


def test_the_loader_serves_shipped_contexts_and_refuses_any_other() -> None:
    assert canonical.document_loader(canonical.CREDENTIALS_V2)["document"]["@context"]["@protected"] is True
    with pytest.raises(canonical.ContextNotAllowed):
        canonical.document_loader("https://www.w3.org/ns/credentials/examples/v2")
    document = {"@context": [canonical.CREDENTIALS_V2, "https://evil.example/context.json"], "name": "x"}
    with pytest.raises(canonical.ContextNotAllowed):
        canonical.canonicalize(document)


def test_a_context_named_inside_a_scoped_context_is_refused_too() -> None:
    document = {
        "@context": [canonical.CREDENTIALS_V2, {"Thing": {"@id": "urn:x", "@context": "https://evil.example/"}}]
    }
    with pytest.raises(canonical.ContextNotAllowed):
        canonical.canonicalize(document)


# --- the specification's test vector ----------------------------------------------------------------------------

# W3C vc-di-eddsa, TestVectors/eddsa-rdfc-2022 and TestVectors/keyPair.json
SPEC_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
SPEC_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_METHOD = "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_PROOF_VALUE = "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"
SPEC_PROOF_CANON = (
    '_:c14n0 <http://purl.org/dc/terms/created> "2023-02-24T23:36:38Z"'
    "^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n"
    "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .\n"
    '_:c14n0 <https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022"'
    "^^<https://w3id.org/security#cryptosuiteString> .\n"
    "_:c14n0 <https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod> .\n"
    f"_:c14n0 <https://w3id.org/security#verificationMethod> <{SPEC_METHOD}> .\n"
)
SPEC_COMBINED_HASH = (
    "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
    "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
)
# the examples/v2 context is `{"@vocab": "https://www.w3.org/ns/credentials/examples#"}`: given inline, not loaded
EXAMPLES = {"@vocab": "https://www.w3.org/ns/credentials/examples#"}
SPEC_CREDENTIAL = {
    "@context": [canonical.CREDENTIALS_V2, EXAMPLES],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}


def test_signing_reproduces_the_vc_di_eddsa_test_vector() -> None:
    options = signing.proof_options(
        context=[canonical.CREDENTIALS_V2, EXAMPLES], verification_method=SPEC_METHOD, created="2023-02-24T23:36:38Z"
    )
    assert canonical.canonicalize(options) == SPEC_PROOF_CANON
    assert signing.hash_data(SPEC_CREDENTIAL, options).hex() == SPEC_COMBINED_HASH
    private = Ed25519PrivateKey.from_private_bytes(keys.multibase_decode(SPEC_PRIVATE_KEY)[2:])
    assert keys.public_key_multibase(private.public_key()) == SPEC_PUBLIC_KEY
    signed = signing.add_proof(
        SPEC_CREDENTIAL, private_key=private, verification_method=SPEC_METHOD, created="2023-02-24T23:36:38Z"
    )
    assert signed["proof"]["proofValue"] == SPEC_PROOF_VALUE
    checked = signing.check_proof(signed, lambda method: (0, keys.public_key_from_multibase(SPEC_PUBLIC_KEY)))
    assert checked.verification_method == SPEC_METHOD


def test_base58_round_trips_leading_zeros() -> None:
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(40)), b"\xff" * 64):
        assert keys.b58decode(keys.b58encode(data)) == data


# --- the fast path ----------------------------------------------------------------------------------------------

NASTY_TEXT = [
    KAZAKH_NAME,
    "Şükrü Gənc Öztürk-Çağlayan, Iğdır",
    'Ayşe "Ana" O\'Neil',
    "line one\nline two\r\nthree",
    "tab\there and a backslash \\ and \\n literal",
    "\u2028 line separator, \u00a0 no-break space, zero\u200bwidth",
    "emoji 🎓 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "مرحبا (right to left)",
    "<not a tag> & {not: json}",
    "control \x07 bell \x0c form feed \x1f unit \x7f delete \x00 nul",
    json.loads('"escaped \\u04d9\\u0493 \\ud83c\\udf93 \\"quoted\\" \\\\ slash"'),
    "",
    " leading and trailing ",
]


def varied_credential(rng: random.Random) -> dict[str, Any]:
    """A credential of our shape with text and optional parts chosen by `rng`."""
    text = lambda: rng.choice(NASTY_TEXT) + rng.choice(["", " A1", " (kk)"])  # noqa: E731
    achievement: dict[str, Any] = {
        "id": f"https://tamyr.example/courses/course-{rng.randint(1, 99)}/",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": text(),
        "description": text(),
        "criteria": {"narrative": text()},
    }
    if rng.random() < 0.6:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": f"CEFR {rng.choice(['A1', 'B2', 'C1'])}",
                "targetFramework": "CEFR",
                "targetCode": rng.choice(["A1", "B2"]),
                "targetUrl": "https://www.coe.int/en/web/common-european-framework-reference-languages",
            }
        ]
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {"type": "IdentityObject", "identityType": "name", "hashed": rng.random() < 0.5, "identityHash": text()}
        ],
        "achievement": achievement,
    }
    if rng.random() < 0.3:
        subject["id"] = f"did:example:{rng.randint(1, 10**6)}"
    document: dict[str, Any] = {
        "@context": openbadges.CONTEXT,
        "id": f"https://tamyr.example/api/v1/certificates/CODE{rng.randint(1000, 9999)}/",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": text(),
        "issuer": {
            "id": "did:web:tamyr.example%3A8443:organizations:otandastar",
            "type": ["Profile"],
            "name": text(),
            "url": "https://tamyr.example/organizations/otandastar/",
        },
        "validFrom": f"20{rng.randint(10, 30)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:00:00Z",
        "credentialSubject": subject,
    }
    if rng.random() < 0.7:
        index = rng.randint(0, 10**6)
        document["credentialStatus"] = {
            "id": f"https://tamyr.example/organizations/otandastar/credentials/status.json#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": "https://tamyr.example/organizations/otandastar/credentials/status.json",
        }
    if rng.random() < 0.3:
        document["description"] = text()
    return document


def test_the_fast_path_writes_exactly_what_pyld_writes() -> None:
    rng = random.Random(2026)
    for _round in range(60):
        document = varied_credential(rng)
        fast = canonical.fast_canonicalize(document)
        assert fast is not None
        assert fast == canonical.pyld_canonicalize(document), json.dumps(document, ensure_ascii=False)
        options = signing.proof_options(
            context=openbadges.CONTEXT,
            verification_method=f"did:web:tamyr.example:organizations:x#z6Mk{rng.randint(1, 99)}",
            created=document["validFrom"],
        )
        assert canonical.fast_canonicalize(options) == canonical.pyld_canonicalize(options)


def test_an_issued_credential_takes_the_fast_path_with_the_same_bytes() -> None:
    credential = issued_certificate().credential
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    fast = canonical.fast_canonicalize(unsecured)
    assert fast is not None and fast == canonical.pyld_canonicalize(unsecured)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(evidence=[{"id": "https://x.example/e"}]),  # a key outside our shape
        lambda d: d["credentialSubject"].update(type=["AchievementSubject", "Person"]),  # a type outside it
        lambda d: d["issuer"].update(name=42),  # a number where text is expected
        lambda d: d.update(issuer="did:web:tamyr.example:organizations:otandastar"),  # an IRI: still ours
    ],
)
def test_outside_the_shape_pyld_decides_and_the_answer_is_the_same(change: Any) -> None:
    document = varied_credential(random.Random(7))
    change(document)
    assert canonical.canonicalize(document) == canonical.pyld_canonicalize(document)


def test_two_blank_nodes_that_look_alike_go_to_pyld() -> None:
    document = varied_credential(random.Random(3))
    identity = {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "A. S."}
    document["credentialSubject"]["identifier"] = [identity, {**identity, "salt": "x"}, dict(identity)]
    assert canonical.canonicalize(document) == canonical.pyld_canonicalize(document)


# Every character RDFC-1.0's canonical N-Quads escapes, and how (written out by hand, not computed).
CONTROL_CHARACTERS = "".join(chr(code) for code in [*range(0x20), 0x7F]) + '"\\'
CONTROL_CHARACTERS_CANONICAL = (
    "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r\\u000E\\u000F"
    "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F"
    '\\u007F\\"\\\\'
)


@pytest.mark.parametrize("path", ["fast", "pyld"])
def test_control_characters_are_escaped_as_rdfc_requires(path: str) -> None:
    document = varied_credential(random.Random(5))
    document["credentialSubject"]["achievement"]["description"] = CONTROL_CHARACTERS
    nquads = (canonical.fast_canonicalize if path == "fast" else canonical.pyld_canonicalize)(document)
    assert nquads is not None
    assert f'<https://schema.org/description> "{CONTROL_CHARACTERS_CANONICAL}" .\n' in nquads
    assert not any(chr(code) in nquads.replace("\n", "") for code in [*range(0x20), 0x7F])


def test_a_course_description_with_a_vertical_tab_is_signed_over_its_escaped_form() -> None:
    course = issuing_course(description={"en": "Line one\u000bline two"})
    credential = issued_certificate(course).credential
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    assert "Line one\\u000Bline two" in canonical.pyld_canonicalize(unsecured)
    assert openbadges.verify_credential(credential).verified


# --- verifying our credentials ----------------------------------------------------------------------------------


def test_an_issued_credential_verifies() -> None:
    certificate = issued_certificate()
    result = openbadges.verify_credential(certificate.credential)
    assert result.verified, result.message
    assert result.code == "valid"
    assert result.certificate_code == certificate.code
    assert result.holder_name == KAZAKH_NAME
    assert result.verification_method and result.verification_method.startswith("did:web:")


def _holder(d: dict[str, Any]) -> dict[str, Any]:
    return d["credentialSubject"]["identifier"][0]  # type: ignore[no-any-return]


def _bump(text: str, index: int) -> str:
    """`text` with the digit at `index` changed."""
    return text[:index] + str((int(text[index]) + 1) % 10) + text[index + 1 :]


ONE_CHARACTER = {
    "holder's name": lambda d: _holder(d).update(identityHash=_holder(d)["identityHash"].replace("Ә", "А", 1)),
    "issue date": lambda d: d.update(validFrom=_bump(d["validFrom"], 9)),
    "course name": lambda d: d["credentialSubject"]["achievement"].update(name="Kazakh for beginnerS"),
    "issuer's name": lambda d: d["issuer"].update(name=d["issuer"]["name"][:-1] + "X"),
    "level": lambda d: d["credentialSubject"]["achievement"]["alignment"][0].update(targetCode="A2"),
    "status index": lambda d: d["credentialStatus"].update(
        statusListIndex=_bump(d["credentialStatus"]["statusListIndex"], 0)
    ),
    "credential id": lambda d: d.update(id=d["id"].replace("/api/", "/apj/")),
    "proof date": lambda d: d["proof"][0].update(created=_bump(d["proof"][0]["created"], 3)),
}


@pytest.mark.parametrize("where", ONE_CHARACTER)
def test_one_changed_character_in_the_signed_content_fails(where: str) -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    ONE_CHARACTER[where](credential)
    result = openbadges.verify_credential(credential)
    assert not result.verified
    assert result.code == "signature_mismatch"


def test_a_changed_proof_value_fails() -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    value = credential["proof"][0]["proofValue"]
    credential["proof"][0]["proofValue"] = value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    result = openbadges.verify_credential(credential)
    assert not result.verified and result.code == "signature_mismatch"


def test_a_revoked_certificate_reports_revoked() -> None:
    course = issuing_course()
    certificate = issued_certificate(course)
    admin = UserFactory(username="issuer-admin")
    grant(admin, course.provider, "admin")
    with_totp(admin)
    certificates.certificate_revoke(certificate=certificate, reason="Issued by mistake", acting_user=admin)
    result = openbadges.verify_credential(certificate.credential)
    assert not result.verified
    assert result.code == "revoked"
    assert result.signature_valid and result.revoked
    assert result.revocation_reason == "Issued by mistake" and result.revoked_at is not None


def test_a_key_we_do_not_hold_is_an_unknown_key() -> None:
    credential = issued_certificate().credential
    stranger = Ed25519PrivateKey.generate()
    method = (
        credential["proof"][0]["verificationMethod"].split("#")[0]
        + "#"
        + keys.public_key_multibase(stranger.public_key())
    )
    forged = signing.add_proof(
        credential, private_key=stranger, verification_method=method, created="2026-01-01T00:00:00Z"
    )
    result = openbadges.verify_credential(forged)
    assert not result.verified and result.code == "unknown_key"


def test_one_issuer_cannot_sign_in_the_name_of_another() -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    other = issuing_course().provider
    credential["issuer"]["id"] = keys.did_for(other)
    own_key = keys.signing_key_for(
        IssuerKey.objects.get(
            public_key_multibase=credential["proof"][0]["verificationMethod"].split("#")[1]
        ).organization
    )
    resigned = signing.add_proof(
        credential,
        private_key=own_key.private_key,
        verification_method=own_key.verification_method,
        created="2026-01-01T00:00:00Z",
    )
    result = openbadges.verify_credential(resigned)
    assert not result.verified and result.code == "issuer_mismatch"


def test_data_the_signature_does_not_cover_is_not_presented_as_verified() -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    credential["grade"] = "A+"  # no context defines "grade": JSON-LD drops it, so the signature cannot cover it
    result = openbadges.verify_credential(credential)
    assert not result.verified and result.code == "undefined_terms"


def test_an_unknown_context_is_refused_not_fetched() -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    credential["@context"] = [*credential["@context"], "https://evil.example/ctx.json"]
    result = openbadges.verify_credential(credential)
    assert not result.verified and result.code == "unknown_context"


def test_anything_but_a_credential_is_malformed() -> None:
    assert openbadges.verify_credential([1, 2]).code == "malformed"
    assert openbadges.verify_credential({"name": "no context"}).code == "malformed"
    credential = copy.deepcopy(issued_certificate().credential)
    del credential["proof"]
    assert openbadges.verify_credential(credential).code == "no_proof"


# --- keys: published, and encrypted at rest ---------------------------------------------------------------------


def test_the_did_document_and_the_jwk_set_list_the_key() -> None:
    certificate = issued_certificate()
    key = IssuerKey.objects.get(organization=certificate.issuer)
    did = keys.did_for(certificate.issuer)
    document = keys.did_document(certificate.issuer)
    method = f"{did}#{key.public_key_multibase}"
    assert document["id"] == did
    assert document["verificationMethod"] == [
        {"id": method, "type": "Multikey", "controller": did, "publicKeyMultibase": key.public_key_multibase}
    ]
    assert document["assertionMethod"] == [method]
    assert certificate.credential["proof"][0]["verificationMethod"] == method
    raw = keys.multibase_decode(key.public_key_multibase)
    assert raw[:2] == b"\xed\x01" and len(raw) == 34
    jwk = next(item for item in keys.jwks()["keys"] if item["kid"] == method)
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert base64.urlsafe_b64decode(jwk["x"] + "=") == raw[2:]


def test_did_web_percent_encodes_the_port(settings: Any) -> None:
    settings.SITE_URL = "https://tamyr.example:8443"
    assert keys.did_for_slug("otandastar") == "did:web:tamyr.example%3A8443:organizations:otandastar"
    assert keys.slug_from_did("did:web:tamyr.example%3A8443:organizations:otandastar") == "otandastar"
    assert keys.slug_from_did("did:web:elsewhere.example:organizations:otandastar") is None


def test_the_private_key_in_the_database_is_encrypted() -> None:
    certificate = issued_certificate()
    stored = IssuerKey.objects.get(organization=certificate.issuer)
    token = bytes(stored.private_key_encrypted)
    raw = crypto.decrypt(token)
    private = Ed25519PrivateKey.from_private_bytes(raw)
    assert keys.public_key_multibase(private.public_key()) == stored.public_key_multibase
    assert raw not in token and len(token) > len(raw)
    assert (
        private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        == raw
    )
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, secrets=["not the secret"])


def test_a_key_encryption_key_setting_takes_over_and_can_rotate(settings: Any) -> None:
    token = crypto.encrypt(b"secret bytes")
    settings.TAMYR_KEY_ENCRYPTION_KEY = "kek-2026"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
    settings.TAMYR_KEY_ENCRYPTION_KEY = f"kek-2026,{settings.SECRET_KEY}"
    assert crypto.decrypt(token) == b"secret bytes"  # the old secret still decrypts
    moved = crypto.re_encrypt(token)
    settings.TAMYR_KEY_ENCRYPTION_KEY = "kek-2026"
    assert crypto.decrypt(moved) == b"secret bytes"


def test_an_organization_gets_one_key_and_keeps_it() -> None:
    course = issuing_course()
    issued_certificate(course)
    issued_certificate(course)
    assert IssuerKey.objects.filter(organization=course.provider).count() == 1


# --- the status list --------------------------------------------------------------------------------------------


def test_the_status_list_flips_the_revoked_certificates_bit_and_is_signed() -> None:
    course = issuing_course()
    kept, revoked = issued_certificate(course), issued_certificate(course)
    admin = UserFactory(username="list-admin")
    grant(admin, course.provider, "admin")
    certificates.certificate_revoke(certificate=revoked, reason="Duplicate", acting_user=admin)
    status_list = openbadges.status_list_credential(course.provider)
    encoded = status_list["credentialSubject"]["encodedList"]
    assert openbadges.is_revoked_in_list(encoded, int(revoked.credential["credentialStatus"]["statusListIndex"]))
    assert not openbadges.is_revoked_in_list(encoded, int(kept.credential["credentialStatus"]["statusListIndex"]))
    assert revoked.credential["credentialStatus"]["statusListCredential"] == status_list["id"]
    checked = signing.check_proof(status_list, keys.resolve_verification_method)
    assert checked.verification_method == kept.credential["proof"][0]["verificationMethod"]


def test_status_list_indexes_are_random_and_unique_not_the_row_id() -> None:
    course = issuing_course()
    issued = [issued_certificate(course, name=f"Holder {number}") for number in range(12)]
    indexes = [int(certificate.credential["credentialStatus"]["statusListIndex"]) for certificate in issued]
    assert len(set(indexes)) == len(indexes)
    assert all(0 <= index < openbadges.STATUS_LIST_MIN_BITS for index in indexes)
    assert indexes != [certificate.pk for certificate in issued]
    assert sorted(indexes) != indexes  # not handed out in order either (odds of 1 in 12! to fail by chance)
    for certificate, index in zip(issued, indexes, strict=True):
        assert certificate.status_index == index
        assert certificate.credential["credentialStatus"]["id"].endswith(f"#{index}")


def test_a_full_status_list_grows_rather_than_repeat_an_index() -> None:
    used = set(range(0, openbadges.STATUS_LIST_MIN_BITS, 2))  # half the minimum list taken
    fresh = openbadges.allocate_status_indexes(used, 50)
    assert len(set(fresh)) == 50 and not used & set(fresh)
    assert max(fresh) < 2 * openbadges.STATUS_LIST_MIN_BITS


def test_certificates_issued_before_keep_the_index_their_credential_names_and_still_verify() -> None:
    """The migration that brought random indexes, run over a certificate issued the old way (index = row id,
    proof an object)."""
    from django.apps import apps

    migration = importlib.import_module("tamyr.learning.migrations.0006_certificate_status_index")
    certificate = issued_certificate()
    legacy = copy.deepcopy(certificate.credential)
    legacy["proof"] = legacy["proof"][0]
    status = legacy["credentialStatus"]
    status["statusListIndex"], status["id"] = str(certificate.pk), f"{status['statusListCredential']}#{certificate.pk}"
    signing_key = keys.signing_key_for(certificate.issuer)
    legacy = openbadges.signing.add_proof(
        {key: value for key, value in legacy.items() if key != "proof"},
        private_key=signing_key.private_key,
        verification_method=signing_key.verification_method,
        created=legacy["proof"]["created"],
    )
    Certificate.objects.filter(pk=certificate.pk).update(status_index=None, credential=legacy)

    migration.forwards(apps, None)

    certificate.refresh_from_db()
    assert certificate.status_index == certificate.pk
    assert isinstance(certificate.credential["proof"], list)
    assert openbadges.verify_credential(certificate.credential).verified
    assert openbadges.verify_credential(legacy).verified  # the copy the holder downloaded before


def test_a_credential_verifies_after_the_site_moves_to_another_address(settings: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"
    certificate = issued_certificate()
    settings.SITE_URL = "https://tamyr.example.org"
    keys.forget_cached_keys()
    result = openbadges.verify_credential(certificate.credential)
    assert result.verified, result.message
    assert result.certificate_code == certificate.code


def test_a_key_moved_to_another_organization_slug_is_not_found(settings: Any) -> None:
    certificate = issued_certificate()
    credential = copy.deepcopy(certificate.credential)
    method = credential["proof"][0]["verificationMethod"]
    other = method.replace(f":organizations:{certificate.issuer.slug}#", ":organizations:someone-else#")
    keys.forget_cached_keys()
    assert keys.resolve_verification_method(other) is None


def test_a_rotated_key_still_verifies_what_it_signed() -> None:
    certificate = issued_certificate()
    IssuerKey.objects.filter(organization=certificate.issuer).update(is_active=False)  # rotated: a new key signs next
    keys.forget_cached_keys()
    later = issued_certificate(certificate.course, name="Second Holder")
    assert (
        later.credential["proof"][0]["verificationMethod"] != certificate.credential["proof"][0]["verificationMethod"]
    )
    assert openbadges.verify_credential(certificate.credential).verified
    assert openbadges.verify_credential(later.credential).verified


# --- the Open Badges 3.0 schema ---------------------------------------------------------------------------------


def test_an_issued_credential_follows_the_open_badges_schema_with_proof_as_a_list() -> None:
    credential = issued_certificate().credential
    assert isinstance(credential["proof"], list) and len(credential["proof"]) == 1
    assert schema_errors(credential) == []


def test_the_schema_check_catches_a_proof_that_is_not_a_list() -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    credential["proof"] = credential["proof"][0]
    assert any(error.startswith("proof:") for error in schema_errors(credential))


def test_a_credential_issued_with_proof_as_an_object_still_verifies() -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    credential["proof"] = credential["proof"][0]  # the shape Tamyr issued before
    assert openbadges.verify_credential(credential).verified


def test_a_proof_set_of_two_is_not_taken_for_one() -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    credential["proof"] = credential["proof"] * 2
    assert openbadges.verify_credential(credential).code == "no_proof"


# --- the command line -------------------------------------------------------------------------------------------


def test_verify_credential_command_says_ok_and_exits_0(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(issued_certificate().credential, ensure_ascii=False), encoding="utf-8")
    call_command("verify_credential", str(path))
    assert capsys.readouterr().out.startswith("OK")


def test_verify_credential_command_says_failed_with_the_reason_and_exits_1(tmp_path: Any, capsys: Any) -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    _holder(credential)["identityHash"] = "Someone Else"
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_credential", str(path))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert out.startswith("FAILED") and "signature_mismatch" in out


def test_the_tamyr_command_accepts_verify_credential_with_a_hyphen(
    tmp_path: Any, capsys: Any, monkeypatch: Any
) -> None:
    from tamyr import __main__

    path = tmp_path / "credential.json"
    path.write_text(json.dumps(issued_certificate().credential), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["tamyr", "verify-credential", str(path)])
    __main__.main()
    assert capsys.readouterr().out.startswith("OK")
