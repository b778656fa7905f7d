"""Import people from a CSV or XLSX file: column mapping, validation of every row, dry run, all or nothing.

Two phases, so that a bad file changes nothing and a good one is written in one short transaction:

1. **Check** (no transaction, no writes): the file is streamed in chunks of `CHUNK` rows; every row is validated
   (name required, country as ISO code or a name in any interface language, year 1900 to now, e-mail format, …)
   and every problem is collected with its line, column and reason; the name keys of good rows are computed and
   looked up against the people already in the registry (`dedupe.compare` on candidates sharing a lookup key and
   year of birth, or e-mail or phone), and the good rows are kept in a staging file on disk, not in memory.
   Progress is written to the `PersonImport` row as it goes, so the page can show it.
2. **Write** (one transaction), only when the check found no bad row, or with `skip_bad_rows`, and not on a dry
   run: the staged rows go into the person, name variant and consent tables — with COPY on PostgreSQL (ids are
   reserved from the sequence first, so variants can point at their person), with `bulk_create` elsewhere — and
   the flagged duplicates into the review queue, with one audit row for the whole import. Where the database role
   may, PostgreSQL skips the per-row foreign-key triggers and the import checks every reference in one statement
   per table before committing (docs/decisions/0006-bulk-import-checks.md).

Why a staging file and not one transaction around the whole read: the check is where the time goes (about
three quarters: parsing, validating and computing keys); holding a transaction open for it would keep SQLite's
write lock for minutes and hide the progress from the page. Why not a staging table: the rows would be written
twice into the database; the staging file costs one sequential write and read of a temporary file.

Memory stays bounded: one chunk of rows, the first `KEEP_BAD_ROWS` bad rows (every one goes to the report file),
and the flagged duplicates.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import pickle
import queue
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.core import audit, encodings, jobs, processes, uploads
from tamyr.core.errors import DomainError
from tamyr.core.exports import safe_cell
from tamyr.registry import dedupe, import_checker, search
from tamyr.registry.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Country,
    DuplicateCandidate,
    Gender,
    ImportStatus,
    NameVariant,
    NameWord,
    Organization,
    Person,
    PersonImport,
)

__all__ = [
    "CHUNK",
    "FIELDS",
    "BadRow",
    "EncodingUncertain",
    "Flagged",
    "ImportReport",
    "detect_mapping",
    "import_people",
    "person_import_create",
    "person_import_run",
    "person_import_start",
    "preview",
    "read_header",
    "stderr_progress",
]

CHUNK = 5000
PARALLEL_ROWS = 50_000
"""Files with more rows than this are checked in worker processes (when there are several processors)."""
AHEAD = 4
WORKERS = int(os.environ.get("TAMYR_IMPORT_WORKERS", "0"))
GIN_PENDING_KB = 16384
"""Trigram index entries of new rows wait in the index's pending list up to this size (kB) and are then merged in
bulk, much faster than one by one; not larger, so merging happens during the import, not all at its end."""
KEEP_BAD_ROWS = 1000
KEEP_DUPLICATES = 1000

logger = logging.getLogger(__name__)
MAX_NAME = Person._meta.get_field("display_name").max_length or 200
MAX_CITY = Person._meta.get_field("residence_city").max_length or 120
MAX_EMAIL = Person._meta.get_field("email").max_length or 254
FIELD_LIMIT = 1 << 20
"""The longest cell the CSV reader accepts (characters). Python's default, 131,072, stopped a whole import at
the first longer cell; a spreadsheet cell holds at most 32,767. Longer cells are reported as their row's error, and
the limit keeps an unclosed quote from reading a whole big file into memory as one cell."""
SHOWN_VALUE = 100
"""Characters of a bad cell kept in the report."""
SUPPORTED = (".csv", ".txt", ".tsv", ".xlsx")
ProgressCallback = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class FieldSpec:
    label: Any
    synonyms: tuple[str, ...]
    required: bool = False


def _norm(header: str) -> str:
    """Header as compared with the synonyms: case-folded, without spaces, dots, dashes or underscores."""
    return re.sub(r"[\s._\-/()*:]+", "", str(header).casefold())


FIELDS: dict[str, FieldSpec] = {
    "name": FieldSpec(
        gettext_lazy("Name"),
        (
            "name", "full name", "display name", "person", "фио", "ф.и.о.", "имя", "полное имя", "аты-жөні",
            "аты жөні", "толық аты-жөні", "аты-жөнү", "ad soyad", "adı soyadı", "ad soyadı", "isim", "isim soyisim",
            "ism", "ism familiya", "f.i.sh.", "familiya ism", "ism-sharif", "ismi sharifi", "név", "teljes név",
            "ady", "ad", "soyad ad",
        ),
        required=True,
    ),
    "other_names": FieldSpec(
        gettext_lazy("Other ways of writing the name"),
        (
            "other names", "other spellings", "name variants", "variants", "aliases", "also known as",
            "другие написания", "другие имена", "варианты имени", "басқа жазылуы", "басқа аттары", "diğer adlar",
            "diğer yazılışlar", "boshqa yozilishi", "boshqa ismlar", "digər adlar", "más nevek", "egyéb nevek",
            "башка жазылышы",
        ),
    ),
    "email": FieldSpec(
        gettext_lazy("E-mail"),
        (
            "email", "e-mail", "mail", "email address", "электронная почта", "эл. почта", "почта", "электрондық пошта",
            "e-posta", "eposta", "elektron pochta", "e-poçt", "e-poçta", "e-mail cím", "email cím", "электрондук почта",
        ),
    ),
    "phone": FieldSpec(
        gettext_lazy("Phone"),
        (
            "phone", "telephone", "tel", "mobile", "phone number", "телефон", "тел", "телефон нөмірі", "номер телефона",
            "telefon", "tel no", "telefon numarası", "telefon raqami", "telefon nömrəsi", "telefonszám",
        ),
    ),
    "country": FieldSpec(
        gettext_lazy("Country of residence"),
        (
            "country", "country of residence", "residence country", "country code", "страна", "страна проживания",
            "ел", "мемлекет", "тұратын елі", "өлкө", "ülke", "yaşadığı ülke", "mamlakat", "ölkə", "ország",
            "lakóhely ország",
        ),
    ),
    "birth_year": FieldSpec(
        gettext_lazy("Year of birth"),
        (
            "birth year", "year of birth", "year", "born", "год рождения", "год", "туған жылы", "туулган жылы",
            "doğum yılı", "tugʻilgan yil", "tug'ilgan yili", "tugilgan yil", "doğum ili", "születési év",
        ),
    ),
    "city": FieldSpec(
        gettext_lazy("City of residence"),
        ("city", "town", "город", "қала", "шаар", "şehir", "shahar", "şəhər", "város", "city of residence"),
    ),
    "gender": FieldSpec(
        gettext_lazy("Gender"),
        ("gender", "sex", "пол", "жынысы", "жынысы", "cinsiyet", "jinsi", "cins", "nem"),
    ),
}  # fmt: skip
_SYNONYMS = {_norm(synonym): name for name, spec in FIELDS.items() for synonym in spec.synonyms}
_GENDERS = {
    **dict.fromkeys(("f", "female", "woman", "ж", "жен", "женский", "әйел", "кыз", "kadın", "kadin", "k", "ayol",
                     "qadın", "nő", "no"), Gender.FEMALE),
    **dict.fromkeys(("m", "male", "man", "м", "муж", "мужской", "ер", "эркек", "erkek", "e", "erkak", "kişi",
                     "férfi", "ferfi"), Gender.MALE),
    **dict.fromkeys(("other", "x", "другой", "басқа", "diğer"), Gender.OTHER),
}  # fmt: skip
_CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


_LETTER = re.compile(r"[^\W\d_]")  # a letter of any alphabet (what `str.isalpha` accepts, in C)


def _script(text: str) -> str:
    """`tamyr.names.detect_script` (the majority of the letters decides), faster for a million rows: regular
    expression scans instead of a loop over every letter in Python."""
    if text.isascii():
        return "Latn" if _LETTER.search(text) else "Zyyy"
    cyrillic, arabic = len(_CYRILLIC.findall(text)), len(_ARABIC.findall(text))
    latin = len(_LETTER.findall(text)) - cyrillic - arabic
    best = max(("Latn", latin), ("Cyrl", cyrillic), ("Arab", arabic), key=lambda item: item[1])
    return best[0] if best[1] > 0 else "Zyyy"


_PHONE = re.compile(r"^\+?[\d\s().\-/]{5,40}$")
_SEPARATORS = re.compile(r"\s*[;|\n]\s*")


def detect_mapping(header: Sequence[str]) -> dict[str, str]:
    """Field → column header, for every header that is a known name of a field in one of the interface languages
    ("ФИО", "Аты-жөні", "ad soyad", "név" are all the name). The first column wins when two name one field."""
    mapping: dict[str, str] = {}
    for column in header:
        name = _SYNONYMS.get(_norm(column))
        if name and name not in mapping:
            mapping[name] = column
    return mapping


# --- reading CSV and XLSX ---------------------------------------------------------------------------------------


class Unreadable(NamedTuple):
    """In place of a row's cells: the reader could not make cells of these lines (a quote not closed, a cell
    longer than `FIELD_LIMIT`); the validator reports it as the row's error."""

    reason: str
    value: str = ""


Cells = list[str] | Unreadable


class Table:
    """A file's header and its rows as (line number, cells), streamed."""

    header: list[str]
    encoding: str = ""
    """The encoding the file is read in ("" for XLSX, which has none of its own)."""
    detection: encodings.Detection | None = None

    def rows(self) -> Iterator[tuple[int, Cells]]:
        raise NotImplementedError

    def estimate(self) -> int | None:
        return None

    def close(self) -> None:
        return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    """`text` with control characters written out ("\\x00"), so a report can show them and a database (PostgreSQL
    refuses NUL in text and JSON) can keep it."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _header(cells: list[str]) -> list[str]:
    """Column names as shown and stored: without a byte-order mark that a codec left in, control characters
    written out."""
    if cells and cells[0].startswith("\ufeff"):
        cells[0] = cells[0][1:].strip()
    return [_visible(cell) for cell in cells]


class EncodingUncertain(DomainError):
    """The file's encoding could not be told with confidence: the user must choose it (see `tamyr.core.encodings`)."""

    code = "encoding"

    def __init__(self, detection: encodings.Detection) -> None:
        super().__init__(
            _(
                "The file's encoding could not be recognised with confidence (perhaps %(encoding)s, %(confidence)s %%)"
                ": choose the encoding the file was saved in."
            )
            % {"encoding": encoding_label(detection.choice), "confidence": round(100 * detection.confidence)},
            code=self.code,
        )
        self.detection = detection


def encoding_label(choice: str) -> str:
    """An encoding's name with the languages it is used for, in the user's language ("Windows-1250 — Hungarian,
    Czech, Polish"); the language names are Django's own translations."""
    name, languages = encodings.ENCODINGS.get(choice, (choice, ()))
    if not languages:
        return name
    named = []
    for code in languages:
        try:
            named.append(str(translation.get_language_info(code)["name_translated"]))
        except KeyError:
            named.append(code)
    return f"{name} — {', '.join(named)}"


def encoding_choices() -> list[tuple[str, str]]:
    return [(choice, encoding_label(choice)) for choice in encodings.ENCODINGS]


def detect_encoding(path: Path) -> encodings.Detection:
    """The encoding of a CSV file, decided once from its head (BOM, strict UTF-8, then the detector)."""
    with path.open("rb") as handle:
        return encodings.detect(handle.read(encodings.SAMPLE_BYTES))


class CsvTable(Table):
    """A CSV file read in `encoding` (a choice from `encodings.ENCODINGS`) or, without one, in the detected
    encoding — and only when the detection is confident (else `EncodingUncertain`, unless `guess`: the header
    for the mapping form may be read in the best guess).

    Bytes that are not valid in the encoding become U+FFFD, which the validator reports as that row's error: the
    head decided the encoding, and a bad byte further down must not stop the whole reading."""

    def __init__(self, path: Path, encoding: str | None = None, *, guess: bool = False) -> None:
        self.path = path
        if encoding:
            if encoding not in encodings.ENCODINGS:
                raise DomainError(_("Choose one of the encodings offered."), code="encoding")
            self.encoding = encoding
        else:
            self.detection = detect_encoding(path)
            if not self.detection.confident and not guess:
                raise EncodingUncertain(self.detection)
            self.encoding = self.detection.choice
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
        self.handle: IO[str] = path.open(encoding=encodings.codec(self.encoding), errors="replace", newline="")
        sample = self.handle.read(65536)
        self.handle.seek(0)
        try:
            self.dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            self.dialect = csv.excel
        # strict: a quote left open at the end of the file, or text after a closing quote, is an error (reported at
        # its line by `rows`) instead of silently swallowing the lines that follow into one cell
        self.reader = csv.reader(self.handle, self.dialect, strict=True)
        try:
            first = next(self.reader, [])
        except csv.Error as error:
            raise DomainError(
                _("The first row, which names the columns, cannot be read: %(error)s") % {"error": error},
                code="unreadable",
            ) from error
        self.header = _header([_cell(value) for value in first])

    def rows(self) -> Iterator[tuple[int, Cells]]:
        """(first line of the row, its cells); rows that run over several lines start where their first cell does."""
        reader = self.reader
        previous = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                start, previous = previous + 1, reader.line_num
                yield start, Unreadable(self._problem(error, start, previous))
                continue
            start, previous = previous + 1, reader.line_num
            if previous > start and self._swallowed(cells):
                yield start, Unreadable(_unclosed(start, previous))
            elif any(cell.strip() for cell in cells):
                yield start, [cell.strip() for cell in cells]

    def _problem(self, error: csv.Error, start: int, end: int) -> str:
        if end > start or "end of data" in str(error):
            return _unclosed(start, end)
        if "field limit" in str(error):
            return _("A cell of this row is longer than %(limit)s characters.") % {"limit": f"{FIELD_LIMIT:,}"}
        return _("A quoted cell of this row goes on after its closing quote: %(error)s") % {"error": error}

    def _swallowed(self, cells: list[str]) -> bool:
        """Whether a cell running over several lines holds what look like whole rows (as many separators as the
        header has columns): a quote opened and closed far too late. A note or an address over several lines
        does not."""
        if len(self.header) < 2:
            return False
        separator = getattr(self.dialect, "delimiter", ",")
        return any(
            line.count(separator) >= len(self.header) - 1
            for cell in cells
            if "\n" in cell
            for line in cell.splitlines()
        )

    def estimate(self) -> int | None:
        lines = 0
        with self.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
        return max(lines - 1, 0)

    def close(self) -> None:
        self.handle.close()


def _unclosed(start: int, end: int) -> str:
    return _("Unclosed quote starting at line %(start)s: the lines up to %(end)s were read as one cell.") % {
        "start": start,
        "end": end,
    }


class XlsxTable(Table):
    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        self.workbook = load_workbook(path, read_only=True, data_only=True)
        self.sheet = self.workbook.worksheets[0]
        self.iterator = enumerate(self.sheet.iter_rows(values_only=True), start=1)
        self.header = []
        for _line, values in self.iterator:
            cells = [_cell(value) for value in values]
            if any(cells):
                self.header = _header(cells)
                break

    def rows(self) -> Iterator[tuple[int, Cells]]:
        for line, values in self.iterator:
            cells = [_cell(value) for value in values]
            if any(cells):
                yield line, cells

    def estimate(self) -> int | None:
        rows = self.sheet.max_row
        return max(rows - 1, 0) if rows else None

    def close(self) -> None:
        self.workbook.close()


def open_table(path: Path, encoding: str | None = None, *, guess: bool = False) -> Table:
    """The file as a table; a CSV file in `encoding`, or in its detected encoding (see `CsvTable`)."""
    suffix = path.suffix.casefold()
    if suffix not in SUPPORTED:
        raise DomainError(_("Upload a CSV or XLSX file."), code="unsupported_file")
    try:
        return XlsxTable(path) if suffix == ".xlsx" else CsvTable(path, encoding, guess=guess)
    except DomainError:
        raise
    except Exception as error:
        raise DomainError(_("The file could not be read: %(error)s") % {"error": error}, code="unreadable") from error


def read_header(path: Path, encoding: str | None = None) -> list[str]:
    """The column headers of a file, for the mapping form (in the best guess when the encoding is uncertain)."""
    table = open_table(path, encoding, guess=True)
    try:
        return table.header
    finally:
        table.close()


@dataclass(frozen=True)
class Preview:
    """What the mapping step shows before anything runs: the encoding (detected or chosen), the header and the
    first rows as they will be read, and whether the encoding still needs the user's choice."""

    encoding: str
    detection: encodings.Detection | None
    header: list[str]
    rows: list[list[str]]
    assessment: encodings.Assessment | None
    undecodable: bool = False
    """The chosen encoding does not decode the head of the file."""

    @property
    def needs_choice(self) -> bool:
        return self.detection is not None and not self.detection.confident

    @property
    def looks_garbled(self) -> bool:
        return self.undecodable or bool(self.assessment and self.assessment.suspects)

    @property
    def label(self) -> str:
        return encoding_label(self.encoding)

    @property
    def percent(self) -> int | None:
        return round(100 * self.detection.confidence) if self.detection else None

    @property
    def examples(self) -> str:
        return ", ".join(self.assessment.examples) if self.assessment else ""


PREVIEW_ROWS = 5


def preview(path: Path, encoding: str | None = None) -> Preview:
    """The file's first rows in `encoding`, or in the detected one; XLSX files have no encoding to choose."""
    table = open_table(path, encoding, guess=True)
    try:
        rows: list[list[str]] = []
        for _line, cells in table.rows():
            if len(rows) >= PREVIEW_ROWS:
                break
            rows.append([_visible(cell) for cell in cells] if isinstance(cells, list) else [cells.reason])
        header = table.header
    finally:
        table.close()
    if not isinstance(table, CsvTable):
        return Preview("", None, header, rows, None)
    if encoding:
        with path.open("rb") as handle:
            decodes, assessment = encodings.check_choice(handle.read(encodings.SAMPLE_BYTES), encoding)
        return Preview(encoding, None, header, rows, assessment, undecodable=not decodes)
    detection = table.detection
    return Preview(table.encoding, detection, header, rows, detection.assessment if detection else None)


# --- validating rows --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        """For the page and the stored record: formulas neutralised like the exports', in case the table is
        copied into a spreadsheet."""
        return {
            "line": self.line,
            "column": safe_cell(self.column),
            "value": safe_cell(self.value),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Flagged:
    """A row that is probably someone already in the registry."""

    line: int
    name: str
    person_id: int
    person_name: str
    score: float
    reasons: dict[str, Any]

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "name": safe_cell(self.name),
            "person_id": self.person_id,
            "person_name": self.person_name,
            "score": round(self.score, 3),
        }


class Clean(NamedTuple):
    """A valid row, ready to be written. A named tuple because a million of them cross between processes, and
    tuples pickle several times faster than dataclasses."""

    line: int
    name: str
    variants: tuple[tuple[str, str, str, str, str], ...]  # text, script, key, sorted key, lookup key
    email: str
    phone: str
    country: str | None
    birth_year: int | None
    city: str
    gender: str


class Countries:
    """ISO alpha-2 and alpha-3 codes and the country names in every interface language, case-folded."""

    def __init__(self, lookup: dict[str, str] | None = None) -> None:
        if lookup is not None:  # in a checking process, which never touches the database
            self.lookup = lookup
            return
        self.lookup = {}
        for country in Country.objects.all():
            self.lookup[country.code.casefold()] = country.code
            self.lookup[country.alpha3.casefold()] = country.code
            for name in country.names.values():
                if name:
                    self.lookup.setdefault(name.casefold(), country.code)

    def get(self, value: str) -> str | None:
        return self.lookup.get(value.strip().casefold())


class Validator:
    """Checks every row as the database would, and more: whatever the database would refuse (a length, a NUL byte)
    is this row's error here, so that one bad row never fails the whole import at the write."""

    def __init__(
        self,
        mapping: dict[str, str],
        header: Sequence[str],
        countries: dict[str, str] | None = None,
        encoding: str = "",
    ) -> None:
        self.mapping, self.header, self.encoding = dict(mapping), list(header), encoding
        missing = [FIELDS[name].label for name, spec in FIELDS.items() if spec.required and name not in mapping]
        if missing:
            raise DomainError(
                _("Choose the column that holds the name (%(fields)s).") % {"fields": ", ".join(map(str, missing))},
                code="mapping",
            )
        positions = {column: index for index, column in reversed(list(enumerate(header)))}
        unknown = [column for column in mapping.values() if column not in positions]
        if unknown:
            raise DomainError(
                _("The file has no column %(columns)s.") % {"columns": ", ".join(unknown)}, code="mapping"
            )
        self.columns = {name: (positions[column], column) for name, column in mapping.items()}
        self.countries = Countries(countries)
        self.this_year = timezone.now().year

    def check_chunk(self, chunk: list[tuple[int, Cells]]) -> tuple[list[Clean], list[BadRow], int]:
        """(good rows, every problem of the bad ones, number of bad rows) of a chunk of rows."""
        good: list[Clean] = []
        problems: list[BadRow] = []
        bad = 0
        for line, cells in chunk:
            clean, errors = self.check(line, cells)
            if errors:
                bad += 1
                problems.extend(errors)
            elif clean is not None:
                good.append(clean)
        return good, problems, bad

    def _value(self, cells: list[str], name: str) -> tuple[str, str]:
        place = self.columns.get(name)
        if place is None:
            return "", ""
        index, column = place
        return (cells[index] if index < len(cells) else ""), column

    def _characters(self, line: int, cells: list[str]) -> list[BadRow]:
        """The mapped cells holding a control character (NUL and the like, which PostgreSQL refuses or which show
        a broken file) or U+FFFD (bytes that are not valid in the file's encoding). Runs only for rows that are
        not all printable, so the usual row costs two C-speed checks."""
        errors: list[BadRow] = []
        for name, (index, column) in self.columns.items():
            value = cells[index] if index < len(cells) else ""
            if "\ufffd" in value:
                reason = _(
                    "This cell has bytes that are not valid in the file's encoding (%(encoding)s): choose the "
                    "encoding the file was saved in."
                ) % {"encoding": self.encoding or "?"}
            elif name == "other_names":
                found = _CONTROL.search(value.replace("\n", "").replace("\r", ""))
                if found is None:
                    continue
                reason = _("This cell holds the control character U+%(code)04X; remove it.") % {
                    "code": ord(found.group())
                }
            else:
                found = _CONTROL.search(value)
                if found is None:
                    continue
                if found.group() in "\r\n":
                    reason = _("This cell runs over several lines; it must hold one line.")
                else:
                    reason = _("This cell holds the control character U+%(code)04X; remove it.") % {
                        "code": ord(found.group())
                    }
            errors.append(BadRow(line, column, _visible(value[:SHOWN_VALUE]), reason))
        return errors

    def check(self, line: int, cells: Cells) -> tuple[Clean | None, list[BadRow]]:
        if isinstance(cells, Unreadable):
            return None, [BadRow(line, "", cells.value, cells.reason)]
        row_text = "".join(cells)
        if not row_text.isprintable() or "\ufffd" in row_text:
            errors = self._characters(line, cells)
            if errors:
                return None, errors
        errors = []
        name, name_column = self._value(cells, "name")
        if not name:
            errors.append(BadRow(line, name_column, "", _("The name is missing.")))
        elif len(name) > MAX_NAME:
            errors.append(BadRow(line, name_column, name[:50], _("A name can have at most 200 characters.")))
        others_text, others_column = self._value(cells, "other_names")
        others = [text for text in _SEPARATORS.split(others_text) if text] if others_text else []
        for other in others:
            if len(other) > MAX_NAME:
                errors.append(BadRow(line, others_column, other[:50], _("A name can have at most 200 characters.")))
        email, email_column = self._value(cells, "email")
        if len(email) > MAX_EMAIL:
            errors.append(
                BadRow(
                    line,
                    email_column,
                    email[:SHOWN_VALUE],
                    _("An e-mail address can have at most %(count)s characters.") % {"count": MAX_EMAIL},
                )
            )
        elif email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(BadRow(line, email_column, email[:SHOWN_VALUE], _("This is not an e-mail address.")))
        phone, phone_column = self._value(cells, "phone")
        if phone and not _PHONE.match(phone):
            errors.append(
                BadRow(
                    line, phone_column, phone[:SHOWN_VALUE], _("A phone number has digits, spaces and + - ( ) only.")
                )
            )
        country_text, country_column = self._value(cells, "country")
        country = None
        if country_text:
            country = self.countries.get(country_text)
            if country is None:
                errors.append(
                    BadRow(
                        line,
                        country_column,
                        country_text[:SHOWN_VALUE],
                        _("Unknown country: give the ISO code (KZ, TR) or the country's name."),
                    )
                )
        year_text, year_column = self._value(cells, "birth_year")
        year = None
        if year_text:
            try:
                year = int(float(year_text)) if re.fullmatch(r"\d{4}(\.0+)?", year_text) else None
            except ValueError:
                year = None
            if year is None or not 1900 <= year <= self.this_year:
                errors.append(
                    BadRow(
                        line,
                        year_column,
                        year_text[:SHOWN_VALUE],
                        _("The year of birth must be between 1900 and %(year)s.") % {"year": self.this_year},
                    )
                )
                year = None
        city, city_column = self._value(cells, "city")
        if len(city) > MAX_CITY:
            errors.append(BadRow(line, city_column, city[:50], _("A city can have at most 120 characters.")))
        gender_text, gender_column = self._value(cells, "gender")
        gender = ""
        if gender_text:
            gender = _GENDERS.get(gender_text.casefold(), "")
            if not gender:
                errors.append(
                    BadRow(
                        line, gender_column, gender_text[:SHOWN_VALUE], _("Write the gender as female, male or other.")
                    )
                )
        if errors:
            return None, errors
        texts = list(dict.fromkeys([name, *others]))
        variants = []
        for text in texts:
            keys = search.variant_keys(text, cached=False)
            script = _script(text)
            variants.append((text, script, keys.key, keys.sorted_key, keys.blocking))
        clean = Clean(line, name, tuple(variants), email, phone, country, year, city, gender)
        return clean, []


# --- flagging duplicates against the registry ---------------------------------------------------------------------


class ExistingPeople:
    """Looks up the people already in the registry that rows of the file may duplicate: by the stored lookup key
    and year of birth, by e-mail and by phone, a chunk of rows at a time (one query each), then scored with
    `dedupe.compare`."""

    def __init__(self) -> None:
        self.active = Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True).exists()

    def flag(self, rows: list[Clean]) -> list[Flagged]:
        if not self.active or not rows:
            return []
        keyed = sorted({(variant[4], row.birth_year) for row in rows if row.birth_year for variant in row.variants})
        emails = sorted({row.email.casefold() for row in rows if row.email})
        ids: set[int] = set()
        with connection.cursor() as cursor:
            for start in range(0, len(keyed), 400):
                part = keyed[start : start + 400]
                values = ", ".join(["(%s, %s)"] * len(part))
                cursor.execute(
                    f"WITH q(b, y) AS (VALUES {values}) "
                    "SELECT DISTINCT v.person_id FROM registry_namevariant v "
                    "JOIN registry_person p ON p.id = v.person_id "
                    "JOIN q ON q.b = v.blocking AND q.y = p.birth_year "
                    "WHERE p.merged_into_id IS NULL AND p.erased_at IS NULL",
                    [value for pair in part for value in pair],
                )
                ids.update(pk for (pk,) in cursor.fetchall())
        for start in range(0, len(emails), 500):
            ids.update(
                Person.objects.filter(
                    email__in=emails[start : start + 500], merged_into__isnull=True, erased_at__isnull=True
                ).values_list("pk", flat=True)
            )
        if not ids:
            return []
        index: dict[str, list[dedupe.Record]] = {}
        for other in dedupe.load_records(Person.objects.filter(pk__in=ids)):
            for key in dedupe.block_keys(other):
                index.setdefault(key, []).append(other)
        found: list[Flagged] = []
        for row in rows:
            record = dedupe.Record(
                pk=0,
                names=tuple(v[0] for v in row.variants),
                birth_year=row.birth_year,
                country=row.country or "",
                email=row.email,
                phone=row.phone,
                gender=row.gender,
                city=row.city,
            )
            candidates = {other.pk: other for key in dedupe.block_keys(record) for other in index.get(key, ())}
            best: tuple[float, dedupe.Record, dict[str, Any]] | None = None
            for other in candidates.values():
                comparison = dedupe.compare(other, record)
                if comparison.probability >= dedupe.THRESHOLD and (best is None or comparison.probability > best[0]):
                    best = (comparison.probability, other, comparison.reasons)
            if best is not None:
                found.append(Flagged(row.line, row.name, best[1].pk, best[1].display_name, best[0], best[2]))
        return found


# --- the import -------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    mapping: dict[str, str]
    dry_run: bool
    skip_bad_rows: bool
    total_rows: int = 0
    good_rows: int = 0
    imported: int = 0
    bad_row_count: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    flagged_count: int = 0
    flagged: list[Flagged] = field(default_factory=list)
    refused: bool = False
    seconds: float = 0.0
    write_seconds: float = 0.0
    """From the first write to the commit (on PostgreSQL the writes overlap the check)."""
    copy_seconds: float = 0.0
    """Time spent in the bulk writes themselves (COPY on PostgreSQL, bulk_create elsewhere)."""
    report_path: Path | None = None
    encoding: str = ""
    """The encoding the file was read in ("" for XLSX)."""
    detection: encodings.Detection | None = None
    """How it was detected, when it was not chosen."""

    @property
    def bad_lines(self) -> int:
        return len({row.line for row in self.bad_rows})


def _noop(stage: str, done: int, total: int | None) -> None:
    return None


def import_people(
    *,
    path: Path | str,
    organization: Organization,
    acting_user: Any,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    progress: ProgressCallback | None = None,
    report_dir: Path | None = None,
    source: str = "",
    encoding: str | None = None,
    before_commit: BeforeCommit | None = None,
) -> ImportReport:
    """Check every row of a people file and, unless told otherwise, write them all or none (see the module).

    A CSV file is read in `encoding` (a choice of `tamyr.core.encodings.ENCODINGS`), else in its detected encoding;
    when that cannot be told with confidence, `EncodingUncertain` stops the import before any row is read.

    `before_commit(report, written)` is called inside the write transaction, last: the task marks its job finished
    there (or raises to roll everything back). An exception from `progress` stops the import with nothing
    written."""
    path = Path(path)
    progress = progress or _noop
    started = time.perf_counter()
    table = open_table(path, encoding)
    report_file = Path(
        tempfile.mkstemp(prefix="tamyr-import-report-", suffix=".csv", dir=str(report_dir) if report_dir else None)[1]
    )
    sink: _Sink | None = None
    try:
        mapping = dict(mapping) if mapping else detect_mapping(table.header)
        validator = Validator(mapping, table.header, encoding=table.encoding)
        report = ImportReport(
            mapping=mapping,
            dry_run=dry_run,
            skip_bad_rows=skip_bad_rows,
            report_path=report_file,
            encoding=table.encoding,
            detection=table.detection,
        )
        existing = ExistingPeople()
        total = table.estimate()
        if not dry_run:
            context = _WriteContext(organization, acting_user, source, report, before_commit)
            sink = _ThreadSink(context) if _concurrent(total) else _StagedSink(context)
        # with the byte-order mark, like the exports, so that spreadsheet programs read Cyrillic and Turkic names right
        with report_file.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([_("kind"), _("line"), _("column"), _("value"), _("reason")])
            _check(table, validator, existing, report, writer, sink, progress, total)
        report.refused = report.bad_row_count > 0 and not skip_bad_rows
        if sink is not None:
            commit = not report.refused and report.good_rows > 0
            if commit:
                progress("writing", 0, report.good_rows)
            report.imported = sink.finish(commit=commit)
            report.write_seconds = sink.seconds
            if commit:
                progress("writing", report.imported, report.good_rows)
                _refresh_statistics(report.imported)
        report.seconds = time.perf_counter() - started
        return report
    except BaseException:
        report_file.unlink(missing_ok=True)  # stopped or failed: no report, and no temporary file left behind
        raise
    finally:
        if sink is not None:
            sink.close()
        table.close()


ANALYZE_AFTER = 10_000
"""Imports of at least this many rows refresh PostgreSQL's statistics of the name tables when they commit."""


def _refresh_statistics(imported: int) -> None:
    """After a big import the planner's row counts are stale until autovacuum catches up, and plans made from
    them may scan a whole table where an index would answer in milliseconds: refresh them now. Outside any
    transaction only (ANALYZE inside one would hold its locks until the end)."""
    if connection.vendor != "postgresql" or imported < ANALYZE_AFTER or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in (Person, NameVariant, NameWord):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _concurrent(total: int | None) -> bool:
    """Write while checking (PostgreSQL, big files): the database works on one chunk while Python checks the next.

    Not on SQLite, which allows one writer at a time (the progress updates would wait for the import), and not for
    small files, where a thread and a second connection cost more than they save."""
    return connection.vendor == "postgresql" and (total or 0) > 2 * CHUNK and not connection.in_atomic_block


def _check(
    table: Table,
    validator: Validator,
    existing: ExistingPeople,
    report: ImportReport,
    writer: Any,
    sink: _Sink | None,
    progress: ProgressCallback,
    total: int | None,
) -> None:
    for good, problems, bad, size in _checked_chunks(table, validator, parallel=(total or 0) >= PARALLEL_ROWS):
        report.bad_row_count += bad
        for error in problems:
            writer.writerow(
                ["bad_row", error.line, safe_cell(error.column), safe_cell(error.value), safe_cell(error.reason)]
            )
            if len(report.bad_rows) < KEEP_BAD_ROWS:
                report.bad_rows.append(error)
        report.total_rows += size
        report.good_rows += len(good)
        if report.bad_row_count and not report.skip_bad_rows:
            good = []  # nothing will be written: no need to keep or compare the rest
            if sink is not None:
                sink.abandon()
        flagged = existing.flag(good)
        for item in flagged:
            report.flagged_count += 1
            writer.writerow(["possible_duplicate", item.line, "", safe_cell(item.name), f"#{item.person_id}"])
            if len(report.flagged) < KEEP_DUPLICATES:
                report.flagged.append(item)
        if good and sink is not None:
            sink.put(good, flagged)
        progress("checking", report.total_rows, total)


def _raw_chunks(table: Table) -> Iterator[list[tuple[int, Cells]]]:
    chunk: list[tuple[int, Cells]] = []
    for item in table.rows():
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _checked_chunks(
    table: Table, validator: Validator, *, parallel: bool
) -> Iterator[tuple[list[Clean], list[BadRow], int, int]]:
    """Each chunk of the file checked: (good rows, problems, bad row count, rows in the chunk), in file order.

    With `parallel` (big files, several processors), chunks are checked in worker processes — computing name
    keys is most of an import's work and Python runs it on one processor per process — while this process reads
    the file and the writer sends rows to the database. At most `AHEAD` chunks are in flight, so a fast reader
    never holds the whole file in memory."""
    workers = WORKERS or max(1, (os.cpu_count() or 1) - 1)
    if not parallel or (os.cpu_count() or 1) < 2:
        for chunk in _raw_chunks(table):
            yield (*validator.check_chunk(chunk), len(chunk))
        return
    state = (
        validator.mapping,
        validator.header,
        validator.countries.lookup,
        translation.get_language(),
        validator.encoding,
    )
    checked = processes.in_order(
        import_checker.check,
        _raw_chunks(table),
        workers=workers,
        initializer=import_checker.start,
        initargs=state,
        ahead=AHEAD,
    )
    for chunk, (good, problems, bad) in checked:
        yield good, problems, bad, len(chunk)


# --- writing -----------------------------------------------------------------------------------------------------


BeforeCommit = Callable[[ImportReport, int], None]


@dataclass
class _WriteContext:
    organization: Organization
    acting_user: Any
    source: str
    report: ImportReport
    before_commit: BeforeCommit | None = None

    def committing(self, written: int) -> None:
        if self.before_commit is not None:
            self.before_commit(self.report, written)


class _Sink:
    """Where checked rows go until the check decides whether they are written."""

    seconds = 0.0

    def __init__(self, context: _WriteContext) -> None:
        self.context = context

    def put(self, rows: list[Clean], flagged: list[Flagged]) -> None:
        raise NotImplementedError

    def abandon(self) -> None:
        """A bad row was found and the import is all or nothing: stop writing, nothing will be kept."""

    def finish(self, *, commit: bool) -> int:
        raise NotImplementedError

    def close(self) -> None:
        return None


class _StagedSink(_Sink):
    """Rows go to a temporary file; when the whole file is checked they are written in one transaction."""

    def __init__(self, context: _WriteContext) -> None:
        super().__init__(context)
        self.file = tempfile.NamedTemporaryFile(prefix="tamyr-import-", suffix=".pickle", delete=False)  # noqa: SIM115

    def put(self, rows: list[Clean], flagged: list[Flagged]) -> None:
        pickle.dump((rows, flagged), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def finish(self, *, commit: bool) -> int:
        self.file.close()
        if not commit:
            return 0
        begin = time.perf_counter()
        with transaction.atomic():
            written = _write_chunks(self._chunks(), self.context)
            self.context.committing(written)
        _merge_pending_trigrams()
        self.seconds = time.perf_counter() - begin
        return written

    def _chunks(self) -> Iterator[tuple[list[Clean], list[Flagged]]]:
        with open(self.file.name, "rb") as handle:
            while True:
                try:
                    yield pickle.load(handle)
                except EOFError:
                    return

    def close(self) -> None:
        self.file.close()
        Path(self.file.name).unlink(missing_ok=True)


class _Abandon(Exception):
    """Raised inside the writer's transaction to roll it back."""


class _ThreadSink(_Sink):
    """Rows go to a writer thread with its own connection and one open transaction, committed after the check.

    The queue holds at most `QUEUE` chunks, which bounds memory if the database is slower than the check."""

    QUEUE = 4

    def __init__(self, context: _WriteContext) -> None:
        super().__init__(context)
        self.queue: queue.Queue[tuple[list[Clean], list[Flagged]] | None] = queue.Queue(maxsize=self.QUEUE)
        self.commit = False
        self.abandoned = threading.Event()
        self.error: BaseException | None = None
        self.written = 0
        self.drained = False  # the end of the rows was read: nothing more will come through the queue
        self.thread = threading.Thread(target=self._run, name="tamyr-import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        begin = time.perf_counter()
        try:
            with transaction.atomic():
                self.written = _write_chunks(self._rows(), self.context, stop=self.abandoned)
                if not self.commit:
                    raise _Abandon
                self.context.committing(self.written)
            _merge_pending_trigrams()
        except _Abandon:
            self.written = 0
        except BaseException as error:
            self.error = error
            self.abandoned.set()
            while not self.drained and self.queue.get() is not None:  # let the checker finish, not block on the queue
                pass
        finally:
            self.seconds = time.perf_counter() - begin
            connection.close()

    def _rows(self) -> Iterator[tuple[list[Clean], list[Flagged]]]:
        yield from iter(self.queue.get, None)
        self.drained = True

    def put(self, rows: list[Clean], flagged: list[Flagged]) -> None:
        if not self.abandoned.is_set():
            self.queue.put((rows, flagged))

    def abandon(self) -> None:
        self.abandoned.set()

    def finish(self, *, commit: bool) -> int:
        self.commit = commit and not self.abandoned.is_set()
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.written

    def close(self) -> None:
        """The check stopped before `finish` (SIGTERM, an error): roll the writer's transaction back and end it,
        rather than leave it waiting, locks held, for rows that will never come."""
        if self.thread.is_alive():
            self.abandoned.set()
            self.queue.put(None)
            self.thread.join()


def _merge_pending_trigrams() -> None:
    """Merge the trigram index's pending list now, so the first searches after a big import are not slowed by it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('registry_namevariant_sorted_key_trgm'::regclass)")


def _write_chunks(
    chunks: Iterator[tuple[list[Clean], list[Flagged]]], context: _WriteContext, stop: threading.Event | None = None
) -> int:
    """Write staged rows inside the caller's transaction; the audit row and the review queue rows come last."""
    now = timezone.now()
    note = (_("Imported from %(file)s") % {"file": context.source})[:300] if context.source else ""
    organization = context.organization
    writer = (
        _CopyWriter(organization, now, note)
        if connection.vendor == "postgresql"
        else _BulkWriter(organization, now, note)
    )
    written = 0
    pairs: list[DuplicateCandidate] = []
    for rows, flagged in chunks:
        if stop is not None and stop.is_set():
            continue  # drain the queue; the transaction will be rolled back
        begin = time.perf_counter()
        ids = writer.write(rows)
        context.report.copy_seconds += time.perf_counter() - begin
        written += len(rows)
        flagged_by_line = {item.line: item for item in flagged}
        for row, pk in zip(rows, ids, strict=True):
            item = flagged_by_line.get(row.line)
            if item is not None:
                a, b = sorted((pk, item.person_id))
                pairs.append(DuplicateCandidate(person_a_id=a, person_b_id=b, score=item.score, reasons=item.reasons))
    writer.finish()
    DuplicateCandidate.objects.bulk_create(pairs, batch_size=2000, ignore_conflicts=True)
    report = context.report
    audit.record(
        context.acting_user,
        "registry.people_imported",
        organization,
        file=context.source,
        people=written,
        bad_rows=report.bad_row_count,
        possible_duplicates=report.flagged_count,
    )
    return written


class _BulkWriter:
    """Any database: `bulk_create`, which returns the new ids (RETURNING on SQLite ≥ 3.35 and PostgreSQL)."""

    def __init__(self, organization: Organization, now: datetime, note: str) -> None:
        self.organization, self.now, self.note = organization, now, note

    def write(self, rows: list[Clean]) -> list[int]:
        people = Person.objects.bulk_create(
            [
                Person(
                    display_name=row.name,
                    registered_by=self.organization,
                    residence_country_id=row.country,
                    residence_city=row.city,
                    birth_year=row.birth_year,
                    email=row.email,
                    phone=row.phone,
                    gender=row.gender,
                    created_at=self.now,
                    updated_at=self.now,
                )
                for row in rows
            ],
            batch_size=1000,
        )
        variants = NameVariant.objects.bulk_create(
            [
                NameVariant(
                    person_id=person.pk,
                    text=text,
                    script=script,
                    key=key,
                    sorted_key=sorted_key,
                    blocking=blocking,
                )
                for person, row in zip(people, rows, strict=True)
                for text, script, key, sorted_key, blocking in row.variants
            ],
            batch_size=1000,
        )
        search.write_grams(variants)
        Consent.objects.bulk_create(
            [
                Consent(
                    person_id=person.pk,
                    purpose=ConsentPurpose.REGISTRY,
                    method=ConsentMethod.IMPORT,
                    given_at=self.now,
                    note=self.note,
                )
                for person in people
            ],
            batch_size=1000,
        )
        return [person.pk for person in people]

    def finish(self) -> None:
        """Nothing to check: `bulk_create` ran every row's own checks."""


class _CopyWriter:
    """PostgreSQL: COPY into the three tables, with person ids reserved from the sequence beforehand.

    New trigram index entries go to the index's pending list (made larger for this transaction) and are merged in
    bulk, which is faster than inserting each row's trigrams one by one."""

    def __init__(self, organization: Organization, now: datetime, note: str) -> None:
        self.organization, self.now, self.note = organization, now, note
        self.imported: list[int] = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('gin_pending_list_limit', %s, true)", [str(GIN_PENDING_KB)])
            # check foreign keys as rows arrive (while the next chunk is being checked) rather than all at commit
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.checks_in_bulk = SKIP_ROW_TRIGGERS and _may_skip_row_triggers(cursor)
            if self.checks_in_bulk:
                # what the per-row foreign-key checks would also have done: nobody deletes the organization or a
                # country the rows point at until the import commits
                cursor.execute("SELECT 1 FROM registry_organization WHERE id = %s FOR KEY SHARE", [organization.pk])
                cursor.execute("SELECT 1 FROM registry_country FOR KEY SHARE")

    def write(self, rows: list[Clean]) -> list[int]:
        with connection.cursor() as wrapper:
            wrapper.execute(
                "SELECT nextval(pg_get_serial_sequence('registry_person', 'id')) FROM generate_series(1, %s)",
                [len(rows)],
            )
            ids = [pk for (pk,) in wrapper.fetchall()]
            if self.checks_in_bulk:
                wrapper.execute("SET LOCAL session_replication_role = replica")
            cursor: Any = wrapper.cursor  # the psycopg cursor under Django's wrapper
            with cursor.copy(
                "COPY registry_person (id, created_at, updated_at, display_name, registered_by_id, "
                "residence_country_id, residence_city, gender, birth_year, email, phone, expertise, heritage, orcid) "
                "FROM STDIN"
            ) as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row(
                        (
                            pk,
                            self.now,
                            self.now,
                            row.name,
                            self.organization.pk,
                            row.country,
                            row.city,
                            row.gender,
                            row.birth_year,
                            row.email,
                            row.phone,
                            "[]",
                            "",
                            "",
                        )
                    )
            with cursor.copy(
                "COPY registry_namevariant (person_id, text, script, language, key, sorted_key, blocking) FROM STDIN"
            ) as copy:
                for pk, row in zip(ids, rows, strict=True):
                    for text, script, key, sorted_key, blocking in row.variants:
                        copy.write_row((pk, text, script, "", key, sorted_key, blocking))
            with cursor.copy("COPY registry_consent (person_id, purpose, given_at, method, note) FROM STDIN") as copy:
                for pk in ids:
                    copy.write_row((pk, ConsentPurpose.REGISTRY.value, self.now, ConsentMethod.IMPORT.value, self.note))
            if self.checks_in_bulk:
                wrapper.execute("SET LOCAL session_replication_role = origin")
                # what the vocabulary trigger (migration 0005) does, which the replica role skipped
                wrapper.execute(
                    "INSERT INTO registry_nameword (word) SELECT DISTINCT word FROM registry_namevariant, "
                    "unnest(string_to_array(registry_namevariant.sorted_key, ' ')) AS word "
                    "WHERE registry_namevariant.person_id = ANY(%s) AND word <> '' ON CONFLICT DO NOTHING",
                    [ids],
                )
                self.imported.extend(ids)
        return ids

    def finish(self) -> None:
        """With the per-row checks skipped, check the new rows' references in one statement per table before the
        transaction commits; a broken one (which the checks above make impossible) fails the whole import."""
        if not self.checks_in_bulk or not self.imported:
            return
        low, high = min(self.imported), max(self.imported)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT "
                "EXISTS (SELECT 1 FROM registry_person p WHERE p.id BETWEEN %s AND %s AND ("
                " (p.residence_country_id IS NOT NULL AND NOT EXISTS "
                "  (SELECT 1 FROM registry_country c WHERE c.code = p.residence_country_id))"
                " OR (p.registered_by_id IS NOT NULL AND NOT EXISTS "
                "  (SELECT 1 FROM registry_organization o WHERE o.id = p.registered_by_id)))), "
                "EXISTS (SELECT 1 FROM registry_namevariant v WHERE v.person_id BETWEEN %s AND %s "
                " AND NOT EXISTS (SELECT 1 FROM registry_person p WHERE p.id = v.person_id)), "
                "EXISTS (SELECT 1 FROM registry_consent k WHERE k.person_id BETWEEN %s AND %s "
                " AND NOT EXISTS (SELECT 1 FROM registry_person p WHERE p.id = k.person_id))",
                [low, high, low, high, low, high],
            )
            broken = cursor.fetchone()
        if any(broken):
            raise RuntimeError(f"imported rows point at missing records (person, variant, consent): {broken}")


SKIP_ROW_TRIGGERS = os.environ.get("TAMYR_IMPORT_ROW_TRIGGERS", "skip") == "skip"
"""Whether big imports on PostgreSQL skip the per-row triggers when the database role may (see
`_may_skip_row_triggers`); `TAMYR_IMPORT_ROW_TRIGGERS=keep` keeps them."""


def _may_skip_row_triggers(cursor: Any) -> bool:
    """Whether this role may set `session_replication_role`: superusers, and since PostgreSQL 15 roles granted
    `SET` on it (`GRANT SET ON PARAMETER session_replication_role TO tamyr`).

    Why skip: the foreign-key checks run as one trigger per row and per reference and cost half of the writing of
    a person (measured: COPY of 20,000 people 255 ms with them, 128 ms without). The import makes every reference
    right by construction (ids reserved from the sequence, countries looked up, the organization and countries
    locked against deletion), checks them all in one statement per table before committing (`finish`), and does
    the vocabulary trigger's work itself."""
    if connection.pg_version >= 150000:  # type: ignore[attr-defined]
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    else:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def stderr_progress(prefix: str = "import") -> ProgressCallback:
    """A progress line on stderr at most twice a second, for the command line."""
    last = [0.0]

    def report(stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if now - last[0] < 0.5 and not final:
            return
        last[0] = now
        share = f" ({100 * done / total:.0f} %)" if total else ""
        print(f"\r{prefix}: {stage} {done:,}{f'/{total:,}' if total else ''} rows{share}   ", end="", file=sys.stderr)
        if final:
            print(file=sys.stderr)
        sys.stderr.flush()

    return report


def report_csv(report: ImportReport) -> str:
    """The report as CSV text (for small reports shown or downloaded at once)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "column", "value", "reason"])
    for row in report.bad_rows:
        writer.writerow([row.line, safe_cell(row.column), safe_cell(row.value), safe_cell(row.reason)])
    return buffer.getvalue()


# --- the upload page's services -----------------------------------------------------------------------------------


def person_import_create(
    *,
    file: Any,
    organization: Organization,
    acting_user: Any,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
) -> PersonImport:
    """Keep an uploaded file (checked by its content, stored privately under a random name) and guess its column
    mapping; nothing is read into the registry yet."""
    try:
        file = uploads.check(file, uploads.PEOPLE_IMPORT)
    except uploads.UploadRefused as error:
        raise DomainError(error.message, code=error.code, field="file") from error
    name = file.original_name or f"people{file.kind.extension}"
    record = PersonImport(
        organization=organization,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        original_name=name[:255],
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
    )
    record.file.save(file.name, file, save=False)
    try:
        header = read_header(Path(record.file.path))
    except DomainError:
        record.file.delete(save=False)
        raise
    if not any(header):
        record.file.delete(save=False)
        raise DomainError(_("The file is empty: its first row must name the columns."), code="empty", field="file")
    record.mapping = detect_mapping(header)
    record.save()
    audit.record(acting_user, "registry.people_import_uploaded", organization, file=name, import_id=record.pk)
    return record


def person_import_header(record: PersonImport, encoding: str | None = None) -> list[str]:
    return read_header(Path(record.file.path), encoding or record.encoding or None)


def person_import_preview(record: PersonImport, encoding: str | None = None) -> Preview:
    """The mapping step's view of the file: in `encoding` when the user is trying one, else in the one already
    chosen, else in the detected one."""
    return preview(Path(record.file.path), encoding or record.encoding or None)


def not_in_encoding(choice: str) -> str:
    return _("The file is not in %(encoding)s: choose another encoding.") % {"encoding": encoding_label(choice)}


def person_import_start(
    *, record: PersonImport, mapping: dict[str, str], acting_user: Any, encoding: str | None = None
) -> PersonImport:
    """Confirm the column mapping (and, for a CSV file, the encoding) and queue the import for the task worker.

    Without a chosen encoding, the detected one is used only when the detection is confident: otherwise nothing
    runs until the user has looked at the sample and chosen (`EncodingUncertain`). A chosen encoding that does not
    even decode the head of the file is refused here rather than row by row."""
    from tamyr.registry.tasks import run_import_task

    if record.status != ImportStatus.PENDING or record.started_at is not None:
        raise DomainError(_("This import has already been started."), code="started")
    seen = preview(Path(record.file.path), encoding or None)
    if seen.needs_choice:
        assert seen.detection is not None
        raise EncodingUncertain(seen.detection)
    if seen.undecodable:
        raise DomainError(not_in_encoding(seen.encoding), code="encoding")
    clean = {field: column for field, column in mapping.items() if field in FIELDS and column}
    Validator(clean, seen.header)  # raises when the name has no column or a column is not in the file
    if len(set(clean.values())) < len(clean):
        raise DomainError(_("Each column can hold one field only."), code="mapping")
    record.mapping = clean
    record.encoding = seen.encoding
    record.started_at = timezone.now()
    record.save(update_fields=["mapping", "encoding", "started_at", "updated_at"])
    transaction.on_commit(lambda: run_import_task(record.pk))
    return record


def person_import_run(*, record: PersonImport) -> PersonImport:
    """The task's body: claim the import (a leased job, `tamyr.core.jobs`), run it and keep its figures and report.

    No transaction is held while checking, so every progress update is visible to the page polling it; each one
    also renews the lease (`jobs.Heartbeat`), so a live run keeps the import however long the check takes, and is
    a checkpoint: on SIGTERM the run stops there with nothing written, hands the import back and queues it again.
    The import is all or nothing, so the next run starts from the first row. The write transaction marks the
    import finished before it commits, through the lease: a run whose lease was taken over by another worker
    rolls back, and a worker that dies after the commit leaves an import that is finished, not one to redo."""
    lease = jobs.claim(PersonImport, record.pk)
    if lease is None:  # finished, given up, not confirmed yet, or held by a live worker
        record.refresh_from_db()
        return record
    heartbeat = jobs.Heartbeat(lease, every=1.0)

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage == "writing" and done:
            return  # committed: the write transaction has already marked the import finished
        fields: dict[str, Any] = {"status": ImportStatus.WRITING if stage == "writing" else ImportStatus.RUNNING}
        if stage == "checking":
            fields["processed_rows"] = done
            if total:
                fields["total_rows"] = total
        heartbeat.beat(force=stage == "writing" or bool(total and done >= total), **fields)

    def before_commit(report: ImportReport, written: int) -> None:
        if not lease.finish(status=ImportStatus.DONE, **_figures(report, written)):
            raise jobs.LeaseLost(f"people import {record.pk}")

    try:
        report = import_people(
            path=Path(record.file.path),
            organization=record.organization,
            acting_user=record.created_by,
            mapping=record.mapping,
            dry_run=record.dry_run,
            skip_bad_rows=record.skip_bad_rows,
            progress=progress,
            source=record.original_name,
            encoding=record.encoding or None,
            before_commit=before_commit,
        )
    except jobs.Stopping:
        jobs.hand_back(lease)
        record.refresh_from_db()
        return record
    except jobs.LeaseLost:
        logger.warning("People import %s was taken over by another worker; this run wrote nothing", record.pk)
        record.refresh_from_db()
        return record
    except (KeyboardInterrupt, SystemExit):
        lease.release()
        raise
    except Exception as error:
        lease.fail(str(getattr(error, "message", error)))
        record.refresh_from_db()
        _forget_upload(record)  # a failed import keeps nobody's data: the upload goes at once
        if not isinstance(error, DomainError):
            raise
        return record
    report_name = ""
    if report.report_path is not None:
        with report.report_path.open("rb") as handle:
            record.report.save(f"import-{record.pk}-report.csv", File(handle), save=False)
        report.report_path.unlink(missing_ok=True)
        report_name = record.report.name or ""
    if report.imported:  # finished by the write transaction: the report is all that is left to keep
        PersonImport.objects.filter(pk=record.pk).update(report=report_name, updated_at=timezone.now())
    else:
        status = ImportStatus.REFUSED if report.refused else ImportStatus.DONE
        if not lease.finish(status=status, report=report_name, **_figures(report, 0)) and report_name:
            record.report.delete(save=False)  # another worker has the import: its run keeps its own report
    record.refresh_from_db()
    if record.status == ImportStatus.REFUSED:
        _forget_upload(record)  # nothing was imported and it cannot be restarted; the report says why
    return record


def _forget_upload(record: PersonImport) -> None:
    if record.file:
        record.file.delete(save=False)
        record.save(update_fields=["file", "updated_at"])


def _figures(report: ImportReport, written: int) -> dict[str, Any]:
    return {
        "total_rows": report.total_rows,
        "processed_rows": report.total_rows,
        "imported_rows": written,
        "bad_row_count": report.bad_row_count,
        "bad_rows": [row.as_dict() for row in report.bad_rows],
        "flagged_duplicates": report.flagged_count,
        "duplicates": [item.as_dict() for item in report.flagged],
        "error": "",
    }


def person_imports_purge_files(*, before: Any) -> int:
    """Retention: imports finished before `before` lose their uploaded file and their report (the figures and the
    first bad rows stay on the record). Returns how many imports lost files."""
    count = 0
    for record in PersonImport.objects.filter(created_at__lt=before).exclude(file="", report="").iterator():
        record.file.delete(save=False)
        record.report.delete(save=False)
        record.save(update_fields=["file", "report", "updated_at"])
        count += 1
    return count
