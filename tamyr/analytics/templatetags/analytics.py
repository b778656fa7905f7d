"""Small helpers for the dashboard templates: bars drawn as inline SVG (legible on a phone, printed as they are)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

BAR = '<svg class="bar-svg" viewBox="0 0 100 10" preserveAspectRatio="none" width="100%" height="12">' \
      '<rect class="bar-track" x="0" y="0" width="100" height="10"/><rect class="bar-fill" x="0" y="0" ' \
      'width="{}" height="10"/></svg>'  # fmt: skip


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


def _bar(share: float) -> SafeString:
    return format_html(BAR, f"{max(0.0, min(100.0, share)):.1f}")


@register.simple_tag
def bar_svg(share: str) -> SafeString:
    """A bar for a row's share of the largest row (the view leaves hidden figures without one, so a bar's length
    tells nothing about them)."""
    return _bar(float(share))


@register.simple_tag
def percent_svg(percent: int) -> SafeString:
    return _bar(float(percent))
