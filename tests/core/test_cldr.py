"""Dates, numbers, names and time zones written the reader's way (CLDR), and lists sorted the reader's way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from tamyr.core import cldr, collation
from tamyr.core.choices import CollatedModelChoiceField
from tamyr.core.zones import time_zone_choices, validate_time_zone
from tamyr.registry.models import Country
from tests.factories import country

NBSP, NNBSP, THIN = "\xa0", "\u202f", "\u2009"

#: 7 May 2026, 7–9 May 2026 and 1234567.5 as each interface language writes them (CLDR, through Babel).
WRITTEN = {
    "en": ("7 May 2026", f"7{THIN}–{THIN}9 May 2026", "1,234,567.5"),
    "kk": (f"2026{NNBSP}ж. 7 мамыр", f"2026{NNBSP}ж. 7–9 мамыр", f"1{NBSP}234{NBSP}567,5"),
    "ru": (f"7 мая 2026{NNBSP}г.", f"7—9 мая 2026{NNBSP}г.", f"1{NBSP}234{NBSP}567,5"),
    "hu": ("2026. május 7.", "2026. május 7–9.", f"1{NBSP}234{NBSP}567,5"),
    "tr": ("7 Mayıs 2026", "7–9 Mayıs 2026", "1.234.567,5"),
    "az": ("7 may 2026", f"7{THIN}–{THIN}9 may 2026", "1.234.567,5"),
    "ky": ("2026-ж., 7-май", "7–9-май 2026-ж.", f"1{NBSP}234{NBSP}567,5"),
    "uz": ("7-may, 2026", f"7{THIN}–{THIN}9-may, 2026", f"1{NBSP}234{NBSP}567,5"),
}


def render(text: str, language: str, **context: Any) -> str:
    with translation.override(language):
        return Template("{% load l10n_cldr %}" + text).render(Context(context))


@pytest.mark.parametrize("language", list(WRITTEN))
def test_a_date_is_written_in_the_readers_order_and_words(language: str) -> None:
    assert render("{{ day|ldate }}", language, day=dt.date(2026, 5, 7)) == WRITTEN[language][0]


@pytest.mark.parametrize("language", list(WRITTEN))
def test_a_date_range_writes_what_both_days_share_once(language: str) -> None:
    written = render("{{ first|ldaterange:last }}", language, first=dt.date(2026, 5, 7), last=dt.date(2026, 5, 9))
    assert written == WRITTEN[language][1]


@pytest.mark.parametrize("language", list(WRITTEN))
def test_a_number_uses_the_readers_separators(language: str) -> None:
    assert render("{{ value|lnumber }}", language, value=1234567.5) == WRITTEN[language][2]


def test_a_range_across_months_names_both_months_in_full() -> None:
    written = render("{{ first|ldaterange:last }}", "hu", first=dt.date(2026, 5, 7), last=dt.date(2026, 6, 2))
    assert written == f"2026. május 7.{THIN}–{THIN}június 2."


def test_money_is_written_with_the_currency_the_readers_way() -> None:
    assert render('{{ amount|lmoney:"KZT" }}', "kk", amount=1500) == f"1{NBSP}500,00{NBSP}₸"
    assert render('{{ amount|lmoney:"EUR" }}', "en", amount=1500) == "€1,500.00"


def test_a_time_is_read_on_the_clock_of_the_zone_given() -> None:
    moment = dt.datetime(2026, 1, 13, 18, 0, tzinfo=dt.UTC)
    assert render('{{ moment|ltime:"Asia/Almaty" }}', "kk", moment=moment) == "23:00"
    assert render('{{ moment|ldatetime:"Europe/Budapest" }}', "hu", moment=moment) == "2026. január 13. 19:00"


def test_a_zone_is_its_city_in_the_readers_language_never_its_iana_name() -> None:
    at = dt.datetime(2026, 5, 7, tzinfo=dt.UTC)
    assert cldr.zone_label("Asia/Almaty", at, "kk") == "Алматы уақыты (UTC+5)"
    assert cldr.zone_label("Europe/Istanbul", at, "tr") == "İstanbul saati (UTC+3)"
    assert cldr.zone_label("Europe/Vienna", at, "en") == "Vienna time (UTC+2)"
    assert "Asia/" not in cldr.zone_label("Asia/Almaty", at, "hu")


def test_country_and_language_names_come_in_the_readers_language() -> None:
    assert render('{{ "TR"|country_name }} · {{ "hu"|language_name }}', "kk") == "Түркия · венгр тілі"
    assert render('{{ "KZ"|country_name }} · {{ "kk"|language_name }}', "hu") == "Kazahsztán · kazah"
    with translation.override("uz"):
        assert Country(code="HU").name == "Vengriya"


def test_a_language_cldr_does_not_know_falls_back_to_the_sites_language() -> None:
    assert cldr.date(dt.date(2026, 5, 7), language="xx") == cldr.date(dt.date(2026, 5, 7), language="en")


# --- sorting the reader's way ------------------------------------------------------------------------------------


class CountryForm(forms.Form):
    country = CollatedModelChoiceField(queryset=Country.objects.all(), required=False)


def offered(language: str, codes: list[str]) -> list[str]:
    for code in codes:
        country(code)
    form = CountryForm()
    form.fields["country"].queryset = Country.objects.filter(code__in=codes)  # type: ignore[attr-defined]
    with translation.override(language):
        return [str(label) for value, label in form.fields["country"].choices if value]


@pytest.mark.django_db
def test_turkish_country_list_puts_c_cedilla_after_c_and_dotless_i_before_i() -> None:
    # Çin (CN) after Cezayir (DZ) and before Danimarka (DK); Irak (IQ) before İran (IR); Şili (CL) after Suriye (SY)
    names = offered("tr", ["CN", "DZ", "DK", "IQ", "IR", "CL", "SY", "TR", "HU"])
    assert names == ["Cezayir", "Çin", "Danimarka", "Irak", "İran", "Macaristan", "Suriye", "Şili", "Türkiye"]


@pytest.mark.django_db
def test_hungarian_country_list_puts_o_umlaut_after_o_and_cs_after_c() -> None:
    # Csehország (CZ) after Chile (CL); Örményország (AM) after Oroszország (RU) and before Pakisztán (PK)
    names = offered("hu", ["CZ", "CL", "AM", "RU", "PK", "AT", "DE"])
    assert names == ["Ausztria", "Chile", "Csehország", "Németország", "Oroszország", "Örményország", "Pakisztán"]


def test_code_point_order_would_get_turkish_wrong() -> None:
    """What the collation is for: Python's own order puts Ç after Z."""
    assert sorted(["Zambiya", "Çin", "Cezayir"]) == ["Cezayir", "Zambiya", "Çin"]
    assert collation.sorted_by(["Zambiya", "Çin", "Cezayir"], str, "tr") == ["Cezayir", "Çin", "Zambiya"]


def test_kazakh_sorts_its_own_letters_in_its_alphabet() -> None:
    names = ["Үндістан", "Украина", "Ұлыбритания", "Ирак", "Ыстамбұл", "Іле"]
    assert collation.sorted_by(names, str, "kk") == ["Ирак", "Украина", "Ұлыбритания", "Үндістан", "Ыстамбұл", "Іле"]


# --- time zones in forms -----------------------------------------------------------------------------------------


def test_time_zone_choices_keep_iana_values_and_show_cities_sorted_the_readers_way() -> None:
    choices = time_zone_choices("tr")
    labels = dict(choices)
    assert labels["Asia/Almaty"].startswith("Almatı · Kazakistan · UTC+")
    assert labels["Europe/Istanbul"].startswith("İstanbul · Türkiye")
    assert not any("/" in label or "_" in label for _value, label in choices)
    cities = [label.split(" · ")[0] for value, label in choices if value != "UTC"]
    assert cities == collation.sorted_by(cities, str, "tr")
    assert cities.index("Cebelitarık") < cities.index("Çita")


def test_a_time_zone_field_offers_the_readers_language() -> None:
    class ZoneForm(forms.Form):
        zone = forms.ChoiceField(choices=time_zone_choices)

    with translation.override("kk"):
        labels = dict(ZoneForm().fields["zone"].choices)
    assert labels["Asia/Almaty"].startswith("Алматы · Қазақстан")


def test_the_old_validator_path_still_validates() -> None:
    """Migrations name tamyr.events.models.validate_time_zone; it keeps the rule that moved to core."""
    from django.core.exceptions import ValidationError

    from tamyr.events.models import validate_time_zone as old_path

    old_path("Asia/Almaty")
    validate_time_zone("Europe/Budapest")
    with pytest.raises(ValidationError):
        old_path("Asia/Atlantis")


def test_the_zone_list_leaves_out_old_aliases_but_the_field_still_accepts_them() -> None:
    from tamyr.core.zones import TimeZoneChoiceField

    offered_values = {value for value, _label in time_zone_choices("en")}
    assert "America/Adak" in offered_values
    assert "America/Atka" not in offered_values  # an alias of Adak: listed once
    field = TimeZoneChoiceField(choices=time_zone_choices)
    assert field.clean("America/Atka") == "America/Atka"
    with pytest.raises(forms.ValidationError):
        field.clean("Asia/Atlantis")


def test_hungarian_readers_see_almaty_by_its_name_of_today_not_cldrs_soviet_alma_ata() -> None:
    at = dt.datetime(2026, 5, 7, 9, 0, tzinfo=dt.UTC)
    assert cldr.zone_city("Asia/Almaty", "hu") == "Almati"
    assert cldr.zone_label("Asia/Almaty", at, "hu") == "Almati idő szerint (UTC+5)"
    assert cldr.zone_city("Asia/Almaty", "tr") == "Almatı"  # the other languages keep CLDR's names
    assert cldr.zone_city("Asia/Tashkent", "hu") == "Taskent"
