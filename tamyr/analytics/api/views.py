"""`/api/v1/analytics/dashboard/`, `/api/v1/analytics/networks/<slug>/`, `/api/v1/analytics/organizations/<slug>/`:
the dashboard's tables as one JSON object (not paginated: a dashboard has a handful of bounded tables), with the
same disclosure control as the page. Filters: `period` (all, 2026, 2026-Q3) or `from` and `to` (YYYY-MM)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tamyr.accounts import permissions
from tamyr.analytics import dashboard as selectors
from tamyr.analytics.api.serializers import DashboardSerializer
from tamyr.registry.models import Network, Organization

PARAMETERS = [
    OpenApiParameter("period", str, description="all (default), a year (2026) or a quarter (2026-Q3)."),
    OpenApiParameter("from", str, description="First month of a custom period, YYYY-MM (with `to`)."),
    OpenApiParameter("to", str, description="Last month of a custom period, YYYY-MM (with `from`)."),
]
SCOPE_NAMES = {"p": "platform", "n": "network", "o": "organization"}


def _answer(request: Request, scope_obj: Any) -> Response:
    user = request.user
    if not permissions.can(user, "analytics.view_dashboard", scope_obj):
        raise PermissionDenied(_("This dashboard is open to its organization's staff and its network's coordinators."))
    try:
        period = selectors.parse_period(request.query_params)
    except selectors.PeriodError as problem:
        raise ValidationError({"period": [str(problem)]}) from problem
    scope = selectors.DashboardScope.of(scope_obj)
    raw = permissions.can(user, "analytics.view_raw_figures", scope_obj)
    indicators = selectors.plan_indicators(scope=scope, period=period, user=user)
    board = selectors.dashboard_cached(scope=scope, period=period, raw=raw, indicators=indicators)
    body = {
        "scope": SCOPE_NAMES[scope.kind],
        "slug": scope.slug,
        "period": period.key,
        "first_month": f"{period.first:%Y-%m}" if period.first else None,
        "last_month": f"{period.last:%Y-%m}" if period.last else None,
        "raw": raw,
        "refreshed_at": board.refreshed_at,
        "tables": [table.as_dict() for table in board.tables],
        "indicators": board.indicators,
    }
    return Response(DashboardSerializer(body).data)


class PlatformDashboardView(APIView):
    """The platform's dashboard (platform admins)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="analytics_platform", tags=["analytics"], parameters=PARAMETERS,
                   responses=DashboardSerializer)  # fmt: skip
    def get(self, request: Request) -> Response:
        return _answer(request, None)


class NetworkDashboardView(APIView):
    """A network's dashboard (its coordinators, platform admins); figures suppressed except for platform admins."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="analytics_network", tags=["analytics"], parameters=PARAMETERS,
                   responses=DashboardSerializer)  # fmt: skip
    def get(self, request: Request, slug: str) -> Response:
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            raise Http404
        return _answer(request, network)


class OrganizationDashboardView(APIView):
    """An organization's dashboard (its admins and staff, with exact figures; its networks' coordinators)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="analytics_organization", tags=["analytics"], parameters=PARAMETERS,
                   responses=DashboardSerializer)  # fmt: skip
    def get(self, request: Request, slug: str) -> Response:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise Http404
        return _answer(request, organization)
