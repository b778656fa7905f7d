"""Where the standards bodies' test data lives: `../shared/conformance/` beside the project (README there).

A clean clone made elsewhere (CI's) finds it through TAMYR_CONFORMANCE_DIR, an ancestor's `shared/conformance`, or
the machine's /work/shared; a test that needs it fails, never skips, when it is nowhere, so a missing suite cannot
pass unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def conformance_dir() -> Path:
    candidates = [os.environ.get("TAMYR_CONFORMANCE_DIR", "")]
    candidates += [str(ancestor / "shared" / "conformance") for ancestor in PROJECT_DIR.parents]
    candidates.append("/work/shared/conformance")
    for candidate in candidates:
        if candidate and Path(candidate, "README.md").is_file():
            return Path(candidate)
    raise FileNotFoundError(
        "The conformance suites are not found: set TAMYR_CONFORMANCE_DIR to the folder that holds rdf-canon/, "
        "openbadges-3.0/ and iati-2.03/."
    )


def conformance(*parts: str) -> Path:
    """A file or folder of the suites, e.g. conformance("iati-2.03", "iati-activities-schema.xsd")."""
    path = conformance_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} is not in the conformance suites.")
    return path
