"""The W3C RDFC-1.0 test suite (`conformance_dir()/rdf-canon`), run through the canonicalization Tamyr signs with.

One case per manifest entry: evaluation tests compare the canonical N-Quads byte for byte, map tests the issued
identifiers map, and the negative test (a poison graph) must stop with `PoisonedDataset` instead of running on.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tamyr.learning.credentials import rdfc
from tests.conformance import conformance_dir


def _suite() -> Path:
    return conformance_dir() / "rdf-canon"


def _entries() -> list[Any]:
    try:
        manifest = json.loads((_suite() / "manifest.jsonld").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [pytest.param(None, id="suite-missing")]  # the test fails below, it does not vanish
    return [pytest.param(entry, id=entry["id"].lstrip("#")) for entry in manifest["entries"]]


def _run(entry: dict[str, Any]) -> rdfc.Canonical:
    quads = rdfc.parse_nquads((_suite() / entry["action"]).read_text(encoding="utf-8"))
    return rdfc.canonicalize(quads, hash_algorithm=entry.get("hashAlgorithm", "SHA256"))


@pytest.mark.parametrize("entry", _entries())
def test_w3c_rdfc10(entry: dict[str, Any] | None) -> None:
    if entry is None:
        conformance_dir()  # raises: the suite is nowhere
        pytest.fail("The RDFC-1.0 manifest is missing from the conformance folder.")
    kind = entry["type"]
    if kind == "rdfc:RDFC10NegativeEvalTest":
        started = time.monotonic()
        with pytest.raises(rdfc.PoisonedDataset):
            _run(entry)
        assert time.monotonic() - started < 5
        return
    result = _run(entry)
    expected = (_suite() / entry["result"]).read_text(encoding="utf-8")
    if kind == "rdfc:RDFC10EvalTest":
        assert result.nquads == expected
    elif kind == "rdfc:RDFC10MapTest":
        assert result.issued == json.loads(expected)
    else:
        pytest.fail(f"Unknown test type {kind}")


def test_the_suite_is_all_there() -> None:
    assert len(_entries()) >= 86
