"""Which text encoding an uploaded file was saved in, and whether a decoding of it looks like mojibake.

Offices still export CSV in the code page of their Windows: Windows-1250 in Hungary, 1254 in Turkey, 1251 (or
KZ-1048) in Kazakhstan and Russia, UTF-16 from some Excel versions. Decoding with the wrong one gives readable-looking
nonsense ("Kovбcs", "Þükrü", "Ñâåòëàíà") that nobody notices until it is in the registry. So:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. else text that decodes as strict UTF-8 is UTF-8 (other encodings almost never give valid UTF-8 by chance);
3. else charset-normalizer, limited to the code pages our institutions use, measures each decoding's "chaos", and
   `assess` adds what it does not know about names: letters that no language of ours writes (þ ð õ ţ đ Ђ …), words
   mixing Latin and Cyrillic letters, a capital inside a lower-case word ("хБЮМНБЮ"), symbols inside words, C1 control
   characters. Alone, charset-normalizer takes a list of Turkish names for Baltic (cp1257) and cannot tell Hungarian
   in 1250 from 1252; with the name check the right code page wins by far.

The confidence is low when the best decoding still looks wrong or when another decoding that gives a *different*
text looks almost as good (decodings that give the same text — cp1250 and ISO-8859-2 for most Hungarian — do not
compete). Below `CONFIDENT` the caller must ask the user to choose. All of this runs once, on the head of a file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

SAMPLE_BYTES = 1 << 20
"""How much of a file is read to decide (strict UTF-8 check); the detector scores the first `SCORE_BYTES` of it."""
SCORE_BYTES = 1 << 16
CONFIDENT = 0.8
MARGIN = 0.3
"""How much better than the best competing decoding (one giving another text) the chosen one must score."""

ENCODINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "utf-8": ("UTF-8", ()),
    "utf-16": ("UTF-16", ()),
    "utf-16-le": ("UTF-16 LE", ()),
    "utf-16-be": ("UTF-16 BE", ()),
    "utf-32": ("UTF-32", ()),
    "cp1250": ("Windows-1250", ("hu", "cs", "pl")),
    "cp1251": ("Windows-1251", ("ru", "kk", "ky", "uz")),
    "kz1048": ("KZ-1048", ("kk",)),
    "cp1252": ("Windows-1252", ("en", "de", "fr")),
    "cp1254": ("Windows-1254", ("tr", "az")),
    "iso-8859-2": ("ISO-8859-2", ("hu", "cs", "pl")),
    "iso-8859-9": ("ISO-8859-9", ("tr",)),
    "koi8-r": ("KOI8-R", ("ru",)),
    "cp866": ("CP866 (DOS)", ("ru",)),
}
"""The encodings a user may choose: codec → (name, languages it is used for). The order breaks ties."""
_SINGLE_BYTE = [name for name in ENCODINGS if not name.startswith("utf")]
_DETECTOR_NAMES = {
    "cp1250": "cp1250",
    "cp1251": "cp1251",
    "kz1048": "kz1048",
    "cp1252": "cp1252",
    "cp1254": "cp1254",
    "iso-8859-2": "iso8859_2",
    "iso-8859-9": "iso8859_9",
    "koi8-r": "koi8_r",
    "cp866": "cp866",
}

_LATIN_OURS = set(
    "áéíóöőúüűÁÉÍÓÖŐÚÜŰ"  # Hungarian
    "çğıİşâîÇĞŞÂÎ"  # Turkish, Azerbaijani
    "əƏäñūÄÑŪ"  # Azerbaijani, Kazakh Latin
    "ßàèêëìòôùÀÈÊËÌÒÔÙœŒ"  # German, French, Italian
    "čďěňřšťžůČĎĚŇŘŠŤŽŮąćęłńśźżĄĆĘŁŃŚŹŻ"  # Czech, Slovak, Polish (Central Europe, Windows-1250's own)
)
_CYRILLIC_UNUSUAL = set("ЂђЃѓЅѕЈјЉљЊњЋћЌќЏџ")
"""Serbian and Macedonian letters: what Kazakh KZ-1048 or Windows-1250 text shows when read as Windows-1251."""
_PUNCTUATION = set("«»„“”‘’‚–—…№·ʻʼ\u00a0\u2009\u202f")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True)
class Assessment:
    """How a decoded text looks: the share of its unusual characters that look like mojibake, with examples."""

    units: int
    suspects: int
    examples: tuple[str, ...] = ()

    @property
    def plausibility(self) -> float:
        return 1.0 - self.suspects / self.units if self.units else 1.0


def assess(text: str) -> Assessment:
    """Count the traces of a wrong decoding in `text` (see the module). Words, not bytes: names are short, and one
    wrong letter in a name is what matters."""
    units = suspects = 0
    examples: list[str] = []

    def suspect(word: str) -> None:
        nonlocal suspects
        suspects += 1
        if len(examples) < 5 and word not in examples:
            examples.append(word)

    for word in _WORD.findall(text):
        if word.isascii():
            continue
        units += 1
        latin = cyrillic = False
        odd = False
        for char in word:
            if char.isascii():
                latin = True
            elif "\u0400" <= char <= "\u04ff":
                cyrillic = True
                odd = odd or char in _CYRILLIC_UNUSUAL
            elif char < "\u0250":  # Latin-1 Supplement and Latin Extended-A/B
                latin = True
                odd = odd or char not in _LATIN_OURS
        if odd or (latin and cyrillic) or _capital_inside(word):
            suspect(word)
    for match in _NON_ASCII.finditer(text):
        char = match.group()
        if char in _PUNCTUATION or unicodedata.category(char)[0] in "LMN":
            continue
        units += 1
        if char == "\ufffd" or unicodedata.category(char)[0] in "CS" or char in "¡¿¦¨¯´¸":
            suspect(text[max(match.start() - 8, 0) : match.end() + 8].strip())
    return Assessment(units, suspects, tuple(examples))


def _capital_inside(word: str) -> bool:
    """A lower-case letter followed by a capital ("хБЮМНБЮ", KOI8-R read as Windows-1251 or back). Real names do
    this rarely (McDonald) and never in most of a file."""
    if word.islower() or word.isupper() or len(word) < 3:
        return False
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))


@dataclass(frozen=True)
class Detection:
    encoding: str
    """The Python codec to read the file with ("utf-8-sig" for UTF-8 with or without the byte-order mark)."""
    confidence: float
    method: str
    """"bom", "utf-8" or "detector"."""
    assessment: Assessment
    alternatives: tuple[str, ...] = field(default=())
    """Other encodings that decode the sample, best first."""

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT

    @property
    def choice(self) -> str:
        """The name of the encoding in `ENCODINGS`."""
        return choice_name(self.encoding)


def choice_name(encoding: str) -> str:
    return "utf-8" if encoding in ("utf-8", "utf-8-sig") else encoding


def codec(choice: str) -> str:
    """The codec that reads a file saved in `choice` ("utf-8" also skips a byte-order mark)."""
    return "utf-8-sig" if choice == "utf-8" else choice


BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_head(data: bytes, encoding: str) -> str | None:
    """The sample decoded strictly, forgiving only a character cut by the end of the sample; None if it does not
    decode."""
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def detect(data: bytes) -> Detection:
    """Which encoding `data` (the head of a file) is in, and how sure that is (see the module)."""
    for bom, name in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            text = decode_head(data, name)
            if text is not None:
                return Detection(name, 1.0, "bom", assess(text[: SCORE_BYTES // 2]))
    text = decode_head(data, "utf-8")
    if text is not None:
        assessment = assess(text[:SCORE_BYTES])
        return Detection("utf-8-sig", min(1.0, assessment.plausibility), "utf-8", assessment)
    utf16 = utf16_without_bom(data[:SCORE_BYTES])
    if utf16:
        text = decode_head(data, utf16)
        if text is not None:
            return Detection(utf16, 0.9, "detector", assess(text[: SCORE_BYTES // 2]))
    return _detect_single_byte(data[:SCORE_BYTES])


def utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: mostly-Latin text has a NUL in every other byte."""
    if len(data) < 16 or data.count(0) < len(data) // 4:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd > 3 * even:
        return "utf-16-le"
    if even > 3 * odd:
        return "utf-16-be"
    return None


def _detect_single_byte(data: bytes) -> Detection:
    from charset_normalizer import from_bytes

    chaos: dict[str, float] = {}
    for match in from_bytes(data, cp_isolation=list(_DETECTOR_NAMES.values())):
        name = codecs.lookup(match.encoding).name
        chaos.setdefault(name, match.chaos)
    scored: list[tuple[float, int, str, str, Assessment]] = []
    for order, name in enumerate(_SINGLE_BYTE):
        text = decode_head(data, name)
        if text is None:
            continue
        assessment = assess(text)
        # a decoding the detector gave up on (more than 20 % chaos) counts as 20 % chaos
        score = assessment.plausibility - chaos.get(codecs.lookup(name).name, 0.2)
        scored.append((score, -order, name, text, assessment))
    if not scored:
        return Detection("cp1252", 0.0, "detector", Assessment(1, 1))
    scored.sort(reverse=True)
    best_score, _order, best, best_text, assessment = scored[0]
    rivals = [score for score, _o, _n, text, _a in scored[1:] if text != best_text]
    margin = best_score - rivals[0] if rivals else 1.0
    confidence = max(0.0, min(best_score, 1.0)) * min(1.0, margin / MARGIN)
    alternatives = tuple(name for _s, _o, name, _t, _a in scored[1:])
    return Detection(best, round(confidence, 3), "detector", assessment, alternatives)


def check_choice(data: bytes, choice: str) -> tuple[bool, Assessment]:
    """Whether the head of a file decodes in the encoding a user chose, and how the result looks."""
    text = decode_head(data, codec(choice))
    if text is None:
        return False, Assessment(1, 1)
    return True, assess(text[:SCORE_BYTES])
