"""Dates, times, numbers, money, country, language and city names from CLDR (through Babel), in the reader's language.

Why CLDR and not Django's `date` filter: Django translates month names but keeps one pattern ("j E Y") for every
language, which gives "7 május 2026" where a Hungarian reads "2026. május 7.", and it has no names for countries,
languages or time-zone cities in Kazakh, Kyrgyz or Uzbek. CLDR has all of them for all eight interface languages.

Every function takes `language` (a Django language code); without it, the active language is used, so a page shows
the reader's language and an e-mail rendered inside `translation.override(recipient_language)` the recipient's.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone, translation

#: Django's codes whose CLDR locale has another name: the interface writes Uzbek and Azerbaijani in Latin letters
#: and Kazakh and Kyrgyz in Cyrillic, which are CLDR's defaults for those languages too. The interface's English is
#: the international one the diplomatic texts use ("13 January 2026", 24-hour clock): CLDR's British English, not
#: its default American ("January 13, 2026, 7:00 PM").
LOCALE_NAMES = {"en": "en_GB", "uz": "uz_Latn", "az": "az_Latn", "kk": "kk_Cyrl", "ky": "ky"}
INTERVAL_SKELETON = "yMMMd"


def language_code(language: str | None = None) -> str:
    """ "kk" for "kk", "kk-kz" or, without an argument, the active language."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).replace("_", "-").split("-")[0]
    return code.lower() or "en"


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    site = settings.LANGUAGE_CODE.split("-")[0]
    for name in (LOCALE_NAMES.get(code, code), code, LOCALE_NAMES.get(site, site), LOCALE_NAMES["en"]):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")  # pragma: no cover - Babel always has English


def locale(language: str | None = None) -> Locale:
    """The CLDR locale of `language`; a language CLDR does not know falls back to the site's language, then English."""
    return _locale(language_code(language))


def _zone(value: Any) -> dt.tzinfo:
    if isinstance(value, dt.tzinfo):
        return value
    try:
        return zoneinfo.ZoneInfo(str(value or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def wall_clock(value: dt.datetime, zone: Any = None) -> dt.datetime:
    """An aware instant on the wall clock of `zone`, or of the active time zone; a naive one is left as it is."""
    if timezone.is_naive(value):
        return value
    return timezone.localtime(value, _zone(zone) if zone else None)


def _day(value: dt.date | dt.datetime, zone: Any = None) -> dt.date:
    return wall_clock(value, zone).date() if isinstance(value, dt.datetime) else value


def date(
    value: dt.date | dt.datetime | None, style: str = "long", language: str | None = None, zone: Any = None
) -> str:
    """ "2026. május 7.", "7 мая 2026 г.", "2026 ж. 7 мамыр"; `style` is long, medium, short, full or a CLDR skeleton
    such as "yMMMM" (month and year) or "y" (the year alone)."""
    if value is None or value == "":
        return ""
    day = _day(value, zone)
    where = locale(language)
    if style in ("full", "long", "medium", "short"):
        return babel_dates.format_date(day, style, locale=where)
    return babel_dates.format_skeleton(style, day, locale=where)


def time(value: dt.datetime | dt.time | None, language: str | None = None, zone: Any = None) -> str:
    """ "14:30", "14:30", "2:30 PM": the locale's short time, on the wall clock of `zone` (default: the active one)."""
    if value is None or value == "":
        return ""
    moment = wall_clock(value, zone).time() if isinstance(value, dt.datetime) else value
    return babel_dates.format_time(moment, "short", locale=locale(language))


def datetime(value: dt.datetime | None, style: str = "long", language: str | None = None, zone: Any = None) -> str:
    """ "2026. május 7. 14:30", "7 мая 2026 г., 14:30": a date in `style` and the short time, joined as the
    locale joins them."""
    if value is None or value == "":
        return ""
    moment = wall_clock(value, zone)
    where = locale(language)
    pattern = where.datetime_formats.get("medium") or "{1} {0}"
    return (
        str(pattern)
        .replace("'", "")
        .replace("{1}", date(moment.date(), style, language))
        .replace("{0}", time(moment.time(), language))
    )


def _long_months(pattern: str) -> str:
    """An interval pattern with abbreviated months ("MMM") written in full ("MMMM"): CLDR has interval patterns only
    for abbreviated months; a page has room for "7–9 мая", which reads better than "7–9 мая." abbreviated."""
    return re.sub(r"(?<![ML])([ML])\1\1(?![ML])", r"\1\1\1\1", pattern)


def date_range(
    start: dt.date | dt.datetime, end: dt.date | dt.datetime, language: str | None = None, zone: Any = None
) -> str:
    """ "7–9 May 2026" in the reader's order: "2026. május 7–9.", "7–9 мая 2026 г.", "2026 ж. 7–9 мамыр"; the parts
    two days share are written once, as CLDR's interval formats say."""
    first, last = _day(start, zone), _day(end, zone)
    if last < first:
        first, last = last, first
    return _date_range(first, last, language_code(language))


@lru_cache(maxsize=4096)
def _date_range(first: dt.date, last: dt.date, language: str) -> str:
    """`date_range` of two days, remembered: a plan page writes the same half-year next to every indicator, and
    babel reads its pattern again each time (a couple of milliseconds)."""
    if first == last:
        return date(first, "long", language)
    where = locale(language)
    if first.year != last.year:
        field = "y"
    elif first.month != last.month:
        field = "M"
    else:
        field = "d"
    patterns = (where.interval_formats.get(INTERVAL_SKELETON) or {}).get(field)
    if not patterns:
        fallback = str(where.interval_formats.get(None) or "{0} – {1}")
        return fallback.replace("{0}", date(first, "long", language)).replace("{1}", date(last, "long", language))
    parts = patterns if isinstance(patterns, list | tuple) else [patterns]
    if len(parts) == 1:  # one pattern for both ends: CLDR shares nothing here
        return "".join(babel_dates.format_date(first, _long_months(str(parts[0])), locale=where))
    return "".join(
        babel_dates.format_date(day, _long_months(str(part)), locale=where)
        for day, part in zip((first, last), parts, strict=False)
    )


def time_range(start: dt.datetime, end: dt.datetime, language: str | None = None, zone: Any = None) -> str:
    """ "09:00–17:30" (or "9:00 AM – 5:30 PM" where the locale writes 12-hour times) on the wall clock of `zone`."""
    first, last = wall_clock(start, zone), wall_clock(end, zone)
    where = locale(language)
    short = str(where.time_formats["short"].pattern)
    skeleton = "hm" if "h" in short else "Hm"
    naive_first, naive_last = first.replace(tzinfo=None), last.replace(tzinfo=None)
    if naive_last <= naive_first or naive_first.date() != naive_last.date():
        return f"{time(first, language)} – {time(last, language)}"
    return babel_dates.format_interval(naive_first.time(), naive_last.time(), skeleton, locale=where)


def number(value: Any, digits: int | None = None, language: str | None = None) -> str:
    """ "1 234 567,5" (kk, ru, hu), "1.234.567,5" (tr, az), "1,234,567.5" (en); `digits` fixes the decimals."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return _number(str(amount), digits, language_code(language))


@lru_cache(maxsize=8192)
def _number(text: str, digits: int | None, language: str) -> str:
    """`number`, remembered (by the amount's text: 1.0 and 1 are equal Decimals but not written alike): a plan page
    writes a few hundred numbers, most of them alike (baselines, targets), and babel parses its pattern each time."""
    amount = Decimal(text)
    where = locale(language)
    if digits is None:
        return babel_numbers.format_decimal(amount, locale=where)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(amount, format=pattern, locale=where, decimal_quantization=True)


def money(value: Any, currency: str, language: str | None = None) -> str:
    """ "1 234,50 ₸", "$1,234.50", "1.234,50 €": the amount with the currency as the reader's language writes it."""
    if value is None or value == "":
        return ""
    code = (currency or "").upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        return number(value, language=language)
    return babel_numbers.format_currency(Decimal(str(value)), code, locale=locale(language))


def percent(value: Any, language: str | None = None) -> str:
    """0.25 → "25 %" (kk, ru, hu), "%25" (tr), "25%" (en)."""
    if value is None or value == "":
        return ""
    return babel_numbers.format_percent(Decimal(str(value)), locale=locale(language))


def country_name(code: str, language: str | None = None) -> str:
    """ "TR" → "Türkiye", "Түркия", "Törökország"; the code itself when CLDR has no such territory."""
    key = (code or "").upper()
    return str(locale(language).territories.get(key) or key)


def language_name(code: str, language: str | None = None) -> str:
    """ "kk" → "Kazakh", "казахский", "kazah", "қазақ тілі"; the code itself when CLDR does not know it."""
    key = (code or "").replace("-", "_")
    where = locale(language)
    name = where.languages.get(key) or where.languages.get(key.split("_")[0].lower())
    return str(name) if name else code


#: Cities CLDR names by an outdated name in a language: (zone, language) → the name readers use today. Hungarian
#: CLDR still has the Soviet "Alma-Ata" for Almaty; Hungarian writes it "Almati" (the exonym the Hungarian
#: orthographic guides and press use). The other zones of our region read right in all eight languages (checked
#: against Babel's CLDR: Astana's Asia/Qostanay, Bishkek, Tashkent, Baku, Ashgabat, Ulaanbaatar, Kazakhstan's
#: western zones).
CITY_OVERRIDES: dict[tuple[str, str], str] = {("Asia/Almaty", "hu"): "Almati"}


def zone_city(zone: Any, language: str | None = None) -> str:
    """ "Asia/Almaty" → "Almaty", "Алматы", "Almati", "Almatı": the zone's city in the reader's language.

    UTC (and an unknown name) is "UTC"; a zone CLDR names no city for gets its own last part, spaced; a few cities
    CLDR names outdatedly come from `CITY_OVERRIDES`."""
    key = str(getattr(_zone(zone), "key", "UTC"))
    if key in ("UTC", "Etc/UTC", "Etc/GMT", "GMT") or "/" not in key:
        return "UTC"
    if override := CITY_OVERRIDES.get((key, language_code(language))):
        return override
    try:
        return str(babel_dates.get_timezone_location(key, locale=locale(language), return_city=True))
    except (LookupError, ValueError):
        return key.rsplit("/", 1)[-1].replace("_", " ")


def zone_country(zone: Any, language: str | None = None) -> str:
    """The country of a zone's city in the reader's language ("" for UTC and zones of no single country)."""
    key = str(getattr(_zone(zone), "key", "UTC"))
    territory = zone_territories().get(key, "")
    return country_name(territory, language) if territory else ""


@lru_cache(maxsize=1)
def zone_territories() -> dict[str, str]:
    """IANA zone → ISO country, from the tz database's own zone1970/zone tables (shipped with tzdata or the system)."""
    found: dict[str, str] = {}
    for text in _zone_tables():
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            columns = line.split("\t")
            if len(columns) >= 3 and "," not in columns[0]:
                found.setdefault(columns[2], columns[0])
    return found


def _zone_tables() -> list[str]:
    texts: list[str] = []
    try:
        from importlib import resources

        texts.append(resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    for path in ("/usr/share/zoneinfo/zone.tab",):
        try:
            with open(path, encoding="utf-8") as handle:
                texts.append(handle.read())
        except OSError:
            continue
    return texts


def offset(moment: dt.datetime) -> str:
    """ "UTC+5", "UTC+5:30", "UTC−3", "UTC": the offset at that moment, written the same in every language."""
    delta = moment.utcoffset()
    if delta is None or not delta:
        return "UTC"
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: Any, at: dt.datetime | None = None, language: str | None = None) -> str:
    """ "Алматы уақыты (UTC+5)", "Bécs idő szerint (UTC+1)", "Almaty time (UTC+5)": the zone as its city, never as
    "Asia/Almaty", with the offset at `at` (default: now)."""
    from django.utils.translation import gettext

    where = _zone(zone)
    moment = timezone.localtime(at or timezone.now(), where)
    city = zone_city(where, language)
    if city == "UTC":
        return "UTC"
    with translation.override(language_code(language)):
        return gettext("%(city)s time (%(zone)s)") % {"city": city, "zone": offset(moment)}


def zone_choice_label(zone: str, language: str | None = None) -> str:
    """ "Алматы · Қазақстан · UTC+5": a time zone as a person picks it in a form."""
    city = zone_city(zone, language)
    if city == "UTC":
        return "UTC"
    country = zone_country(zone, language)
    parts = [city, country] if country and country != city else [city]
    return " · ".join([*parts, offset(timezone.localtime(timezone.now(), _zone(zone)))])
