"""News and pages on other apps' pages (home, organization, network) without those apps importing content: a
template loads these tags (arrows point one way in Python; templates are the seam)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from tamyr.content import html, selectors
from tamyr.registry.models import Network

register = template.Library()
OWNER_LIST_LENGTH = 5


@register.filter
def clean_html(value: str) -> SafeString:
    """Sanitised again when shown (the services clean on write): only then is it marked safe."""
    return mark_safe(html.clean(value or ""))  # nh3 output: the allow-list only


@register.filter
def entry_text(entry: Any, field: str) -> str:
    return str(entry.text(field))


@register.filter
def reading_language(entry: Any) -> str:
    return str(entry.reading_language())


def feeds_of(owner: Any) -> list[dict[str, str]]:
    """The owner's feeds in the reader's language: RSS, Atom and JSON Feed."""
    scope = "networks" if isinstance(owner, Network) else "organizations"
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    kwargs = {"scope": scope, "slug": owner.slug, "language": language}
    return [
        {"type": "application/rss+xml", "label": "RSS", "url": reverse("content:feed_rss", kwargs=kwargs)},
        {"type": "application/atom+xml", "label": "Atom", "url": reverse("content:feed_atom", kwargs=kwargs)},
        {"type": "application/feed+json", "label": "JSON Feed", "url": reverse("content:feed_json", kwargs=kwargs)},
    ]


@register.inclusion_tag("content/_feed_links.html")
def feed_links(owner: Any) -> dict[str, Any]:
    """<link rel="alternate"> for the head of an organization's or network's page."""
    return {"feeds": feeds_of(owner), "owner": owner}


@register.inclusion_tag("content/_owner_news.html", takes_context=True)
def owner_news(context: Any, owner: Any) -> dict[str, Any]:
    """The owner's latest news, its top pages and its feeds (a network's: its own and its members' news)."""
    scope = "network" if isinstance(owner, Network) else "organization"
    return {
        "news": selectors.latest_news(OWNER_LIST_LENGTH, owner),
        "pages": list(selectors.top_pages(owner)),
        "feeds": feeds_of(owner),
        "more_url": f"{reverse('content:news_list')}?{scope}={owner.slug}",
        "owner": owner,
    }
