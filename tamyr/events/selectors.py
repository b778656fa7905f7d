"""Reads of events, with joins applied here so list pages and endpoints run a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tamyr.accounts import permissions
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.events.models import (
    Delegation,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)


def _with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    # distinct: filters through co-organizers or networks join several rows per event, which would multiply counts
    return qs.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED), distinct=True
        ),
    )


def event_list(
    *,
    user: Any = None,
    search: str = "",
    country: str = "",
    kind: str = "",
    organizer: str = "",
    network: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    online: bool | None = None,
    include_drafts: bool = False,
) -> QuerySet[Event]:
    """Public events (and the user's own drafts when `include_drafts`), filtered as the list page offers."""
    qs = Event.objects.select_related("organizer", "venue", "venue__country").prefetch_related("co_organizers")
    visible = Q(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])
    if include_drafts and user is not None:
        scope = permissions.people_write_scope(user)
        if scope is None:
            visible = Q()
        elif scope:
            visible |= Q(organizer_id__in=scope) | Q(co_organizers__in=scope)
    qs = qs.filter(visible)
    if search:
        condition = Q(slug__icontains=search)
        for code in LANGUAGE_CODES:
            condition |= Q(**{f"title__{code}__icontains": search})
        qs = qs.filter(condition)
    if country:
        qs = qs.filter(venue__country_id=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if organizer:
        qs = qs.filter(Q(organizer__slug=organizer) | Q(co_organizers__slug=organizer))
    if network:
        qs = qs.filter(Q(organizer__networks__slug=network) | Q(co_organizers__networks__slug=network))
    if date_from:
        qs = qs.filter(ends_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        qs = qs.filter(starts_at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    if online is True:
        qs = qs.exclude(online_url="")
    elif online is False:
        qs = qs.filter(online_url="")
    return _with_counts(qs.distinct()).order_by("-starts_at", "slug")


def event_get(slug: str) -> Event:
    return (
        _with_counts(Event.objects.filter(slug=slug))
        .select_related("organizer", "venue", "venue__country")
        .prefetch_related(
            "co_organizers",
            "co_chairs",
            "categories",
            "questions",
            Prefetch(
                "sessions",
                queryset=Session.objects.select_related("venue").prefetch_related(
                    Prefetch("speakers", queryset=SessionSpeaker.objects.select_related("person")),
                    "materials",
                ),
            ),
            Prefetch(
                "delegations",
                queryset=Delegation.objects.select_related("country", "organization", "head").annotate(
                    member_count=Count(
                        "registrations",
                        filter=Q(registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]),
                    )
                ),
            ),
            "photos",
        )
        .get()
    )


def registrations_of_event(event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .select_related("person", "person__residence_country", "category", "delegation", "organization")
        .order_by("status", "created_at", "id")
    )


def registrations_of_person(person: Any) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(person=person)
        .select_related("event", "event__venue", "category")
        .order_by("-event__starts_at")
    )


def registration_for(event: Event, person: Any) -> Registration | None:
    if person is None:
        return None
    return Registration.objects.filter(event=event, person=person).first()
