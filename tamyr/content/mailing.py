"""MINIMAL stand-in written on the `delivery` branch so the delivery engine can be built and tested; the `segments`
branch owns this module and its version replaces this one at merge."""

from __future__ import annotations

from django.utils.html import escape, linebreaks

from tamyr.content.models import Campaign
from tamyr.registry.models import Person


def render_message(campaign: Campaign, person: Person, language: str) -> tuple[str, str, str]:
    """(subject, text body, HTML body) of `campaign` in `language` (else its fallback), `{name}` replaced."""

    def text(values: dict[str, str]) -> str:
        return values.get(language) or values.get(campaign.fallback_language) or ""

    subject = text(campaign.subject).replace("{name}", person.display_name)
    body = text(campaign.body).replace("{name}", person.display_name)
    return subject, body, f"<html><body>{linebreaks(escape(body))}</body></html>"
