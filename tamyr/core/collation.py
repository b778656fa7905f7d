"""Sorting names the way the reader's language does: the Unicode Collation Algorithm with CLDR's tailorings.

Why not `sorted(names)`: code-point order puts "Çin" after "Zambiya" and "Österreich" after "Zypern". The Unicode
Collation Algorithm (DUCET, through pyuca, pure Python) sorts accents next to their letters for every script. Some
languages treat a letter with an accent as a letter of its own that follows the plain one: Turkish Ç after C, Ş after
S, ı before i; Hungarian Ö after O and the digraphs cs, gy, ny, sz, zs as letters. CLDR writes these as tailorings
("&C<ç<<<Ç"); the ones of our interface languages are below. ICU would apply CLDR's tailorings itself, but PyICU
builds against the system's ICU and is not installable from the package index alone (docs/decisions/0020).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

import pyuca

from tamyr.core.cldr import language_code

T = TypeVar("T")

#: A tailoring: (letter as written, the letter it follows, its place after it). Place 1 is directly after the
#: anchor's primary weight, 2 after that; a negative place sorts before the anchor (Turkish ı before i).
#: `secondary` marks letters equal at the first level but a level-2 variant of the one before (Hungarian ő of ö).
Rule = tuple[str, str, int, int]

_TURKIC: list[Rule] = [
    ("ç", "c", 1, 0),
    ("ğ", "g", 1, 0),
    ("ı", "i", -1, 0),
    ("ö", "o", 1, 0),
    ("ş", "s", 1, 0),
    ("ü", "u", 1, 0),
]

TAILORINGS: dict[str, list[Rule]] = {
    # CLDR tr: &C<ç<<<Ç &G<ğ<<<Ğ &[before 1]i<ı<<<I &i<<<İ &O<ö<<<Ö &S<ş<<<Ş &U<ü<<<Ü
    "tr": _TURKIC,
    # CLDR az: as Turkish, and &E<ə &H<x &K<q (the Azerbaijani alphabet: … E Ə F G Ğ H X I İ J K Q L …)
    "az": [*_TURKIC, ("ə", "e", 1, 0), ("x", "h", 1, 0), ("q", "k", 1, 0)],
    # CLDR hu: &C<cs &D<dz<dzs &G<gy &L<ly &N<ny &O<ö<<ő &S<sz &T<ty &U<ü<<ű &Z<zs
    "hu": [
        ("cs", "c", 1, 0),
        ("dz", "d", 1, 0),
        ("dzs", "d", 2, 0),
        ("gy", "g", 1, 0),
        ("ly", "l", 1, 0),
        ("ny", "n", 1, 0),
        ("ö", "o", 1, 0),
        ("ő", "o", 1, 1),
        ("sz", "s", 1, 0),
        ("ty", "t", 1, 0),
        ("ü", "u", 1, 0),
        ("ű", "u", 1, 1),
        ("zs", "z", 1, 0),
    ],
    # The Kazakh alphabet: … Х Һ … Ы І Ь …, and Ұ before Ү (DUCET puts І by И, Һ after Ч, Ү before Ұ).
    "kk": [("ё", "е", 1, 0), ("ұ", "у", 1, 0), ("ү", "у", 2, 0), ("һ", "х", 1, 0), ("і", "ы", 1, 0)],
    # The Kyrgyz alphabet: … Е Ё … Н Ң О Ө … У Ү …
    "ky": [("ё", "е", 1, 0), ("ң", "н", 1, 0), ("ө", "о", 1, 0), ("ү", "у", 1, 0)],
    # CLDR uz (Latin): oʻ gʻ sh ch after z, in that order; both the modifier letter ʻ and the quotation mark ‘.
    "uz": [
        ("oʻ", "z", 1, 0),
        ("o‘", "z", 1, 0),
        ("gʻ", "z", 2, 0),
        ("g‘", "z", 2, 0),
        ("sh", "z", 3, 0),
        ("ch", "z", 4, 0),
    ],
}

SCALE = 8  # room for tailored letters between two primary weights of DUCET
LOWER, UPPER = 0x02, 0x08  # DUCET's tertiary weights of small and capital letters


@lru_cache(maxsize=1)
def _collator() -> pyuca.Collator:
    return pyuca.Collator()


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@lru_cache(maxsize=16)
def _table(code: str) -> tuple[dict[str, tuple[int, int, int]], int]:
    """The tailored letters of a language (NFD, lower and upper case) → their collation element; and the longest."""
    collator = _collator()
    table: dict[str, tuple[int, int, int]] = {}
    for letter, anchor, place, secondary in TAILORINGS.get(code, []):
        primary = collator.collation_elements(_nfd(anchor))[0][0] * SCALE + place
        forms = {letter: LOWER, letter.capitalize(): UPPER, letter.upper(): UPPER}
        if code in ("tr", "az") and letter == "ı":
            forms = {"ı": LOWER, "I": UPPER}
        for form, tertiary in forms.items():
            table[_nfd(form)] = (primary, 0x20 + secondary, tertiary)
    if code in ("tr", "az"):  # İ is the capital of i, not I with a dot
        table[_nfd("İ")] = (collator.collation_elements("i")[0][0] * SCALE, 0x20, UPPER)
    longest = max((len(key) for key in table), default=0)
    return table, longest


def _elements(text: str, code: str) -> list[list[int]]:
    collator = _collator()
    table, longest = _table(code)
    text = _nfd(text)
    elements: list[list[int]] = []
    plain = ""

    def flush() -> None:
        nonlocal plain
        if plain:
            for element in collator.collation_elements(plain):
                scaled = list(element)
                scaled[0] = scaled[0] * SCALE
                elements.append(scaled)
            plain = ""

    index = 0
    while index < len(text):
        match = ""
        for size in range(min(longest, len(text) - index), 0, -1):
            candidate = text[index : index + size]
            following = text[index + size] if index + size < len(text) else ""
            # "o" + U+0308 is ö; "o" alone must not match when a combining mark follows it (it is another letter)
            if candidate in table and not (following and unicodedata.combining(following)):
                match = candidate
                break
        if match:
            flush()
            elements.append(list(table[match]))
            index += len(match)
        else:
            plain += text[index]
            index += 1
    flush()
    return elements


def sort_key(text: str, language: str | None = None) -> tuple[int, ...]:
    """A key that sorts `text` as the reader's language does (default: the active language)."""
    code = language_code(language)
    return tuple(_collator().sort_key_from_collation_elements(_elements(str(text), code)))


def sorted_by(items: Iterable[T], key: Callable[[T], str], language: str | None = None) -> list[T]:
    """`items` sorted by `key(item)` in the order of the reader's language."""
    code = language_code(language)
    return sorted(items, key=lambda item: sort_key(key(item), code))
