"""Reads of the registry, with their joins applied once here so no list page runs N+1 queries."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tamyr.accounts import permissions
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.names import search_key
from tamyr.registry.models import (
    Country,
    Network,
    NetworkMembership,
    Organization,
    Person,
)


def country_list() -> QuerySet[Country]:
    return Country.objects.all()


def countries_in_use() -> QuerySet[Country]:
    return Country.objects.filter(organizations__isnull=False).distinct()


def organization_list(
    *, search: str = "", country: str = "", kind: str = "", network: str = "", active_only: bool = True
) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("country", "parent").prefetch_related(
        Prefetch("network_memberships", queryset=NetworkMembership.objects.select_related("network"))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    if country:
        qs = qs.filter(country_id=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if network:
        qs = qs.filter(networks__slug=network)
    if search:
        # names are {lang: text} JSON; searching the serialized text finds any language on both databases
        text = search.strip()
        condition = Q(short_name__icontains=text) | Q(slug__icontains=text) | Q(city__icontains=text)
        for code in LANGUAGE_CODES:
            condition |= Q(**{f"name__{code}__icontains": text})
        qs = qs.filter(condition)
    return qs.distinct().order_by("slug")


def organization_get(slug: str) -> Organization:
    return (
        Organization.objects.select_related("country", "parent")
        .prefetch_related(
            Prefetch("network_memberships", queryset=NetworkMembership.objects.select_related("network")),
            "children",
        )
        .get(slug=slug)
    )


def network_list() -> QuerySet[Network]:
    return Network.objects.annotate(organization_count=Count("memberships")).order_by("slug")


def network_get(slug: str) -> Network:
    return Network.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=NetworkMembership.objects.select_related("organization", "organization__country").order_by(
                "role", "organization__slug"
            ),
        )
    ).get(slug=slug)


def people_visible_to(user: Any) -> QuerySet[Person]:
    """People the user may see as staff (not counting their own record)."""
    qs = Person.objects.select_related("residence_country", "registered_by").prefetch_related(
        "name_variants", "citizenships"
    )
    scope = permissions.people_scope(user)
    if scope is None:
        return qs
    if not scope:
        return qs.none()
    return qs.filter(Q(registered_by_id__in=scope) | Q(affiliations__organization_id__in=scope)).distinct()


def people_filter(
    qs: QuerySet[Person], *, country: str = "", organization: str = "", include_erased: bool = False
) -> QuerySet[Person]:
    if country:
        qs = qs.filter(residence_country_id=country.upper())
    if organization:
        qs = qs.filter(
            Q(registered_by__slug=organization) | Q(affiliations__organization__slug=organization)
        ).distinct()
    if not include_erased:
        qs = qs.filter(erased_at__isnull=True)
    return qs


def person_search(qs: QuerySet[Person], text: str, *, limit: int = 500) -> list[Person]:
    """People whose name matches `text` in any variant and any script, best match first."""
    key = search_key(text)
    if not key:
        return list(qs[:limit])
    condition = Q()
    for token in key.split():
        condition &= Q(name_variants__key__contains=token)
    candidates = list(qs.filter(condition).distinct()[:limit])

    query_words = key.split()

    def score(person: Person) -> float:
        """A whole name beats whole words, whole words beat word beginnings ("Tokayev" ranks Tokayev above
        Tokayeva), and closeness of the whole name breaks ties."""
        keys = [variant.key for variant in person.name_variants.all()] or [search_key(person.display_name)]
        best = 0.0
        for candidate in keys:
            words = candidate.split()
            word_score = sum(
                1.0 if word in words else 0.5 if any(w.startswith(word) for w in words) else 0.0 for word in query_words
            ) / len(query_words)
            ratio = SequenceMatcher(None, key, candidate).ratio() + word_score
            if candidate == key:
                ratio += 2.0
            best = max(best, ratio)
        return best

    return sorted(candidates, key=lambda person: (-score(person), person.display_name, person.pk))


def person_get(pk: int) -> Person:
    return (
        Person.objects.select_related("residence_country", "registered_by", "user")
        .prefetch_related("name_variants", "citizenships", "languages", "consents", "affiliations__organization")
        .get(pk=pk)
    )


def person_of_user(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()
