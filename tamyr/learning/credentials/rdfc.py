"""RDF Dataset Canonicalization (W3C RDFC-1.0) and its canonical N-Quads, written here rather than taken from pyld.

Why not pyld's: its N-Quads writer escapes only `\\t \\n \\r \\" \\\\`, so a literal holding another control
character (U+000B, which word processors insert for a line break, or U+0008, U+000C, U+0000–U+001F, U+007F) is
written raw, both in the canonical output and in the first-degree hashes. The signature then covers bytes that no
conforming implementation produces: Tamyr would call such a credential valid and every other verifier would
reject it. RDFC-1.0 requires the canonical form of N-Quads: `\\b \\t \\n \\f \\r \\" \\\\` and `\\uXXXX` (upper-case
hex) for the other characters of U+0000–U+001F and U+007F. pyld also has no bound on the n-degree step, so a
"poison" graph (a clique of blank nodes) keeps a worker busy for hours.

pyld still expands JSON-LD and turns it into a dataset (`canonical.py`); this module takes the dataset from there.

A dataset here is a list of quads, each a tuple of four terms already in canonical N-Quads form: `<iri>`,
`_:label` for a blank node, `"text"`, `"text"@lang` or `"text"^^<datatype>` for a literal, and "" as the graph
of the default graph. Canonicalizing is then string work only.

`tests/learning/test_rdf_canon.py` runs the W3C RDFC-1.0 test suite through `canonicalize`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
HASH_ALGORITHMS = {"SHA256": "sha256", "SHA384": "sha384"}

# How much work the n-degree step may do before the dataset counts as poisoned (RDFC-1.0 §4.4 and its security
# considerations): Hash N-Degree Quads may run at most (blank nodes the first-degree hashes could not tell apart) **
# MAX_WORK_FACTOR times for any one blank node, and runs and permutations together at most MAX_TOTAL_WORK times
# (about a second). The suite's hardest positive tests need 43 runs for 12 such nodes and 3,348 steps; its poison
# clique of 10 nodes stops after 100 runs, in well under a second. Our credentials never reach the n-degree step.
MAX_WORK_FACTOR = 2
MAX_TOTAL_WORK = 50_000

Quad = tuple[str, str, str, str]


class RdfcError(ValueError):
    """The input cannot be canonicalized."""


class NQuadsSyntaxError(RdfcError):
    """A line of N-Quads does not parse."""


class PoisonedDataset(RdfcError):
    """Canonicalizing would take more work than the limits allow (a poison graph)."""


# --- canonical N-Quads ------------------------------------------------------------------------------------------

_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_TO_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\]')


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def escape(value: str) -> str:
    """A literal's text as canonical N-Quads writes it between the quotes."""
    return _TO_ESCAPE.sub(_escape_one, value)


def literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal term in canonical form: xsd:string is implicit, a language tag implies rdf:langString."""
    text = f'"{escape(value)}"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype not in (XSD_STRING, RDF_LANGSTRING):
        return f"{text}^^<{datatype}>"
    return text


def is_blank(term: str) -> bool:
    return term.startswith("_:")


def serialize(quad: Quad) -> str:
    subject, predicate, obj, graph = quad
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


# --- reading N-Quads (the test suite's input) -------------------------------------------------------------------

_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf\"'\\]))")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape_one(match: re.Match[str]) -> str:
    short, long, echar = match.groups()
    if echar is not None:
        return _ECHARS[echar]
    return chr(int(short or long, 16))


def unescape(value: str) -> str:
    return _UNESCAPE.sub(_unescape_one, value)


_IRI = r'<((?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>'
_BLANK = r'(_:[^\s<>"]*[^\s<>".])'
_LITERAL = (
    r'"((?:[^"\\\n\r]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|\\[tbnrf"\'\\])*)"'
    rf"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^{_IRI})?"
)
_STATEMENT = re.compile(
    rf"[ \t]*(?:{_IRI}|{_BLANK})[ \t]*{_IRI}[ \t]*(?:{_IRI}|{_BLANK}|{_LITERAL})[ \t]*(?:{_IRI}|{_BLANK})?"
    r"[ \t]*\.[ \t]*(?:#.*)?"
)
_EMPTY = re.compile(r"[ \t]*(?:#.*)?")


def parse_nquads(text: str) -> list[Quad]:
    """The quads of an N-Quads document, in canonical term form, duplicates dropped (a dataset is a set)."""
    quads: list[Quad] = []
    seen: set[Quad] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if _EMPTY.fullmatch(line):
            continue
        match = _STATEMENT.fullmatch(line)
        if match is None:
            raise NQuadsSyntaxError(f"Line {number} is not an N-Quads statement: {line!r}")
        s_iri, s_blank, p_iri, o_iri, o_blank, o_text, o_language, o_datatype, g_iri, g_blank = match.groups()
        subject = f"<{unescape(s_iri)}>" if s_iri is not None else s_blank
        if o_iri is not None:
            obj = f"<{unescape(o_iri)}>"
        elif o_blank is not None:
            obj = o_blank
        else:
            datatype = unescape(o_datatype) if o_datatype is not None else None
            obj = literal(unescape(o_text), datatype, o_language)
        graph = f"<{unescape(g_iri)}>" if g_iri is not None else (g_blank or "")
        quad = (subject, f"<{unescape(p_iri)}>", obj, graph)
        if quad not in seen:
            seen.add(quad)
            quads.append(quad)
    return quads


# --- the algorithm ----------------------------------------------------------------------------------------------


class _Issuer:
    """RDFC-1.0's identifier issuer: a prefix, a counter and the identifiers issued, in order."""

    __slots__ = ("issued", "prefix")

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = issued if issued is not None else {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is None:
            found = f"{self.prefix}{len(self.issued)}"
            self.issued[existing] = found
        return found

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, dict(self.issued))


@dataclass(frozen=True)
class Canonical:
    """The canonical N-Quads and the issued identifiers map (input blank node label → canonical label, both
    without `_:`)."""

    nquads: str
    issued: dict[str, str]


def _permutations(elements: list[str]) -> Iterator[list[str]]:
    """Every order of `elements`, from the sorted one, in Steinhaus–Johnson–Trotter order (as the reference
    implementations go: when two orders give the same path, the first found decides the issued identifiers map)."""
    elements = sorted(elements)
    left = dict.fromkeys(elements, True)
    last = len(elements) - 1
    while True:
        yield list(elements)
        mobile: str | None = None
        position = 0
        for index, element in enumerate(elements):
            if (mobile is None or element > mobile) and (
                (left[element] and index > 0 and element > elements[index - 1])
                or (not left[element] and index < last and element > elements[index + 1])
            ):
                mobile, position = element, index
        if mobile is None:
            return
        swap = position - 1 if left[mobile] else position + 1
        elements[position], elements[swap] = elements[swap], mobile
        for element in elements:
            if element > mobile:
                left[element] = not left[element]


class _Canonicalizer:
    def __init__(self, quads: list[Quad], hash_name: str, max_work_factor: int, max_total_work: int) -> None:
        self.quads = quads
        self.new_hash: Callable[[], hashlib._Hash] = lambda: hashlib.new(hash_name)
        self.canonical = _Issuer("_:c14n")
        self.blank_quads: dict[str, list[Quad]] = {}
        for quad in quads:
            for term in {quad[0], quad[2], quad[3]}:
                if is_blank(term):
                    self.blank_quads.setdefault(term, []).append(quad)
        self.first_degree: dict[str, str] = {}
        self.max_work_factor = max_work_factor
        self.max_total_work = max_total_work
        self.max_deep_runs = 0
        self.deep_runs: dict[str, int] = {}
        self.work = 0

    def digest(self, text: str) -> str:
        hasher = self.new_hash()
        hasher.update(text.encode())
        return hasher.hexdigest()

    def hash_first_degree(self, reference: str) -> str:
        """§4.6: the quads that mention the node, the node written _:a and every other blank node _:z."""
        found = self.first_degree.get(reference)
        if found is not None:
            return found
        lines = []
        for subject, predicate, obj, graph in self.blank_quads[reference]:
            if is_blank(subject):
                subject = "_:a" if subject == reference else "_:z"
            if is_blank(obj):
                obj = "_:a" if obj == reference else "_:z"
            if is_blank(graph):
                graph = "_:a" if graph == reference else "_:z"
            lines.append(serialize((subject, predicate, obj, graph)))
        lines.sort()
        found = self.digest("".join(lines))
        self.first_degree[reference] = found
        return found

    def hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """§4.7."""
        identifier = self.canonical.issued.get(related) or issuer.issued.get(related)
        if identifier is None:
            identifier = self.hash_first_degree(related)
        predicate = quad[1] if position != "g" else ""
        return self.digest(f"{position}{predicate}{identifier}")

    def count_work(self) -> None:
        self.work += 1
        if self.work > self.max_total_work:
            raise PoisonedDataset(f"Canonicalization stopped after {self.max_total_work} steps (a poison graph).")

    def hash_n_degree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """§4.8, with the work limits."""
        runs = self.deep_runs.get(identifier, 0) + 1
        if runs > self.max_deep_runs:
            raise PoisonedDataset(
                f"Canonicalization stopped: Hash N-Degree Quads ran more than {self.max_deep_runs} times for one "
                "blank node (a poison graph)."
            )
        self.deep_runs[identifier] = runs
        self.count_work()
        hash_to_related: dict[str, list[str]] = {}
        for quad in self.blank_quads[identifier]:
            for position, term in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
                if term != identifier and is_blank(term):
                    related_hash = self.hash_related(term, quad, issuer, position)
                    hash_to_related.setdefault(related_hash, []).append(term)
        data = self.new_hash()
        for related_hash, blank_nodes in sorted(hash_to_related.items()):
            data.update(related_hash.encode())
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in _permutations(blank_nodes):
                self.count_work()
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    canonical = self.canonical.issued.get(related)
                    if canonical is not None:
                        path += canonical
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += issuer_copy.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += issuer_copy.issue(related)
                    path += f"<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data.update(chosen_path.encode())
            assert chosen_issuer is not None
            issuer = chosen_issuer
        return data.hexdigest(), issuer

    def run(self) -> Canonical:
        """§4.4.3."""
        hash_to_blank: dict[str, list[str]] = {}
        for blank in self.blank_quads:
            hash_to_blank.setdefault(self.hash_first_degree(blank), []).append(blank)
        shared: list[tuple[str, list[str]]] = []
        for first_hash, blanks in sorted(hash_to_blank.items()):
            if len(blanks) > 1:
                shared.append((first_hash, blanks))
            else:
                self.canonical.issue(blanks[0])
        not_unique = sum(len(blanks) for _hash, blanks in shared)
        self.max_deep_runs = max(1, not_unique**self.max_work_factor)
        for _hash, blanks in shared:
            paths: list[tuple[str, _Issuer]] = []
            for blank in blanks:
                if blank in self.canonical.issued:
                    continue
                temporary = _Issuer("_:b")
                temporary.issue(blank)
                paths.append(self.hash_n_degree(blank, temporary))
            for _path_hash, issuer in sorted(paths, key=lambda result: result[0]):
                for existing in issuer.issued:
                    self.canonical.issue(existing)
        lines = []
        for subject, predicate, obj, graph in self.quads:
            if is_blank(subject):
                subject = self.canonical.issued[subject]
            if is_blank(obj):
                obj = self.canonical.issued[obj]
            if is_blank(graph):
                graph = self.canonical.issued[graph]
            lines.append(serialize((subject, predicate, obj, graph)))
        lines.sort()
        issued = {existing[2:]: label[2:] for existing, label in self.canonical.issued.items()}
        return Canonical(nquads="".join(lines), issued=issued)


def canonicalize(
    quads: Iterable[Quad],
    *,
    hash_algorithm: str = "SHA256",
    max_work_factor: int = MAX_WORK_FACTOR,
    max_total_work: int = MAX_TOTAL_WORK,
) -> Canonical:
    """RDFC-1.0 of a dataset. Raises `PoisonedDataset` rather than run past the work limits."""
    unique = list(dict.fromkeys(quads))
    return _Canonicalizer(unique, HASH_ALGORITHMS[hash_algorithm], max_work_factor, max_total_work).run()
