"""Reads for the dashboards, exports and API: every figure comes from analytics' summary tables (a fixed number of
queries whatever the data's size), then through disclosure control unless the viewer may see raw figures.

A dashboard is a list of `Table`s, each one thing counted by one or two dimensions with its totals; the page, the
CSV/XLSX exports and `/api/v1/analytics/…` all serve the same tables, so what is hidden on the page is hidden
everywhere (docs/decisions/0033).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.analytics.aggregates import AGE_BANDS
from tamyr.analytics.disclosure import THRESHOLD, ProtectedTable, protect_series, protect_table, round_count
from tamyr.analytics.models import (
    ActivityMonthly,
    Domain,
    ReachLanguage,
    ReachMonthly,
    ReachSummary,
    RefreshState,
    Scope,
    ScopeOrganization,
)
from tamyr.core.i18n import translate

GENDERS = ("female", "male", "other", "")
HIDDEN = "[c]"  # how exports write a hidden cell (the ONS marker for "confidential")

PEOPLE_MEASURES = (
    "registrations",
    "attendances",
    "enrollments",
    "completions",
    "certificates",
    "applications",
    "awards",
)
THING_MEASURES = ("events", "course_groups", "calls")
MEASURE_LABELS = {
    "events": gettext_lazy("Events held"),
    "registrations": gettext_lazy("Confirmed registrations"),
    "attendances": gettext_lazy("Attendances (checked in)"),
    "course_groups": gettext_lazy("Course groups started"),
    "enrollments": gettext_lazy("Enrollments"),
    "completions": gettext_lazy("Completions"),
    "certificates": gettext_lazy("Certificates"),
    "calls": gettext_lazy("Calls opened"),
    "applications": gettext_lazy("Applications submitted"),
    "awards": gettext_lazy("Awards and accepted offers"),
}
GENDER_LABELS = {
    "female": gettext_lazy("Women"),
    "male": gettext_lazy("Men"),
    "other": gettext_lazy("Other"),
    "": gettext_lazy("Not stated"),
}

_PERIOD = re.compile(r"^(all|\d{4}|\d{4}-Q[1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A period the dashboard cannot read; the message says how to write one."""


@dataclass(frozen=True)
class DashboardScope:
    kind: str  # Scope: "p", "n", "o"
    obj: Any = None  # None (platform), a Network or an Organization
    scope_id: int = 0

    @classmethod
    def of(cls, obj: Any) -> DashboardScope:
        if obj is None:
            return cls(kind=Scope.PLATFORM)
        kind = Scope.NETWORK if obj._meta.model_name == "network" else Scope.ORGANIZATION
        return cls(kind=kind, obj=obj, scope_id=obj.pk)

    @property
    def label(self) -> str:
        return _("The whole platform") if self.obj is None else self.obj.display_name

    @property
    def slug(self) -> str:
        return "platform" if self.obj is None else self.obj.slug


@dataclass(frozen=True)
class Period:
    """`key` is a stored period (`all`, `2026`, `2026-Q3`), or `custom` with the first and last month."""

    key: str = "all"
    first: date | None = None
    last: date | None = None

    @property
    def custom(self) -> bool:
        return self.key == "custom"

    @property
    def label(self) -> str:
        if self.key == "all":
            return _("All time")
        if self.custom and self.first and self.last:
            return f"{self.first:%Y-%m} – {self.last:%Y-%m}"
        return self.key

    def months(self) -> tuple[date, date] | None:
        """First and last month covered, None for all time."""
        if self.key == "all":
            return None
        if self.custom:
            assert self.first and self.last
            return self.first, self.last
        year = int(self.key[:4])
        if "-Q" in self.key:
            quarter = int(self.key[-1])
            return date(year, 3 * quarter - 2, 1), date(year, 3 * quarter, 1)
        return date(year, 1, 1), date(year, 12, 1)

    def as_query(self) -> dict[str, str]:
        if self.custom and self.first and self.last:
            return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}
        return {"period": self.key}


def _month(text: str, name: str) -> date:
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2200:
        raise PeriodError(_("Give %(name)s as a year and month, e.g. 2026-03.") % {"name": name})
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_period(params: Any) -> Period:
    """From the query string: `period=all|2026|2026-Q3`, or `from=2026-01&to=2026-06`. Raises PeriodError."""
    first, last = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if first or last:
        if not (first and last):
            raise PeriodError(_("Give both the first and the last month of the period."))
        start, end = _month(first, "from"), _month(last, "to")
        if end < start:
            raise PeriodError(_("The last month comes before the first."))
        return Period(key="custom", first=start, last=end)
    key = (params.get("period") or "all").strip()
    if not _PERIOD.match(key) or (key != "all" and not 1900 <= int(key[:4]) <= 2200):
        raise PeriodError(_("Choose a year (2026), a quarter (2026-Q3) or all time."))
    return Period(key=key)


@dataclass
class Row:
    key: str
    label: str
    values: list[int | None]
    total: int | None = None
    link: str = ""


@dataclass
class Table:
    """One table of the dashboard: rows by one dimension, columns by another (or one column), with totals."""

    name: str
    title: str
    row_label: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[Row] = field(default_factory=list)
    totals: list[int | None] = field(default_factory=list)
    total: int | None = None
    hidden: int = 0
    people: bool = True  # counts of people (disclosure applies), or of things (events, calls)
    show_totals_row: bool = True

    @property
    def largest(self) -> int:
        values = [row.total if row.total is not None else max((v or 0) for v in row.values) for row in self.rows]
        return max([v for v in values if v is not None] or [0]) or 1

    def header(self) -> list[str]:
        labels = [str(label) for _key, label in self.columns]
        return [str(self.row_label), *labels, *([_("Total")] if len(self.columns) > 1 else [])]

    def export_rows(self) -> Iterator[list[Any]]:
        def cell(value: int | None) -> Any:
            return HIDDEN if value is None else value

        for row in self.rows:
            yield [row.label, *(cell(v) for v in row.values), *([cell(row.total)] if len(self.columns) > 1 else [])]
        if self.show_totals_row:
            yield [_("Total"), *(cell(v) for v in self.totals), *([cell(self.total)] if len(self.columns) > 1 else [])]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": str(self.title),
            "columns": [{"key": key, "label": str(label)} for key, label in self.columns],
            "rows": [
                {"key": row.key, "label": row.label, "values": row.values, "total": row.total} for row in self.rows
            ],
            "totals": self.totals if self.show_totals_row else [],
            "total": self.total,
            "hidden_cells": self.hidden,
        }


@dataclass
class Sparkline:
    months: list[tuple[date, int | None]]
    width: int = 240
    height: int = 40

    @property
    def segments(self) -> list[str]:
        """SVG polyline points, one string per run of shown months (a hidden month is a gap)."""
        if not self.months:
            return []
        top = max((v or 0) for _m, v in self.months) or 1
        step = self.width / max(1, len(self.months) - 1)
        runs: list[list[str]] = [[]]
        for index, (_month_start, value) in enumerate(self.months):
            if value is None:
                runs.append([])
                continue
            y = self.height - 2 - (self.height - 4) * value / top
            runs[-1].append(f"{index * step:.1f},{y:.1f}")
        return [" ".join(run) for run in runs if len(run) > 1]

    @property
    def dots(self) -> list[tuple[str, str]]:
        """Lone shown months between gaps, drawn as dots."""
        top = max((v or 0) for _m, v in self.months) or 1 if self.months else 1
        step = self.width / max(1, len(self.months) - 1)
        result = []
        for index, (_month_start, value) in enumerate(self.months):
            before = self.months[index - 1][1] if index else None
            after = self.months[index + 1][1] if index + 1 < len(self.months) else None
            if value is not None and before is None and after is None:
                y = self.height - 2 - (self.height - 4) * value / top
                result.append((f"{index * step:.1f}", f"{y:.1f}"))
        return result


@dataclass
class Dashboard:
    scope: DashboardScope
    period: Period
    raw: bool
    refreshed_at: datetime | None
    tables: list[Table]
    sparkline: Sparkline
    indicators: list[dict[str, Any]]
    periods: list[str]

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)

    @property
    def people(self) -> int | None:
        reach = self.table("reach")
        return reach.rows[0].values[0] if reach and reach.rows else 0

    @property
    def suppressed_cells(self) -> int:
        return sum(table.hidden for table in self.tables)


# --- reading the summaries ----------------------------------------------------------------------------------------


def _summary_rows(scope: DashboardScope, period: Period) -> list[tuple[str, str, str, str, int]]:
    """(domain, country, age band, gender, people) for the scope and period."""
    if not period.custom:
        return list(
            ReachSummary.objects.filter(scope=scope.kind, scope_id=scope.scope_id, period=period.key).values_list(
                "domain", "country", "age_band", "gender", "people"
            )
        )
    # A custom range is not stored: people are counted once over its months from the facts (slower, and the
    # reason the filter offers years and quarters first).
    first, last = period.months() or (date.min, date.max)
    sql = (
        "SELECT domain, country, age_band, gender, COUNT(*) FROM ("
        " SELECT kd.domain AS domain, f.person_id, MAX(f.country) AS country, MAX(f.age_band) AS age_band,"
        " MAX(f.gender) AS gender FROM analytics_reachfact f JOIN analytics_kinddomain kd ON kd.kind = f.kind"
        " WHERE f.organization_id IN (SELECT organization_id FROM analytics_scopeorganization"
        "  WHERE scope = %s AND scope_id = %s) AND f.month >= %s AND f.month <= %s"
        " GROUP BY kd.domain, f.person_id) per_person GROUP BY domain, country, age_band, gender"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope.kind, scope.scope_id, first, last])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def _scope_organizations(scope: DashboardScope) -> Any:
    return ScopeOrganization.objects.filter(scope=scope.kind, scope_id=scope.scope_id).values("organization_id")


def _month_filter(period: Period) -> Q:
    months = period.months()
    return Q() if months is None else Q(month__gte=months[0], month__lte=months[1])


def _table_2d(
    name: str,
    title: str,
    row_label: str,
    counts: dict[tuple[str, str], int],
    row_order: list[str],
    row_labels: dict[str, str],
    *,
    raw: bool,
) -> Table:
    protected: ProtectedTable[str, str] = protect_table(
        counts, raw=raw, row_order=row_order, column_order=list(GENDERS)
    )
    columns = [(gender, str(GENDER_LABELS[gender])) for gender in GENDERS]
    rows = [
        Row(
            key=row,
            label=row_labels.get(row, row),
            values=[protected.cells[(row, gender)] for gender in GENDERS],
            total=protected.row_totals[row],
        )
        for row in protected.rows
    ]
    return Table(
        name=name,
        title=title,
        row_label=row_label,
        columns=columns,
        rows=rows,
        totals=[protected.column_totals[gender] for gender in GENDERS],
        total=protected.total,
        hidden=protected.hidden,
    )


def _series_table(
    name: str, title: str, row_label: str, column: str, counts: dict[str, int], labels: dict[str, str], *, raw: bool
) -> Table:
    protected = protect_series(counts, raw=raw)
    rows = [Row(key=key, label=labels.get(key, key), values=[value]) for key, value in protected.cells.items()]
    return Table(
        name=name,
        title=title,
        row_label=row_label,
        columns=[("people", column)],
        rows=rows,
        totals=[protected.total],
        total=protected.total,
        hidden=protected.hidden,
    )


def _country_labels(codes: Iterable[str]) -> dict[str, str]:
    from tamyr.core.templatetags.l10n_cldr import country_name

    return {code: (country_name(code) if code else _("Not stated")) for code in codes}


_UNREAD: Any = object()


def dashboard_get(
    *,
    scope: DashboardScope,
    period: Period,
    raw: bool,
    indicators: list[dict[str, Any]],
    refreshed_at: datetime | None = _UNREAD,
) -> Dashboard:
    """Everything the dashboard shows, from five reads of the summary tables."""
    state = (
        RefreshState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
        if refreshed_at is _UNREAD
        else refreshed_at
    )
    summary = _summary_rows(scope, period)
    people_label = _("People")

    by_domain: dict[str, int] = defaultdict(int)
    by_country: dict[tuple[str, str], int] = defaultdict(int)
    by_age: dict[tuple[str, str], int] = defaultdict(int)
    for domain, country, age_band, gender, people in summary:
        by_domain[domain] += people
        if domain == Domain.ALL:
            by_country[(country, gender)] += people
            by_age[(age_band, gender)] += people

    tables: list[Table] = []
    # reach: people in all activities, then per domain; each is a separate count of distinct people (not a sum)
    reach_rows = []
    hidden = 0
    for domain in (Domain.ALL, Domain.EVENTS, Domain.LEARNING, Domain.CALLS):
        value = by_domain.get(domain, 0)
        shown = value if raw else (round_count(value) if value >= THRESHOLD else (0 if value == 0 else None))
        hidden += shown is None
        reach_rows.append(Row(key=str(domain), label=str(Domain(domain).label), values=[shown]))
    tables.append(
        Table(
            name="reach",
            title=_("People reached"),
            row_label=_("Activity"),
            columns=[("people", people_label)],
            rows=reach_rows,
            hidden=hidden,
            show_totals_row=False,
        )
    )
    country_totals: dict[str, int] = defaultdict(int)
    for (country, _gender), people in by_country.items():
        country_totals[country] += people
    countries = sorted(country_totals, key=lambda code: (-country_totals[code], code))
    tables.append(
        _table_2d(
            "country",
            _("People reached by country of residence and gender"),
            _("Country"),
            by_country,
            countries,
            _country_labels(countries),
            raw=raw,
        )
    )
    bands = [band for band in AGE_BANDS if any(key[0] == band for key in by_age)]
    if any(key[0] == "" for key in by_age):
        bands.append("")
    tables.append(
        _table_2d(
            "age",
            _("People reached by age and gender"),
            _("Age"),
            by_age,
            bands,
            {"": _("Not stated")},
            raw=raw,
        )
    )

    languages = (
        {}
        if period.custom
        else dict(
            ReachLanguage.objects.filter(scope=scope.kind, scope_id=scope.scope_id, period=period.key)
            .order_by("-people", "language")
            .values_list("language", "people")
        )
    )
    from tamyr.core.templatetags.l10n_cldr import language_name

    language_table = _series_table(
        "language",
        _("People reached by a language they speak"),
        _("Language"),
        people_label,
        languages,
        {code: language_name(code) for code in languages},
        raw=raw,
    )
    language_table.show_totals_row = False  # a person speaking two languages counts in both: no total
    tables.append(language_table)

    activity = dict(
        ActivityMonthly.objects.filter(_month_filter(period), organization_id__in=_scope_organizations(scope))
        .values("measure")
        .annotate(value=Sum("value"))
        .values_list("measure", "value")
    )
    activity_rows = []
    hidden = 0
    for measure in ("events", "registrations", "attendances", "course_groups", "enrollments", "completions",
                    "certificates", "calls", "applications", "awards"):  # fmt: skip
        value = int(activity.get(measure) or 0)
        if not raw and measure in PEOPLE_MEASURES:
            value_shown: int | None = round_count(value) if value >= THRESHOLD else (0 if value == 0 else None)
        else:
            value_shown = value
        hidden += value_shown is None
        activity_rows.append(Row(key=measure, label=str(MEASURE_LABELS[measure]), values=[value_shown]))
    tables.append(
        Table(
            name="activity",
            title=_("Events, courses and calls"),
            row_label=_("What"),
            columns=[("count", _("Number"))],
            rows=activity_rows,
            hidden=hidden,
            people=False,
            show_totals_row=False,
        )
    )

    monthly_query = ReachMonthly.objects.filter(scope=scope.kind, scope_id=scope.scope_id)
    months_range = period.months()
    if months_range is not None:
        monthly_query = monthly_query.filter(month__gte=months_range[0], month__lte=months_range[1])
    monthly = list(monthly_query.order_by("-month").values_list("month", "people")[:36])[::-1]
    shown_months: list[tuple[date, int | None]] = [
        (month, people if raw else (round_count(people) if people >= THRESHOLD else None)) for month, people in monthly
    ]
    monthly_table = Table(
        name="monthly",
        title=_("People reached per month"),
        row_label=_("Month"),
        columns=[("people", people_label)],
        rows=[Row(key=f"{m:%Y-%m}", label=f"{m:%Y-%m}", values=[v]) for m, v in shown_months],
        hidden=sum(1 for _m, v in shown_months if v is None),
        show_totals_row=False,
    )
    tables.append(monthly_table)

    periods = _periods_available(scope)
    return Dashboard(
        scope=scope,
        period=period,
        raw=raw,
        refreshed_at=state,
        tables=tables,
        sparkline=Sparkline(months=shown_months),
        indicators=indicators,
        periods=periods,
    )


CACHE_SECONDS = 24 * 3600  # a new refresh changes the key; this only bounds what an idle cache keeps


def last_refresh() -> datetime | None:
    return RefreshState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def data_version(refreshed_at: datetime | None | Any = _UNREAD) -> str:
    """The figures' version: the last refresh's moment (one small read). Every cached dashboard is keyed by it, so
    a refresh makes the next request recompute, and nothing has to be deleted."""
    refreshed = last_refresh() if refreshed_at is _UNREAD else refreshed_at
    return refreshed.isoformat() if refreshed else "never"


def cache_key(scope: DashboardScope, period: Period, *, raw: bool, version: str, part: str = "board") -> str:
    """(scope, period, raw or protected, language, data version): everything a dashboard's figures and labels
    depend on; the viewer's own bits (links, plan indicators, menus) are added per request."""
    from django.utils.translation import get_language

    months = period.months()
    span = f"{months[0]:%Y%m}-{months[1]:%Y%m}" if period.custom and months else period.key
    return f"analytics:{part}:{version}:{scope.kind}{scope.scope_id}:{span}:{int(raw)}:{get_language() or ''}"


def dashboard_cached(
    *,
    scope: DashboardScope,
    period: Period,
    raw: bool,
    indicators: list[dict[str, Any]],
    refreshed_at: datetime | None | Any = _UNREAD,
) -> Dashboard:
    """`dashboard_get` through the cache (the project's default cache: the database or Redis): the summary reads
    and the disclosure control run once per (scope, period, raw, language) and refresh, not per request."""
    from dataclasses import replace

    from django.core.cache import cache

    if refreshed_at is _UNREAD:
        refreshed_at = last_refresh()
    key = cache_key(scope, period, raw=raw, version=data_version(refreshed_at))
    stored = cache.get(key)
    if stored is not None:
        tables, months, periods, _refreshed = stored
        return Dashboard(
            scope=scope,
            period=period,
            raw=raw,
            refreshed_at=refreshed_at,
            tables=tables,
            sparkline=Sparkline(months=months),
            indicators=indicators,
            periods=periods,
        )
    board = dashboard_get(scope=scope, period=period, raw=raw, indicators=[], refreshed_at=refreshed_at)
    cache.set(key, (board.tables, board.sparkline.months, board.periods, board.refreshed_at), CACHE_SECONDS)
    return replace(board, indicators=indicators)


def _periods_available(scope: DashboardScope) -> list[str]:
    """Years and quarters with figures, newest first (from the monthly table: one small read)."""
    months = (
        ReachMonthly.objects.filter(scope=scope.kind, scope_id=scope.scope_id)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")
    )
    periods: list[str] = []
    for month in months:
        for key in (str(month.year), f"{month.year}-Q{(month.month - 1) // 3 + 1}"):
            if key not in periods:
                periods.append(key)
    return periods


def plan_indicators(*, scope: DashboardScope, period: Period, user: Any) -> list[dict[str, Any]]:
    """The plans' indicators in the period, with their stored actuals (cooperation computes and approves them;
    nothing is counted here). Plans the viewer may not see are left out."""
    from tamyr.accounts.permissions import can
    from tamyr.cooperation.models import IndicatorPeriod

    periods = IndicatorPeriod.objects.select_related("indicator__measure__plan__network").order_by(
        "indicator__measure__plan__slug", "indicator__measure__code", "indicator__order", "starts_on"
    )
    if scope.kind == Scope.NETWORK:
        periods = periods.filter(indicator__measure__plan__network_id=scope.scope_id)
    elif scope.kind == Scope.ORGANIZATION:
        periods = periods.filter(indicator__measure__plan__organization_id=scope.scope_id)
    else:
        periods = periods.filter(indicator__measure__plan__status="in_force")
    months = period.months()
    if months is not None:
        periods = periods.filter(starts_on__lte=date(months[1].year, months[1].month, 28), ends_on__gte=months[0])
    result = []
    seen: dict[int, bool] = {}
    for row in periods[:60]:
        plan = row.indicator.measure.plan
        if plan.pk not in seen:
            seen[plan.pk] = can(user, "cooperation.view_plan", plan)
        if not seen[plan.pk]:
            continue
        result.append(
            {
                "plan": translate(plan.title) or plan.slug,
                "plan_slug": plan.slug,
                "indicator": translate(row.indicator.title),
                "unit": row.indicator.unit,
                "starts_on": row.starts_on,
                "ends_on": row.ends_on,
                "target": row.target,
                "actual": row.actual,
                "percent": (
                    None
                    if row.actual is None or not row.target
                    else min(100, max(0, int(100 * float(row.actual) / float(row.target))))
                ),
            }
        )
    return result
