"""What a segment's rules may be chosen from, labelled and sorted in the reader's language.

Events, courses and calls are only those the editor can see (published ones, and their own organizations' drafts):
a segment may not name another organization's draft (the services check the same rule for the API).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from tamyr.accounts import permissions
from tamyr.calls.models import Call
from tamyr.core.choices import collated
from tamyr.core.cldr import country_name, language_name
from tamyr.core.i18n import translate
from tamyr.events.models import Event
from tamyr.learning.models import Course
from tamyr.registry.models import Country, Network, Organization


def _own(user: Any) -> set[int] | None:
    """Organizations whose unpublished activities the user may see; None: all (platform admins)."""
    return permissions.people_write_scope(user)


def visible_events(user: Any) -> Any:
    scope = _own(user)
    events = Event.objects.all()
    if scope is not None:
        events = events.filter(Q(status__in=("published", "cancelled")) | Q(organizer__in=scope)
                               | Q(co_organizers__in=scope)).distinct()  # fmt: skip
    return events


def visible_courses(user: Any) -> Any:
    scope = _own(user)
    courses = Course.objects.all()
    return courses if scope is None else courses.filter(Q(is_published=True) | Q(provider__in=scope))


def visible_calls(user: Any) -> Any:
    scope = _own(user)
    calls = Call.objects.all()
    return calls if scope is None else calls.filter(Q(status__in=("published", "archived")) | Q(organization__in=scope))


def rule_choices(user: Any, language: str | None) -> dict[str, list[tuple[str, str]]]:
    """(value, label) per rule, each list sorted by label with the reader's collation."""
    pick = [
        ("events", visible_events(user).order_by("-starts_at")[:300], "title"),
        ("courses", visible_courses(user)[:300], "title"),
        ("calls", visible_calls(user).order_by("-closes_at")[:300], "title"),
    ]
    choices: dict[str, list[tuple[str, str]]] = {
        "countries": collated(
            [(code, country_name(code, language)) for code in Country.objects.values_list("code", flat=True)], language
        ),
        "networks": collated([(n.slug, str(n)) for n in Network.objects.all()], language),
        "organizations": collated([(o.slug, str(o)) for o in Organization.objects.filter(is_active=True)], language),
        "languages": collated([(code, language_name(code, language)) for code, _name in settings.LANGUAGES], language),
    }
    for key, rows, field in pick:
        choices[key] = collated([(row.slug, translate(getattr(row, field), language) or row.slug) for row in rows],
                                language)  # fmt: skip
    return choices
