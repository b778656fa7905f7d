"""Turn a name in any of the registry's scripts and spelling conventions into one Latin phonetic skeleton.

The same person is written down by an embassy in Russian Cyrillic, by a cultural centre in Istanbul in Turkish
spelling, by a course in English transliteration and by themselves in one of the Kazakh Latin alphabets. Each of
those conventions spells one sound differently (Ш = sh = ş = s' = Hungarian s), so we first map every spelling of a
sound class to one symbol and then drop what the conventions disagree on (doubled letters, the y-glide in -ayev,
the soft sign). The result is a lower-case string over a small alphabet:

    vowels   a (а ә ä á ə)  e (е э)  i (и і ы й ı y)  o (о ө ö ó ў oʻ ő)  u (у ұ ү ü ū ú ű)
    x  = ш ş š sh s' (Hungarian s)     c = ч ç č ch c' cs      j = ж җ zh j c(Turkish) zs dzh
    h  = х һ ҳ h kh x(Uzbek, Tatar)    k = к қ q              g = г ғ ğ gh ǵ gʻ
    n  = н ң ñ ń ň ng                  v = в v w

Tokens are separated by single spaces; hyphens become spaces. Everything is precompiled once at import so that
a million names take seconds, not minutes.
"""

from __future__ import annotations

import re
import unicodedata

# Upper-case letters never survive case folding, so they serve as placeholders for the sound classes whose Latin
# spellings are digraphs: a Cyrillic "сх" (Асхат) must not be read as the Latin digraph "sh".
_SH, _CH, _ZH, _KH = "S", "C", "J", "H"

_CYRILLIC: dict[str, str] = {
    "а": "a",
    "ә": "a",
    "ӓ": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "ґ": "g",
    "ҕ": "g",
    "д": "d",
    "е": "e",
    "ё": "io",
    "є": "ie",
    "ж": _ZH,
    "җ": _ZH,
    "ӂ": _ZH,
    "з": "z",
    "ҙ": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "қ": "k",
    "ҡ": "k",
    "ҟ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "ҥ": "n",
    "о": "o",
    "ө": "o",
    "ӧ": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "ҫ": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ӱ": "u",
    "ӯ": "u",
    "ў": "o",  # Uzbek ў is Latin oʻ (Ўткир = Oʻtkir)
    "ф": "f",
    "х": _KH,
    "һ": _KH,
    "ҳ": _KH,
    "ц": "ts",
    "ч": _CH,
    "ҷ": _ZH,
    "ҹ": _CH,
    "ш": _SH,
    "щ": _SH,
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}

_LATIN: dict[str, str] = {
    # a-class: Kazakh ä/á, Azerbaijani ə, Hungarian á
    "ä": "a",
    "á": "a",
    "à": "a",
    "â": "a",
    "ã": "a",
    "å": "a",
    "ā": "a",
    "ă": "a",
    "ą": "a",
    "ə": "a",
    "ǝ": "a",
    "æ": "e",
    "é": "e",
    "è": "e",
    "ê": "e",
    "ë": "e",
    "ē": "e",
    "ě": "e",
    "ę": "e",
    "ı": "i",
    "í": "i",
    "ì": "i",
    "î": "i",
    "ï": "i",
    "ī": "i",
    "ý": "i",  # Turkmen ý is й; the Kazakh 2018 ý (= у) is handled before the table
    "ÿ": "i",
    "ŷ": "i",
    "ó": "o",
    "ö": "o",
    "ő": "o",
    "ô": "o",
    "ò": "o",
    "õ": "o",
    "ø": "o",
    "ō": "o",
    "ú": "u",
    "ü": "u",
    "ű": "u",
    "ū": "u",
    "ù": "u",
    "û": "u",
    "ů": "u",
    "ǵ": "g",
    "ğ": "g",
    "ĝ": "g",
    "ñ": "n",
    "ń": "n",
    "ň": "n",
    "ņ": "n",
    "ş": _SH,
    "ș": _SH,
    "š": _SH,
    "ś": "s",
    "ç": _CH,
    "č": _CH,
    "ć": _CH,
    "ž": _ZH,
    "ż": _ZH,
    "ź": "z",
    "đ": "d",
    "ł": "l",
    "ţ": "t",
    "ț": "t",
    "ř": "r",
    "ß": "ss",
    "\u0307": "",  # the dot left by case-folding Turkish İ
}

_PUNCTUATION = '.,;:/\\()[]{}"«»„“”!?_+&|*#@=<>~^%$'
_HYPHENS = "-‐‑‒–—―"
# Apostrophe look-alikes: after o and g (Uzbek oʻ gʻ) and in the Kazakh 2017 alphabet they change the letter;
# elsewhere (Uzbek tutuq belgisi, Russian soft sign, O'Brien) they are dropped.
_APOSTROPHES = "'ʻʼ’‘`´′ʹ‛ʽ"


def _build_table() -> dict[int, str | None]:
    mapping: dict[str, str] = {}
    mapping.update(_CYRILLIC)
    mapping.update({k.upper(): v for k, v in _CYRILLIC.items() if k.upper() != k})
    mapping.update(_LATIN)
    for char in _PUNCTUATION:
        mapping[char] = " "
    for char in _HYPHENS:
        mapping[char] = " "
    for char in _APOSTROPHES:
        mapping[char] = ""
    for digit in "0123456789":
        mapping[digit] = ""
    mapping["\t"] = " "
    mapping["\n"] = " "
    mapping["\u00a0"] = " "
    table: dict[int, str | None] = {ord(k): v for k, v in mapping.items()}
    return table


_TABLE = _build_table()
_UNIFY_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))
_ANY_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")

# Kazakh 2017 (a' g' i' n' o' u' y' s' c') and Uzbek (oʻ gʻ) letters written with an apostrophe.
_APOSTROPHE_LETTER = re.compile(r"([agionuysc])'")
_APOSTROPHE_VALUES = {
    "a": "a",
    "g": "g",
    "i": "i",
    "o": "o",
    "n": "n",
    "u": "u",
    "y": "u",  # Kazakh 2017 y' is Ұ
    "s": _SH,
    "c": _CH,
}

# Hungarian spelling is recognised by letters and digraphs no other convention here uses.
_HUNGARIAN = re.compile(r"sz|cs|zs|[őű]|gy\b")
_HUNGARIAN_DIGRAPHS = re.compile(r"dzs|sz|cs|zs|gy|ny|ty|ly|ch|s|c|j|x")
_HUNGARIAN_VALUES = {
    "dzs": _ZH,
    "sz": "s",
    "cs": _CH,
    "zs": _ZH,
    "gy": "d",
    "ny": "n",
    "ty": "t",
    "ly": "i",
    "ch": _CH,
    "s": _SH,
    "c": "ts",
    "j": "i",
    "x": "ks",
}
# The Kazakh 2018 alphabet writes У as ý; Turkmen writes Й as ý. The 2018 acute letters tell them apart.
_KAZAKH_2018 = re.compile(r"[áǵńóú]")

_DIGRAPHS = re.compile(r"shch|tsch|sch|dzh|dJ|zh|kh|ngh|gh|sh|ch|ph|ng(?!u?ul[iyu]\b)|dj|ck")
_DIGRAPH_VALUES = {
    "shch": _SH,
    "tsch": _CH,
    "sch": _SH,
    "dzh": _ZH,
    "dJ": _ZH,
    "zh": _ZH,
    "kh": _KH,
    "gh": "g",
    "sh": _SH,
    "ch": _CH,
    "ph": "f",
    "ngh": "n",
    "ng": "n",  # ң written ng (Zhengis = Жеңіс), but not in the Turkmen -guly names (Gurbanguly is no patronymic)
    "dj": _ZH,
    "ck": "k",
}
# Latin j is ж in English, Turkish and the Kazakh alphabets but й in German, Polish or Hungarian renderings of
# Russian (Ajgerim, Sergej, Tokajev): after a vowel and before a consonant, the end, or the -ev ending it is й.
_J_AS_Y = re.compile(r"(?<=[aeiou])j(?![aeiou])|(?<=[aeiou])j(?=eva?\b)")
# Latin x is х in Uzbek, Tatar and Azerbaijani, but ks in Alexander, Maxim and Maxat.
_X_AS_KS = re.compile(r"(?<=le|ma)x")
# c is Turkish/Azerbaijani дж (Cemal, Comart, Sevinc) except before a consonant, where it is the English k (Victor).
_C_AS_K = re.compile(r"c(?=[b-df-hj-np-tv-z])")
_FINAL: dict[int, str | None] = {
    ord("j"): "j",
    ord("c"): "j",
    ord("x"): "h",
    ord("h"): "h",
    ord("y"): "i",
    ord("w"): "v",
    ord("q"): "k",
    ord(_SH): "x",
    ord(_CH): "c",
    ord(_ZH): "j",
    ord(_KH): "h",
}
# digits and stray punctuation go; letters and spaces stay
_FINAL.update(dict.fromkeys((code for code in range(128) if not (chr(code).isalpha() or code == 32)), None))
_FINAL_AZ = dict(_FINAL)
_FINAL_AZ[ord("q")] = "g"  # Azerbaijani q is г (Vüqar = Вугар)

# Russian ю and ё after a consonant only soften it: Людмила = Lyudmila = Ljudmila = Lüdmila, Гюльнара = Gülnar.
_SOFTENING = re.compile(r"(?<=[bcdfghjklmnprstvxz])i(?=[ou])")
_DOUBLE = re.compile(r"([a-z])\1+")
# The y-glide before e: Yerlan = Ерлан, Tokayev = Токаев, Aliyev = Алиев.
_GLIDE = re.compile(r"(?<![a-z])i(?=e)|(?<=[aeiou])i(?=e)")
# English -off/-eff for -ов/-ев (Smirnoff).
_OFF = re.compile(r"(?<=[oe])f\b")


def latin_skeleton(text: str) -> str:
    """The phonetic skeleton of `text`: lower-case Latin sound classes, words separated by single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)  # a decomposed ş must not lose its cedilla
    s = text.casefold()
    if "ý" in s:
        s = s.replace("ý", "u") if _KAZAKH_2018.search(s) else s
    if _ANY_APOSTROPHE.search(s):
        s = _APOSTROPHE_LETTER.sub(lambda m: _APOSTROPHE_VALUES[m.group(1)], s.translate(_UNIFY_APOSTROPHES))
    hungarian = _HUNGARIAN.search(s) is not None
    azerbaijani = "ə" in s or "ǝ" in s
    s = s.translate(_TABLE)
    if not s.isascii():
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii())
    if hungarian:
        s = _HUNGARIAN_DIGRAPHS.sub(lambda m: _HUNGARIAN_VALUES[m.group(0)], s)
    s = _DIGRAPHS.sub(lambda m: _DIGRAPH_VALUES[m.group(0)], s)
    if "j" in s:
        s = _J_AS_Y.sub("i", s)
    if "x" in s:
        s = _X_AS_KS.sub("ks", s)
    if "c" in s:
        s = _C_AS_K.sub("k", s)
    s = s.translate(_FINAL_AZ if azerbaijani else _FINAL)
    if "io" in s or "iu" in s:
        s = _SOFTENING.sub("", s)
    s = _DOUBLE.sub(r"\1", s)
    if "ie" in s:
        s = _GLIDE.sub("", s)
        s = _DOUBLE.sub(r"\1", s)  # Sergeyevna: the glide sat between the two e of Сергеевна
    if "f" in s:
        s = _OFF.sub("v", s)
    return " ".join(s.split())


_LOOSE = str.maketrans({"e": "a", "u": "o", "x": "s", "c": "s", "h": "k", "g": "k", "d": "t", "b": "p", "f": "p"})


def loose(skeleton: str) -> str:
    """A coarser skeleton for scoring: merges the sounds that irregular spellings swap (ә as e in Turkish
    Ebilkayır, қ as kh in Abilkhair, ш as ch or s in Cholpan and Solpan, Uzbek o for Russian u, final d/t)."""
    return _DOUBLE.sub(r"\1", skeleton.translate(_LOOSE))


_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latn"),
    (0x0061, 0x007A, "Latn"),
    (0x00C0, 0x024F, "Latn"),
    (0x0259, 0x0259, "Latn"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x0400, 0x052F, "Cyrl"),
    (0x1C80, 0x1C8F, "Cyrl"),
    (0x2DE0, 0x2DFF, "Cyrl"),
    (0xA640, 0xA69F, "Cyrl"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
)


def detect_script(text: str) -> str:
    """ISO 15924 code of the script most of the letters are in (Cyrl, Latn, Arab), or Zyyy when there are none.

    A name typed on a Kazakh keyboard in Latin often carries a stray Cyrillic ұ or ә (Nұrsұltan): the majority
    decides, so that name is still Latin.
    """
    counts = {"Latn": 0, "Cyrl": 0, "Arab": 0}
    for char in text:
        code = ord(char)
        if code < 0x41:
            continue
        for low, high, script in _SCRIPT_RANGES:
            if low <= code <= high:
                counts[script] += 1
                break
    best = max(counts, key=lambda script: counts[script])
    return best if counts[best] else "Zyyy"
