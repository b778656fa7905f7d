"""Translated content stored as {language: text} JSON, read in the visitor's language with a fallback.

Why JSON and not a row per language: display text (names, descriptions) is read far more than it is searched,
and one column keeps every list query free of joins. Name variants of people, which must be searched across
scripts, are rows of their own (see registry.NameVariant).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES: list[str] = [code for code, _name in settings.LANGUAGES]
FALLBACK_ORDER = ["en", "ru", "kk", "tr"]


def translate(value: dict[str, str] | str | None, language: str | None = None) -> str:
    """The text in `language` (default: the active one), else English, Russian, Kazakh, Turkish, else any."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in [language, *FALLBACK_ORDER]:
        text = value.get(code)
        if text:
            return text
    return next((text for text in value.values() if text), "")


def clean_translations(value: Any) -> dict[str, str]:
    """Keep only known languages and non-empty strings; raise on anything else."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        return {settings.LANGUAGE_CODE: value.strip()} if value.strip() else {}
    if not isinstance(value, dict):
        raise ValueError(_('Give the text as an object of language codes, e.g. {"en": "…", "kk": "…"}.'))
    unknown = sorted(set(value) - set(LANGUAGE_CODES))
    if unknown:
        raise ValueError(
            _("Unknown language code(s): %(codes)s. Use: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(LANGUAGE_CODES)}
        )
    cleaned: dict[str, str] = {}
    for code, text in value.items():
        if not isinstance(text, str):
            raise ValueError(_("The text for %(code)s must be a string.") % {"code": code})
        if text.strip():
            cleaned[code] = text.strip()
    return cleaned


class TranslationsWidget(forms.MultiWidget):
    template_name = "core/widgets/translations.html"

    def __init__(self, textarea: bool = False, attrs: dict[str, Any] | None = None) -> None:
        widget_class = forms.Textarea if textarea else forms.TextInput
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            code: widget_class(attrs={"lang": code, "rows": 3} if textarea else {"lang": code})
            for code in LANGUAGE_CODES
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str]:
        value = value or {}
        return [value.get(code, "") for code in LANGUAGE_CODES]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        names = dict(settings.LANGUAGES)
        for code, sub in zip(LANGUAGE_CODES, context["widget"]["subwidgets"], strict=True):
            sub["language_code"] = code
            sub["language_name"] = names[code]
        return context


class TranslationsField(forms.MultiValueField):
    """One input per interface language; at least one must be filled when the field is required."""

    def __init__(self, *, textarea: bool = False, **kwargs: Any) -> None:
        fields = tuple(forms.CharField(required=False) for _code in LANGUAGE_CODES)
        kwargs.setdefault("require_all_fields", False)
        # MultiValueField checks "required" itself when every input is empty, so `validate` never sees that case
        kwargs.setdefault("error_messages", {"required": _("Give the text in at least one language.")})
        super().__init__(fields=fields, widget=TranslationsWidget(textarea=textarea), **kwargs)

    def compress(self, data_list: list[str]) -> dict[str, str]:
        return {
            code: text.strip()
            for code, text in zip(LANGUAGE_CODES, data_list or [], strict=False)
            if text and text.strip()
        }

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(_("Give the text in at least one language."), code="required")
