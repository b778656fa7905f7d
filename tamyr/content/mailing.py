"""What one recipient of a campaign reads: the version in their language with their own details filled in.

Personalisation is plain substitution of a short whitelist of placeholders, never a template language: an editor's
text (or a recipient's name) cannot run code, read other fields or inject markup (docs/decisions/0031).

- `{name}`: the person's name as they write it;
- `{first_name}`: the account's given name when the person gave one, else the whole name (names come in many
  orders, "Kovács Anna", "Нұрлан Әбенов"; the first word is not always the given name, so it is never guessed);
- `{country}`: their country of residence, named in the message's language.

Anything else in braces is left as written. The text is plain text; the HTML part is built from it with every
character escaped (paragraphs at blank lines, line breaks kept), so neither the editor nor a recipient's name can put
HTML into the message.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import escape

from tamyr.content.models import Campaign
from tamyr.core.cldr import country_name
from tamyr.core.i18n import FALLBACK_ORDER

PLACEHOLDER = re.compile(r"\{(name|first_name|country)\}")
PLACEHOLDERS = ("{name}", "{first_name}", "{country}")


def personal_fields(person: Any, language: str) -> dict[str, str]:
    """The values the placeholders stand for; empty strings for what the record does not have."""
    name = (getattr(person, "display_name", "") or "").strip()
    user = getattr(person, "user", None) if getattr(person, "user_id", None) else None
    given = (getattr(user, "first_name", "") or "").strip() if user is not None else ""
    code = getattr(person, "residence_country_id", None) or ""
    return {"name": name, "first_name": given or name, "country": country_name(code, language) if code else ""}


def personalise(text: str, fields: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: fields.get(match.group(1), ""), text or "")


def version_language(campaign: Campaign, language: str) -> str:
    """The language whose version is used: the one asked for if written, else the fallback, else the usual order."""
    subject = campaign.subject or {}
    for code in [language, campaign.fallback_language, *FALLBACK_ORDER, *subject]:
        if code and (subject.get(code) or "").strip():
            return code
    return campaign.fallback_language


def text_to_html(text: str) -> str:
    """Plain text as a minimal, fully escaped HTML document body."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]
    return "\n".join(f"<p>{escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in paragraphs)


def render_message(campaign: Campaign, person: Any, language: str) -> tuple[str, str, str]:
    """(subject, text body, HTML body) of the campaign as `person` gets it in `language` (their `mail_language`).

    The delivery engine calls this for every message, so it reads nothing but the campaign and the person (with
    `user` selected when their given name is wanted)."""
    code = version_language(campaign, language)
    fields = personal_fields(person, code)
    subject = personalise((campaign.subject or {}).get(code, ""), fields).replace("\n", " ").strip()
    text = personalise((campaign.body or {}).get(code, ""), fields)
    body_html = (
        f'<!DOCTYPE html>\n<html lang="{escape(code)}"><head><meta charset="utf-8"><title>{escape(subject)}</title>'
        f"</head><body>\n{text_to_html(text)}\n</body></html>"
    )
    return subject, text, body_html
