"""Reads for the public and participant pages of events (list, calendar, detail, feeds, "my registrations").

Kept apart from `selectors.py` so the public pages can grow without touching the reads the services and the
organizers' pages share; everything here returns querysets with their joins applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.events.models import (
    ACTIVE_STATUSES,
    Delegation,
    Event,
    EventStatus,
    Invitation,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.models import Network, Organization, Person

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def _public_events() -> QuerySet[Event]:
    return (
        Event.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("organizer", "venue", "venue__country")
        .order_by("starts_at", "slug")
    )


def organization_feed_events(organization: Organization) -> QuerySet[Event]:
    """Published (and cancelled, so subscribers see the cancellation) events the organization (co-)organizes."""
    return (
        _public_events()
        .filter(Q(organizer=organization) | Q(co_organizers=organization))
        .distinct()
        .order_by("starts_at", "slug")
    )


def network_feed_events(network: Network) -> QuerySet[Event]:
    """Published and cancelled events organized or co-organized by any organization in the network."""
    members = network.memberships.values("organization_id")
    return (
        _public_events()
        .filter(Q(organizer_id__in=members) | Q(co_organizers__in=members))
        .distinct()
        .order_by("starts_at", "slug")
    )


def categories_with_seats(event: Event) -> list[RegistrationCategory]:
    """The event's categories, each with `confirmed_count` and `seats_left` (None: no limit)."""
    categories: list[RegistrationCategory] = list(
        RegistrationCategory.objects.filter(event=event)
        .annotate(confirmed_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)))
        .order_by("order", "id")
    )
    for category in categories:
        confirmed: int = getattr(category, "confirmed_count", 0)
        left = None if category.capacity is None else max(category.capacity - confirmed, 0)
        category.seats_left = left  # type: ignore[attr-defined]
    return categories


def seats_left(event: Event) -> int | None:
    """Seats left in the whole event, from the `confirmed_count` the event selectors annotate; None: no limit."""
    if event.capacity is None:
        return None
    confirmed = getattr(event, "confirmed_count", None)
    if confirmed is None:
        confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    return max(event.capacity - confirmed, 0)


def registration_get(code: str) -> Registration:
    """One registration by its code, with what its page shows; raises Registration.DoesNotExist."""
    return (
        Registration.objects.select_related(
            "event",
            "event__organizer",
            "event__venue",
            "event__venue__country",
            "person",
            "category",
            "delegation",
            "delegation__country",
            "delegation__organization",
            "organization",
        )
        .prefetch_related("event__co_organizers", "event__questions", "files")
        .get(code=code.strip().upper())
    )


def registrations_of_person_split(
    person: Person | None, *, now: datetime | None = None
) -> tuple[list[Registration], list[Registration]]:
    """A person's registrations: upcoming (soonest first), then past (latest first)."""
    now = now or timezone.now()
    registrations = list(
        Registration.objects.filter(person=person)
        .select_related("event", "event__venue", "event__venue__country", "event__organizer", "category")
        .order_by("event__starts_at", "id")
    )
    upcoming = [r for r in registrations if r.event.ends_at >= now]
    past = [r for r in registrations if r.event.ends_at < now]
    past.reverse()
    return upcoming, past


def invitation_get(token: str) -> Invitation:
    """An invitation by its token, with its event; raises Invitation.DoesNotExist."""
    return Invitation.objects.select_related(
        "event", "event__organizer", "event__venue", "delegation", "delegation__country", "delegation__organization"
    ).get(token=token)


def open_invitation(event: Event, token: str) -> Invitation | None:
    """The event's invitation with this token, if it has not been used yet."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("delegation")
        .filter(event=event, token=token, accepted_at__isnull=True)
        .first()
    )


def organizations_for_registration() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).order_by("slug")


def organizers_with_events() -> QuerySet[Organization]:
    """Organizations that (co-)organize at least one public event: the choices of the list's organizer filter."""
    return (
        Organization.objects.filter(
            Q(organized_events__status__in=PUBLIC_STATUSES) | Q(co_organized_events__status__in=PUBLIC_STATUSES)
        )
        .distinct()
        .order_by("slug")
    )


@dataclass(frozen=True)
class Availability:
    """Whether a visitor may register now, and if not, why (`code` as the service would say, `message` to show)."""

    code: str
    message: str

    @property
    def is_open(self) -> bool:
        return self.code == "open"


def registration_availability(event: Event, *, now: datetime | None = None, invited: bool = False) -> Availability:
    """What the registration box says before anyone submits. The service decides again when they do."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return Availability("cancelled", _("This event is cancelled; registration is closed."))
    if event.status != EventStatus.PUBLISHED:
        return Availability("not_published", _("Registration opens when the event is published."))
    if now > event.ends_at:
        return Availability("event_over", _("This event is over."))
    if event.registration_opens_at and now < event.registration_opens_at:
        return Availability("not_open", _("Registration has not opened yet."))
    if event.registration_closes_at and now > event.registration_closes_at:
        return Availability("deadline_passed", _("The registration deadline has passed."))
    if not event.is_public and not invited:
        return Availability(
            "invitation_only",
            _("This event is by invitation only. If you were invited, open the link in your invitation e-mail."),
        )
    left = seats_left(event)
    if left == 0 and not event.waiting_list and not event.requires_approval:
        return Availability("full", _("The event is full."))
    return Availability("open", "")


def active_registration(event: Event, person: Person | None) -> Registration | None:
    if person is None:
        return None
    return (
        Registration.objects.select_related("category")
        .filter(event=event, person=person, status__in=ACTIVE_STATUSES)
        .first()
    )


def delegations_for_page(event: Event, *, organizer: bool) -> list[Delegation]:
    """The event's delegations (prefetched by `selectors.event_get`), each with `head_name`: the head as the page
    may show them. Organizers see the name; everyone else sees it only when the head consented to showing their
    name on public pages, and their initials otherwise (the rule of certificates,
    `registry.selectors.people_showing_their_name`)."""
    delegations = list(event.delegations.all())
    heads = [delegation.head_id for delegation in delegations if delegation.head_id]
    shown = None if organizer else registry_selectors.people_showing_their_name(heads)
    for delegation in delegations:
        head = delegation.head
        if head is None:
            delegation.head_name = ""  # type: ignore[attr-defined]
        elif shown is None or head.pk in shown:
            delegation.head_name = head.display_name  # type: ignore[attr-defined]
        else:
            delegation.head_name = registry_selectors.initials(head.display_name)  # type: ignore[attr-defined]
    return delegations


def upcoming_events(limit: int) -> list[Event]:
    """The next published events that have not ended, soonest first, for the home page (one query)."""
    coming = _public_events().filter(status=EventStatus.PUBLISHED, ends_at__gte=timezone.now())
    return list(coming.order_by("starts_at", "slug")[:limit])
