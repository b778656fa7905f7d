"""ORCID iDs: recognised in the forms people paste them in, checked by their check character, without the network.

An ORCID iD is 16 characters shown in four groups (0000-0002-1825-0097); the last is a check character computed
from the first 15 digits by ISO 7064 MOD 11-2 (ORCID's "Structure of the ORCID Identifier"), so a mistyped digit
or two swapped neighbours are caught before anything is saved. Whether the iD is registered is not checked: that
needs orcid.org, and a record must be savable offline.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from tamyr.core.errors import DomainError

_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
_SHAPE = re.compile(r"^\d{15}[\dX]$")


def check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 over the first 15 digits: "0" to "9", or "X" for ten."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize(value: str) -> str:
    """The iD as ORCID writes it (0000-0002-1825-0097), from a bare iD, one without hyphens, or its orcid.org
    address; "" for an empty value. A value that is not an ORCID iD raises DomainError with a message that says
    what is wrong."""
    text = _PREFIX.sub("", (value or "").strip()).replace("-", "").replace(" ", "").upper()
    if not text:
        return ""
    if not _SHAPE.match(text):
        raise DomainError(
            _("An ORCID iD is 16 characters in four groups, e.g. 0000-0002-1825-0097 (the last may be X)."),
            field="orcid",
            code="orcid_format",
        )
    if check_character(text[:15]) != text[15]:
        raise DomainError(
            _(
                "This ORCID iD has a typing error: its last character does not match the others. "
                "Copy it again from orcid.org."
            ),
            field="orcid",
            code="orcid_checksum",
        )
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}" if orcid else ""
