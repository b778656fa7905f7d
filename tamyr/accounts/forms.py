"""The name a person gives at sign-up, on the one-time name page and on their profile."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 200
# Punctuation names carry: spaces, hyphens, apostrophes and the modifier letters of Uzbek Latin (oʻ, gʻ), dots of
# initials, commas of "Kovács, Anna".
_NAME_PUNCTUATION = set(" -'’‘ʻʼ`.,")


def clean_name(value: str, *, required: bool) -> str:
    """A name as typed, with spaces tidied; letters of any script, never control characters or digits."""
    text = " ".join(value.split())
    if not text:
        if required:
            raise forms.ValidationError(_("Write your name as you write it yourself."), code="required")
        return ""
    if len(text) > NAME_MAX_LENGTH:
        raise forms.ValidationError(
            _("A name can have at most %(limit)d characters.") % {"limit": NAME_MAX_LENGTH}, code="max_length"
        )
    if not any(char.isalpha() for char in text):
        raise forms.ValidationError(_("A name needs letters."), code="letters")
    for char in text:
        category = unicodedata.category(char)
        if not (category[0] in "LM" or char in _NAME_PUNCTUATION):
            raise forms.ValidationError(
                _("A name cannot contain “%(char)s”.") % {"char": char if char.isprintable() else repr(char)},
                code="character",
            )
    return text


def clean_latin_name(value: str) -> str:
    text = clean_name(value, required=False)
    for char in text:
        if char.isalpha() and char not in _NAME_PUNCTUATION and not unicodedata.name(char, "").startswith("LATIN"):
            raise forms.ValidationError(
                _("Write this one in Latin letters only, as in your passport, e.g. Nurlan Abenov."), code="latin"
            )
    return text


class NameFields(forms.Form):
    """The two name fields, shared by the sign-up form (allauth's ACCOUNT_SIGNUP_FORM_CLASS) and the name forms."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("As you write it yourself, in your own script and order; we greet you and print it on badges."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    name_latin = forms.CharField(
        label=_("Your name in Latin letters (optional)"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("As in your passport, if your name is written in another script."),
        widget=forms.TextInput(attrs={"autocapitalize": "words", "lang": "en"}),
    )

    def clean_name(self) -> str:
        return clean_name(self.cleaned_data.get("name", ""), required=True)

    def clean_name_latin(self) -> str:
        return clean_latin_name(self.cleaned_data.get("name_latin", ""))


class SignupNameForm(NameFields):
    """allauth's sign-up form inherits these fields; `AccountAdapter.save_user` stores them on the new account."""

    # the name first: it is what the person knows best, and what the rest of the form is for
    field_order = ["name", "name_latin", "email", "username", "password1", "password2"]

    def signup(self, request: Any, user: Any) -> None:
        """allauth calls this after saving the account; the name was saved with it (`AccountAdapter.save_user`)."""


class NameForm(NameFields):
    """The one-time name page and the profile's name card."""
