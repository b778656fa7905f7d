"""Fold a name in any Turkic, Russian, Hungarian or English spelling to one Latin skeleton."""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "y",
    "і": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ў": "u",
    "ҳ": "h",
    "ӯ": "u",
    "ҷ": "j",
}
_LATIN_SPECIAL = {"ı": "i", "ə": "a", "ß": "ss", "ø": "o", "æ": "ae", "đ": "d", "ł": "l"}
_DIGRAPHS = [("zh", "j"), ("kh", "h"), ("sh", "sh"), ("ch", "ch"), ("gh", "g"), ("iy", "i"), ("yy", "y")]


def fold(text: str) -> str:
    """Lower-case Latin letters and spaces only."""
    text = unicodedata.normalize("NFC", text).casefold()
    out: list[str] = []
    for char in text:
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        elif char in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[char])
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            out.append(base)
    folded = "".join(out)
    folded = re.sub(r"[ʻʼ'`’‘\"]", "", folded)
    folded = re.sub(r"[^a-z]+", " ", folded)
    for digraph, replacement in _DIGRAPHS:
        folded = folded.replace(digraph, replacement)
    return " ".join(folded.split())


def search_key(text: str) -> str:
    """The key stored beside each name variant and computed for each query."""
    return fold(text)
