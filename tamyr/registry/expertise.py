"""Expertise profiles and how alike two of them are (minimal interface; the matcher of issue 12 item 7 replaces it).

Pure Python, no Django: the reviewer assignment solver scores hundreds of thousands of pairs with it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    fields: frozenset[str]  # OECD Fields of Science codes, e.g. "5.2"
    keywords: frozenset[str]  # casefolded


KEYWORD_WEIGHT = 0.25


def _domain(code: str) -> str:
    return code.split(".", 1)[0]


def similarity(a: Profile, b: Profile) -> float:
    """0..1, symmetric: an exact field in common counts 1.0, a shared first-level domain only 0.5 (a historian
    can judge a neighbouring humanities field, not a chemistry proposal); each shared keyword adds a quarter."""
    field_score = 0.0
    if a.fields and b.fields:
        if a.fields & b.fields:
            field_score = 1.0
        elif {_domain(code) for code in a.fields} & {_domain(code) for code in b.fields}:
            field_score = 0.5
    score = field_score + KEYWORD_WEIGHT * len(a.keywords & b.keywords)
    return min(score, 1.0)
