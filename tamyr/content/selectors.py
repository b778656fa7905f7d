"""Reads of news and pages, each with its joins applied, so lists cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tamyr.accounts import permissions
from tamyr.content.models import (
    FINAL_MESSAGE_STATES,
    Attachment,
    Campaign,
    Entry,
    EntryKind,
    Message,
    MessageState,
    Segment,
)
from tamyr.registry.models import Network, Organization


def _base() -> QuerySet[Entry]:
    return Entry.objects.select_related("organization", "network")


def owned_by(entries: QuerySet[Entry], owner: Organization | Network) -> QuerySet[Entry]:
    """An organization's own items; a network's own items and those of its member organizations."""
    if isinstance(owner, Network):
        members = owner.memberships.values("organization_id")
        return entries.filter(Q(network=owner) | Q(organization_id__in=members))
    return entries.filter(organization=owner)


def public_news(
    *,
    owner: Organization | Network | None = None,
    language: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Entry]:
    """Published news, newest first; `language`: only items with a version in it (a feed in that language)."""
    entries: QuerySet[Entry] = Entry.objects.public(now).select_related("organization", "network")
    entries = entries.filter(kind=EntryKind.NEWS)
    if owner is not None:
        entries = owned_by(entries, owner)
    if language:
        entries = entries.filter(title__has_key=language)
    return entries.order_by("-published_at", "-id")


def latest_news(limit: int, owner: Organization | Network | None = None) -> list[Entry]:
    return list(public_news(owner=owner)[:limit])


def entry_for_reader(kind: str, slug: str, user: Any) -> Entry:
    """The item at an address, if the user may read it (else DoesNotExist: a draft is not found, not forbidden)."""
    entry = (
        _base()
        .select_related("parent__parent")
        .prefetch_related(Prefetch("attachments", Attachment.objects.order_by("id")))
        .get(kind=kind, slug=slug)
    )
    if not permissions.can(user, "content.view_entry", entry):
        raise Entry.DoesNotExist
    return entry


def children(entry: Entry, user: Any) -> list[Entry]:
    pages = _base().filter(parent=entry).order_by("order", "id")
    return [page for page in pages if permissions.can(user, "content.view_entry", page)]


def top_pages(owner: Organization | Network) -> QuerySet[Entry]:
    """An owner's published top-level pages, in their order (the menu on its page)."""
    pages = (
        Entry.objects.public()
        .select_related("organization", "network")
        .filter(kind=EntryKind.PAGE, parent__isnull=True)
    )
    owned = pages.filter(network=owner) if isinstance(owner, Network) else pages.filter(organization=owner)
    return owned.order_by("order", "id")


def editable_entries(user: Any, *, kind: str = "") -> QuerySet[Entry]:
    """What the user may edit: the items of the organizations they are admin or staff of and of the networks they
    coordinate (platform admins: all)."""
    roles = permissions.roles_of(user)
    entries = _base().select_related("parent")
    if kind:
        entries = entries.filter(kind=kind)
    if not roles.platform_admin:
        organizations = roles.organizations_with(permissions.PEOPLE_ROLES)
        entries = entries.filter(Q(organization_id__in=organizations) | Q(network_id__in=roles.coordinated_networks))
    return entries.order_by("-updated_at", "-id")


def owners_for(user: Any) -> list[Organization | Network]:
    """The organizations and networks the user may write news and pages for."""
    roles = permissions.roles_of(user)
    if roles.platform_admin:
        organizations = Organization.objects.filter(is_active=True)
        networks = Network.objects.all()
    else:
        organizations = Organization.objects.filter(pk__in=roles.organizations_with(permissions.PEOPLE_ROLES))
        networks = Network.objects.filter(pk__in=roles.coordinated_networks)
    return [*sorted(organizations, key=str), *sorted(networks, key=str)]


def parent_choices(entry: Entry) -> QuerySet[Entry]:
    """Pages of the same owner an entry may be put under (itself excluded; deeper loops the service refuses)."""
    pages = Entry.objects.filter(kind=EntryKind.PAGE)
    pages = (
        pages.filter(organization=entry.organization) if entry.organization_id else pages.filter(network=entry.network)
    )
    return pages.exclude(pk=entry.pk).order_by("order", "id") if entry.pk else pages.order_by("order", "id")


# --- mailings ---------------------------------------------------------------------------------------------------


def mailing_organizations(user: Any) -> QuerySet[Organization]:
    """The organizations whose mailings the user manages: where they are admin or staff (all, for platform admins)."""
    roles = permissions.roles_of(user)
    organizations = Organization.objects.filter(is_active=True)
    if not roles.platform_admin:
        organizations = organizations.filter(pk__in=roles.organizations_with(permissions.PEOPLE_ROLES))
    return organizations


def sender_organizations(user: Any) -> QuerySet[Organization]:
    """The organizations whose sending identity the user sets: where they are admin (all, for platform admins),
    each with its identity (one join)."""
    roles = permissions.roles_of(user)
    organizations = Organization.objects.filter(is_active=True)
    if not roles.platform_admin:
        organizations = organizations.filter(pk__in=roles.organizations_with(frozenset({permissions.ADMIN})))
    return organizations.select_related("sending_identity").order_by("slug")


def segments_for(user: Any) -> QuerySet[Segment]:
    return Segment.objects.filter(organization__in=mailing_organizations(user).values("pk")).select_related(
        "organization"
    )


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(organization__in=mailing_organizations(user).values("pk"))
        .select_related("organization", "segment")
        .order_by("-created_at", "-id")
    )


def message_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Messages per state per campaign, in one grouped query (the progress-by-state index answers it); the
    `unsubscribed` count is of messages whose recipient unsubscribed through them."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in campaign_ids}
    rows = (
        Message.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id", "state")
        .annotate(count=Count("pk"), unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)))
        .order_by()
    )
    for row in rows:
        by_state = counts[row["campaign_id"]]
        by_state[row["state"]] = row["count"]
        by_state["unsubscribed"] = by_state.get("unsubscribed", 0) + row["unsubscribed"]
    for by_state in counts.values():
        by_state["total"] = sum(v for k, v in by_state.items() if k in MessageState.values)
        by_state["done"] = sum(by_state.get(state, 0) for state in FINAL_MESSAGE_STATES)
        by_state["percent"] = round(100 * by_state["done"] / by_state["total"]) if by_state["total"] else 0
    return counts


def campaign_progress(campaign: Campaign) -> dict[str, int]:
    counts = message_counts([campaign.pk])[campaign.pk]
    return {key: counts.get(key, 0) for key in (*MessageState.values, "unsubscribed", "total", "done", "percent")}
