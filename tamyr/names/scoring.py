"""How alike two written names are, in [0, 1], whatever their script, word order or patronymic style.

The skeletons already make the regular spelling differences vanish (Тоқаев = Tokayev = Toqaev), so what is left
is irregular spelling (Cholpan for Шолпан, Ebilkayır for Әбілқайыр) and typing errors. Each word is scored with
rapidfuzz's normalised Indel similarity on the skeleton and on a coarser "loose" skeleton, words are paired up in
the best order (so surname-first and given-first compare equal), and two rules keep look-alikes apart that a
plain edit distance would merge: a male and a female surname form (Omarov / Omarova, Kovalskiy / Kovalskaya) and
a son and a daughter of one father (Nurlanuly / Nurlankyzy).
"""

from __future__ import annotations

from itertools import permutations

from rapidfuzz.fuzz import ratio

from tamyr.names.keys import NameKeys, name_keys
from tamyr.names.transliterate import loose

__all__ = ["SAME_PERSON_THRESHOLD", "keys_similarity", "similarity"]

# A word of the longer name that has no partner (a middle name, a second given name) costs this factor each.
UNMATCHED_FACTOR = 0.9
# Patronymics of different gender: a brother and a sister.
PATRONYMIC_GENDER_FACTOR = 0.5
# Share of a word's score that comes from the loose skeleton (irregular spellings such as Cholpan for Шолпан
# differ there less than different names do).
LOOSE_WEIGHT = 0.6
SAME_PERSON_THRESHOLD = 0.92
"""`similarity` at or above this says "probably the same person" (measured on tests/names/data: see test_recall)."""
MAX_TOKENS = 5


def _opposite_gender(a: str, b: str) -> bool:
    """Omarov/Omarova, Amin/Amina, Kovalskiy/Kovalskaya: the same stem in the male and the female form."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) < 3:
        return False
    if b == a + "a":
        return True
    return a.endswith("ski") and b == a[:-1] + "aia"


def _word(a: str, b: str, loose_a: str, loose_b: str) -> float:
    if a == b:
        return 1.0
    if _opposite_gender(a, b):
        return 0.0
    return ((1.0 - LOOSE_WEIGHT) * ratio(a, b) + LOOSE_WEIGHT * ratio(loose_a, loose_b)) / 100.0


def _pairing(short: list[tuple[str, str]], long: list[tuple[str, str]]) -> float:
    """The best score over all ways of pairing each word of `short` with a different word of `long`.

    A pairing scores the length-weighted harmonic mean of its word scores: one clearly different word (Aliya and
    Alina beside a shared long surname) pulls the name down further than an arithmetic mean would, which is what
    keeps relatives with one shared surname apart.
    """
    matrix = [[_word(a, b, la, lb) for b, lb in long] for a, la in short]
    weights = [[float(max(len(a), len(b))) for b, _ in long] for a, _ in short]
    best = 0.0
    rows = range(len(short))
    for columns in permutations(range(len(long)), len(short)):
        weight = 0.0
        inverse = 0.0
        for i, j in zip(rows, columns, strict=True):
            score = matrix[i][j]
            if score <= 0.0:
                break
            weight += weights[i][j]
            inverse += weights[i][j] / score
        else:
            if inverse:
                best = max(best, weight / inverse)
    return best * UNMATCHED_FACTOR ** (len(long) - len(short))


def _merges(words: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """`words` with each pair of neighbours written as one (Kasym Zhomart = Kasymzhomart, Abdul Karim = Abdulkarim)."""
    return [
        [*words[:i], (words[i][0] + words[i + 1][0], words[i][1] + words[i + 1][1]), *words[i + 2 :]]
        for i in range(len(words) - 1)
    ]


def _words(keys: NameKeys, with_patronymic: bool) -> list[tuple[str, str]]:
    words = list(zip(keys.tokens, keys.loose, strict=True))[:MAX_TOKENS]
    token = keys.patronymic_token
    if with_patronymic and token is not None:
        words.append((token, loose(token)))
    return words


def keys_similarity(a: NameKeys, b: NameKeys) -> float:
    """`similarity` on precomputed keys."""
    both = a.patronymic is not None and b.patronymic is not None
    words_a = _words(a, both or len(a.tokens) < 2)
    words_b = _words(b, both or len(b.tokens) < 2)
    if not words_a or not words_b:
        return 1.0 if not words_a and not words_b else 0.0
    if len(words_a) > len(words_b):
        words_a, words_b = words_b, words_a
    score = _pairing(words_a, words_b)
    if score < 1.0 and len(words_b) > len(words_a):
        # one side may have split a compound given name (Kasym-Zhomart) that the other wrote as one word
        for merged in _merges(words_b):
            score = max(score, _pairing(words_a, merged))
    if both and a.patronymic_gender != b.patronymic_gender:
        score *= PATRONYMIC_GENDER_FACTOR
    return score


def similarity(a: str, b: str) -> float:
    """How likely two written names are one person's name, in [0, 1], order-independent.

    1.0 for the same name in any script or convention; about 0.9 with one typing error in a word; low for a male
    and a female surname form or for different given names with the same surname.
    """
    return keys_similarity(name_keys(a), name_keys(b))
