"""The registry's sections of a network file: organizations, and networks with their members.

Both match objects by slug and write through `registry.services`, so every load leaves the same audit rows as the
pages do. A field an item leaves out is left as it is in the database; a field it gives is the field's whole value
(a `name` given in two languages loses the third). A network's `members`, when given, is its whole member list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import DATE, SLUG, TRANSLATED, Change, Context, DumpScope, Item, Section, register
from tamyr.registry import services
from tamyr.registry.models import (
    Country,
    ExpertiseField,
    MembershipRole,
    Network,
    NetworkMembership,
    Organization,
    OrganizationKind,
)

ORGANIZATION_TEXT = {
    "short_name": 60,
    "city": 120,
    "address": 300,
    "website": 200,
    "email": 254,
    "phone": 40,
}
TRANSLATED_FIELDS = ("name", "description")


def _text(max_length: int) -> dict[str, Any]:
    return {"type": ["string", "null"], "maxLength": max_length}


def _translated(item: Item, field: str, context: Context) -> dict[str, str] | None:
    try:
        return clean_translations(item.data.get(field))
    except ValueError as error:
        context.problems.append(item.problem(field, str(error)))
        return None


def _translation_diff(field: str, wanted: dict[str, str], current: dict[str, str]) -> list[str]:
    return [f"{field}.{code}" for code in sorted(set(wanted) | set(current)) if wanted.get(code) != current.get(code)]


def _check_address(item: Item, field: str, value: str, context: Context) -> None:
    validator = URLValidator() if field == "website" else EmailValidator()
    try:
        validator(value)
    except ValidationError as error:
        context.problems.append(item.problem(field, " ".join(str(message) for message in error.messages)))


def _unknown_organization(item: Item, field: str, slug: str, *, line: int | None = None) -> Any:
    message = _("There is no organization %(slug)s: add it to the file's organizations, or load it first.") % {
        "slug": slug
    }
    return item.problem(field, message, line=line)


def _existing_slugs(slugs: Iterable[str]) -> set[str]:
    wanted = set(slugs)
    return set(Organization.objects.filter(slug__in=wanted).values_list("slug", flat=True)) if wanted else set()


@register
class OrganizationsSection(Section):
    name = "organizations"
    label = gettext_lazy("organization")

    def item_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["slug", "kind", "name"],
            "additionalProperties": False,
            "properties": {
                "slug": SLUG,
                "kind": {"enum": list(OrganizationKind.values)},
                "name": TRANSLATED,
                "description": TRANSLATED,
                "country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$", "description": "ISO 3166 alpha-2"},
                "parent": {**SLUG, "type": ["string", "null"], "description": "The slug of the parent organization."},
                **{field: _text(length) for field, length in ORGANIZATION_TEXT.items()},
                "expertise_fields": {
                    "type": "array",
                    "items": {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
                    "uniqueItems": True,
                    "description": 'Codes of the OECD Fields of Science and Technology, quoted ("2.10" is not 2.1): '
                    '["5.2", "6.1"]. The whole list; an empty list clears it.',
                },
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        by_slug = {self.key_of(item.data): item for item in items}
        existing = {
            organization.slug: organization
            for organization in Organization.objects.filter(slug__in=by_slug)
            .select_related("parent")
            .prefetch_related("expertise_fields")
        }
        known_fields = set(ExpertiseField.objects.values_list("code", flat=True))
        parents = {item.data["parent"] for item in items if item.data.get("parent")}
        known_parents = _existing_slugs(parents - set(by_slug))
        codes = {item.data["country"] for item in items if item.data.get("country")}
        countries = set(Country.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()

        changes: list[Change] = []
        for slug in self._parents_first(by_slug, context):
            item = by_slug[slug]
            parent = item.data.get("parent")
            if parent and parent not in by_slug and parent not in known_parents:
                context.problems.append(_unknown_organization(item, "parent", parent))
            country = item.data.get("country")
            if country and country not in countries:
                message = _("Unknown country code %(code)s.") % {"code": country}
                context.problems.append(item.problem("country", message))
            wanted: dict[str, Any] = {}
            for field, value in item.data.items():
                if field == "slug":
                    continue
                if field in TRANSLATED_FIELDS:
                    value = _translated(item, field, context)
                elif field in ORGANIZATION_TEXT:
                    value = (value or "").strip()
                    if value and field in {"website", "email"}:
                        _check_address(item, field, value, context)
                elif field in {"country", "parent"}:
                    value = value or None
                elif field == "expertise_fields":
                    value = sorted(value or [])
                    for code in value:
                        if code not in known_fields:
                            message = _(
                                "Unknown field of science %(codes)s. Use the codes of the OECD classification, "
                                "e.g. 5.2 or 6.1."
                            ) % {"codes": code}
                            context.problems.append(item.problem(field, message))
                wanted[field] = value
            current = existing.get(slug)
            if current is None:
                changes.append(Change(self, slug, "create", item, fields=sorted(wanted), data=wanted))
                continue
            fields, data = self._diff(current, wanted)
            changes.append(Change(self, slug, "change" if fields else "unchanged", item, fields=fields, data=data))
        return changes

    def _parents_first(self, by_slug: dict[str, Item], context: Context) -> list[str]:
        """The file's slugs, each after its parent when the file holds the parent too; a circle is a problem."""
        order: list[str] = []
        state: dict[str, str] = {}

        def visit(slug: str) -> None:
            if state.get(slug) == "done":
                return
            if state.get(slug) == "visiting":
                item = by_slug[slug]
                context.problems.append(item.problem("parent", _("An organization cannot be its own parent.")))
                return
            state[slug] = "visiting"
            parent = by_slug[slug].data.get("parent")
            if parent in by_slug:
                visit(parent)
            state[slug] = "done"
            order.append(slug)

        for slug in by_slug:
            visit(slug)
        return order

    def _diff(self, current: Organization, wanted: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
        fields: list[str] = []
        data: dict[str, Any] = {}
        for field, value in wanted.items():
            if field in TRANSLATED_FIELDS:
                differ = _translation_diff(field, value or {}, getattr(current, field) or {})
            elif field == "parent":
                differ = [field] if value != (current.parent.slug if current.parent else None) else []
            elif field == "country":
                differ = [field] if value != current.country_id else []
            elif field == "expertise_fields":
                have = {f.code for f in current.expertise_fields.all()}
                added, removed = sorted(set(value) - have), sorted(have - set(value))
                differ = [f"+{field}.{code}" for code in added] + [f"-{field}.{code}" for code in removed]
            else:
                differ = [field] if value != getattr(current, field) else []
            if differ:
                fields.extend(differ)
                data[field] = value
        return fields, data

    def apply(self, change: Change, context: Context) -> None:
        values = dict(change.data)
        if "country" in values:
            values["country"] = Country.objects.get(code=values["country"]) if values["country"] else None
        if "parent" in values:
            values["parent"] = Organization.objects.get(slug=values["parent"]) if values["parent"] else None
        if change.action == "create":
            services.organization_create(
                slug=change.key,
                name=values.pop("name"),
                kind=values.pop("kind"),
                acting_user=context.acting_user,
                **values,
            )
        else:
            services.organization_update(
                organization=Organization.objects.get(slug=change.key), data=values, acting_user=context.acting_user
            )

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        """The networks' member organizations, those other sections name (`scope.organizations`), and their parents
        (else a load elsewhere could not place them)."""
        organizations = {
            organization.slug: organization
            for organization in Organization.objects.filter(
                Q(network_memberships__network__slug__in=scope.networks) | Q(slug__in=scope.organizations)
            )
            .select_related("parent")
            .prefetch_related("expertise_fields")
            .distinct()
        }
        missing = {o.parent.slug for o in organizations.values() if o.parent and o.parent.slug not in organizations}
        while missing:
            for organization in (
                Organization.objects.filter(slug__in=missing)
                .select_related("parent")
                .prefetch_related("expertise_fields")
            ):
                organizations[organization.slug] = organization
            missing = {o.parent.slug for o in organizations.values() if o.parent and o.parent.slug not in organizations}
        return [self._item(organizations[slug]) for slug in sorted(organizations)]

    def _item(self, organization: Organization) -> dict[str, Any]:
        item: dict[str, Any] = {"slug": organization.slug, "kind": organization.kind, "name": organization.name}
        values: dict[str, Any] = {
            "short_name": organization.short_name,
            "description": organization.description,
            "country": organization.country_id,
            "city": organization.city,
            "address": organization.address,
            "parent": organization.parent.slug if organization.parent else None,
            "website": organization.website,
            "email": organization.email,
            "phone": organization.phone,
        }
        item.update({field: value for field, value in values.items() if value})
        codes = [f.code for f in sorted(organization.expertise_fields.all(), key=lambda f: f.position)]
        if codes:
            item["expertise_fields"] = codes
        return item


MEMBER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["organization"],
    "additionalProperties": False,
    "properties": {
        "organization": {**SLUG, "description": "The slug of the member organization."},
        "role": {"enum": list(MembershipRole.values), "default": MembershipRole.MEMBER},
        "since": DATE,
        "until": DATE,
    },
}


def _date(item: Item, field: str, value: str | None, line: int, context: Context) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        message = _("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": value}
        context.problems.append(item.problem(field, message, line=line))
        return None


@register
class NetworksSection(Section):
    name = "networks"
    label = gettext_lazy("network")
    depends_on = ("organizations",)

    def item_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["slug", "name"],
            "additionalProperties": False,
            "properties": {
                "slug": SLUG,
                "name": TRANSLATED,
                "description": TRANSLATED,
                "website": _text(200),
                "members": {"type": "array", "items": MEMBER_SCHEMA},
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        by_slug = {self.key_of(item.data): item for item in items}
        memberships = NetworkMembership.objects.select_related("organization").order_by("organization__slug")
        existing = {
            network.slug: network
            for network in Network.objects.filter(slug__in=by_slug).prefetch_related(
                Prefetch("memberships", queryset=memberships)
            )
        }
        named = {member["organization"] for item in items for member in item.data.get("members") or []}
        known = _existing_slugs(slug for slug in named if not context.declares("organizations", slug))
        changes: list[Change] = []
        for slug, item in by_slug.items():
            wanted: dict[str, Any] = {}
            for field in ("name", "description"):
                if field in item.data:
                    wanted[field] = _translated(item, field, context)
            if "website" in item.data:
                wanted["website"] = (item.data["website"] or "").strip()
                if wanted["website"]:
                    _check_address(item, "website", wanted["website"], context)
            members = self._members(item, context, known) if "members" in item.data else None
            current = existing.get(slug)
            if current is None:
                fields = sorted(wanted) + [f"+members.{member}" for member in members or {}]
                data = {"profile": wanted, "set": members or {}, "remove": []}
                changes.append(Change(self, slug, "create", item, fields=fields, data=data))
                continue
            fields, profile = [], {}
            for field, value in wanted.items():
                if field in TRANSLATED_FIELDS:
                    differ = _translation_diff(field, value or {}, getattr(current, field) or {})
                else:
                    differ = [field] if value != getattr(current, field) else []
                if differ:
                    fields.extend(differ)
                    profile[field] = value
            to_set, to_remove = {}, []
            if members is not None:
                have = {m.organization.slug: m for m in current.memberships.all()}
                for member, values in members.items():
                    membership = have.get(member)
                    if membership is None:
                        fields.append(f"+members.{member}")
                        to_set[member] = values
                        continue
                    differ = [f"members.{member}.{k}" for k, v in values.items() if getattr(membership, k) != v]
                    if differ:
                        fields.extend(differ)
                        to_set[member] = values
                to_remove = sorted(set(have) - set(members))
                fields.extend(f"-members.{member}" for member in to_remove)
            data = {"profile": profile, "set": to_set, "remove": to_remove}
            changes.append(Change(self, slug, "change" if fields else "unchanged", item, fields=fields, data=data))
        return changes

    def _members(self, item: Item, context: Context, known: set[str]) -> dict[str, dict[str, Any]]:
        members: dict[str, dict[str, Any]] = {}
        entries = item.data.get("members") or []
        for index, entry in enumerate(entries):
            line = entries.line_of(index) if hasattr(entries, "line_of") else item.line
            field = f"members[{index}]"
            slug = entry["organization"]
            if not context.declares("organizations", slug) and slug not in known:
                context.problems.append(_unknown_organization(item, f"{field}.organization", slug, line=line))
            if slug in members:
                message = _("%(what)s %(key)s appears twice; it is first at %(place)s.") % {
                    "what": gettext_lazy("organization"),
                    "key": slug,
                    "place": f"{item.file}:{members[slug]['_line']}",
                }
                context.problems.append(item.problem(f"{field}.organization", message, line=line))
                continue
            members[slug] = {
                "_line": line,
                "role": entry.get("role") or MembershipRole.MEMBER,
                "since": _date(item, f"{field}.since", entry.get("since"), line, context),
                "until": _date(item, f"{field}.until", entry.get("until"), line, context),
            }
        for values in members.values():
            values.pop("_line")
        return members

    def apply(self, change: Change, context: Context) -> None:
        user = context.acting_user
        profile = dict(change.data["profile"])
        if change.action == "create":
            network = services.network_create(
                slug=change.key,
                name=profile.pop("name"),
                acting_user=user,
                description=profile.pop("description", None),
                website=profile.pop("website", ""),
            )
        else:
            network = Network.objects.get(slug=change.key)
            if profile:
                services.network_update(network=network, data=profile, acting_user=user)
        for slug in change.data["remove"]:
            membership = NetworkMembership.objects.select_related("network", "organization").get(
                network=network, organization__slug=slug
            )
            services.network_membership_remove(membership=membership, acting_user=user)
        for slug, values in change.data["set"].items():
            organization = Organization.objects.get(slug=slug)
            services.network_membership_set(network=network, organization=organization, acting_user=user, **values)

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        memberships = NetworkMembership.objects.select_related("organization").order_by("organization__slug")
        networks = Network.objects.filter(slug__in=scope.networks).prefetch_related(
            Prefetch("memberships", queryset=memberships)
        )
        return [self._item(network) for network in networks.order_by("slug")]

    def _item(self, network: Network) -> dict[str, Any]:
        item: dict[str, Any] = {"slug": network.slug, "name": network.name}
        if network.description:
            item["description"] = network.description
        if network.website:
            item["website"] = network.website
        members: list[dict[str, Any]] = []
        for membership in network.memberships.all():
            member: dict[str, Any] = {"organization": membership.organization.slug, "role": membership.role}
            if membership.since:
                member["since"] = membership.since.isoformat()
            if membership.until:
                member["until"] = membership.until.isoformat()
            members.append(member)
        item["members"] = members
        return item


# The people section lives in its own module; importing it here registers it with the other registry sections.
from tamyr.registry import netfile_people  # noqa: E402, F401
