"""Translated content ({language: text}) and the interface in eight languages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tamyr.core.i18n import LANGUAGE_CODES, TranslationsField, clean_translations, translate

INTERFACE_LANGUAGES = ["en", "kk", "ru", "tr", "az", "uz", "ky", "hu"]


# --- translate() ---------------------------------------------------------------------------------------------


def test_translate_gives_the_requested_language() -> None:
    assert translate({"en": "House of Abai", "ky": "Абай үйү"}, "ky") == "Абай үйү"


def test_translate_uses_the_active_language_by_default() -> None:
    with translation.override("kk"):
        assert translate({"en": "Foundation", "kk": "Қор"}) == "Қор"


def test_translate_falls_back_to_english() -> None:
    assert translate({"en": "House of Abai", "ru": "Дом Абая"}, "hu") == "House of Abai"


def test_translate_without_english_falls_back_to_russian_then_kazakh_then_turkish() -> None:
    assert translate({"tr": "Abay Evi", "kk": "Абай үйі", "ru": "Дом Абая"}, "hu") == "Дом Абая"
    assert translate({"tr": "Abay Evi", "kk": "Абай үйі"}, "hu") == "Абай үйі"
    assert translate({"tr": "Abay Evi", "az": "Abay Evi (az)"}, "hu") == "Abay Evi"


def test_translate_falls_back_to_any_language_at_all() -> None:
    assert translate({"uz": "Abay uyi"}, "hu") == "Abay uyi"


def test_translate_skips_empty_texts() -> None:
    assert translate({"hu": "", "en": "House of Abai"}, "hu") == "House of Abai"


def test_translate_accepts_a_regional_language_code() -> None:
    assert translate({"en": "House", "ru": "Дом"}, "ru-RU") == "Дом"


@pytest.mark.parametrize("value", [None, {}, ""])
def test_translate_of_nothing_is_empty(value: object) -> None:
    assert translate(value, "en") == ""  # type: ignore[arg-type]


def test_translate_passes_a_plain_string_through() -> None:
    assert translate("Otandastar", "kk") == "Otandastar"


# --- clean_translations() ------------------------------------------------------------------------------------


def test_clean_translations_rejects_an_unknown_language_code() -> None:
    with pytest.raises(ValueError, match="xx"):
        clean_translations({"en": "Foundation", "xx": "?"})


def test_clean_translations_names_the_known_codes_in_its_message() -> None:
    with pytest.raises(ValueError) as error:
        clean_translations({"de": "Stiftung"})
    assert "kk" in str(error.value) and "hu" in str(error.value)


def test_clean_translations_drops_empty_texts_and_strips_spaces() -> None:
    assert clean_translations({"en": " Foundation ", "kk": "  ", "ru": ""}) == {"en": "Foundation"}


def test_clean_translations_takes_a_plain_string_as_english() -> None:
    assert clean_translations("Foundation") == {"en": "Foundation"}


@pytest.mark.parametrize("value", [["en", "Foundation"], 42, {"en": 42}])
def test_clean_translations_rejects_other_shapes(value: object) -> None:
    with pytest.raises(ValueError):
        clean_translations(value)


# --- the form field ------------------------------------------------------------------------------------------


def test_translations_field_compresses_to_a_dict_of_filled_languages() -> None:
    field = TranslationsField(required=False)
    values = ["Foundation", "Қор", "", "", "", "", "", " Alapítvány "]
    assert field.clean(values) == {"en": "Foundation", "kk": "Қор", "hu": "Alapítvány"}


def test_translations_field_has_one_input_per_interface_language() -> None:
    html = str(TranslationsField(required=False).widget.render("name", {"kk": "Қор"}))
    assert re.findall(r'name="(name_\w+)"', html) == [f"name_{code}" for code in LANGUAGE_CODES]
    assert 'value="Қор"' in html


def test_required_translations_field_needs_one_language() -> None:
    from django import forms

    with pytest.raises(forms.ValidationError, match="at least one language"):
        TranslationsField(required=True).clean([""] * len(LANGUAGE_CODES))


def test_optional_translations_field_may_stay_empty() -> None:
    assert TranslationsField(required=False).clean([""] * len(LANGUAGE_CODES)) == {}


# --- the interface languages ---------------------------------------------------------------------------------


def test_the_interface_ships_in_the_eight_languages_of_the_brief() -> None:
    assert [code for code, _name in settings.LANGUAGES] == INTERFACE_LANGUAGES


@pytest.mark.django_db
@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_home_page_is_served_in_the_language_of_the_cookie(client: Client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/")
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    assert response["Content-Language"] == language


@pytest.mark.django_db
def test_home_page_follows_the_browser_language_without_a_cookie(client: Client) -> None:
    response = client.get("/", headers={"Accept-Language": "tr-TR,tr;q=0.9"})
    assert '<html lang="tr"' in response.content.decode()


@pytest.mark.django_db
def test_an_unsupported_language_falls_back_to_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert '<html lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_switching_language_sets_the_cookie(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
    assert '<html lang="kk"' in client.get("/").content.decode()
