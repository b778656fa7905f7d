"""Who registered for the seeds' events, for `tamyr demo`: the generated compatriots, the seeds' named people, and
their attendance. The events themselves (venues, timetables, speakers, questions, delegations) are data, in the
network file `tamyr/demo/events.yaml`, loaded first as `tamyr load` loads any file.

Registrations are generated from the demo's compatriots (e-mails `demo.person.NNNN@example.org`), deterministically:
each person's choice for each event comes from `random.Random` seeded with the demo seed, the event's slug and the
person's number. They are written in bulk rather than through `registration_create`, whose rules refuse past
events, but they keep its invariants: never more confirmed than the event's or a category's seats, one registration
per person and event, the waiting list in the order people registered. Person 1 (the `compatriot` login) is left off
the future event. Running it again changes only what differs: registrations are found by person.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.events.models import (
    Delegation,
    Event,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)
from tamyr.registry.models import Organization, Person

#: The seeds' events: a network file, loaded the way `tamyr load` loads one.
EVENTS_FILE = Path(__file__).resolve().parents[1] / "demo" / "events.yaml"
GENERATED_EMAIL = "demo.person.{number:04d}@example.org"
COMPATRIOT_NUMBER = 1  # the person of the `compatriot` demo login


@dataclass(frozen=True)
class Candidate:
    """A generated compatriot as the audience rules see them."""

    person_id: int
    number: int
    residence: str
    citizenships: frozenset[str]
    registered_by_id: int | None

    @property
    def kazakhstani(self) -> bool:
        return self.residence == "KZ" or "KZ" in self.citizenships


@dataclass(frozen=True)
class Audience:
    """Who of the generated compatriots registers, and what happens to them."""

    chance: Callable[[Candidate], float]
    category: Callable[[Candidate], int] = lambda candidate: 0  # index into the event's categories
    waitlist_limit: int = 0  # how many more than the seats still join the waiting list (per category)
    attend: float = 0.85  # share of the confirmed who are checked in (past events only)
    cancel: float = 0.04
    represent_keeper: bool = False  # register as representing the organization that keeps their record
    answers: Callable[[random.Random, dict[int, int]], dict[str, Any]] | None = None
    exclude_compatriot: bool = False


@dataclass(frozen=True)
class Named:
    """A person named in the seeds who took part: (key, organization represented, delegation as (country,
    organization), as events.yaml writes it)."""

    person: str
    organization: str
    delegation: tuple[str | None, str | None] | None = None


@dataclass(frozen=True)
class EventRegistrations:
    """Who registered for one event of events.yaml, by its slug."""

    slug: str
    named: tuple[Named, ...] = ()
    audience: Audience | None = None


EUROPE = frozenset({"AT", "DE", "HU", "FR", "BE", "GB", "UA", "BY"})


def _vienna_answers(rng: random.Random, questions: dict[int, int]) -> dict[str, Any]:
    diet = rng.choices((0, 1, 2, 3), weights=(60, 15, 20, 5))[0]
    arrival = rng.choice(("12 January", "13 January", "13 January", "14 January (morning)"))
    return {
        str(questions[0]): diet,
        str(questions[1]): arrival,
        str(questions[2]): arrival != "14 January (morning)" and rng.random() < 0.9,
    }


_BUDAPEST_KZ, _OTS = ("KZ", "otandastar"), (None, "ots-secretariat")
REGISTRATIONS: tuple[EventRegistrations, ...] = (
    EventRegistrations(
        "ots-diaspora-ministerial-2025-budapest",
        named=(
            Named("daniyar-kadyrov", "otandastar", _BUDAPEST_KZ),
            Named("abzal-saparbekuly", "embassy-kazakhstan-hungary", _BUDAPEST_KZ),
            Named("lorinc-nacsa", "hungarian-communities-abroad", ("HU", "hungarian-communities-abroad")),
            Named("kubanychbek-omuraliev", "ots-secretariat", _OTS),
            Named("balazs-hendrich", "ots-budapest-office", _OTS),
        ),
    ),
    EventRegistrations(
        "diaspora-capacity-building-2026-vienna",
        audience=Audience(
            chance=lambda c: 0.55 if c.residence in EUROPE else 0.08, represent_keeper=True, answers=_vienna_answers
        ),
    ),
    EventRegistrations(
        "ots-ngo-solidarity-forum-2025-baku",
        named=tuple(
            Named(key, organization)
            for key, organization in (
                ("zhansayo-ismagulova", "future-with-you"),
                ("assiya-tikeyeva", "community-hub"),
                ("ayan-turekulov", "second-republic"),
                ("agil-jamal", "common-values"),
                ("shalala-hasanova", "public-relations-development"),
                ("hajibay-heydarli", "youth-socio-economic-development"),
            )
        ),
        audience=Audience(chance=lambda c: 0.3 if c.residence in {"KZ", "TR", "UZ", "KG"} else 0.04),
    ),
    EventRegistrations(
        "otandas-scholars-forum-2025",
        audience=Audience(
            chance=lambda c: 1.0 if c.kazakhstani else 0.35,
            category=lambda c: 1 if c.kazakhstani else 0,
            waitlist_limit=4,
            attend=0.9,
            cancel=0.02,
        ),
    ),
    EventRegistrations(
        "kurultai-istanbul-2021",
        audience=Audience(
            chance=lambda c: 0.95 if c.residence == "TR" else (0.7 if c.residence in EUROPE else 0.0),
            represent_keeper=True,
        ),
    ),
    EventRegistrations(
        "online-kazakhstan-film-week-london-2021",
        audience=Audience(
            chance=lambda c: 0.9 if c.residence == "GB" else (0.2 if c.residence in EUROPE | {"US"} else 0.03),
            attend=0.7,
            cancel=0.0,
        ),
    ),
    EventRegistrations(
        "kazakh-talk-club-2027-08",
        audience=Audience(chance=lambda c: 0.08, cancel=0.05, exclude_compatriot=True),
    ),
)


def load_events() -> dict[str, Event]:
    """Load events.yaml through the network-file loader, acting as the system, as `tamyr load` does: planned by
    slug, applied through the events services with their audit rows; a second run changes nothing."""
    plan = netfiles.load([(f"tamyr/demo/{EVENTS_FILE.name}", EVENTS_FILE.read_text(encoding="utf-8"))])
    slugs = list(plan.context.declared.get("events", {}))
    events = Event.objects.in_bulk(slugs, field_name="slug")
    return {slug: events[slug] for slug in slugs}


def _candidates() -> list[Candidate]:
    rows = (
        Person.objects.filter(email__startswith="demo.person.", email__endswith="@example.org", erased_at__isnull=True)
        .order_by("email", "id")
        .values_list("id", "email", "residence_country_id", "registered_by_id")
    )
    citizenships: dict[int, set[str]] = defaultdict(set)
    through = Person.citizenships.through.objects.filter(person__email__startswith="demo.person.")
    for person_id, code in through.values_list("person_id", "country_id"):
        citizenships[person_id].add(code)
    result, seen = [], set()
    for person_id, email, residence, keeper in rows:
        number_text = email.removeprefix("demo.person.").removesuffix("@example.org")
        if not number_text.isdigit() or email in seen:
            continue
        seen.add(email)
        result.append(
            Candidate(person_id, int(number_text), residence or "", frozenset(citizenships[person_id]), keeper)
        )
    return result


@dataclass
class _Wanted:
    person_id: int
    status: str
    registered_at: dt.datetime
    category_id: int | None = None
    delegation_id: int | None = None
    organization_id: int | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    language: str = ""
    checked_in_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None

    def fields(self) -> dict[str, Any]:
        confirmed = self.status == RegistrationStatus.CONFIRMED
        return {
            "status": self.status,
            "category_id": self.category_id,
            "delegation_id": self.delegation_id,
            "organization_id": self.organization_id,
            "answers": self.answers,
            "language": self.language,
            "registered_by_id": None,
            "confirmed_at": self.registered_at if confirmed else None,
            "waitlisted_at": self.registered_at if self.status == RegistrationStatus.WAITLISTED else None,
            "cancelled_at": self.cancelled_at,
            "checked_in_at": self.checked_in_at,
        }


LANGUAGE_OF_RESIDENCE = {
    "KZ": "kk",
    "TR": "tr",
    "HU": "hu",
    "AZ": "az",
    "UZ": "uz",
    "KG": "ky",
    "RU": "ru",
    "BY": "ru",
    "UA": "ru",
    "MN": "kk",
    "IR": "kk",
}


def _wanted_registrations(
    event: Event,
    plan: EventRegistrations,
    seed: int,
    candidates: Sequence[Candidate],
    categories: Sequence[RegistrationCategory],
    questions: dict[int, int],
    delegations: dict[tuple[str | None, str | None], Delegation],
    named: dict[str, Person],
    organizations: dict[str, Organization],
    others_confirmed: Counter[int | None],
) -> list[_Wanted]:
    """Who registers, in the order they did, with seats given first come first served."""
    past = event.ends_at < dt.datetime.now(dt.UTC)
    opens = event.registration_opens_at or (event.starts_at - dt.timedelta(days=45))
    closes = event.registration_closes_at or (event.starts_at - dt.timedelta(days=1))
    span = max((closes - opens).total_seconds(), 3600.0)
    wanted: list[_Wanted] = []
    for index, entry in enumerate(plan.named):
        delegation = delegations.get(entry.delegation) if entry.delegation else None
        wanted.append(
            _Wanted(
                person_id=named[entry.person].pk,
                status=RegistrationStatus.CONFIRMED,
                registered_at=opens + dt.timedelta(hours=index),
                delegation_id=delegation.pk if delegation else None,
                organization_id=organizations[entry.organization].pk,
                checked_in_at=event.starts_at - dt.timedelta(minutes=30 - index) if past else None,
            )
        )
    audience = plan.audience
    if audience is None:
        return wanted
    drawn = []
    for candidate in candidates:
        if audience.exclude_compatriot and candidate.number == COMPATRIOT_NUMBER:
            continue
        rng = random.Random(f"tamyr-demo-events:{seed}:{plan.slug}:{candidate.number}")
        if rng.random() >= audience.chance(candidate):
            continue
        moment = opens + dt.timedelta(seconds=int(rng.random() * span))
        drawn.append((moment, candidate.number, candidate, rng))
    drawn.sort(key=lambda row: (row[0], row[1]))

    confirmed: Counter[int | None] = Counter(others_confirmed)
    waiting: Counter[int | None] = Counter()
    total_confirmed = sum(others_confirmed.values()) + len(wanted)
    for moment, _number, candidate, rng in drawn:
        category = categories[audience.category(candidate)] if categories else None
        key = category.pk if category else None
        cancels = rng.random() < audience.cancel
        attends = rng.random() < audience.attend
        answers = audience.answers(rng, questions) if audience.answers else {}
        event_full = event.capacity is not None and total_confirmed >= event.capacity
        category_full = category is not None and category.capacity is not None and confirmed[key] >= category.capacity
        if cancels:
            status = RegistrationStatus.CANCELLED
        elif not event_full and not category_full:
            status = RegistrationStatus.CONFIRMED
        elif waiting[key] < audience.waitlist_limit:
            status = RegistrationStatus.WAITLISTED
        else:
            continue  # full, and the waiting list already long: this person did not register
        if status == RegistrationStatus.CONFIRMED:
            confirmed[key] += 1
            total_confirmed += 1
        elif status == RegistrationStatus.WAITLISTED:
            waiting[key] += 1
        checked_in = None
        if past and status == RegistrationStatus.CONFIRMED and attends:
            checked_in = event.starts_at - dt.timedelta(minutes=5 + int(rng.random() * 40))
        wanted.append(
            _Wanted(
                person_id=candidate.person_id,
                status=status,
                registered_at=moment,
                category_id=key,
                organization_id=candidate.registered_by_id if audience.represent_keeper else None,
                answers=answers,
                language=LANGUAGE_OF_RESIDENCE.get(candidate.residence, "en"),
                checked_in_at=checked_in,
                cancelled_at=moment + dt.timedelta(days=2) if status == RegistrationStatus.CANCELLED else None,
            )
        )
    return wanted


def _sync_registrations(event: Event, wanted: list[_Wanted], managed: set[int]) -> tuple[int, int]:
    """Create, change or remove the registrations of the people the demo manages; others' stay as they are."""
    existing = {r.person_id: r for r in Registration.objects.filter(event=event, person_id__in=managed)}
    by_person = {w.person_id: w for w in wanted}
    stale = [r.pk for person_id, r in existing.items() if person_id not in by_person]
    if stale:
        Registration.objects.filter(pk__in=stale).delete()
    new: list[Registration] = []
    changed: list[Registration] = []
    names: set[str] = set()
    for item in wanted:
        values = item.fields()
        registration = existing.get(item.person_id)
        if registration is None:
            registration = Registration(event=event, person_id=item.person_id, **values)
            new.append(registration)
            continue
        diff = [name for name, value in values.items() if getattr(registration, name) != value]
        if diff:
            for name in diff:
                setattr(registration, name, values[name])
            names.update(diff)
            changed.append(registration)
    Registration.objects.bulk_create(new)
    # registered when the demo says, not when the demo ran (bulk_update leaves auto_now_add alone)
    for registration in new:
        registration.created_at = by_person[registration.person_id].registered_at
    if new:
        Registration.objects.bulk_update(new, ["created_at"])
    if changed:
        Registration.objects.bulk_update(changed, sorted(names))
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            actor_label="system",
            action=action,
            target_type=Registration._meta.label_lower,
            target_id=str(r.pk),
            target_label=f"{r.code} — {event.slug}",
            data={"source": "demo", "status": r.status},
        )
        for action, rows in (("events.registration_created", new), ("events.registration_changed", changed))
        for r in rows
    )
    return len(new), len(changed)


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the seeds' events and who registered for them; returns counts to print."""
    events = load_events()
    keys = {entry.person for plan in REGISTRATIONS for entry in plan.named}
    named = {person.key: person for person in Person.objects.filter(key__in=keys) if person.key}
    slugs = {entry.organization for plan in REGISTRATIONS for entry in plan.named}
    organizations = Organization.objects.in_bulk(sorted(slugs), field_name="slug")
    missing = sorted((keys - set(named)) | (slugs - set(organizations)))
    if missing:
        raise LookupError(f"The registry demo has not loaded {', '.join(missing)}; run the whole `tamyr demo`.")
    candidates = _candidates()
    for plan in REGISTRATIONS:
        event = events[plan.slug]
        categories = list(event.categories.order_by("order", "id"))
        questions = dict(enumerate(event.questions.order_by("order", "id").values_list("pk", flat=True)))
        delegations = {
            (delegation.country_id, delegation.organization.slug if delegation.organization else None): delegation
            for delegation in event.delegations.select_related("organization")
        }
        excluded = COMPATRIOT_NUMBER if plan.audience and plan.audience.exclude_compatriot else None
        managed = {c.person_id for c in candidates if c.number != excluded}
        managed |= {named[entry.person].pk for entry in plan.named}
        others: Counter[int | None] = Counter(
            dict(
                Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
                .exclude(person_id__in=managed)
                .values_list("category")
                .annotate(n=Count("id"))
                .values_list("category", "n")
            )
        )
        wanted = _wanted_registrations(
            event, plan, seed, candidates, categories, questions, delegations, named, organizations, others
        )
        _sync_registrations(event, wanted, managed)

    registrations = Registration.objects.filter(event__in=events.values())
    return {
        "events": len(events),
        "sessions": Session.objects.filter(event__in=events.values()).count(),
        "speakers": SessionSpeaker.objects.filter(session__event__in=events.values()).count(),
        "delegations": Delegation.objects.filter(event__in=events.values()).count(),
        "registrations": registrations.count(),
        "confirmed": registrations.filter(status=RegistrationStatus.CONFIRMED).count(),
        "waitlisted": registrations.filter(status=RegistrationStatus.WAITLISTED).count(),
        "checked in": registrations.filter(checked_in_at__isnull=False).count(),
    }
