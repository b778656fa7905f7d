"""Reads for plans. A plan page is built from a fixed number of queries (`plan_tree`), whatever its size; progress
is computed here from indicators and child measures, never stored or typed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tamyr.accounts import permissions
from tamyr.cooperation.models import (
    CountedEvent,
    Direction,
    Indicator,
    IndicatorPeriod,
    IndicatorSource,
    Measure,
    MeasureStatus,
    Plan,
    PlanImport,
    PlanVersion,
    ReportedValue,
    SignOff,
    ValueStatus,
    VersionStatus,
)
from tamyr.cooperation.queries import QUERIES, Scope
from tamyr.registry.models import MembershipRole, NetworkMembership, Organization


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    roles = permissions.roles_of(user)
    plans = Plan.objects.select_related("network", "organization")
    if roles.platform_admin:
        return plans
    own = set(roles.by_organization)
    return plans.filter(
        Q(is_public=True)
        | Q(network_id__in=roles.coordinated_networks)
        | Q(network__memberships__organization_id__in=own)
        | Q(organization_id__in=own)
    ).distinct()


def plan_get(slug: str) -> Plan:
    return Plan.objects.select_related("network", "organization").get(slug=slug)


def signatories(plan: Plan) -> list[Organization]:
    """The organizations whose sign-off the plan's rule needs: the network's members (not observers)."""
    if plan.network_id is None:
        return [plan.organization] if plan.organization else []
    return [
        membership.organization
        for membership in NetworkMembership.objects.filter(network_id=plan.network_id, role=MembershipRole.MEMBER)
        .select_related("organization")
        .order_by("organization__slug")
    ]


def observers(plan: Plan) -> list[Organization]:
    if plan.network_id is None:
        return []
    return [
        m.organization
        for m in NetworkMembership.objects.filter(network_id=plan.network_id, role=MembershipRole.OBSERVER)
        .select_related("organization")
        .order_by("organization__slug")
    ]


def membership_of(plan: Plan, organization: Organization) -> str | None:
    """The organization's role in the plan's network ("member", "observer", "coordinator"), or None."""
    if plan.network_id is None:
        return MembershipRole.MEMBER if organization.pk == plan.organization_id else None
    return (
        NetworkMembership.objects.filter(network_id=plan.network_id, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def last_adopted(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(adopted_at__isnull=False).order_by("-number").first()


def version_in_signing(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=VersionStatus.SIGNING).first()


def versions_of(plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("meeting", "submitted_by").prefetch_related(
        Prefetch("signoffs", queryset=SignOff.objects.select_related("organization", "signed_by")),
        "comments__organization",
    )


# --- progress -----------------------------------------------------------------------------------------------------


def period_progress(period: IndicatorPeriod, baseline: Decimal) -> float:
    """How far the actual has moved from the baseline towards the target, 0–1; works for falling targets too."""
    if period.actual is None:
        return 0.0
    span = period.target - baseline
    if span == 0:
        return 1.0 if period.actual == period.target else 0.0
    return float(max(Decimal(0), min(Decimal(1), (period.actual - baseline) / span)))


def current_period(periods: list[IndicatorPeriod], today: date | None = None) -> IndicatorPeriod | None:
    """The period covering today; before the first one, the first; after the last one, the last."""
    if not periods:
        return None
    today = today or timezone.localdate()
    for period in periods:
        if period.starts_on <= today <= period.ends_on:
            return period
    started = [p for p in periods if p.starts_on <= today]
    return started[-1] if started else periods[0]


@dataclass
class IndicatorRow:
    indicator: Indicator
    periods: list[IndicatorPeriod]
    current: IndicatorPeriod | None
    progress: float
    pending: int = 0  # reported values awaiting approval
    withheld: set[int] = field(default_factory=set)  # periods whose small count a public page withholds


@dataclass
class MeasureNode:
    measure: Measure
    indicators: list[IndicatorRow] = field(default_factory=list)
    children: list[MeasureNode] = field(default_factory=list)
    progress: float = 0.0

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


@dataclass
class DirectionNode:
    direction: Direction
    measures: list[MeasureNode] = field(default_factory=list)
    progress: float = 0.0

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


@dataclass
class PlanTree:
    plan: Plan
    directions: list[DirectionNode]
    progress: float

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    def measures(self) -> list[MeasureNode]:
        found: list[MeasureNode] = []

        def walk(nodes: list[MeasureNode]) -> None:
            for node in nodes:
                found.append(node)
                walk(node.children)

        for direction in self.directions:
            walk(direction.measures)
        return found


def _weighted(nodes: list[MeasureNode]) -> float:
    counted = [n for n in nodes if n.measure.status != MeasureStatus.CANCELLED]
    total = sum(n.measure.weight for n in counted)
    if not total:
        return 0.0
    return sum(n.progress * n.measure.weight for n in counted) / total


def _measure_progress(node: MeasureNode) -> float:
    if node.children:
        return _weighted(node.children)
    if node.indicators:
        return sum(row.progress for row in node.indicators) / len(node.indicators)
    return 1.0 if node.measure.status == MeasureStatus.COMPLETED else 0.0


def measures_of(plan: Plan) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(plan=plan)
        .select_related("lead", "direction")
        .prefetch_related(
            "partners",
            "events",
            "courses",
            "links",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("periods", queryset=IndicatorPeriod.objects.order_by("starts_on"))
                ),
            ),
        )
    )


def plan_tree(plan: Plan, today: date | None = None) -> PlanTree:
    """Directions, the measure tree under each, indicators with their progress: six queries."""
    pending = Counter(
        ReportedValue.objects.filter(period__indicator__measure__plan=plan, status=ValueStatus.SUBMITTED).values_list(
            "period__indicator_id", flat=True
        )
    )
    nodes: dict[int, MeasureNode] = {}
    for measure in measures_of(plan):
        rows = []
        for indicator in measure.indicators.all():
            periods = list(indicator.periods.all())
            current = current_period(periods, today)
            progress = period_progress(current, indicator.baseline) if current else 0.0
            rows.append(IndicatorRow(indicator, periods, current, progress, pending.get(indicator.pk, 0)))
        nodes[measure.pk] = MeasureNode(measure, rows)
    roots_by_direction: dict[int, list[MeasureNode]] = {}
    for node in nodes.values():
        parent = nodes.get(node.measure.parent_id) if node.measure.parent_id else None
        if parent is not None:
            parent.children.append(node)
        else:
            roots_by_direction.setdefault(node.measure.direction_id, []).append(node)

    def settle(node: MeasureNode) -> None:
        for child in node.children:
            settle(child)
        node.progress = _measure_progress(node)

    directions = []
    for direction in Direction.objects.filter(plan=plan):
        roots = roots_by_direction.get(direction.pk, [])
        for root in roots:
            settle(root)
        directions.append(DirectionNode(direction, roots, _weighted(roots)))
    all_roots = [root for d in directions for root in d.measures]
    return PlanTree(plan, directions, _weighted(all_roots))


#: Top-level measures (each with its child measures and indicators) on one page of the plan page: rendering is
#: most of the page's time, about a millisecond a measure with its indicators.
PLAN_PAGE_SIZE = 5


@dataclass(frozen=True)
class _Light:
    """The few columns progress needs, read as tuples: a plan of thousands of indicators in milliseconds."""

    starts_on: date
    ends_on: date
    target: Decimal
    actual: Decimal | None
    pk: int


def plan_progress(plan: Plan, today: date | None = None) -> tuple[dict[int, float], dict[int, float], float]:
    """Progress of every measure, every direction and the plan, by the rules of `plan_tree`, from three queries
    of plain columns (no model objects): what the plan page needs for the measures it does not show."""
    today = today or timezone.localdate()
    measures = list(
        Measure.objects.filter(plan=plan).values_list("pk", "parent_id", "direction_id", "weight", "status")
    )
    baseline: dict[int, tuple[int, Decimal]] = {
        pk: (measure_id, base)
        for pk, measure_id, base in Indicator.objects.filter(measure__plan=plan).values_list(
            "pk", "measure_id", "baseline"
        )
    }
    periods: dict[int, list[_Light]] = {}
    for indicator_id, starts_on, ends_on, target, actual, pk in (
        IndicatorPeriod.objects.filter(indicator__measure__plan=plan)
        .order_by("starts_on")
        .values_list("indicator_id", "starts_on", "ends_on", "target", "actual", "pk")
    ):
        periods.setdefault(indicator_id, []).append(_Light(starts_on, ends_on, target, actual, pk))
    indicator_progress: dict[int, list[float]] = {}
    for indicator_id, (measure_id, base) in baseline.items():
        current = current_period(periods.get(indicator_id, []), today)  # type: ignore[arg-type]
        value = period_progress(current, base) if current else 0.0  # type: ignore[arg-type]
        indicator_progress.setdefault(measure_id, []).append(value)
    children: dict[int | None, list[tuple[int, int, str]]] = {}
    for pk, parent_id, _direction, weight, status in measures:
        children.setdefault(parent_id, []).append((pk, weight, status))
    progress: dict[int, float] = {}

    def weighted(items: list[tuple[int, int, str]]) -> float:
        counted = [(pk, weight) for pk, weight, status in items if status != MeasureStatus.CANCELLED]
        total = sum(weight for _pk, weight in counted)
        return sum(progress[pk] * weight for pk, weight in counted) / total if total else 0.0

    def settle(pk: int, status: str) -> None:
        kids = children.get(pk, [])
        for kid, _weight, kid_status in kids:
            settle(kid, kid_status)
        if kids:
            progress[pk] = weighted(kids)
        elif pk in indicator_progress:
            progress[pk] = sum(indicator_progress[pk]) / len(indicator_progress[pk])
        else:
            progress[pk] = 1.0 if status == MeasureStatus.COMPLETED else 0.0

    roots = children.get(None, [])
    for pk, _weight, status in roots:
        settle(pk, status)
    direction_of = {pk: direction for pk, _parent, direction, _w, _s in measures}
    by_direction: dict[int, list[tuple[int, int, str]]] = {}
    for root in roots:
        by_direction.setdefault(direction_of[root[0]], []).append(root)
    directions = {direction: weighted(items) for direction, items in by_direction.items()}
    return progress, directions, weighted(roots)


def plan_page(plan: Plan, page_number: Any = 1, today: date | None = None) -> tuple[PlanTree, Page[int]]:
    """The plan page: the plan's and every direction's progress, and one page of top-level measures with their
    child measures and indicators. A fixed number of queries, and model objects only for the measures shown,
    however large the plan (bench/plan_indicators.py: 500 measures, 2,000 indicators)."""
    today = today or timezone.localdate()
    progress, direction_progress, plan_total = plan_progress(plan, today)
    roots = list(
        Measure.objects.filter(plan=plan, parent__isnull=True)
        .order_by("direction__order", "direction__code", "order", "code")
        .values_list("pk", flat=True)
    )
    page = Paginator(roots, PLAN_PAGE_SIZE).get_page(page_number)
    shown = set(page.object_list)
    parents = dict(Measure.objects.filter(plan=plan).values_list("pk", "parent_id"))

    def root_of(pk: int) -> int:
        while parents.get(pk):
            pk = parents[pk]
        return pk

    ids = [pk for pk in parents if root_of(pk) in shown]
    pending = Counter(
        ReportedValue.objects.filter(period__indicator__measure_id__in=ids, status=ValueStatus.SUBMITTED).values_list(
            "period__indicator_id", flat=True
        )
    )
    nodes: dict[int, MeasureNode] = {}
    for measure in (
        Measure.objects.filter(pk__in=ids)
        .select_related("lead")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("periods", queryset=IndicatorPeriod.objects.order_by("starts_on"))
                ),
            )
        )
        .order_by("order", "code")
    ):
        rows = []
        for indicator in measure.indicators.all():
            periods = list(indicator.periods.all())
            current = current_period(periods, today)
            value = period_progress(current, indicator.baseline) if current else 0.0
            rows.append(IndicatorRow(indicator, periods, current, value, pending.get(indicator.pk, 0)))
        nodes[measure.pk] = MeasureNode(measure, rows, progress=progress.get(measure.pk, 0.0))
    for node in nodes.values():
        parent = nodes.get(node.measure.parent_id) if node.measure.parent_id else None
        if parent is not None:
            parent.children.append(node)
    order = {pk: n for n, pk in enumerate(page.object_list)}
    directions = []
    for direction in Direction.objects.filter(plan=plan):
        tops = sorted(
            (n for n in nodes.values() if n.measure.parent_id is None and n.measure.direction_id == direction.pk),
            key=lambda n: order[n.measure.pk],
        )
        directions.append(DirectionNode(direction, tops, direction_progress.get(direction.pk, 0.0)))
    return PlanTree(plan, directions, plan_total), page


def measure_node(plan: Plan, code: str, today: date | None = None) -> MeasureNode | None:
    tree = plan_tree(plan, today)
    return next((node for node in tree.measures() if node.measure.code == code), None)


# --- indicators ---------------------------------------------------------------------------------------------------


def scope_of(period: IndicatorPeriod) -> Scope:
    indicator = period.indicator
    plan = indicator.measure.plan
    return Scope(
        measure_id=indicator.measure_id,
        network_id=plan.network_id,
        organization_id=plan.organization_id,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        params=dict(indicator.params),
    )


def counted_items(period: IndicatorPeriod) -> list[tuple[str, str, str]]:
    """The drill-down: what a computed indicator's number counts in this period, one row per item."""
    query = QUERIES[period.indicator.query]
    return [query.describe(item) for item in query.items(scope_of(period))]


def period_get(pk: int) -> IndicatorPeriod:
    return IndicatorPeriod.objects.select_related(
        "indicator__measure__plan__network", "indicator__measure__lead", "indicator__measure__plan__organization"
    ).get(pk=pk)


def computed_periods_for_event(
    event_id: int, part: str = "all", event: tuple[Any, ...] | None = None
) -> QuerySet[IndicatorPeriod]:
    """Periods of computed indicators that may count the event, and no others: a query over events whose measure
    links the event, or links no event at all and belongs to a plan whose network (or organization) organizes or
    co-organizes it; whose `kind`, if any, is the event's; and whose period covers the event's start. A measure
    that links other events never counts this one (`queries.events_of`).

    `part` "linked" keeps the periods of measures that link the event (a handful of events to recount), "wide"
    those counting the network's (or organization's) events (all of them: the expensive ones)."""
    from tamyr.events.models import Event

    found = event or event_row(event_id)
    if found is None:
        return IndicatorPeriod.objects.none()
    starts_at, kind, organizer_id = found[:3]
    co_organizers = Event.co_organizers.through.objects.filter(event_id=event_id).values("organization_id")
    names = [name for name, query in QUERIES.items() if query.depends_on == "events"]
    day = timezone.localdate(starts_at)
    links_any = Exists(Measure.events.through.objects.filter(measure_id=OuterRef("indicator__measure_id")))
    links_this = Exists(
        Measure.events.through.objects.filter(measure_id=OuterRef("indicator__measure_id"), event_id=event_id)
    )
    organized = (
        Exists(
            NetworkMembership.objects.filter(network_id=OuterRef("indicator__measure__plan__network_id")).filter(
                Q(organization_id=organizer_id) | Q(organization_id__in=co_organizers)
            )
        )
        | Q(indicator__measure__plan__organization_id=organizer_id)
        | Q(indicator__measure__plan__organization_id__in=co_organizers)
    )
    depends = {"linked": links_this, "wide": ~links_any & organized}.get(part, links_this | (~links_any & organized))
    return IndicatorPeriod.objects.filter(
        depends,
        Q(indicator__params__kind__isnull=True) | Q(indicator__params__kind=kind),
        indicator__source=IndicatorSource.COMPUTED,
        indicator__query__in=names,
        starts_on__lte=day,
        ends_on__gte=day,
    )


def event_row(event_id: int) -> tuple[Any, ...] | None:
    """What `computed_periods_for_event` reads of the event: (starts_at, kind, organizer_id, status), or None."""
    from tamyr.events.models import Event

    return Event.objects.filter(pk=event_id).values_list("starts_at", "kind", "organizer_id", "status").first()


def periods_kept_with_event(event_id: int, part: str = "all") -> QuerySet[IndicatorPeriod]:
    """Periods of the `part` (as `computed_periods_for_event`: measures linking the event, or linking none) kept by a
    count that includes the event (`CountedEvent`, by its event index). After a change at the event these must be
    exactly the periods that may count it: one that is not was counted before the event moved, changed its kind or
    left the network, or was cancelled, and is counted again (`services.reconcile_for_event`)."""
    links_any = Exists(Measure.events.through.objects.filter(measure_id=OuterRef("indicator__measure_id")))
    links_this = Exists(
        Measure.events.through.objects.filter(measure_id=OuterRef("indicator__measure_id"), event_id=event_id)
    )
    depends = {"linked": links_this, "wide": ~links_any}.get(part, links_this | ~links_any)
    return IndicatorPeriod.objects.filter(
        depends, counter_id__in=CountedEvent.objects.filter(event_id=event_id).values("count_id")
    )


def computed_periods_for_course(course_id: int) -> QuerySet[IndicatorPeriod]:
    """Periods of computed indicators over completions that may count the course (linked, or, for a measure that
    links no course, provided by an organization of the plan's network); every period, since a completion
    withdrawn may have counted in an earlier one."""
    from tamyr.learning.models import Course

    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return IndicatorPeriod.objects.none()
    names = [name for name, query in QUERIES.items() if query.depends_on == "courses"]
    links_any = Exists(Measure.courses.through.objects.filter(measure_id=OuterRef("indicator__measure_id")))
    links_this = Exists(
        Measure.courses.through.objects.filter(measure_id=OuterRef("indicator__measure_id"), course_id=course.pk)
    )
    provided = Exists(
        NetworkMembership.objects.filter(
            network_id=OuterRef("indicator__measure__plan__network_id"), organization_id=course.provider_id
        )
    ) | Q(indicator__measure__plan__organization_id=course.provider_id)
    return IndicatorPeriod.objects.filter(
        links_this | (~links_any & provided),
        indicator__source=IndicatorSource.COMPUTED,
        indicator__query__in=names,
    )


def values_awaiting_approval(plan: Plan) -> QuerySet[ReportedValue]:
    return (
        ReportedValue.objects.filter(period__indicator__measure__plan=plan, status=ValueStatus.SUBMITTED)
        .select_related("period__indicator__measure", "organization", "reported_by")
        .order_by("reported_at", "pk")
    )


def measures_editable_by(user: Any, plan: Plan) -> QuerySet[Measure]:
    """The measures of `plan` the bulk page offers: all for its coordinators, else those led by an organization
    where the user is admin or staff (the same as `cooperation.edit_measure`, in one query)."""
    measures = Measure.objects.filter(plan=plan).select_related("lead").prefetch_related("partners")
    if permissions.can(user, "cooperation.change_plan", plan):
        return measures.order_by("pk")
    held = permissions.roles_of(user).organizations_with(permissions.PEOPLE_ROLES)
    return measures.filter(lead_id__in=held).order_by("pk")


def network_organizations(plan: Plan) -> list[Organization]:
    """The organizations a measure of `plan` may name: the network's members and observers, or the plan's own."""
    if plan.network_id is None:
        return [plan.organization] if plan.organization else []
    return list(
        Organization.objects.filter(network_memberships__network_id=plan.network_id).distinct().order_by("slug")
    )


def plan_imports(plan: Plan) -> QuerySet[PlanImport]:
    """The plan's import jobs, latest first (the import page lists the last few; each has its own page)."""
    return PlanImport.objects.filter(plan=plan).select_related("plan", "created_by").order_by("-created_at", "-pk")
