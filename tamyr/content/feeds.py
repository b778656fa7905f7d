"""News feeds per organization or network and per language: RSS 2.0 and Atom (django.contrib.syndication) and
JSON Feed 1.1 (https://jsonfeed.org/version/1.1, written here: it is a small JSON document).

A feed in a language lists the items that have a version in that language, in that language; each item's link asks
for that version (`?lang=`), so a reader who follows it reads what the feed showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from tamyr.content import html, selectors
from tamyr.content.models import Entry
from tamyr.core.files import private_url
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.registry.models import Network, Organization

FEED_LENGTH = 30
SCOPES: dict[str, type[Organization] | type[Network]] = {"organizations": Organization, "networks": Network}


@dataclass
class FeedOf:
    owner: Organization | Network
    scope: str
    language: str


def feed_of(scope: str, slug: str, language: str) -> FeedOf:
    model = SCOPES.get(scope)
    if model is None or language not in LANGUAGE_CODES:
        raise Http404
    owner = model.objects.filter(slug=slug).first()
    if owner is None:
        raise Http404
    return FeedOf(owner=owner, scope=scope, language=language)


def items_of(feed: FeedOf) -> list[Entry]:
    return list(
        selectors.public_news(owner=feed.owner, language=feed.language).prefetch_related("attachments")[:FEED_LENGTH]
    )


def _link(entry: Entry, language: str) -> str:
    return f"{entry.get_absolute_url()}?lang={language}"


class RssFeed(Feed):  # type: ignore[type-arg]
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, scope: str, slug: str, language: str) -> FeedOf:  # type: ignore[override]
        return feed_of(scope, slug, language)

    def get_feed(self, obj: FeedOf, request: HttpRequest) -> Any:
        with translation.override(obj.language):  # the feed's <language> and every text in it
            return super().get_feed(obj, request)

    def title(self, obj: FeedOf) -> str:
        return _("News of %(name)s") % {"name": obj.owner.display_name}

    def link(self, obj: FeedOf) -> str:
        return obj.owner.get_absolute_url()

    def description(self, obj: FeedOf) -> str:
        return self.title(obj)

    def items(self, obj: FeedOf) -> list[Entry]:
        return items_of(obj)

    def item_title(self, item: Entry) -> str:
        return item.text("title")

    def item_description(self, item: Entry) -> str:
        return item.text("summary") or html.plain(item.text("body"))[:500]

    def item_link(self, item: Entry) -> str:
        return _link(item, item.reading_language())

    def item_guid(self, item: Entry) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Entry) -> Any:
        return item.published_at

    def item_updateddate(self, item: Entry) -> Any:
        return item.updated_at

    def item_author_name(self, item: Entry) -> str:
        return item.owner.display_name


class AtomFeed(RssFeed):
    feed_type = Atom1Feed  # type: ignore[assignment]

    def subtitle(self, obj: FeedOf) -> str:
        return self.title(obj)


def json_feed(request: HttpRequest, scope: str, slug: str, language: str) -> JsonResponse:
    feed = feed_of(scope, slug, language)
    with translation.override(language):
        items = []
        for entry in items_of(feed):
            item: dict[str, Any] = {
                "id": request.build_absolute_uri(entry.get_absolute_url()),
                "url": request.build_absolute_uri(_link(entry, language)),
                "title": entry.text("title"),
                "content_html": html.clean(entry.text("body")),
                "date_published": entry.published_at.isoformat() if entry.published_at else None,
                "date_modified": entry.updated_at.isoformat(),
                "language": entry.reading_language(),
                "authors": [{"name": entry.owner.display_name}],
            }
            if entry.text("summary"):
                item["summary"] = entry.text("summary")
            if entry.cover:
                item["image"] = request.build_absolute_uri(entry.cover.url)
            attachments = [
                {"url": request.build_absolute_uri(private_url("content-attachment", a)), "title": a.original_name,
                 "mime_type": "application/octet-stream", "size_in_bytes": a.size}
                for a in entry.attachments.all()
            ]  # fmt: skip
            if attachments:
                item["attachments"] = attachments
            items.append(item)
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": _("News of %(name)s") % {"name": feed.owner.display_name},
            "home_page_url": request.build_absolute_uri(feed.owner.get_absolute_url()),
            "feed_url": request.build_absolute_uri(request.path),
            "language": language,
            "items": items,
        }
    return JsonResponse(document, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})


rss_feed = RssFeed()
atom_feed = AtomFeed()
