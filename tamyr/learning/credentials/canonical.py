"""RDF Dataset Canonicalization (RDFC-1.0, called URDNA2015 in pyld) of JSON-LD credentials, offline.

Two ways to the same bytes:

- `pyld` for any document: expansion and conversion to an RDF dataset with the contexts shipped in `contexts/` (the
  document loader serves those and refuses every other URL, so nothing is fetched at run time and nobody can make a
  verifier load a context of their choosing), then RDFC-1.0 by `rdfc.py` (not pyld's own: it writes control
  characters raw where canonical N-Quads escapes them, and has no limit on poison graphs). A few milliseconds per
  credential.
- a fast path for the one shape our certificates have (the credential, and the proof options that sign it):
  the N-Quads are written straight from the JSON with the term definitions of the two contexts, and blank nodes
  are labelled with RDFC-1.0's first-degree hashes. Every blank node in our shape has a distinct first-degree
  hash (each is the only node of its type), so the n-degree step never runs; if it would be needed, or the
  document has any key, type, value or context outside the shape, the fast path declines and pyld decides.
  `tests/learning/test_credentials.py` checks the two give the same bytes on varied credentials.

Why bother: verifying 1,000 credentials a second (a registry checking a cohort, the benchmark) is not possible
with pyld alone in Python.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

from tamyr.learning.credentials import rdfc

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
# The shipped documents, byte for byte as published (see contexts/README.md); their SHA-256 is pinned in the tests.
CONTEXT_FILES: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
}


class ContextNotAllowed(ValueError):
    """A document names a JSON-LD context that is not shipped with Tamyr."""

    def __init__(self, url: str) -> None:
        super().__init__(f"The JSON-LD context {url!r} is not one Tamyr ships; it is not fetched.")
        self.url = url


class CanonicalizationError(ValueError):
    """The document is not valid JSON-LD for the shipped contexts."""


@cache
def context_document(url: str) -> dict[str, Any]:
    if url not in CONTEXT_FILES:
        raise ContextNotAllowed(url)
    return json.loads((CONTEXT_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: the shipped contexts, and nothing else."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


def context_urls(value: Any) -> list[str]:
    """Every context URL a document names, at any depth (scoped contexts in inline objects included)."""
    found: list[str] = []

    def walk(node: Any, in_context: bool) -> None:
        if isinstance(node, str):
            if in_context:
                found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item, in_context)
        elif isinstance(node, dict):
            for key, item in node.items():
                if key == "@context":
                    walk(item, True)
                elif in_context and isinstance(item, dict):
                    walk(item, False)  # a term definition; only its own "@context" names documents
                elif not in_context:
                    walk(item, False)

    walk(value, False)
    return found


def check_contexts(document: Any) -> None:
    """Refuse before pyld runs: its resolved-context cache is shared by every loader in the process."""
    for url in context_urls(document):
        if url not in CONTEXT_FILES:
            raise ContextNotAllowed(url)


def pyld_canonicalize(document: Mapping[str, Any]) -> str:
    check_contexts(document)
    try:
        dataset = jsonld.to_rdf(dict(document), {"documentLoader": document_loader, "produceGeneralizedRdf": False})
    except jsonld.JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, ContextNotAllowed):
                raise cause from error
            cause = cause.__cause__ or getattr(cause, "cause", None)
        raise CanonicalizationError(str(error)) from error
    try:
        return rdfc.canonicalize(_quads(dataset)).nquads
    except rdfc.RdfcError as error:
        raise CanonicalizationError(str(error)) from error


def _term(term: Mapping[str, Any]) -> str:
    if term["type"] == "IRI":
        return f"<{term['value']}>"
    if term["type"] == "blank node":
        return str(term["value"])
    return rdfc.literal(term["value"], term.get("datatype"), term.get("language"))


def _quads(dataset: Mapping[str, Any]) -> list[rdfc.Quad]:
    """pyld's RDF dataset ({graph name: [triples]}) as `rdfc` quads."""
    quads: list[rdfc.Quad] = []
    for name, triples in dataset.items():
        graph = "" if name == "@default" else (name if rdfc.is_blank(name) else f"<{name}>")
        for triple in triples:
            quads.append((_term(triple["subject"]), _term(triple["predicate"]), _term(triple["object"]), graph))
    return quads


def legacy_canonicalize(document: Mapping[str, Any]) -> str:
    """What Tamyr signed before it escaped control characters: pyld's own URDNA2015, which writes U+000B and the
    like raw. Only to recognise such credentials, so that `certificates_resign_control_characters` signs them
    again; never to accept one as verified."""
    check_contexts(document)
    try:
        return str(
            jsonld.normalize(
                dict(document),
                {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader},
            )
        )
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(str(error)) from error


def canonicalize(document: Mapping[str, Any]) -> str:
    """Canonical N-Quads of `document`: the fast path when it has our shape, pyld otherwise."""
    fast = fast_canonicalize(document)
    return fast if fast is not None else pyld_canonicalize(document)


def undefined_terms(document: Mapping[str, Any]) -> bool:
    """True when expansion drops data (a key or value the contexts do not define): such data is not covered by the
    signature, so a verifier must not present it as verified. pyld has no "safe mode"; this counts the values on
    both sides instead. Documents of our own shape never drop anything."""
    if fast_canonicalize(document) is not None:
        return False
    return drops_data(document)


def drops_data(document: Mapping[str, Any]) -> bool:
    """`undefined_terms` for a document known to be outside the fast path's shape."""
    check_contexts(document)
    try:
        expanded = jsonld.expand(dict(document), {"documentLoader": document_loader})
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(str(error)) from error
    return _expanded_values(expanded) < _input_values(document)


def _input_values(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_input_values(item) for key, item in value.items() if key != "@context")
    if isinstance(value, list):
        return sum(_input_values(item) for item in value)
    return 0 if value is None else 1


def _expanded_values(value: Any) -> int:
    if isinstance(value, dict):
        if "@value" in value:
            return 1
        total = 0
        for key, item in value.items():
            if key == "@type":
                total += len(item) if isinstance(item, list) else 1
            elif key == "@id":
                total += 1
            else:
                total += _expanded_values(item)
        return total
    if isinstance(value, list):
        return sum(_expanded_values(item) for item in value)
    return 0


# --- the fast path ----------------------------------------------------------------------------------------------

CRED = "https://www.w3.org/2018/credentials#"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
SCHEMA = "https://schema.org/"
SEC = "https://w3id.org/security#"
STATUS = "https://www.w3.org/ns/credentials/status#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
OB_BOOLEAN = "https://www.w3.org/2001/XMLSchema#boolean"  # https, as in the Open Badges context
OB_ANY_URI = "https://www.w3.org/2001/XMLSchema#anyURI"  # sic: the Open Badges context uses https here
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
CONTEXT_LIST = [CREDENTIALS_V2, OPEN_BADGES_V3]

# An absolute IRI that pyld passes through unchanged and N-Quads can hold between < and >.
_IRI = re.compile(r"^(?:https?://|did:|urn:)[^\s<>\"{}|\\^`\x00-\x20]*$")


@dataclass(frozen=True)
class Prop:
    """How one key of a node becomes triples: a plain or typed literal, an IRI, a boolean, or nested nodes."""

    predicate: str
    kind: str  # "literal" | "iri" | "boolean" | "node" | "vocab"
    datatype: str | None = None
    shape: str | None = None  # for "node": the nested node's shape
    many: bool = False  # a JSON array of values is allowed
    iri_ok: bool = False  # the term has "@type": "@id", so a string value is the IRI of a node
    vocab: Mapping[str, str] = field(default_factory=dict)  # for "vocab": allowed values and their IRIs


@dataclass(frozen=True)
class Shape:
    types: Mapping[str, str]  # the JSON "type" values allowed here and their IRIs
    props: Mapping[str, Prop]
    id_required: bool = False


_NAME = Prop(SCHEMA + "name", "literal")
_DESCRIPTION = Prop(SCHEMA + "description", "literal")

SHAPES: dict[str, Shape] = {
    "credential": Shape(
        types={
            "VerifiableCredential": CRED + "VerifiableCredential",
            "OpenBadgeCredential": OB + "OpenBadgeCredential",
        },
        props={
            "name": _NAME,
            "description": _DESCRIPTION,
            "issuer": Prop(CRED + "issuer", "node", shape="profile", iri_ok=True),
            "validFrom": Prop(CRED + "validFrom", "literal", XSD_DATETIME),
            "validUntil": Prop(CRED + "validUntil", "literal", XSD_DATETIME),
            "credentialSubject": Prop(CRED + "credentialSubject", "node", shape="achievement_subject", iri_ok=True),
            "credentialStatus": Prop(CRED + "credentialStatus", "node", shape="status_entry", iri_ok=True),
        },
    ),
    "profile": Shape(
        types={"Profile": OB + "Profile"},
        props={
            "name": _NAME,
            "description": _DESCRIPTION,
            "url": Prop(SCHEMA + "url", "literal", OB_ANY_URI),
            "email": Prop(SCHEMA + "email", "literal"),
        },
        id_required=True,
    ),
    "achievement_subject": Shape(
        types={"AchievementSubject": OB + "AchievementSubject"},
        props={
            "achievement": Prop(OB + "achievement", "node", shape="achievement"),
            "identifier": Prop(OB + "identifier", "node", shape="identity", many=True),
        },
    ),
    "achievement": Shape(
        types={"Achievement": OB + "Achievement"},
        props={
            "name": _NAME,
            "description": _DESCRIPTION,
            "achievementType": Prop(OB + "achievementType", "literal"),
            "criteria": Prop(OB + "Criteria", "node", shape="criteria", iri_ok=True),
            "alignment": Prop(OB + "alignment", "node", shape="alignment", many=True),
            "humanCode": Prop(OB + "humanCode", "literal"),
            "fieldOfStudy": Prop(OB + "fieldOfStudy", "literal"),
        },
        id_required=True,
    ),
    "criteria": Shape(types={"Criteria": OB + "Criteria"}, props={"narrative": Prop(OB + "narrative", "literal")}),
    "identity": Shape(
        types={"IdentityObject": OB + "IdentityObject"},
        props={
            "hashed": Prop(OB + "hashed", "boolean", OB_BOOLEAN),
            "identityHash": Prop(OB + "identityHash", "literal"),
            "identityType": Prop(OB + "identityType", "literal"),
            "salt": Prop(OB + "salt", "literal"),
        },
    ),
    "alignment": Shape(
        types={"Alignment": SCHEMA + "AlignmentObject"},
        props={
            "targetName": Prop(SCHEMA + "targetName", "literal"),
            "targetUrl": Prop(SCHEMA + "targetUrl", "literal", OB_ANY_URI),
            "targetFramework": Prop(SCHEMA + "targetFramework", "literal"),
            "targetCode": Prop(OB + "targetCode", "literal"),
            "targetType": Prop(OB + "targetType", "literal"),
            "targetDescription": Prop(SCHEMA + "targetDescription", "literal"),
        },
    ),
    "status_entry": Shape(
        types={"BitstringStatusListEntry": STATUS + "BitstringStatusListEntry"},
        props={
            "statusPurpose": Prop(STATUS + "statusPurpose", "literal"),
            "statusListIndex": Prop(STATUS + "statusListIndex", "literal"),
            "statusListCredential": Prop(STATUS + "statusListCredential", "iri"),
        },
    ),
    "proof_options": Shape(
        types={"DataIntegrityProof": SEC + "DataIntegrityProof"},
        props={
            "cryptosuite": Prop(SEC + "cryptosuite", "literal", SEC + "cryptosuiteString"),
            "created": Prop("http://purl.org/dc/terms/created", "literal", XSD_DATETIME),
            "verificationMethod": Prop(SEC + "verificationMethod", "iri"),
            "proofPurpose": Prop(SEC + "proofPurpose", "vocab", vocab={"assertionMethod": SEC + "assertionMethod"}),
        },
    ),
}


class _Decline(Exception):
    """The document is outside the fast path's shape; pyld handles it."""


Term = str | int  # an N-Quads term ("<iri>" or a literal) or a blank node number


_escape = rdfc.escape  # canonical N-Quads: the same escaping as the general path


def _iri(value: Any) -> str:
    if not isinstance(value, str) or not _IRI.match(value):
        raise _Decline
    return f"<{value}>"


def _literal(value: Any, datatype: str | None) -> str:
    if not isinstance(value, str):
        raise _Decline
    text = f'"{_escape(value)}"'
    return f"{text}^^<{datatype}>" if datatype else text


class _Emitter:
    def __init__(self) -> None:
        self.quads: list[tuple[Term, str, Term]] = []
        self.seen: set[tuple[Term, str, Term]] = set()
        self.blank_nodes = 0

    def add(self, subject: Term, predicate: str, obj: Term) -> None:
        quad = (subject, predicate, obj)
        if quad not in self.seen:
            self.seen.add(quad)
            self.quads.append(quad)

    def node(self, value: Any, shape_name: str) -> Term:
        if not isinstance(value, dict):
            raise _Decline
        shape = SHAPES[shape_name]
        if "id" in value:
            subject: Term = _iri(value["id"])
        elif shape.id_required:
            raise _Decline
        else:
            subject = self.blank_nodes
            self.blank_nodes += 1
        types = value.get("type", [])
        for type_name in types if isinstance(types, list) else [types]:
            if not isinstance(type_name, str) or type_name not in shape.types:
                raise _Decline
            self.add(subject, RDF_TYPE, f"<{shape.types[type_name]}>")
        for key, item in value.items():
            if key in ("id", "type"):
                continue
            prop = shape.props.get(key)
            if prop is None:
                raise _Decline
            items = item if isinstance(item, list) else [item]
            if isinstance(item, list) and not prop.many:
                raise _Decline
            for single in items:
                self.add(subject, f"<{prop.predicate}>", self.value(single, prop))
        return subject

    def value(self, value: Any, prop: Prop) -> Term:
        if prop.kind == "literal":
            return _literal(value, prop.datatype)
        if prop.kind == "iri":
            return _iri(value)
        if prop.kind == "boolean":
            if not isinstance(value, bool):
                raise _Decline
            return f'"{"true" if value else "false"}"^^<{prop.datatype}>'
        if prop.kind == "vocab":
            if not isinstance(value, str) or value not in prop.vocab:
                raise _Decline
            return f"<{prop.vocab[value]}>"
        if isinstance(value, str) and prop.iri_ok:  # a node given by its IRI (terms with "@type": "@id")
            return _iri(value)
        assert prop.shape is not None
        return self.node(value, prop.shape)


def _serialize(quad: tuple[Term, str, Term], label: Callable[[int], str]) -> str:
    subject, predicate, obj = quad
    s = label(subject) if isinstance(subject, int) else subject
    o = label(obj) if isinstance(obj, int) else obj
    return f"{s} {predicate} {o} .\n"


def _first_degree_label(reference: int) -> Callable[[int], str]:
    """RDFC-1.0's Hash First Degree Quads: the node being hashed is _:a, every other blank node _:z."""

    def label(number: int) -> str:
        return "_:a" if number == reference else "_:z"

    return label


def fast_canonicalize(document: Mapping[str, Any]) -> str | None:
    """The canonical N-Quads of a credential or proof options of our shape, or None when it is not our shape."""
    if not isinstance(document, Mapping) or document.get("@context") != CONTEXT_LIST:
        return None
    types = document.get("type")
    shape = "proof_options" if types == "DataIntegrityProof" else "credential"
    emitter = _Emitter()
    try:
        emitter.node({key: value for key, value in document.items() if key != "@context"}, shape)
    except _Decline:
        return None
    quads = emitter.quads
    if not emitter.blank_nodes:
        return "".join(sorted(_serialize(quad, str) for quad in quads))

    # RDFC-1.0 step 5: label the blank nodes by their first-degree hashes, which must all differ
    mentions: dict[int, list[tuple[Term, str, Term]]] = {number: [] for number in range(emitter.blank_nodes)}
    for quad in quads:
        for term in (quad[0], quad[2]):
            if isinstance(term, int):
                mentions[term].append(quad)
    hashes: dict[str, int] = {}
    for number, related in mentions.items():
        label = _first_degree_label(number)
        lines = sorted(_serialize(quad, label) for quad in related)
        digest = hashlib.sha256("".join(lines).encode()).hexdigest()
        if digest in hashes:
            return None  # two blank nodes look alike: RDFC's n-degree step is needed, pyld does it
        hashes[digest] = number
    canonical = {number: f"_:c14n{index}" for index, (_digest, number) in enumerate(sorted(hashes.items()))}
    return "".join(sorted(_serialize(quad, canonical.__getitem__) for quad in quads))
