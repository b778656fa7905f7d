"""The dashboard's tables as CSV (streamed) and XLSX, through `tamyr.core.exports` (formula neutralisation), with
the same suppression as the page: a hidden cell is written `[c]` (the ONS marker for "confidential")."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from tamyr.analytics.dashboard import (
    GENDER_LABELS,
    GENDERS,
    HIDDEN,
    Dashboard,
    DashboardScope,
    Table,
    _country_labels,
)
from tamyr.analytics.disclosure import protect_table
from tamyr.analytics.models import Domain, ReachCountry, Scope, ScopeOrganization
from tamyr.core.exports import export_response, safe_cell

ALL_TABLES = "all"


def _long_rows(dashboard: Dashboard) -> Iterator[list[Any]]:
    """Every table in one sheet, one figure a line: table, row, column, value."""
    for table in dashboard.tables:
        header = table.header()
        for row in table.export_rows():
            for column, value in zip(header[1:], row[1:], strict=False):
                yield [table.name, row[0], column, value]


def dashboard_export(dashboard: Dashboard, *, fmt: str, table_name: str) -> HttpResponse | StreamingHttpResponse:
    """One table (`table_name`) or all of them (`all`), named after the scope and period."""
    table: Table | None = dashboard.table(table_name)
    filename = "-".join(["dashboard", dashboard.scope.slug, dashboard.period.label.replace(" ", ""), table_name])
    if table is None:
        return export_response(fmt, filename, [_("Table"), _("Row"), _("Column"), _("Value")], _long_rows(dashboard))
    return export_response(fmt, filename, table.header(), table.export_rows())


# --- the large table: people by country and gender, for every period and domain, of the scope and its members ---

COUNTRIES_TABLE = "countries"


def country_periods_rows(scope: DashboardScope, *, user: Any, raw: bool) -> Iterator[list[Any]]:
    """Every (scope, period, domain) block of the country × gender table, for the dashboard's scope and each
    organization in it the viewer may open: the table a coordinator downloads to work on, tens of thousands of
    rows for a network.

    Each block is the dashboard's country table for that period and domain, protected the same way (same counts,
    same row order, `protect_table`), so the download gives away nothing the page hides; blocks are read in one
    ordered pass over the summary (a server-side cursor, nothing held but the current block) and written as they
    are done."""
    from tamyr.accounts import permissions
    from tamyr.registry.models import Organization

    members: dict[int, Organization] = {}
    if scope.kind != Scope.ORGANIZATION:
        ids = ScopeOrganization.objects.filter(scope=scope.kind, scope_id=scope.scope_id).values("organization_id")
        for organization in Organization.objects.filter(pk__in=ids).order_by("slug"):
            if permissions.can(user, "analytics.view_dashboard", organization):
                members[organization.pk] = organization
    # text cells go through `safe_cell` once here (formula neutralisation); figures and `[c]` need none
    raw_of = {(scope.kind, scope.scope_id): raw}
    label_of = {(scope.kind, scope.scope_id): safe_cell(scope.label)}
    for pk, organization in members.items():
        raw_of[(Scope.ORGANIZATION, pk)] = permissions.can(user, "analytics.view_raw_figures", organization)
        label_of[(Scope.ORGANIZATION, pk)] = safe_cell(organization.display_name)
    wanted = Q(scope=scope.kind, scope_id=scope.scope_id)
    if members:
        wanted |= Q(scope=Scope.ORGANIZATION, scope_id__in=list(members))
    # in the read index's order: blocks come out whole; the order of countries within one does not matter (the
    # block is sorted like the page's table before protecting)
    summary = (
        ReachCountry.objects.filter(wanted)
        .values_list("scope", "scope_id", "period", "domain", "country", "gender", "people")
        .order_by("scope", "scope_id", "period", "domain")
        .iterator(chunk_size=10_000)
    )
    domain_labels = {str(domain): safe_cell(str(label)) for domain, label in Domain.choices}
    countries: dict[str, str] = {}
    total_label = safe_cell(_("Total"))

    def cell(value: int | None) -> Any:
        return HIDDEN if value is None else value

    for (kind, scope_id, period, domain), block in groupby(summary, key=itemgetter(0, 1, 2, 3)):
        counts: dict[tuple[str, str], int] = {}
        by_country: dict[str, int] = defaultdict(int)
        for row in block:
            counts[(row[4], row[5])] = row[6]
            by_country[row[4]] += row[6]
        order = sorted(by_country, key=lambda code: (-by_country[code], code))
        protected = protect_table(counts, raw=raw_of[(kind, scope_id)], row_order=order, column_order=list(GENDERS))
        head = [label_of[(kind, scope_id)], period, domain_labels.get(domain, domain)]
        for code in protected.rows:
            if code not in countries:
                countries[code] = safe_cell(_country_labels([code])[code])
            yield [
                *head,
                countries[code],
                *(cell(protected.cells[(code, gender)]) for gender in GENDERS),
                cell(protected.row_totals[code]),
            ]
        yield [
            *head,
            total_label,
            *(cell(protected.column_totals[gender]) for gender in GENDERS),
            cell(protected.total),
        ]


def country_periods_header() -> list[str]:
    return [
        _("Dashboard"),
        _("Period"),
        _("Activity"),
        _("Country"),
        *(str(GENDER_LABELS[gender]) for gender in GENDERS),
        _("Total"),
    ]


def country_periods_export(
    scope: DashboardScope, *, user: Any, raw: bool, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    filename = "-".join(["dashboard", scope.slug, COUNTRIES_TABLE])
    rows = country_periods_rows(scope, user=user, raw=raw)
    if fmt == "xlsx":
        return export_response(fmt, filename, country_periods_header(), rows)
    response = StreamingHttpResponse(
        _csv_chunks(country_periods_header(), rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_chunks(header: list[str], rows: Iterator[list[Any]], size: int = 2000) -> Iterator[str]:
    """CSV of rows whose text is already neutralised, written `size` rows at a time (`writerows` into a buffer,
    one chunk sent per batch): per-row generator steps and per-cell checks were most of the writing's cost."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # so spreadsheet programs read UTF-8 (Cyrillic, Turkic Latin) correctly
    writer.writerow([safe_cell(cell) for cell in header])
    while True:
        batch = list(islice(rows, size))
        if not batch:
            break
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
