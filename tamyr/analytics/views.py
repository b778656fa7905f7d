"""The dashboards: `/analytics/` (the platform's, for platform admins; for others, the dashboards they may open),
`/analytics/networks/<slug>/` and `/analytics/organizations/<slug>/`, each with CSV/XLSX exports of its tables
(`?export=csv&table=country`). Who sees what is `can()`'s (analytics.view_dashboard, analytics.view_raw_figures);
the figures are `dashboard.py`'s; nothing here counts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.analytics import dashboard as selectors
from tamyr.analytics.exports import ALL_TABLES, COUNTRIES_TABLE, country_periods_export, dashboard_export
from tamyr.core import audit
from tamyr.core.exports import EXPORT_FORMATS
from tamyr.registry.models import Network, Organization


def dashboards_for(user: Any) -> dict[str, Any]:
    """The dashboards a user may open, for the chooser and the filter's scope menu (two queries)."""
    roles = permissions.roles_of(user)
    if roles.platform_admin:
        networks = list(Network.objects.order_by("slug"))
        organizations = list(Organization.objects.order_by("slug")[:300])
    else:
        networks = list(Network.objects.filter(pk__in=roles.coordinated_networks).order_by("slug"))
        ids = roles.organizations_with(permissions.PEOPLE_ROLES) | set(roles.coordinated_organizations)
        organizations = list(Organization.objects.filter(pk__in=ids).order_by("slug"))
    return {"platform": roles.platform_admin, "networks": networks, "organizations": organizations}


def _links(user: Any, scope: selectors.DashboardScope) -> dict[str, str]:
    """The lists the figures count, for the viewers who may open them."""
    links: dict[str, str] = {}
    if permissions.can(user, "registry.view_people"):
        links["people"] = reverse("registry:person_list")
    if permissions.can(user, "events.view_statistics"):
        links["events"] = reverse("events:statistics_overview")
    provider = scope.obj if scope.kind == "o" else None
    if permissions.can(user, "learning.view_statistics", provider):
        links["learning"] = reverse("learning:statistics") + (f"?provider={provider.slug}" if provider else "")
    links["calls"] = reverse("calls:call_list")
    return links


def _show(request: HttpRequest, scope_obj: Any) -> HttpResponseBase:
    user = request.user
    if not permissions.can(user, "analytics.view_dashboard", scope_obj):
        raise PermissionDenied(_("This dashboard is open to its organization's staff and its network's coordinators."))
    go = request.GET.get("go", "")
    if go:  # the scope menu: another dashboard, same period
        target = _go_target(go)
        if target:
            rest = request.GET.copy()
            rest.pop("go")
            return redirect(f"{target}?{rest.urlencode()}" if rest else target)
    scope = selectors.DashboardScope.of(scope_obj)
    error = ""
    try:
        period = selectors.parse_period(request.GET)
    except selectors.PeriodError as problem:
        error, period = str(problem), selectors.Period()
    raw = permissions.can(user, "analytics.view_raw_figures", scope_obj)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS and request.GET.get("table") == COUNTRIES_TABLE:
        audit.record(user, "analytics.dashboard_exported", scope_obj, format=export, table=COUNTRIES_TABLE, raw=raw)
        return country_periods_export(scope, user=user, raw=raw, fmt=export)
    indicators = selectors.plan_indicators(scope=scope, period=period, user=user)
    refreshed_at = selectors.last_refresh()
    version = selectors.data_version(refreshed_at)
    board = selectors.dashboard_cached(
        scope=scope, period=period, raw=raw, indicators=indicators, refreshed_at=refreshed_at
    )

    if export in EXPORT_FORMATS and not error:
        table = request.GET.get("table") or ALL_TABLES
        audit.record(
            user, "analytics.dashboard_exported", scope_obj, format=export, table=table, period=period.label, raw=raw
        )
        return dashboard_export(board, fmt=export, table_name=table)

    links = _links(user, scope)
    context = {
        "tables": _displayed_tables(board, links, selectors.cache_key(scope, period, raw=raw, version=version)),
        "board": board,
        "error": error,
        "links": links,
        "figure_links": {
            "reach": {
                "all": links.get("people", ""),
                "events": links.get("events", ""),
                "learning": links.get("learning", ""),
                "calls": links.get("calls", ""),
            },
            "activity": {
                "events": links.get("events", ""),
                "registrations": links.get("events", ""),
                "attendances": links.get("events", ""),
                "course_groups": links.get("learning", ""),
                "enrollments": links.get("learning", ""),
                "completions": links.get("learning", ""),
                "certificates": links.get("learning", ""),
                "calls": links.get("calls", ""),
            },
        },  # fmt: skip
        "choices": dashboards_for(user),
        "current_go": f"{scope.kind}:{scope.slug}",
    }
    return render(request, "analytics/dashboard.html", context, status=400 if error else 200)


ACTIVITY_LINKS = {
    "events": "events", "registrations": "events", "attendances": "events", "course_groups": "learning",
    "enrollments": "learning", "completions": "learning", "certificates": "learning", "calls": "calls",
    "applications": "calls", "awards": "calls",
}  # fmt: skip


def _row_link(table: str, key: str, links: dict[str, str]) -> str:
    if table == "activity":
        return links.get(ACTIVITY_LINKS.get(key, ""), "")
    if table == "country" and key and links.get("people"):
        return f"{links['people']}?country={key}"  # the people list, filtered to the country
    return ""


def _displayed_tables(board: selectors.Dashboard, links: dict[str, str], key: str) -> list[dict[str, Any]]:
    """The page's tables, formatted, from the cache: keyed like the dashboard's figures plus the links this viewer
    gets (they depend on the viewer's permissions only through which lists they may open)."""
    from django.core.cache import cache

    key = f"{key}:display:{sorted(links.items())!r}".replace(" ", "")
    tables = cache.get(key)
    if tables is None:
        tables = [_display(table, links) for table in board.tables if table.name != "reach"]
        cache.set(key, tables, selectors.CACHE_SECONDS)
    return tables


def _display(table: selectors.Table, links: dict[str, str]) -> dict[str, Any]:
    """The table with its figures formatted once, here: a page of forty countries by five columns would otherwise
    resolve thousands of template lookups (measured: half the page's time)."""
    from tamyr.core import cldr

    def text(value: int | None) -> str:
        return selectors.HIDDEN if value is None else cldr.number(value)

    two = len(table.columns) > 1
    labels = [str(label) for _key, label in table.columns]
    total_label = _("Total")
    largest = table.largest
    rows = []
    for row in table.rows:
        cells = [(label, text(value)) for label, value in zip(labels, row.values, strict=True)]
        if two:
            cells.append((total_label, text(row.total)))
        measure = row.total if two else row.values[0]
        rows.append(
            {
                "label": row.label,
                "link": _row_link(table.name, row.key, links),
                "cells": cells,
                "share": None if measure is None else f"{100.0 * measure / largest:.1f}",
            }
        )
    totals = None
    if table.show_totals_row:
        totals = [(label, text(value)) for label, value in zip(labels, table.totals, strict=True)]
        if two:
            totals.append((total_label, text(table.total)))
    return {
        "name": table.name,
        "title": table.title,
        "row_label": table.row_label,
        "headers": [*labels, *([total_label] if two else [])],
        "rows": rows,
        "totals": totals,
    }


def _go_target(go: str) -> str:
    kind, _sep, slug = go.partition(":")
    if kind == "p":
        return reverse("analytics:dashboard_home")
    if kind == "n" and slug:
        return reverse("analytics:network_dashboard", kwargs={"slug": slug})
    if kind == "o" and slug:
        return reverse("analytics:organization_dashboard", kwargs={"slug": slug})
    return ""


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    if permissions.can(user, "analytics.view_dashboard", None):
        return _show(request, None)
    if not permissions.can(user, "analytics.view_any_dashboard"):
        raise PermissionDenied(_("Dashboards are open to the staff of organizations and the coordinators of networks."))
    choices = dashboards_for(user)
    if not choices["networks"] and len(choices["organizations"]) == 1:
        return redirect("analytics:organization_dashboard", slug=choices["organizations"][0].slug)
    return render(request, "analytics/dashboard_choose.html", {"choices": choices})


@login_required
def network_dashboard(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _show(request, get_object_or_404(Network, slug=slug))


@login_required
def organization_dashboard(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _show(request, get_object_or_404(Organization, slug=slug))
