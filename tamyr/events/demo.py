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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tamyr.core.netfiles import shipped
from tamyr.events.models import Delegation, Event, Registration, RegistrationStatus, Session, SessionSpeaker
from tamyr.events.netfile import registrations_sync
from tamyr.registry.models import Organization, Person

#: The seeds' events: a network file, loaded the way `tamyr load` loads one.
EVENTS_FILE = shipped.DEMO_DIR / "events.yaml"
COMPATRIOT_NUMBER = 1  # the person of the `compatriot` demo login


@dataclass(frozen=True)
class Candidate:
    """A generated compatriot as the audience rules see them."""

    person_id: int
    number: int
    residence: str
    citizenships: frozenset[str]
    registered_by_id: int | None
    works_for: frozenset[int] = frozenset()  # the organizations they are affiliated with

    @property
    def kazakhstani(self) -> bool:
        return self.residence == "KZ" or "KZ" in self.citizenships


#: Who registered for which event, and the groups of countries they are drawn by: a data file.
DATA: dict[str, Any] = shipped.demo_data("registrations.yaml")
LANGUAGE_OF_RESIDENCE: dict[str, str] = DATA["language_of_residence"]
#: A person named in the seeds who took part: (key, organization represented, delegation as (country, organization)).
Named = tuple[str, str, tuple[str | None, str] | None]


@dataclass(frozen=True)
class EventRegistrations:
    """Who registered for one event of events.yaml, by its slug (see tamyr/demo/registrations.yaml, whose `defaults`
    fill in what an event leaves out)."""

    slug: str
    named: tuple[Named, ...]
    chance: tuple[tuple[str, float], ...]  # none: nobody generated registers
    category: tuple[tuple[str, int], ...]  # index into the event's categories
    waitlist_limit: int  # how many more than the seats still join the waiting list (per category)
    attend: float  # share of the confirmed who are checked in (past events only)
    cancel: float
    represent_keeper: bool  # register as representing the organization that keeps their record
    answers: str  # a name in the data file's `answers`
    exclude_compatriot: bool

    @classmethod
    def of(cls, spec: dict[str, Any]) -> EventRegistrations:
        spec = {**DATA["defaults"], **spec}
        named = tuple(
            (key, organization, tuple(rest[0]) if rest else None) for key, organization, *rest in spec["named"]
        )
        rules = {name: tuple(tuple(rule) for rule in spec[name]) for name in ("chance", "category")}
        return cls(**{**spec, "named": named, **rules})


def first_fitting(rules: Sequence[tuple[str, Any]], candidate: Candidate) -> Any:
    """The value of the first rule whose `who` (a country, a group of them, `kazakhstani` or `other`) fits."""
    for who, value in rules:
        if who == "other" or (who == "kazakhstani" and candidate.kazakhstani):
            return value
        if candidate.residence in DATA["groups"].get(who, [who]):
            return value
    return 0


def _answers(rng: random.Random, rules: Sequence[dict[str, Any]], questions: dict[int, int]) -> dict[str, Any]:
    """Answers to the event's questions, one rule each (`answers` in the data file): drawn from `choices` (by
    `weights` when given), or yes by `chance` unless an earlier answer (`unless`) rules it out."""
    given: list[Any] = []
    for rule in rules:
        if "weights" in rule:
            given.append(rng.choices(rule["choices"], weights=rule["weights"])[0])
        elif "choices" in rule:
            given.append(rng.choice(rule["choices"]))
        else:
            index, ruled_out = rule["unless"]
            given.append(given[index] != ruled_out and rng.random() < rule["chance"])
    return {str(questions[index]): answer for index, answer in enumerate(given)}


REGISTRATIONS: tuple[EventRegistrations, ...] = tuple(EventRegistrations.of(spec) for spec in DATA["events"])


def _candidates() -> list[Candidate]:
    """The generated compatriots (`demo.person.NNNN@example.org`) in the order of their numbers, each address's first
    record, with their citizenships and the organizations they work for."""
    people = (
        Person.objects.filter(email__startswith="demo.person.", email__endswith="@example.org", erased_at__isnull=True)
        .order_by("email", "id")
        .prefetch_related("citizenships", "affiliations")
    )
    result: dict[str, Candidate] = {}
    for person in people:
        number = person.email.removeprefix("demo.person.").removesuffix("@example.org")
        if number.isdigit() and person.email not in result:
            citizens = frozenset(country.pk for country in person.citizenships.all())
            staff = frozenset(affiliation.organization_id for affiliation in person.affiliations.all())
            residence, keeper = person.residence_country_id or "", person.registered_by_id
            result[person.email] = Candidate(person.pk, int(number), residence, citizens, keeper, staff)
    return list(result.values())


#: A registration as the demo wants it: whose, when they registered, and the fields to write.
_Wanted = tuple[int, dt.datetime, dict[str, Any]]


def _wanted(person_id: int, status: str, at: dt.datetime, checked_in: dt.datetime | None, **values: Any) -> _Wanted:
    cancelled = at + dt.timedelta(days=2) if status == RegistrationStatus.CANCELLED else None
    return (
        person_id,
        at,
        {
            **dict.fromkeys(("category_id", "delegation_id", "organization_id", "registered_by_id")),
            **{"answers": {}, "language": "", "status": status, **values},
            "confirmed_at": at if status == RegistrationStatus.CONFIRMED else None,
            "waitlisted_at": at if status == RegistrationStatus.WAITLISTED else None,
            "cancelled_at": cancelled,
            "checked_in_at": checked_in,
        },
    )


def _wanted_registrations(
    event: Event, plan: EventRegistrations, seed: int, candidates: Sequence[Candidate], ids: dict[str, int]
) -> tuple[list[_Wanted], set[int]]:
    """Who registers, in the order they did, with seats given first come first served; and whom the demo manages
    (other people's registrations, made on the pages, stay and keep their seats)."""
    past = event.ends_at < dt.datetime.now(dt.UTC)
    opens = event.registration_opens_at or (event.starts_at - dt.timedelta(days=45))
    closes = event.registration_closes_at or (event.starts_at - dt.timedelta(days=1))
    span = max((closes - opens).total_seconds(), 3600.0)
    sent = list(event.delegations.select_related("organization"))
    delegations = {(d.country_id, d.organization.slug if d.organization else None): d.pk for d in sent}
    delegation_of = {d.organization_id: d.pk for d in sent if d.organization_id}
    questions = dict(enumerate(event.questions.order_by("order", "id").values_list("pk", flat=True)))
    rules = DATA["answers"].get(plan.answers, [])
    wanted: list[_Wanted] = []
    for index, (person, organization, delegation) in enumerate(plan.named):
        checked_in = event.starts_at - dt.timedelta(minutes=30 - index) if past else None
        values: dict[str, Any] = {
            "delegation_id": delegations.get(delegation) if delegation else None,
            "organization_id": ids[organization],
        }
        if plan.answers:  # named people answer the registration form too
            values["answers"] = _answers(random.Random(f"tamyr-demo-events:{seed}:{person}"), rules, questions)
        wanted.append(
            _wanted(ids[person], RegistrationStatus.CONFIRMED, opens + dt.timedelta(hours=index), checked_in, **values)
        )
    if not plan.chance:  # only the named: anyone else registered on the pages (the demo logins) stays
        return wanted, {person_id for person_id, *_ in wanted}
    excluded = COMPATRIOT_NUMBER if plan.exclude_compatriot else None
    managed = {c.person_id for c in candidates if c.number != excluded} | {person_id for person_id, *_ in wanted}
    drawn = []
    for candidate in candidates:
        if candidate.number == excluded:
            continue
        rng = random.Random(f"tamyr-demo-events:{seed}:{plan.slug}:{candidate.number}")
        if rng.random() >= first_fitting(plan.chance, candidate):
            continue
        moment = opens + dt.timedelta(seconds=int(rng.random() * span))
        drawn.append((moment, candidate.number, candidate, rng))
    drawn.sort(key=lambda row: (row[0], row[1]))

    categories = list(event.categories.order_by("order", "id"))
    others = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).exclude(person__in=managed)
    confirmed: Counter[int | None] = Counter(others.values_list("category_id", flat=True))
    waiting: Counter[int | None] = Counter()
    total_confirmed = confirmed.total() + len(wanted)
    for moment, _number, candidate, rng in drawn:
        category = categories[first_fitting(plan.category, candidate)] if categories else None
        key = category.pk if category else None
        cancels = rng.random() < plan.cancel
        attends = rng.random() < plan.attend
        answers = _answers(rng, rules, questions)
        event_full = event.capacity is not None and total_confirmed >= event.capacity
        category_full = category is not None and category.capacity is not None and confirmed[key] >= category.capacity
        if cancels:
            status = RegistrationStatus.CANCELLED
        elif not event_full and not category_full:
            status = RegistrationStatus.CONFIRMED
        elif waiting[key] < plan.waitlist_limit:
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
        represents = candidate.registered_by_id if plan.represent_keeper else None
        # who works for the organization they represent goes in its delegation, where it sends one
        joins = delegation_of.get(represents) if represents in candidate.works_for else None
        values = {
            "category_id": key,
            "organization_id": represents,
            "delegation_id": joins,
            "answers": answers,
            "language": LANGUAGE_OF_RESIDENCE.get(candidate.residence, "en"),
        }
        wanted.append(_wanted(candidate.person_id, status, moment, checked_in, **values))
    return wanted, managed


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the seeds' events and who registered for them; returns counts to print."""
    events = shipped.in_file_order(shipped.declared(EVENTS_FILE.name), "events", Event)
    keys = {key for plan in REGISTRATIONS for key, _organization, _delegation in plan.named}
    slugs = {organization for plan in REGISTRATIONS for _key, organization, _delegation in plan.named}
    ids = {key: pk for key, pk in Person.objects.filter(key__in=keys).values_list("key", "pk") if key}
    ids |= dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = sorted((keys | slugs) - set(ids))
    if missing:
        raise LookupError(f"The registry demo has not loaded {', '.join(missing)}; run the whole `tamyr demo`.")
    candidates = _candidates()
    for plan in REGISTRATIONS:
        event = events[plan.slug]
        registrations_sync(event, *_wanted_registrations(event, plan, seed, candidates, ids))
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
