"""Recognise the father's name in a skeleton: the Turkic -ұлы/-қызы/-oğlu/-qızı forms and the Russian -ovich/-ovna.

A patronymic is written as a suffix (Saparbekuly, Kemelevich) or as a word of its own (Сапарбек ұлы, Həsən oğlu,
Asanbek uulu). Both shapes give the same stem (saparbek, hasan, asanbek) and gender, so that "Тоқаев Қасым-Жомарт
Кемелұлы" and "Токаев Касым-Жомарт Кемелевич" carry the same patronymic and a name is comparable with or without it.
"""

from __future__ import annotations

from typing import NamedTuple

MALE = "m"
FEMALE = "f"

# Skeletons of the patronymic words (see transliterate.latin_skeleton):
# ұлы uly ulı uli → uli; Kyrgyz уулу → ulu; oğlu → oglu; оглы ogly oʻgʻli → ogli;
# қызы kyzy qızı kızı qizi → kizi; Azerbaijani qızı (q = г) and Turkmen gyzy → gizi.
WORDS: dict[str, str] = {
    "uli": MALE,
    "ulu": MALE,
    "oglu": MALE,
    "ogli": MALE,
    "kizi": FEMALE,
    "gizi": FEMALE,
}
# Suffixes, longest first. The Russian ones keep the vowel of the ending out of the stem (Kemel-evich).
SUFFIXES: tuple[tuple[str, str], ...] = (
    ("oglu", MALE),
    ("ogli", MALE),
    ("kizi", FEMALE),
    ("gizi", FEMALE),
    ("ovic", MALE),
    ("evic", MALE),
    ("ovna", FEMALE),
    ("evna", FEMALE),
    ("uli", MALE),
    ("ulu", MALE),
)
SUFFIX_ENDINGS = tuple(suffix for suffix, _ in SUFFIXES)
MIN_STEM = 3


class Patronymic(NamedTuple):
    stem: str
    gender: str


def split_suffix(token: str) -> Patronymic | None:
    """The father's name and gender if `token` is a one-word patronymic (saparbekuli, kemelevic, nurlankizi).

    Turkmen given names in -guly (Gurbanguly, Amanguly) are not patronymics: the Kazakh -ұлы never follows a g.
    """
    for suffix, gender in SUFFIXES:
        if token.endswith(suffix):
            stem = token[: -len(suffix)]
            if len(stem) < MIN_STEM:
                return None
            if suffix in ("uli", "ulu") and stem.endswith("g"):
                return None
            return Patronymic(stem, gender)
    return None


def marker(gender: str) -> str:
    """The normalised ending we write after a patronymic stem in keys, whatever convention the input used."""
    return "uli" if gender == MALE else "kizi"
