"""Where the conformance suites from outside the project are (/work/shared/conformance/README.md): beside the
project's root as `../shared/conformance/`, or wherever TAMYR_CONFORMANCE_DIR says (a clone elsewhere). In CI a
missing suite fails the test; on a developer's machine without it, the test is skipped with the reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def conformance(*parts: str) -> Path:
    given = os.environ.get("TAMYR_CONFORMANCE_DIR")
    candidates = [Path(given)] if given else []
    candidates += [ancestor / "shared" / "conformance" for ancestor in ROOT.parents]
    for base in candidates:
        path = base.joinpath(*parts)
        if path.exists():
            return path
    message = f"{'/'.join(parts)} not found beside the project (../shared/conformance) nor in TAMYR_CONFORMANCE_DIR"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
