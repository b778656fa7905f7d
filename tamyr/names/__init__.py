"""Script-aware name keys (pure Python, no Django): the same name written in Cyrillic or Latin compares equal."""

from tamyr.names.keys import NameKeys, fold, name_keys, search_key
from tamyr.names.scoring import SAME_PERSON_THRESHOLD, keys_similarity, similarity
from tamyr.names.transliterate import detect_script, latin_skeleton

__all__ = [
    "SAME_PERSON_THRESHOLD",
    "NameKeys",
    "detect_script",
    "fold",
    "keys_similarity",
    "latin_skeleton",
    "name_keys",
    "search_key",
    "similarity",
]
