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


def recipient(*, email: str | None = None, language: str = "", consent: bool = True, **values: Any) -> Any:
    """A person with an e-mail address, a `contact` consent (unless `consent=False`) and, when `language` is given,
    an account preferring it."""
    from tests.factories import ConsentFactory, PersonFactory, UserFactory

    person = PersonFactory(**values)
    person.email = email if email is not None else f"person{person.pk}@example.org"
    if language:
        person.user = UserFactory(username=f"reader{person.pk}", preferred_language=language)
    person.save(update_fields=["email", "user"])
    if consent:
        ConsentFactory(person=person, purpose="contact")
    return person


def campaign(organization: Organization, **values: Any) -> Any:
    """A draft campaign in English and Kazakh to an (unevaluated) segment of `organization`."""
    from tamyr.content.models import Campaign, Segment

    segment = Segment.objects.create(organization=organization, name="Everyone")
    values.setdefault("subject", {"en": "Hello {name}", "kk": "Сәлем {name}"})
    values.setdefault("body", {"en": "Dear {name},\nthe course opens.", "kk": "Құрметті {name},\nкурс ашылды."})
    values.setdefault("name", "Course news")
    return Campaign.objects.create(organization=organization, segment=segment, **values)
