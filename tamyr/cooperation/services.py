"""Writes for plans: one transaction each, an audit row each, every reference checked against what the caller may
act on. Computed actuals are written only by `indicator_recompute`; reported ones only by `value_decide`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.cooperation import recount as counting
from tamyr.cooperation import selectors
from tamyr.cooperation.models import (
    Decision,
    Direction,
    Indicator,
    IndicatorPeriod,
    IndicatorSource,
    Measure,
    MeasureLink,
    MeasureStatus,
    PeopleCount,
    Plan,
    PlanComment,
    PlanStatus,
    PlanVersion,
    ReportedValue,
    SignOff,
    ValueStatus,
    VersionStatus,
)
from tamyr.cooperation.queries import QUERIES, check_params
from tamyr.core import audit
from tamyr.core import uploads as storage
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import clean_translations
from tamyr.registry.models import MembershipRole, Network, Organization

EVIDENCE = storage.EVIDENCE


def _translations(value: Any, field: str, *, required: bool = False) -> dict[str, str]:
    try:
        cleaned = clean_translations(value)
    except ValueError as error:
        raise DomainError(str(error), field=field) from error
    if required and not cleaned:
        raise DomainError(_("Give the text in at least one language."), field=field)
    return cleaned


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise DomainError(_("Give a number, e.g. 120 or 12.5."), field=field) from error
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise DomainError(_("Give a number, e.g. 120 or 12.5."), field=field)
    return number


def _require_change(acting_user: Any, plan: Plan) -> None:
    if not permissions.can(acting_user, "cooperation.change_plan", plan):
        raise NotAllowed(_("Only the plan's coordinators can change it."))


def _in_plan_network(plan: Plan, organization: Organization, field: str) -> None:
    """Every organization a measure names must belong to the plan's network (or be the plan's organization): the
    same scope the plan page reads."""
    if plan.network_id is None:
        ok = organization.pk == plan.organization_id
    else:
        ok = organization.network_memberships.filter(network_id=plan.network_id).exists()
    if not ok:
        raise DomainError(
            _("%(name)s is not in this plan's network; add it to the network first.") % {"name": organization},
            field=field,
        )


# --- plans, directions, measures ----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    slug: str,
    title: Any,
    starts_on: date,
    ends_on: date,
    acting_user: Any,
    network: Network | None = None,
    organization: Organization | None = None,
    description: Any = None,
    is_public: bool = False,
    iati_identifier: str = "",
) -> Plan:
    if (network is None) == (organization is None):
        raise DomainError(_("A plan belongs to a network or to one organization."), field="network")
    if network is not None and not permissions.can(acting_user, "registry.change_network", network):
        raise NotAllowed(_("Only the network's coordinators can make its plans."))
    if organization is not None and not permissions.can(acting_user, "registry.change_organization", organization):
        raise NotAllowed(_("Only the organization's admins can make its plans."))
    if ends_on < starts_on:
        raise DomainError(_("The period cannot end before it starts."), field="ends_on")
    if Plan.objects.filter(slug=slug).exists():
        raise DomainError(_("A plan with this address already exists; choose another."), field="slug")
    plan = Plan.objects.create(
        slug=slug,
        title=_translations(title, "title", required=True),
        description=_translations(description, "description"),
        network=network,
        organization=organization,
        starts_on=starts_on,
        ends_on=ends_on,
        is_public=is_public,
        iati_identifier=iati_identifier,
    )
    audit.record(acting_user, "cooperation.plan_created", plan)
    return plan


PLAN_FIELDS = ("title", "description", "starts_on", "ends_on", "is_public", "iati_identifier")


@transaction.atomic
def plan_update(*, plan: Plan, acting_user: Any, **fields: Any) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_change(acting_user, plan)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for key in ("title", "description"):
        if key in fields:
            fields[key] = _translations(fields[key], key, required=key == "title")
    for key, value in fields.items():
        setattr(plan, key, value)
    if plan.ends_on < plan.starts_on:
        raise DomainError(_("The period cannot end before it starts."), field="ends_on")
    plan.save(update_fields=[*fields, "updated_at"])
    audit.record(acting_user, "cooperation.plan_updated", plan, fields=sorted(fields))
    return plan


@transaction.atomic
def direction_create(
    *, plan: Plan, code: str, title: Any, acting_user: Any, description: Any = None, order: int = 0
) -> Direction:
    _require_change(acting_user, plan)
    if not code.strip():
        raise DomainError(_("Give the direction a number."), field="code")
    if plan.directions.filter(code=code).exists():
        raise DomainError(_("This plan already has a direction %(code)s.") % {"code": code}, field="code")
    direction = Direction.objects.create(
        plan=plan,
        code=code.strip(),
        title=_translations(title, "title", required=True),
        description=_translations(description, "description"),
        order=order,
    )
    audit.record(acting_user, "cooperation.direction_created", direction)
    return direction


MEASURE_FIELDS = (
    "title", "description", "lead", "starts_on", "ends_on", "status", "budget_line", "budget_amount", "currency",
    "weight", "order", "parent", "direction",
)  # fmt: skip


def _check_measure_fields(
    plan: Plan, fields: Mapping[str, Any], acting_user: Any, measure: Measure | None = None
) -> dict[str, Any]:
    unknown = set(fields) - set(MEASURE_FIELDS) - {"partners", "events", "courses"}
    if unknown:
        raise DomainError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    cleaned = dict(fields)
    for key in ("title", "description"):
        if key in cleaned:
            cleaned[key] = _translations(cleaned[key], key, required=key == "title")
    if "lead" in cleaned:
        _in_plan_network(plan, cleaned["lead"], "lead")
    for partner in cleaned.get("partners") or ():
        _in_plan_network(plan, partner, "partners")
    if cleaned.get("direction") is not None and cleaned["direction"].plan_id != plan.pk:
        raise DomainError(_("The direction belongs to another plan."), field="direction")
    parent = cleaned.get("parent")
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise DomainError(_("The parent measure belongs to another plan."), field="parent")
        ancestor: Measure | None = parent
        while ancestor is not None:
            if measure is not None and ancestor.pk == measure.pk:
                raise DomainError(_("A measure cannot be part of itself."), field="parent")
            ancestor = ancestor.parent
        if cleaned.get("direction") is None:
            cleaned["direction"] = parent.direction
    if "status" in cleaned and cleaned["status"] not in MeasureStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    starts = cleaned.get("starts_on", measure.starts_on if measure else None)
    ends = cleaned.get("ends_on", measure.ends_on if measure else None)
    if starts and ends and ends < starts:
        raise DomainError(_("The measure cannot end before it starts."), field="ends_on")
    if "budget_amount" in cleaned and cleaned["budget_amount"] not in (None, ""):
        cleaned["budget_amount"] = _decimal(cleaned["budget_amount"], "budget_amount")
    if "weight" in cleaned and (not isinstance(cleaned["weight"], int) or not 1 <= cleaned["weight"] <= 1000):
        raise DomainError(_("The weight is a whole number from 1 to 1000."), field="weight")
    for event in cleaned.get("events") or ():
        if not permissions.can(acting_user, "events.view_event", event):
            raise DomainError(_("Unknown event."), field="events")
    for course in cleaned.get("courses") or ():
        if not (course.is_published or permissions.can(acting_user, "learning.change_course", course)):
            raise DomainError(_("Unknown course."), field="courses")
    return cleaned


LEAD_FIELDS = frozenset({"status", "starts_on", "ends_on", "partners", "events", "courses", "description"})
"""What a measure's lead organization changes itself; the rest (its title, the lead, its place in the plan, its
budget and weight) is the coordinators' (`cooperation.change_plan`)."""


def _require_edit(acting_user: Any, measure: Measure, fields: Iterable[str]) -> None:
    if permissions.can(acting_user, "cooperation.change_plan", measure.plan):
        return
    if not permissions.can(acting_user, "cooperation.edit_measure", measure):
        raise NotAllowed(_("Only the plan's coordinators and the measure's lead organization change it."))
    if outside := sorted(set(fields) - LEAD_FIELDS):
        raise NotAllowed(
            _("Only the plan's coordinators change %(names)s.") % {"names": ", ".join(outside)},
            field=outside[0],
        )


def _set_links(measure: Measure, cleaned: Mapping[str, Any]) -> None:
    if "partners" in cleaned:
        measure.partners.set(cleaned["partners"])
    if "events" in cleaned:
        measure.events.set(cleaned["events"])
    if "courses" in cleaned:
        measure.courses.set(cleaned["courses"])


@transaction.atomic
def measure_create(
    *, plan: Plan, direction: Direction | None = None, code: str, title: Any, lead: Organization, acting_user: Any,
    **fields: Any,
) -> Measure:  # fmt: skip
    _require_change(acting_user, plan)
    if plan.measures.filter(code=code).exists():
        raise DomainError(_("This plan already has a measure %(code)s.") % {"code": code}, field="code")
    cleaned = _check_measure_fields(plan, {**fields, "title": title, "lead": lead, "direction": direction}, acting_user)
    if cleaned.get("direction") is None:
        raise DomainError(_("Choose the direction the measure belongs to."), field="direction")
    links = {key: cleaned.pop(key) for key in ("partners", "events", "courses") if key in cleaned}
    measure = Measure.objects.create(plan=plan, code=code.strip(), **cleaned)
    _set_links(measure, links)
    audit.record(acting_user, "cooperation.measure_created", measure)
    _recompute_measure_on_commit(measure)
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, acting_user: Any, **fields: Any) -> Measure:
    measure = Measure.objects.select_for_update(of=("self",)).select_related("plan").get(pk=measure.pk)
    _require_edit(acting_user, measure, fields)
    cleaned = _check_measure_fields(measure.plan, fields, acting_user, measure)
    links = {key: cleaned.pop(key) for key in ("partners", "events", "courses") if key in cleaned}
    changed = {}
    for key, value in cleaned.items():
        before = getattr(measure, key)
        if before != value:
            changed[key] = [str(before), str(value)]
            setattr(measure, key, value)
    if cleaned:
        measure.save(update_fields=[*cleaned, "updated_at"])
    _set_links(measure, links)
    audit.record(acting_user, "cooperation.measure_updated", measure, changed=changed, links=sorted(links))
    if links:
        _recompute_measure_on_commit(measure)
    return measure


@transaction.atomic
def measure_link_add(*, measure: Measure, kind: str, title: str, url: str, acting_user: Any) -> MeasureLink:
    _require_change(acting_user, measure.plan)
    if kind not in MeasureLink.Kind.values:
        raise DomainError(_("Unknown kind of link."), field="kind")
    if not (url.startswith("/") or url.startswith("https://") or url.startswith("http://")):
        raise DomainError(_("Give a path on this site (/calls/…) or a full address (https://…)."), field="url")
    if not title.strip():
        raise DomainError(_("Give the link a title."), field="title")
    link = MeasureLink.objects.create(measure=measure, kind=kind, title=title.strip(), url=url)
    audit.record(acting_user, "cooperation.measure_link_added", measure, kind=kind, url=url)
    return link


# --- indicators ---------------------------------------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *,
    measure: Measure,
    title: Any,
    unit: str,
    source: str,
    periods: Iterable[tuple[date, date, Any]],
    acting_user: Any,
    query: str = "",
    params: Any = None,
    baseline: Any = 0,
    baseline_year: int | None = None,
    ascending: bool = True,
) -> Indicator:
    """An indicator with its periods (start, end, target). A computed one is counted as soon as this commits."""
    _require_change(acting_user, measure.plan)
    if source not in IndicatorSource.values:
        raise DomainError(_("Choose whether the indicator is computed or reported."), field="source")
    cleaned_params: dict[str, Any] = {}
    if source == IndicatorSource.COMPUTED:
        try:
            _query, cleaned_params = check_params(query, params)
        except ValueError as error:
            raise DomainError(str(error), field="query" if query not in QUERIES else "params") from error
    elif query or params:
        raise DomainError(_("A reported indicator has no query."), field="query")
    if not unit.strip():
        raise DomainError(_("Say what the indicator counts (its unit)."), field="unit")
    periods = list(periods)
    if not periods:
        raise DomainError(_("Give at least one period with its target."), field="periods")
    indicator = Indicator.objects.create(
        measure=measure,
        title=_translations(title, "title", required=True),
        unit=unit.strip(),
        source=source,
        query=query if source == IndicatorSource.COMPUTED else "",
        params=cleaned_params,
        baseline=_decimal(baseline, "baseline"),
        baseline_year=baseline_year,
        ascending=ascending,
        order=measure.indicators.count(),
    )
    seen: list[tuple[date, date]] = []
    for starts_on, ends_on, target in periods:
        if ends_on < starts_on:
            raise DomainError(_("A period cannot end before it starts."), field="periods")
        if any(starts_on <= e and s <= ends_on for s, e in seen):
            raise DomainError(_("The periods overlap; give each day to one period."), field="periods")
        seen.append((starts_on, ends_on))
        IndicatorPeriod.objects.create(
            indicator=indicator, starts_on=starts_on, ends_on=ends_on, target=_decimal(target, "periods")
        )
    audit.record(acting_user, "cooperation.indicator_created", indicator, source=source, query=indicator.query)
    if source == IndicatorSource.COMPUTED:
        indicator_id = indicator.pk
        transaction.on_commit(lambda: indicator_recompute(indicator_id=indicator_id))
    return indicator


def _recompute_measure_on_commit(measure: Measure) -> None:
    ids = list(
        IndicatorPeriod.objects.filter(
            indicator__measure=measure, indicator__source=IndicatorSource.COMPUTED
        ).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: recount(ids))


def recount(periods: Iterable[int] | QuerySet[IndicatorPeriod], changed_at: datetime | None = None) -> int:
    """Count the given periods of computed indicators (ids, or a queryset of periods) again and store their actuals;
    returns how many were written.

    A fixed number of queries however many periods (`recount.py`: one grouped statement per query and list of
    countries). A period whose `computed_at` is at or after `changed_at` is skipped: a count that began after the
    change already saw it (bursts of changes coalesce). The counts are read first, then written by one UPDATE
    that leaves out any period a count that began later has written since: numbers never go back in time."""
    started = timezone.now()
    chosen = IndicatorPeriod.objects.filter(
        pk__in=periods.values("pk") if isinstance(periods, QuerySet) else list(periods),
        indicator__source=IndicatorSource.COMPUTED,
    )
    if changed_at is not None:
        chosen = chosen.filter(Q(computed_at__isnull=True) | Q(computed_at__lt=changed_at))
    specs = counting.resolve(list(chosen.select_related("indicator__measure__plan")))
    if not specs:
        return 0
    # network-wide counts of distinct people: their people listed as rows (kept for the changes to come)
    built = counting.build(specs.values())
    numbers = counting.count_specs(spec for spec in specs.values() if spec not in built)
    numbers.update({spec: count.number for spec, count in built.items()})
    rows = [(pk, numbers[specs[pk]], built[specs[pk]].pk if specs[pk] in built else 0) for pk in sorted(specs)]
    moment = connection.ops.adapt_datetimefield_value(started)
    written = counting.update_by_id(
        IndicatorPeriod,
        ("id", "actual", "counter"),
        rows,
        "actual = v.actual, counter_id = NULLIF(v.counter, 0), computed_at = %s",
        "(t.computed_at IS NULL OR t.computed_at < %s)",
        [moment, moment],
    )
    if built:
        # counts no period is kept by any more (an event added or cancelled changed their spec)
        PeopleCount.objects.filter(periods__isnull=True).exclude(pk__in=[c.pk for c in built.values()]).delete()
    return written


def _write_kept(periods: Iterable[int]) -> None:
    """Periods kept by a count take their count's number now: one statement."""
    ids = sorted(periods)
    if not ids:
        return
    IndicatorPeriod.objects.filter(pk__in=ids).update(
        actual=Subquery(PeopleCount.objects.filter(pk=OuterRef("counter_id")).values("number")[:1]),
        computed_at=timezone.now(),
    )


def reconcile_for_event(
    *, event_id: int, part: str, changed_at: datetime | None = None, person_ids: Iterable[int] | None = None
) -> int:
    """After registrations of the event changed: the periods that may count it (`part`: "linked", those of measures
    linking the event; "wide", those over the whole network's events), row by row (docs/decisions/0036).

    The periods are found by one query, and the counts they are kept by are checked against the event by one
    more (`CountedEvent`): a count includes the event exactly when the event counts (it is not cancelled), and no
    other period of the part is kept by a count that includes it (the event moved to another period, changed its
    kind or left the network). Then each person's rows are reconciled (a few indexed statements;
    `recount.reconcile`) and the periods take their counts' numbers. Periods whose count does not agree with the
    event, or was never built, and every period when the people are unknown, are counted again (`recount`), which
    builds their counts for the next change."""
    from tamyr.events.models import EventStatus

    event = selectors.event_row(event_id)
    if event is None:
        return 0
    status = event[3]
    found = dict(selectors.computed_periods_for_event(event_id, part, event).values_list("pk", "counter_id"))
    holding = dict(selectors.periods_kept_with_event(event_id, part).values_list("pk", "counter_id"))
    if not found and not holding:
        return 0
    people = sorted(set(person_ids)) if person_ids is not None else None
    counts = status != EventStatus.CANCELLED
    if people is None:
        return recount(sorted(set(found) | set(holding)), changed_at)
    stale = {pk for pk, counter in found.items() if counter is None or (counts and pk not in holding)}
    stale |= {pk for pk in holding if not counts or pk not in found}
    written = recount(sorted(stale), changed_at) if stale else 0
    fresh = {pk: counter for pk, counter in found.items() if pk not in stale and counter is not None}
    if fresh:
        count_ids = sorted(set(fresh.values()))
        for person_id in people:
            with transaction.atomic():
                counting.reconcile(person_id, count_ids)
        _write_kept(fresh)
    return written + len(fresh)


def recompute_wide_for_event(
    *, event_id: int, changed_at: datetime | None = None, person_ids: Iterable[int] | None = None
) -> int:
    """After registrations of the event changed: the periods over the whole network's events that may count it,
    row by row when the people are known (`reconcile_for_event`)."""
    return reconcile_for_event(event_id=event_id, part="wide", changed_at=changed_at, person_ids=person_ids)


def reconcile_people(*, person_ids: Iterable[int]) -> int:
    """After people were merged, a merge undone or a person or registration deleted: each person's rows in every
    count kept row by row, in line with their registrations now; the periods of the counts that changed take the
    new numbers. Returns how many counts changed."""
    people = sorted(set(person_ids))
    if not people or not PeopleCount.objects.exists():
        return 0
    changed: set[int] = set()
    for person_id in people:
        with transaction.atomic():
            changed |= counting.reconcile(person_id, None)
    if changed:
        _write_kept(IndicatorPeriod.objects.filter(counter_id__in=changed).values_list("pk", flat=True))
    return len(changed)


def period_recompute(*, period_id: int, changed_at: datetime | None = None) -> bool:
    """Count one period again; False when skipped because a later count already saw the change."""
    return recount([period_id], changed_at) == 1


def indicator_recompute(*, indicator_id: int) -> int:
    """Count every period of one computed indicator; returns how many periods were counted."""
    return recount(IndicatorPeriod.objects.filter(indicator_id=indicator_id))


def recompute_for_event(
    *, event_id: int, changed_at: datetime | None = None, part: str = "all", person_ids: Iterable[int] | None = None
) -> int:
    """After a registration of the event changed: the periods that may count it, and only those (`part`: see
    `selectors.computed_periods_for_event`). The wide ones row by row when the people are known
    (`recompute_wide_for_event`)."""
    parts = ("linked", "wide") if part == "all" else (part,)
    return sum(
        reconcile_for_event(event_id=event_id, part=name, changed_at=changed_at, person_ids=person_ids)
        for name in parts
    )


def recompute_for_course(*, course_id: int, changed_at: datetime | None = None) -> int:
    return recount(selectors.computed_periods_for_course(course_id), changed_at)


def recompute_all() -> int:
    """Every computed period: the nightly safety net for a change whose task was lost."""
    return recount(IndicatorPeriod.objects.filter(indicator__source=IndicatorSource.COMPUTED))


# --- reported values ----------------------------------------------------------------------------------------------


@transaction.atomic
def value_report(
    *,
    period: IndicatorPeriod,
    value: Any,
    acting_user: Any,
    comment: str = "",
    evidence_file: Any = None,
    evidence_url: str = "",
) -> ReportedValue:
    """The lead organization reports a value with evidence (a file or a link); it counts once approved."""
    indicator = period.indicator
    measure = indicator.measure
    if indicator.source != IndicatorSource.REPORTED:
        raise DomainError(_("This indicator is computed from the platform's data; nobody reports it."), code="computed")
    if not permissions.can(acting_user, "cooperation.report_value", measure):
        raise NotAllowed(_("Only the lead organization of the measure reports its values."))
    number = _decimal(value, "value")
    if evidence_file is None and not evidence_url.strip():
        raise DomainError(_("Attach the evidence: a file or a link."), field="evidence_file")
    if evidence_url and not evidence_url.startswith(("https://", "http://")):
        raise DomainError(_("Give the link as a full address (https://…)."), field="evidence_url")
    checked = storage.check(evidence_file, EVIDENCE, field="evidence_file") if evidence_file is not None else None
    reported = ReportedValue(
        period=period,
        value=number,
        comment=comment.strip(),
        evidence_url=evidence_url.strip(),
        organization=measure.lead,
        reported_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        reported_at=timezone.now(),
    )
    if checked is not None:
        reported.evidence_file = checked
        reported.evidence_name = checked.original_name
    reported.save()
    audit.record(acting_user, "cooperation.value_reported", reported, value=str(number))
    return reported


@transaction.atomic
def value_decide(*, reported: ReportedValue, approve: bool, acting_user: Any, note: str = "") -> ReportedValue:
    """The coordinator approves (the value becomes the period's actual) or returns it with a note."""
    reported = (
        ReportedValue.objects.select_for_update().select_related("period__indicator__measure__plan").get(pk=reported.pk)
    )
    plan = reported.period.indicator.measure.plan
    if not permissions.can(acting_user, "cooperation.approve_values", plan):
        raise NotAllowed(_("Only the plan's coordinators approve reported values."))
    if reported.status != ValueStatus.SUBMITTED:
        raise DomainError(_("This value was already decided."), code="decided")
    if not approve and not note.strip():
        raise DomainError(_("Say why the value is returned."), field="note")
    reported.status = ValueStatus.APPROVED if approve else ValueStatus.REJECTED
    reported.decided_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    reported.decided_at = timezone.now()
    reported.decision_note = note.strip()
    reported.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        period = IndicatorPeriod.objects.select_for_update().get(pk=reported.period_id)
        period.actual = reported.value
        period.save(update_fields=["actual"])
    audit.record(acting_user, "cooperation.value_decided", reported, approved=approve, value=str(reported.value))
    return reported


# --- versions, sign-off, comments ---------------------------------------------------------------------------------


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's content as members sign it: plain data, keyed by numbers people use ("1", "1.2")."""
    measures = selectors.measures_of(plan)
    return {
        "title": plan.title,
        "period": [plan.starts_on.isoformat(), plan.ends_on.isoformat()],
        "directions": {d.code: {"title": d.title} for d in plan.directions.all()},
        "measures": {
            m.code: {
                "direction": m.direction.code,
                "parent": m.parent.code if m.parent_id and m.parent else None,
                "title": m.title,
                "lead": m.lead.slug,
                "partners": sorted(p.slug for p in m.partners.all()),
                "starts_on": m.starts_on.isoformat() if m.starts_on else None,
                "ends_on": m.ends_on.isoformat() if m.ends_on else None,
                "budget_line": m.budget_line,
                "budget_amount": str(m.budget_amount) if m.budget_amount is not None else None,
                "currency": m.currency,
                "weight": m.weight,
                "indicators": [
                    {
                        "title": i.title,
                        "unit": i.unit,
                        "source": i.source,
                        "query": i.query,
                        "baseline": str(i.baseline),
                        "targets": [
                            [p.starts_on.isoformat(), p.ends_on.isoformat(), str(p.target)] for p in i.periods.all()
                        ],
                    }
                    for i in m.indicators.all()
                ],
            }
            for m in measures.select_related("parent")
        },
    }


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots: one entry per direction or measure added, removed or changed (with the
    names of the changed fields)."""
    before = before or {}
    changes: list[dict[str, Any]] = []
    for section in ("directions", "measures"):
        old, new = before.get(section, {}), after.get(section, {})
        for key in sorted(set(old) | set(new), key=_code_order):
            if key not in old:
                changes.append({"what": section[:-1], "code": key, "change": "added", "fields": []})
            elif key not in new:
                changes.append({"what": section[:-1], "code": key, "change": "removed", "fields": []})
            elif old[key] != new[key]:
                fields = sorted(
                    name for name in set(old[key]) | set(new[key]) if old[key].get(name) != new[key].get(name)
                )
                changes.append({"what": section[:-1], "code": key, "change": "changed", "fields": fields})
    for name in ("title", "period"):
        if before.get(name) != after.get(name):
            changes.insert(0, {"what": "plan", "code": "", "change": "changed", "fields": [name]})
    return changes


def _code_order(code: str) -> tuple[Any, ...]:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


@transaction.atomic
def version_submit(*, plan: Plan, acting_user: Any, note: str = "", meeting: Any = None) -> PlanVersion:
    """Freeze the plan's content and put it to the members. The first version is the plan; later ones are
    amendments and must say what changes."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_change(acting_user, plan)
    if selectors.version_in_signing(plan) is not None:
        raise DomainError(
            _("A version of this plan is already awaiting sign-off; it must be decided first."), code="signing"
        )
    if not plan.measures.exists():
        raise DomainError(_("Add the plan's measures before putting it to the members."), code="empty")
    content = snapshot(plan)
    adopted = selectors.last_adopted(plan)
    if adopted is not None:
        if not diff(adopted.snapshot, content):
            raise DomainError(_("Nothing changed since the adopted version."), code="unchanged")
        if not note.strip():
            raise DomainError(_("Say what the amendment changes and why."), field="note")
    if meeting is not None and not permissions.can(acting_user, "events.view_event", meeting):
        raise DomainError(_("Unknown meeting."), field="meeting")
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        snapshot=content,
        meeting=meeting,
        note=note.strip(),
        submitted_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audit.record(acting_user, "cooperation.version_submitted", version, number=number)
    return version


@transaction.atomic
def signoff_record(
    *,
    version: PlanVersion,
    organization: Organization,
    decision: str,
    acting_user: Any,
    reservation: str = "",
    now: datetime | None = None,
) -> SignOff:
    """A member institution decides on a version through someone holding a role there; when every member has
    approved (with or without reservation) the version is adopted."""
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    plan = version.plan
    role = selectors.membership_of(plan, organization)
    if role == MembershipRole.OBSERVER:
        raise NotAllowed(_("Observers comment on the plan; only members sign it."))
    if role != MembershipRole.MEMBER:
        raise NotAllowed(_("Only member institutions of the network sign its plan."))
    if not permissions.can(acting_user, "cooperation.sign_plan", organization):
        raise NotAllowed(_("Only the institution's admins sign the plan in its name."))
    if version.status != VersionStatus.SIGNING:
        raise DomainError(_("This version is no longer awaiting sign-off."), code="closed")
    if decision not in Decision.values:
        raise DomainError(_("Choose approve, approve with a reservation, or object."), field="decision")
    if decision != Decision.APPROVE and not reservation.strip():
        raise DomainError(_("Write down the reservation or the objection."), field="reservation")
    now = now or timezone.now()
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            signoff = SignOff.objects.create(
                version=version,
                organization=organization,
                decision=decision,
                reservation=reservation.strip(),
                signed_by=user,
                signed_by_label=user.get_username() if user else "system",
                signed_at=now,
            )
    except IntegrityError as error:
        raise DomainError(
            _("%(name)s has already signed off this version.") % {"name": organization}, code="already_signed"
        ) from error
    audit.record(acting_user, "cooperation.signed_off", version, organization=organization.slug, decision=decision)
    _settle(version, now, acting_user)
    return signoff


def _settle(version: PlanVersion, now: datetime, acting_user: Any) -> None:
    """Apply the network's rule: every member approves → adopted; every member decided, one objects → not adopted."""
    needed = {org.pk for org in selectors.signatories(version.plan)}
    decided = dict(version.signoffs.values_list("organization_id", "decision"))
    if not needed <= set(decided):
        return
    if all(decided[org] != Decision.OBJECT for org in needed):
        version.plan.versions.filter(status=VersionStatus.ADOPTED).update(status=VersionStatus.SUPERSEDED)
        version.status = VersionStatus.ADOPTED
        version.adopted_at = now
        version.save(update_fields=["status", "adopted_at", "updated_at"])
        Plan.objects.filter(pk=version.plan_id).update(status=PlanStatus.IN_FORCE, updated_at=now)
        audit.record(acting_user, "cooperation.version_adopted", version)
    else:
        version.status = VersionStatus.REJECTED
        version.save(update_fields=["status", "updated_at"])
        audit.record(acting_user, "cooperation.version_rejected", version)


@transaction.atomic
def comment_add(*, version: PlanVersion, organization: Organization, text: str, acting_user: Any) -> PlanComment:
    """Members and observers remark on a version in their institution's name."""
    role = selectors.membership_of(version.plan, organization)
    if role is None:
        raise NotAllowed(_("Only institutions of the network comment on its plan."))
    if not permissions.can(acting_user, "cooperation.comment_plan", organization):
        raise NotAllowed(_("Only the institution's admins and staff comment in its name."))
    if not text.strip():
        raise DomainError(_("Write the comment."), field="text")
    comment = PlanComment.objects.create(
        version=version,
        organization=organization,
        author=acting_user,
        author_label=acting_user.get_username(),
        text=text.strip(),
    )
    audit.record(acting_user, "cooperation.commented", version, organization=organization.slug)
    return comment
