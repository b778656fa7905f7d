"""News items and pages for tests: written through the service, as an editor would, unless a test needs a row as
it could be stored (e.g. raw HTML that skipped the sanitiser)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tamyr.accounts.permissions import SYSTEM
from tamyr.content import services
from tamyr.content.models import Entry, EntryKind, EntryStatus
from tamyr.registry.models import Network, Organization

_counter = iter(range(1, 1_000_000))


def news(owner: Organization | Network, *, published: bool = True, **values: Any) -> Entry:
    """A news item of `owner`, published an hour ago unless `published=False` or a status/time is given."""
    number = next(_counter)
    values.setdefault("title", {"en": f"News {number}"})
    if published:
        values.setdefault("status", EntryStatus.PUBLISHED)
        values.setdefault("published_at", timezone.now() - dt.timedelta(hours=1))
    return services.entry_create(
        kind=values.pop("kind", EntryKind.NEWS),
        slug=values.pop("slug", f"news-{number}"),
        acting_user=values.pop("acting_user", SYSTEM),
        organization=owner if isinstance(owner, Organization) else None,
        network=owner if isinstance(owner, Network) else None,
        **values,
    )


def page(owner: Organization | Network, **values: Any) -> Entry:
    values.setdefault("slug", f"page-{next(_counter)}")
    return news(owner, kind=EntryKind.PAGE, **values)
