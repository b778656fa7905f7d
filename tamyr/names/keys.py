"""Keys that compare one person's name across scripts, spelling conventions, word orders and patronymic styles.

`search_key` is stored beside every name variant and computed for every query; `name_keys` gives the parts that
duplicate detection needs (order-independent key, patronymic, a short blocking key). Pure Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tamyr.names.patronymics import FEMALE, MALE, SUFFIX_ENDINGS, WORDS, marker, split_suffix
from tamyr.names.transliterate import detect_script, latin_skeleton, loose

__all__ = ["NameKeys", "detect_script", "fold", "name_keys", "search_key"]

# Surname endings: they pick the surname out for blocking whatever the word order, and tell male from female
# surname forms (Tokayev / Tokayeva, Kovalskiy / Kovalskaya).
_SURNAME_ENDINGS = ("ov", "ova", "ev", "eva", "in", "ina", "ski", "skaia", "enko", "ian", "iants", "dze", "ko")
_FEMALE_ENDINGS = ("ova", "eva", "skaia", "ina")
_MALE_ENDINGS = ("ov", "ev", "ski", "in")
_BLOCK_VOWELS = str.maketrans({"o": "a", "i": "a", "e": "a", "u": "a"})
BLOCKING_LENGTH = 4


@dataclass(frozen=True, slots=True)
class NameKeys:
    """Every key of one written name. All strings are skeletons (see `transliterate.latin_skeleton`)."""

    tokens: tuple[str, ...]
    """The name's words without the patronymic, in the order written."""
    patronymic: str | None
    """The father's name (stem only: kemel for Kemeluly, Kemelevich and Кемелұлы), or None."""
    patronymic_gender: str | None
    """"m" for -ұлы/-oğlu/-ovich, "f" for -қызы/-qızı/-ovna, None without a patronymic."""
    ordered: str
    """The tokens in the order written, space separated."""
    sorted: str
    """The tokens sorted, so that "Токаев Касым" and "Kassym Tokayev", or "Nacsa Lőrinc" and "Lőrinc Nacsa",
    give the same key. A name that is only a given name and a patronymic (Zhanbolat Nurlanuly, the way many
    Kazakhs now write their surname) keeps the patronymic in this key, or it would say nothing about the family."""
    blocking: str
    """A short, coarse key of the surname (vowels merged, first four letters) for grouping candidate duplicates;
    coarse so that Ebilkayır and Abilkhair, Sholpan and Cholpan land in one block."""
    search: str
    """All words in the order written, the patronymic normalised to stem + uli/kizi (what `search_key` returns)."""
    loose: tuple[str, ...]
    """`tokens` on the coarser alphabet of `transliterate.loose`, used in scoring."""
    gender: str | None
    """"f" or "m" when the surname or patronymic form says so, else None."""

    @property
    def patronymic_token(self) -> str | None:
        """The patronymic as one normalised word (kemeluli, nurlankizi), or None."""
        if self.patronymic is None or self.patronymic_gender is None:
            return None
        return self.patronymic + marker(self.patronymic_gender)


def _gender(tokens: tuple[str, ...], patronymic_gender: str | None) -> str | None:
    if patronymic_gender is not None:
        return patronymic_gender
    for token in tokens:
        if len(token) > 4 and token.endswith(_FEMALE_ENDINGS):
            return FEMALE
    for token in tokens:
        if len(token) > 3 and token.endswith(_MALE_ENDINGS):
            return MALE
    return None


def _coarse_loose(loose_token: str) -> str:
    return loose_token.translate(_BLOCK_VOWELS).replace("aa", "a")[:BLOCKING_LENGTH]


def _coarse(token: str) -> str:
    return _coarse_loose(loose(token))


def _blocking(tokens: tuple[str, ...], loose_tokens: tuple[str, ...], patronymic_token: str | None) -> str:
    """`loose_tokens` are `tokens` on the loose alphabet, computed once by the caller (imports key a million names)."""
    surnames = [
        loose_token
        for token, loose_token in zip(tokens, loose_tokens, strict=True)
        if len(token) > 3 and token.endswith(_SURNAME_ENDINGS)
    ]
    if not surnames:
        surnames = list(loose_tokens)
        if len(tokens) < 2 and patronymic_token:
            surnames.append(loose(patronymic_token))
    return min((_coarse_loose(token) for token in surnames), default="")


def _split(words: list[str]) -> tuple[list[str], list[str], str | None, str | None]:
    """Separate the patronymic: (tokens without it, all words with it normalised, its stem, its gender)."""
    tokens: list[str] = []
    search: list[str] = []
    stem: str | None = None
    gender: str | None = None
    many = len(words) > 1
    for word in words:
        if stem is None and tokens and word in WORDS:
            stem, gender = tokens.pop(), WORDS[word]
            search[-1] = stem + marker(gender)
            continue
        if stem is None and many and word.endswith(SUFFIX_ENDINGS):
            found = split_suffix(word)
            if found is not None:
                stem, gender = found
                search.append(stem + marker(gender))
                continue
        tokens.append(word)
        search.append(word)
    return tokens, search, stem, gender


def _compute(text: str) -> NameKeys:
    tokens, search, stem, gender = _split(latin_skeleton(text).split())
    names = tuple(tokens)
    patronymic_token = None if stem is None or gender is None else stem + marker(gender)
    sortable = list(names)
    if len(names) < 2 and patronymic_token:
        sortable.append(patronymic_token)
    # one `loose` call for all words: the doubled-letter rule never spans the space between two words
    loose_names = tuple(loose(" ".join(names)).split()) if names else ()
    return NameKeys(
        tokens=names,
        patronymic=stem,
        patronymic_gender=gender,
        ordered=" ".join(names),
        sorted=" ".join(sorted(sortable)),
        blocking=_blocking(names, loose_names, patronymic_token),
        search=" ".join(search),
        loose=loose_names,
        gender=_gender(names, gender),
    )


@lru_cache(maxsize=262_144)
def name_keys(text: str) -> NameKeys:
    """All keys of `text` (cached: a dedupe run or a search re-scores the same names many times)."""
    return _compute(text)


def search_key(text: str) -> str:
    """The key stored beside each name variant and computed for each query: every word's skeleton in the order
    written, so "Тоқаев", "Tokayev", "Toqaev" and "Tokajev" all give "tokaev" and a substring or trigram match on
    it works across scripts. Recomputed for every stored variant whenever the skeleton rules change."""
    return " ".join(_split(latin_skeleton(text).split())[1])


def fold(text: str) -> str:
    """The Latin skeleton of `text` without patronymic handling (kept for callers of the first version)."""
    return latin_skeleton(text)
