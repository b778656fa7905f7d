"""What a recipient reads: their version, their details, and no markup from anyone's text."""

from __future__ import annotations

import pytest

from tamyr.content.mailing import render_message
from tamyr.content.models import Campaign
from tamyr.registry.models import Person

CAMPAIGN = Campaign(
    subject={"kk": "Сәлем, {name}", "en": "Hello, {name}"},
    body={"kk": "Құрметті {first_name}!\n\n{country} бойынша жаңалықтар.", "en": "Dear {name}, {{ secret }} {other}"},
    fallback_language="en",
)


def test_placeholders_are_filled_from_the_record() -> None:
    person = Person(display_name="Нұрлан Әбенов", residence_country_id="HU")
    subject, text, _html = render_message(CAMPAIGN, person, "kk")
    assert (subject, text.splitlines()[0]) == ("Сәлем, Нұрлан Әбенов", "Құрметті Нұрлан Әбенов!")


def test_country_is_named_in_the_message_language() -> None:
    _subject, text, _html = render_message(CAMPAIGN, Person(display_name="A", residence_country_id="HU"), "kk")
    assert text.endswith("Венгрия бойынша жаңалықтар.")


def test_a_language_without_a_version_gets_the_fallback() -> None:
    subject, _text, _html = render_message(CAMPAIGN, Person(display_name="Anna"), "hu")
    assert subject == "Hello, Anna"


def test_unknown_placeholders_and_template_syntax_stay_as_written() -> None:
    _subject, text, _html = render_message(CAMPAIGN, Person(display_name="Anna"), "en")
    assert text == "Dear Anna, {{ secret }} {other}"


def test_a_name_cannot_inject_html() -> None:
    person = Person(display_name='<script>alert(1)</script><a href="x">')
    _subject, _text, html = render_message(CAMPAIGN, person, "en")
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("body", ['<img src=x onerror="alert(1)">', "<b>bold</b>"])
def test_the_editors_text_cannot_inject_html(body: str) -> None:
    campaign = Campaign(subject={"en": "S"}, body={"en": body}, fallback_language="en")
    _subject, _text, html = render_message(campaign, Person(display_name="A"), "en")
    assert "<img" not in html and "<b>" not in html
