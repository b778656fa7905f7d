"""The `news` and `pages` sections of a network file: an institution's news items and pages in every language.

Items are matched by slug (unique per kind) and written through `content.services` (sanitised, revisioned,
audited), acting as `permissions.SYSTEM` for a command's load. Times are `YYYY-MM-DD HH:MM` in UTC. A page's `parent`
names a page of the same owner by slug; parents are written before their children. Attachments and covers are
files and are not in network files. Nothing is deleted by omission.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.content import html, services
from tamyr.content.models import VISIBLE_STATUSES, Entry, EntryKind, EntryStatus
from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import SLUG, TRANSLATED, Action, Change, Context, DumpScope, Item, Section, register
from tamyr.registry.models import Network, NetworkMembership, Organization

TIME: dict[str, Any] = {
    "type": ["string", "null"],
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}$",
    "description": "YYYY-MM-DD HH:MM in UTC.",
}
LANGUAGE: dict[str, Any] = {"enum": [code for code, _name in settings.LANGUAGES]}
TEXTS = ("title", "summary", "body")


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else None


class _EntriesSection(Section):
    kind: ClassVar[str]
    depends_on = ("organizations", "networks")

    def item_schema(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "slug": SLUG,
            "organization": SLUG,
            "network": SLUG,
            "title": TRANSLATED,
            "summary": TRANSLATED,
            "body": {**TRANSLATED, "description": "HTML per language; what the sanitiser does not allow is removed."},
            "source_language": LANGUAGE,
            "fallback_language": LANGUAGE,
            "status": {"enum": list(EntryStatus.values), "default": EntryStatus.DRAFT},
            "published": TIME,
        }
        if self.kind == EntryKind.PAGE:
            properties |= {"parent": {"type": ["string", "null"]}, "order": {"type": "integer", "minimum": 0}}
        return {
            "type": "object",
            "required": ["slug", "title"],
            "oneOf": [{"required": ["organization"]}, {"required": ["network"]}],
            "additionalProperties": False,
            "properties": properties,
        }

    # --- planning ----------------------------------------------------------------------------------------------

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        slugs = [item.data["slug"] for item in items]
        existing = {
            entry.slug: entry
            for entry in Entry.objects.filter(kind=self.kind, slug__in=slugs).select_related(
                "organization", "network", "parent"
            )
        }
        organizations = set(Organization.objects.filter(
            slug__in={i.data["organization"] for i in items if i.data.get("organization")}
        ).values_list("slug", flat=True))  # fmt: skip
        networks = set(Network.objects.filter(
            slug__in={i.data["network"] for i in items if i.data.get("network")}
        ).values_list("slug", flat=True))  # fmt: skip
        in_file = {item.data["slug"]: item for item in items}
        changes = []
        for item in self._parents_first(items):
            data = item.data
            organization, network = data.get("organization"), data.get("network")
            if (
                organization
                and organization not in organizations
                and not context.declares("organizations", organization)
            ):
                message = _(
                    "There is no organization %(slug)s: add it to the file's organizations, or load it first."
                ) % {"slug": organization}
                context.problems.append(item.problem("organization", message))
            if network and network not in networks and not context.declares("networks", network):
                context.problems.append(item.problem("network", _("There is no network %(slug)s.") % {"slug": network}))
            current = existing.get(data["slug"])
            if current is not None and self._owner(current) != self._owner_of(data):
                context.problems.append(item.problem("organization", _("An item's owner does not change.")))
            parent = data.get("parent")
            if parent and parent not in in_file and not Entry.objects.filter(kind=EntryKind.PAGE, slug=parent).exists():
                context.problems.append(item.problem("parent", _("There is no page %(slug)s.") % {"slug": parent}))
            changes.append(self._plan_one(item, current, context))
        return changes

    @staticmethod
    def _owner(entry: Entry) -> tuple[str, str]:
        return ("organization", entry.organization.slug) if entry.organization else ("network", entry.network.slug)  # type: ignore[union-attr]

    @staticmethod
    def _owner_of(data: dict[str, Any]) -> tuple[str, str]:
        return ("organization", data["organization"]) if data.get("organization") else ("network", data["network"])

    @staticmethod
    def _parents_first(items: list[Item]) -> list[Item]:
        by_slug = {item.data["slug"]: item for item in items}

        def depth(item: Item) -> int:
            seen, node, level = set(), item, 0
            while node.data.get("parent") in by_slug and node.data["slug"] not in seen and level < 50:
                seen.add(node.data["slug"])
                node = by_slug[node.data["parent"]]
                level += 1
            return level

        return sorted(items, key=depth)

    def _plan_one(self, item: Item, current: Entry | None, context: Context) -> Change:
        data = item.data
        wanted: dict[str, Any] = {}
        for field in TEXTS:
            if field in data:
                try:
                    text = clean_translations(data[field])
                except ValueError as error:
                    context.problems.append(item.problem(field, str(error)))
                    continue
                wanted[field] = html.clean_all(text) if field == "body" else text
        for field in ("source_language", "fallback_language", "order"):
            if field in data:
                wanted[field] = data[field]
        if "published" in data:
            try:
                wanted["published_at"] = (
                    dt.datetime.fromisoformat(str(data["published"]).replace(" ", "T")).replace(tzinfo=dt.UTC)
                    if data["published"] else None
                )  # fmt: skip
            except ValueError:
                context.problems.append(item.problem("published", _("Write the time as YYYY-MM-DD HH:MM.")))
        if "status" in data:
            wanted["status"] = data["status"]
        fields = []
        for field, value in wanted.items():
            have = getattr(current, field) if current is not None else None
            if field == "status" and current is not None:
                same = (value in VISIBLE_STATUSES and have in VISIBLE_STATUSES) or value == have
                if same:
                    continue
            if current is None or have != value:
                fields.append(field)
        if "parent" in data:
            have_parent = current.parent.slug if current is not None and current.parent else None
            if data["parent"] != have_parent:
                fields.append("parent")
        action: Action = "create" if current is None else ("change" if fields else "unchanged")
        if current is None:
            fields = sorted({*wanted, *(["parent"] if data.get("parent") else [])})
        plan: dict[str, Any] = {"values": {field: wanted[field] for field in fields if field in wanted}}
        if "parent" in fields:
            plan["parent"] = data.get("parent")
        if "status" in plan["values"] or "published_at" in plan["values"]:  # publication decided together
            plan["values"]["status"] = wanted.get("status", current.status if current else EntryStatus.DRAFT)
            plan["values"]["published_at"] = wanted.get("published_at", current.published_at if current else None)
        return Change(self, data["slug"], action, item, fields=fields, data=plan)

    # --- applying ----------------------------------------------------------------------------------------------

    def apply(self, change: Change, context: Context) -> None:
        user = context.acting_user if context.acting_user is not None else SYSTEM
        values = dict(change.data["values"])
        if "parent" in change.data:
            slug = change.data["parent"]
            values["parent"] = Entry.objects.get(kind=EntryKind.PAGE, slug=slug) if slug else None
        if change.action == "create":
            data = change.item.data
            services.entry_create(
                kind=self.kind,
                slug=change.key,
                acting_user=user,
                organization=Organization.objects.get(slug=data["organization"]) if data.get("organization") else None,
                network=Network.objects.get(slug=data["network"]) if data.get("network") else None,
                now=timezone.now(),
                **values,
            )
            return
        entry = Entry.objects.get(kind=self.kind, slug=change.key)
        services.entry_update(entry=entry, acting_user=user, **values)

    # --- dumping -----------------------------------------------------------------------------------------------

    def _dumped(self, scope: DumpScope) -> Any:
        members = NetworkMembership.objects.filter(network__slug__in=scope.networks).values("organization_id")
        return Entry.objects.filter(kind=self.kind).filter(
            Q(organization_id__in=members) | Q(network__slug__in=scope.networks)
        )

    def organizations_named(self, scope: DumpScope) -> set[str]:
        return set(self._dumped(scope).exclude(organization=None).values_list("organization__slug", flat=True))

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        entries = (
            self._dumped(scope).select_related("organization", "network", "parent").order_by("published_at", "slug")
        )
        items = [self._item(entry) for entry in entries]
        dumped = {item["slug"] for item in items}
        by_slug = {item["slug"]: item for item in items}

        def depth(item: dict[str, Any]) -> int:
            level, node = 0, item
            while node.get("parent") in dumped and level < 50:
                node, level = by_slug[node["parent"]], level + 1
            return level

        return sorted(items, key=depth)

    def _item(self, entry: Entry) -> dict[str, Any]:
        item: dict[str, Any] = {"slug": entry.slug}
        if entry.organization:
            item["organization"] = entry.organization.slug
        else:
            item["network"] = entry.network.slug  # type: ignore[union-attr]
        if entry.parent:
            item["parent"] = entry.parent.slug
        if self.kind == EntryKind.PAGE:
            item["order"] = entry.order
        item["status"] = entry.status
        if entry.published_at:
            item["published"] = _time(entry.published_at)
        item["source_language"] = entry.source_language
        item["fallback_language"] = entry.fallback_language
        for field in TEXTS:
            if getattr(entry, field):
                item[field] = getattr(entry, field)
        return item


@register
class NewsSection(_EntriesSection):
    name = "news"
    label = gettext_lazy("news item")
    kind = EntryKind.NEWS


@register
class PagesSection(_EntriesSection):
    name = "pages"
    label = gettext_lazy("page")
    kind = EntryKind.PAGE


from tamyr.content import netfile_mailings  # noqa: E402,F401  (the mailing sections register themselves)
