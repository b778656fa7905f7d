"""Diaspora estimates: reading UN DESA's migrant-stock spreadsheets and CSV files, and writing estimates.

Why one module: the import page, the `import_estimates` command, the API and the demo's network file all write
estimates through `estimate_save` / `estimates_import`, so matching (origin, residence, year, publisher, title),
validation and the audit trail are the same for each of them.

Import is all or nothing: every row is read and checked first; one bad row stops the import with its row number and
nothing is written. Importing the same file again updates the same rows (idempotent).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, BinaryIO

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from tamyr.accounts.permissions import can
from tamyr.analytics.models import DiasporaEstimate, EstimateMeasure
from tamyr.core import audit
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.registry.models import Country

DESA_PUBLISHER = "United Nations, Department of Economic and Social Affairs, Population Division"
DESA_TITLE = "International Migrant Stock 2024"
DESA_URL = "https://www.un.org/development/desa/pd/content/international-migrant-stock"
DESA_NOTE = (
    "International migrant stock at mid-year, both sexes: people born in the origin country (or, where the "
    "destination records no place of birth, its citizens) living in the destination. Not ethnicity."
)
CSV_COLUMNS = ("origin", "residence", "year", "low", "high", "point", "publisher", "title", "url", "note")
MAP_VERSION_KEY = "analytics:map:version"


class EstimateImportError(DomainError):
    """A file that cannot be imported; `row` is the row number a spreadsheet program shows (1 is the header)."""

    code = "invalid_estimate"

    def __init__(self, message: str, *, row: int | None = None) -> None:
        self.row = row
        super().__init__(_("Row %(row)s: %(message)s") % {"row": row, "message": message} if row else message)


@dataclass
class EstimateRow:
    """One estimate as read from a file, before it is written."""

    origin: str
    residence: str
    year: int
    point: int | None = None
    low: int | None = None
    high: int | None = None
    publisher: str = ""
    title: str = ""
    url: str = ""
    table: str = ""
    method_note: str = ""
    measure: str = EstimateMeasure.OTHER
    row: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do): rows per action, and the rows themselves for a preview."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    dry_run: bool = False
    rows: list[tuple[str, EstimateRow]] = field(default_factory=list)


def bump_map_version() -> None:
    """The map's cached drawings name a data version; a write to estimates moves it on so the next request
    draws afresh (registry counts age out of the cache instead, see map.CACHE_SECONDS)."""
    try:
        cache.incr(MAP_VERSION_KEY)
    except ValueError:
        cache.set(MAP_VERSION_KEY, 1, timeout=None)


def map_version() -> int:
    return int(cache.get_or_set(MAP_VERSION_KEY, 1, timeout=None) or 1)


# --- reading files ---------------------------------------------------------------------------------------------------


def _number(value: Any, row: int, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise EstimateImportError(_("%(name)s is not a whole number.") % {"name": name}, row=row)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise EstimateImportError(_("%(name)s is not a whole number.") % {"name": name}, row=row)
        number = int(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f,]", "", str(value))
        if text in ("", "..", "-", "–"):
            return None
        if not text.isdigit():
            raise EstimateImportError(
                _("%(name)s is not a whole number: %(value)s") % {"name": name, "value": value}, row=row
            )
        number = int(text)
    if number < 0:
        raise EstimateImportError(_("%(name)s is negative.") % {"name": name}, row=row)
    return number


def _year(value: Any, row: int) -> int:
    year = _number(value, row, "year")
    if year is None or not 1800 <= year <= 2200:
        raise EstimateImportError(_("the year must be between 1800 and 2200."), row=row)
    return year


def read_csv(data: bytes | str, *, origin: str | None = None) -> list[EstimateRow]:
    """Rows of a CSV file with the columns origin, residence, year, low, high, point, publisher, title, url,
    note (and optionally measure, table); countries as ISO 3166 alpha-2 codes."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in CSV_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise EstimateImportError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    rows = []
    for number, record in enumerate(reader, start=2):
        if not any((value or "").strip() for value in record.values()):
            continue
        if origin and (record["origin"] or "").strip().upper() != origin.upper():
            continue
        measure = (record.get("measure") or EstimateMeasure.OTHER).strip()
        if measure not in EstimateMeasure.values:
            raise EstimateImportError(
                _("measure must be one of %(values)s.") % {"values": ", ".join(EstimateMeasure.values)}, row=number
            )
        rows.append(
            EstimateRow(
                origin=(record["origin"] or "").strip().upper(),
                residence=(record["residence"] or "").strip().upper(),
                year=_year(record["year"], number),
                point=_number(record["point"], number, "point"),
                low=_number(record["low"], number, "low"),
                high=_number(record["high"], number, "high"),
                publisher=(record["publisher"] or "").strip(),
                title=(record["title"] or "").strip(),
                url=(record["url"] or "").strip(),
                table=(record.get("table") or "").strip(),
                method_note=(record["note"] or "").strip(),
                measure=measure,
                row=number,
            )
        )
    return rows


def _country_names() -> dict[str, str]:
    """Lower-cased English names (CLDR's, pycountry's and DESA's spellings) → alpha-2."""
    import pycountry

    from tamyr.core.cldr import country_name

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[value.lower()] = country.alpha_2
        names[country_name(country.alpha_2, "en").lower()] = country.alpha_2
    names |= {"türkiye": "TR", "turkey": "TR", "china, hong kong sar": "HK", "china, macao sar": "MO",
              "kosovo (under unsc res. 1244)": "XK", "state of palestine": "PS"}  # fmt: skip
    return names


def _clean_name(value: Any) -> str:
    return re.sub(r"\s*\*+$", "", str(value or "").strip()).lower()


def read_desa(
    stream: BinaryIO | bytes, *, origin: str | None = None, year: int | None = None, title: str = DESA_TITLE
) -> tuple[list[EstimateRow], int]:
    """Rows of UN DESA's "Table 1" (destination × origin): title rows, a header row with "Location code of
    destination" (and "Year" where the sheet has one), then one row per destination with a column per origin.

    Destinations are matched by their location code (UN M49, the ISO numeric code for countries); origins by their
    English name. Regions and aggregates (codes of no country) are skipped, as are empty cells and "..".
    Returns the rows and how many were skipped.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(stream) if isinstance(stream, bytes) else stream, read_only=True,
                             data_only=True)  # fmt: skip
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise EstimateImportError(_("This is not an Excel workbook (.xlsx): %(error)s") % {"error": error}) from None
    sheet = book["Table 1"] if "Table 1" in book.sheetnames else book.worksheets[0]
    by_numeric = {
        numeric.zfill(3): code for code, numeric in Country.objects.exclude(numeric="").values_list("code", "numeric")
    }
    names = _country_names()
    header: list[Any] | None = None
    code_column = year_column = first_origin = -1
    origins: dict[int, str] = {}
    rows: list[EstimateRow] = []
    skipped = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(values)
        if header is None:
            labels = [_clean_name(value) for value in cells]
            if "location code of destination" not in labels and "location code" not in labels:
                continue
            header = cells
            code_column = labels.index(
                "location code of destination" if "location code of destination" in labels else "location code"
            )
            year_column = labels.index("year") if "year" in labels else -1
            type_column = next((i for i, label in enumerate(labels) if label.startswith("type of data")), code_column)
            first_origin = max(code_column, type_column) + 1
            for index in range(first_origin, len(labels)):
                code = names.get(labels[index])
                if code and (origin is None or code == origin.upper()):
                    origins[index] = code
            if origin and not origins:
                raise EstimateImportError(
                    _("No column for the origin %(origin)s in the header row.") % {"origin": origin}, row=number
                )
            continue
        location = cells[code_column] if code_column < len(cells) else None
        if location is None or str(location).strip() == "":
            continue
        residence = by_numeric.get(str(location).strip().split(".")[0].zfill(3))
        if residence is None:
            skipped += 1  # a region or an aggregate, not a country
            continue
        row_year = _year(cells[year_column], number) if year_column >= 0 else year
        if row_year is None:
            raise EstimateImportError(_("The sheet has no Year column; give the year."), row=number)
        if year is not None and row_year != year:
            continue
        for index, code in origins.items():
            value = _number(cells[index] if index < len(cells) else None, number, str(header[index]))
            if value is None or value == 0 or code == residence:
                skipped += 1
                continue
            rows.append(
                EstimateRow(
                    origin=code,
                    residence=residence,
                    year=row_year,
                    point=value,
                    publisher=DESA_PUBLISHER,
                    title=title,
                    url=DESA_URL,
                    table=sheet.title,
                    method_note=DESA_NOTE,
                    measure=EstimateMeasure.BORN,
                    row=number,
                )
            )
    if header is None:
        raise EstimateImportError(_('No header row with "Location code of destination" was found.'))
    return rows, skipped


# --- writing ---------------------------------------------------------------------------------------------------------


def check_row(row: EstimateRow, countries: set[str]) -> None:
    for name in ("origin", "residence"):
        if getattr(row, name) not in countries:
            raise EstimateImportError(
                _("%(field)s: %(value)s is not an ISO 3166 country code.")
                % {"field": name, "value": getattr(row, name)},
                row=row.row,
            )
    if row.point is None and (row.low is None or row.high is None):
        raise EstimateImportError(_("Give a figure (point) or both ends of a range (low and high)."), row=row.row)
    if row.low is not None and row.high is not None and row.low > row.high:
        raise EstimateImportError(_("low is greater than high."), row=row.row)
    if not row.publisher or not row.title:
        raise EstimateImportError(_("Every estimate needs its source: publisher and title."), row=row.row)
    if len(row.publisher) > 200 or len(row.title) > 300 or len(row.table) > 200:
        raise EstimateImportError(_("The publisher, title or table is too long."), row=row.row)
    if row.url:
        try:
            URLValidator(schemes=["http", "https"])(row.url)
        except ValidationError:
            raise EstimateImportError(_("url is not a web address: %(url)s") % {"url": row.url}, row=row.row) from None


FIELDS = ("point", "low", "high", "url", "table", "method_note", "measure")


@transaction.atomic
def estimates_import(
    *, rows: Iterable[EstimateRow], acting_user: Any, dry_run: bool = False, skipped: int = 0
) -> ImportResult:
    """Create or update the estimates of `rows`, matched by origin, residence, year, publisher and title. Every row
    is checked before anything is written; a dry run reports what would happen and writes nothing."""
    if not can(acting_user, "analytics.manage_estimates"):
        raise NotAllowed(_("Only platform admins and network coordinators enter estimates."))
    rows = list(rows)
    countries = set(Country.objects.values_list("code", flat=True))
    seen: dict[tuple[str, str, int, str, str], int] = {}
    for row in rows:
        check_row(row, countries)
        key = (row.origin, row.residence, row.year, row.publisher, row.title)
        if key in seen:
            raise EstimateImportError(
                _("the same estimate as row %(other)s (origin, residence, year and source).") % {"other": seen[key]},
                row=row.row,
            )
        seen[key] = row.row
    existing = {
        (e.origin_id, e.residence_id, e.year, e.publisher, e.title): e
        for e in DiasporaEstimate.objects.select_for_update().filter(
            origin__in={row.origin for row in rows},
            residence__in={row.residence for row in rows},
            year__in={row.year for row in rows},
        )  # fmt: skip
    }
    result = ImportResult(dry_run=dry_run, skipped=skipped)
    for row in rows:
        estimate = existing.get((row.origin, row.residence, row.year, row.publisher, row.title))
        if estimate is None:
            result.created += 1
            result.rows.append(("create", row))
            if not dry_run:
                estimate = DiasporaEstimate(origin_id=row.origin, residence_id=row.residence, year=row.year,
                                            publisher=row.publisher, title=row.title, entered_by=_user(acting_user),
                                            **{name: getattr(row, name) for name in FIELDS})  # fmt: skip
                estimate.save()
                audit.record(acting_user, "analytics.estimate_created", estimate)
            continue
        changed = [name for name in FIELDS if getattr(estimate, name) != getattr(row, name)]
        if not changed:
            result.unchanged += 1
            result.rows.append(("unchanged", row))
            continue
        result.updated += 1
        result.rows.append(("change", row))
        if not dry_run:
            for name in changed:
                setattr(estimate, name, getattr(row, name))
            estimate.entered_by = _user(acting_user)
            estimate.save(update_fields=[*changed, "entered_by", "updated_at"])
            audit.record(acting_user, "analytics.estimate_changed", estimate, fields=changed)
    if not dry_run and (result.created or result.updated):
        transaction.on_commit(bump_map_version)
    return result


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def estimate_save(*, row: EstimateRow, acting_user: Any) -> DiasporaEstimate:
    """One estimate, created or updated by its source key (the API's and the network file's write)."""
    estimates_import(rows=[row], acting_user=acting_user)
    return DiasporaEstimate.objects.get(
        origin_id=row.origin, residence_id=row.residence, year=row.year, publisher=row.publisher, title=row.title
    )


@transaction.atomic
def estimate_delete(*, estimate: DiasporaEstimate, acting_user: Any) -> None:
    if not can(acting_user, "analytics.manage_estimates"):
        raise NotAllowed(_("Only platform admins and network coordinators enter estimates."))
    audit.record(acting_user, "analytics.estimate_deleted", estimate)
    estimate.delete()
    transaction.on_commit(bump_map_version)


# --- reading estimates -----------------------------------------------------------------------------------------------


def estimates_for(*, origin: str, residence: str | None = None) -> Any:
    """Estimates of one origin's diaspora (optionally in one country), newest first, every source kept."""
    estimates = DiasporaEstimate.objects.filter(origin_id=origin.upper()).select_related("residence", "origin")
    if residence:
        estimates = estimates.filter(residence_id=residence.upper())
    return estimates.order_by("residence_id", "-year", "publisher", "title")
