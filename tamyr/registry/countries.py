"""ISO 3166-1 countries with names in every interface language, from pycountry's shipped translations."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from typing import Any

import pycountry

UI_LANGUAGES = ["en", "kk", "ru", "tr", "az", "uz", "ky", "hu"]

# Where pycountry's translation is missing or is still the English name, for the countries our users name most.
OVERRIDES: dict[str, dict[str, str]] = {
    "RU": {"en": "Russia", "uz": "Rossiya", "ru": "Россия", "tr": "Rusya", "az": "Rusiya", "ky": "Россия"},
    "US": {"uz": "Amerika Qoʻshma Shtatlari"},
    "IR": {"az": "İran", "uz": "Eron"},
    "GB": {"az": "Birləşmiş Krallıq"},
    "KG": {"uz": "Qirgʻiziston"},
    "TM": {"uz": "Turkmaniston"},
}


def _translators() -> dict[str, Any]:
    result: dict[str, Any] = {}
    for code in UI_LANGUAGES:
        if code == "en":
            continue
        try:
            result[code] = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code])
        except OSError:
            result[code] = None
    return result


def country_rows() -> Iterator[dict[str, Any]]:
    translators = _translators()
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        names = {"en": english}
        for code, translator in translators.items():
            if translator is None:
                continue
            translated = translator.gettext(english)
            if translated == english:
                translated = translator.gettext(country.name)
            names[code] = translated
        names.update(OVERRIDES.get(country.alpha_2, {}))
        yield {
            "code": country.alpha_2,
            "alpha3": country.alpha_3,
            "numeric": getattr(country, "numeric", ""),
            "names": names,
        }


def sync_countries(country_model: Any) -> int:
    """Create or refresh every country; safe to run again."""
    existing = set(country_model.objects.values_list("code", flat=True))
    new: list[Any] = []
    changed: list[Any] = []
    for row in country_rows():
        obj = country_model(**row)
        (changed if row["code"] in existing else new).append(obj)
    country_model.objects.bulk_create(new)
    country_model.objects.bulk_update(changed, ["alpha3", "numeric", "names"])
    return len(new) + len(changed)
