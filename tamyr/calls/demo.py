"""The seeds' calls for `tamyr demo` (seeds 000 and 004), with generated applications taken through the real rules.

The calls are data: the network file `tamyr/demo/calls.yaml`, loaded as `tamyr load` loads one. Who applies and how
the committees score are data too (`tamyr/demo/call_applications.yaml`, which says who may apply to which call).

Applications are written in bulk (`tamyr.core.bulk`), because `application_submit` refuses a closed call; they keep
its invariants: one per person (organization) and call, a quota group of the call, the budget's sum as the amount
requested, submitted inside the call's window, an audit row each. Everything after that goes through the services:
`review.reviewer_add`, `conflicts_detect`, `assignments_make` (the min-cost-flow solver), `review_submit` inside a
review phase, `selection.selection_rank` (quotas, budget, reserve lists), `offers_send`, `offer_accept` and
`offer_decline` (which promotes the next reserve); then the Forum's accepted scholars are paired with Kazakhstani
hosts by the matcher (`hosting.host_pairs_compute`, stored and confirmed). Deterministic: every draw comes from
`random.Random` seeded with the demo seed and the applicant. Idempotent: a call whose offers went out is left
alone (its pairs are made once), and the open call's applications are synced by person, so a second run writes
nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.calls import hosting, review, selection
from tamyr.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    CallReviewer,
    Conflict,
    HostPair,
    Outcome,
    OutcomeStatus,
    QuotaGroup,
    Review,
    ReviewAssignment,
    Selection,
)
from tamyr.calls.netfile import applications_sync
from tamyr.core.netfiles import shipped
from tamyr.events.demo import Candidate, _candidates
from tamyr.registry.demo.people import fields_of
from tamyr.registry.models import Consent, ConsentPurpose, Organization, Person

#: Who applies to the calls of `tamyr/demo/calls.yaml` (a network file) and how the committees score: a data file.
DATA: dict[str, Any] = shipped.demo_data("call_applications.yaml")


def _rng(seed: int, call: Call, who: object) -> random.Random:
    return random.Random(f"tamyr-demo-calls:{seed}:{call.slug}:{who}")


def _age(call: Call, person: Person) -> int:
    return ((call.age_on or call.closes_at.date()).year - person.birth_year) if person.birth_year else 0


def _wanted(call: Call, spec: dict[str, Any], seed: int, people: dict[int, Person], cands: list[Candidate]) -> dict:
    """{(person id, organization id or None): fields} of the applications the demo wants in `call`."""
    questions = [str(pk) for pk in call.questions.order_by("order", "id").values_list("pk", flat=True)]
    groups = {group.key: group for group in QuotaGroup.objects.filter(call=call).prefetch_related("countries")}
    countries = {key: {c.pk for c in group.countries.all()} for key, group in groups.items()}
    citizenships = set(call.citizenships.values_list("pk", flat=True))
    today = dt.datetime.combine(timezone.localdate(), dt.time(), dt.UTC)  # an open call's: the same all day
    window = max(0.0, (min(call.closes_at, today) - call.opens_at).total_seconds())
    wanted: dict[tuple[int, int | None], dict[str, Any]] = {}

    def add(person_id: int, rng: random.Random, organization: int | None = None, **fields: Any) -> None:
        answers = {pk: rng.choice(texts) for pk, texts in zip(questions, spec.get("answers", ()), strict=False)}
        person = people[person_id]
        keywords = list(person.expertise or ())
        if keywords:
            answers |= {"keywords": keywords, "fields": fields_of(keywords)}
        submitted = call.closes_at < timezone.now() or rng.random() < 0.7
        status = ApplicationStatus.SUBMITTED if submitted else ApplicationStatus.DRAFT
        moment = call.opens_at + dt.timedelta(seconds=rng.random() * window)
        wanted[(person_id, organization)] = {
            "status": status, "language": "en", "answers": answers, "organization_id": organization,
            "submitted_at": moment if status == ApplicationStatus.SUBMITTED else None, **fields,
        }  # fmt: skip

    for c in cands:
        rng, person = _rng(seed, call, c.number), people[c.person_id]
        if call.kind == "scholarship" and c.citizenships >= citizenships:
            level = next((key for age, key in spec["levels"] if _age(call, person) <= age), None)
            if level and _age(call, person) >= (call.age_min or 0) and rng.random() < spec["apply"]:
                add(c.person_id, rng, quota_group_id=groups[level].pk)
        elif call.kind == "youth_programme" and (call.age_min or 0) <= _age(call, person) <= (call.age_max or 99):
            group = next((key for key in groups if c.residence in countries[key]), None)
            if group is not None and rng.random() < 0.8:
                add(c.person_id, rng, quota_group_id=groups[group].pk)
        elif call.kind == "participants" and "KZ" not in c.citizenships and person.expertise:  # noqa: SIM102
            if rng.random() < spec["apply"]:  # drawn only for those who may apply
                add(c.person_id, rng)
    if call.kind == "financing":
        slugs = {p["organization"] for p in DATA["proposals"]} | {s for p in DATA["proposals"] for s in p["partners"]}
        orgs = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        for proposal in (p for p in DATA["proposals"] if p["organization"] in orgs and cands):
            org = orgs[proposal["organization"]]
            contact = next((c for c in cands if c.registered_by_id == org), cands[org % len(cands)])
            lines = [{"item": item, "amount": f"{Decimal(amount):.2f}"} for item, amount in proposal["budget"]]
            total = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
            add(contact.person_id, _rng(seed, call, proposal["organization"]), org, budget_lines=lines,
                amount_requested=total.quantize(Decimal("0.01")))  # fmt: skip
    return wanted


def reviewer_pool() -> list[int]:
    """People who consented to their expertise being used, have some, and read English."""
    consenting = Consent.objects.filter(purpose=ConsentPurpose.EXPERTISE, withdrawn_at__isnull=True)
    people = Person.objects.filter(pk__in=consenting.values("person_id"), erased_at__isnull=True)
    reading = people.filter(languages__language="en", languages__level__in=review.READING_LEVELS - {""})
    return sorted(pk for pk, tags in reading.values_list("pk", "expertise").distinct() if tags)


def review_and_select(call: Call, spec: dict[str, Any], seed: int, pool: list[int]) -> None:
    """The committee's work on a closed call, through the services, timed inside its review phase (calls.yaml)."""
    phase, categories = call.review_phases.get(order=0), list(call.score_categories.all())
    chosen = random.Random(f"tamyr-demo-calls:{seed}:{call.slug}:reviewers").sample(
        pool, min(len(pool), DATA["reviewers_per_call"])
    )
    reviewers = Person.objects.in_bulk(chosen)
    for person in sorted(reviewers.values(), key=lambda person: person.pk):
        review.reviewer_add(call=call, person=person, acting_user=None)
    if not chosen or not Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED).exists():
        return
    review.conflicts_detect(call=call, acting_user=None)
    review.assignments_make(call=call, k=min(DATA["reviewers_each"], len(chosen)), acting_user=None)
    assigned = call.applications.filter(review_assignments__isnull=False).distinct()
    for number, application in enumerate(assigned.select_related("call", "person").order_by("pk")):
        applicant = f"{application.person.email}:{application.organization_id}"  # ids differ between databases
        merit = _rng(seed, call, f"merit:{applicant}").uniform(0.3, 1)
        for reviewer_id in application.review_assignments.order_by("reviewer_id").values_list("reviewer_id", flat=True):
            reviewer = reviewers[reviewer_id]
            rng = _rng(seed, call, f"review:{applicant}:{reviewer.email}:{reviewer.display_name}")
            drawn = {c: c.min_value + (c.max_value - c.min_value) * rng.gauss(merit, 0.1) for c in categories}
            scores = {c.pk: max(c.min_value, min(c.max_value, round(value))) for c, value in drawn.items()}
            moment = phase.starts_at + dt.timedelta(hours=1 + number % 500)
            review.review_submit(
                application=application, reviewer=reviewer, scores=scores, acting_user=None, now=moment
            )
    selection.selection_rank(call=call, acting_user=None)
    moment = phase.ends_at + dt.timedelta(days=2)
    selection.offers_send(call=call, acting_user=None, now=moment)
    while offered := list(Outcome.objects.filter(call=call, status=OutcomeStatus.OFFERED).order_by("rank")):
        for outcome in offered:
            moment += dt.timedelta(minutes=30)
            if _rng(seed, call, f"answer:{outcome.rank}").random() < spec["decline"]:
                selection.offer_decline(outcome=outcome, acting_user=None, now=moment)
            else:
                selection.offer_accept(outcome=outcome, acting_user=None, now=moment)


def demo_reviewer(call: Call) -> None:
    """The `reviewer` login as a real reviewer of the open call (`demo_reviewer` in call_applications.yaml)."""
    spec, user = DATA["demo_reviewer"], User.objects.filter(username=DATA["demo_reviewer"]["user"]).first()
    if user is None:
        return
    person = Person.objects.filter(user=user).first() or Person.objects.get(key=spec["person"])
    if person.user_id is None:
        Person.objects.filter(pk=person.pk).update(user=user)
    review.reviewer_add(call=call, person=person, acting_user=None)
    mine = ReviewAssignment.objects.filter(reviewer=person, application__call=call)
    todo = call.applications.filter(status=ApplicationStatus.SUBMITTED).exclude(pk__in=mine.values("application_id"))
    for application in todo.order_by("code")[: max(0, spec["assigned"] - mine.count())]:
        if not review.is_conflicted(application, person):
            review.assignment_set(application=application, reviewer=person, acting_user=None)


def host_pairs(call: Call) -> int:
    """The Scholars Forum's accepted foreign scholars paired with hosts by the matcher, stored and confirmed once."""
    if not HostPair.objects.filter(call=call).exists():
        hosting.host_pairs_compute(call=call, acting_user=None)
        hosting.host_pairs_confirm(call=call, acting_user=None)
    return HostPair.objects.filter(call=call).count()


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the calls, their applications, reviews and selection; returns counts to print."""
    now = timezone.now()
    shipped.load_demo("calls.yaml")
    cands = _candidates()
    people = Person.objects.in_bulk([c.person_id for c in cands])
    pool, pairs = reviewer_pool(), 0
    for slug, spec in [(DATA["open_call"], {}), *DATA["calls"].items()]:
        call = Call.objects.filter(slug=slug).first()
        if call is None or Selection.objects.filter(call=call, offers_sent_at__isnull=False).exists():
            pairs += host_pairs(call) if call and call.kind == "participants" else 0
            continue
        applications_sync(call, _wanted(call, spec, seed, people, cands), DATA["proposals"])
        if slug == DATA["open_call"]:
            demo_reviewer(call)
        if call.closes_at < now and spec:
            review_and_select(call, spec, seed, pool)
            pairs += host_pairs(call) if call.kind == "participants" else 0
    return {
        "calls": Call.objects.count(),
        "open": Call.objects.filter(opens_at__lte=now, closes_at__gt=now).count(),
        "quota groups": QuotaGroup.objects.count(),
        "applications": Application.objects.count(),
        "submitted": Application.objects.filter(status=ApplicationStatus.SUBMITTED).count(),
        "reviewers": CallReviewer.objects.count(),
        "conflicts": Conflict.objects.count(),
        "reviews": Review.objects.count(),
        **{name: Outcome.objects.filter(status=name).count() for name in ("accepted", "declined", "reserve")},
        "host pairs": pairs,
    }  # fmt: skip
