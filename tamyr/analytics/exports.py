"""The dashboard's tables as CSV (streamed) and XLSX, through `tamyr.core.exports` (formula neutralisation), with
the same suppression as the page: a hidden cell is written `[c]` (the ONS marker for "confidential")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from tamyr.analytics.dashboard import Dashboard, Table
from tamyr.core.exports import export_response

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
