from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from tamyr.core.i18n import translate

register = template.Library()


@register.filter(name="tr")
def tr(value: Any, language: str | None = None) -> str:
    """{{ organization.name|tr }}: the text in the active language, with a fallback."""
    return translate(value, language)


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed: keeps filters across pages."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter(name="private_url")
def private_url(obj: Any, kind: str) -> str:
    """{{ material|private_url:"lesson-material" }}: the address of a private file (the view asks `can()`)."""
    from tamyr.core.files import private_url as url_of

    return url_of(kind, obj)
