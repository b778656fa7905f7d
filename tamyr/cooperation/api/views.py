"""Plans under /api/v1/plans/: what the caller may see (public plans for anonymous callers), by slug, with
directions, measures, indicators and sign-offs; and the writes, each one service call: measures created, changed
one by one or in bulk, imported; values reported with evidence and approved; a version signed off. A plan the
caller may not see answers 404 to every one of them; the services decide the rest through `permissions.can()`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.cooperation import reports, selectors, services, services_bulk
from tamyr.cooperation.api import writes
from tamyr.cooperation.api.serializers import (
    MeasureSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    SignOffSerializer,
)
from tamyr.cooperation.models import IndicatorPeriod, Measure, Plan, ReportedValue
from tamyr.core.errors import DomainError, NotAllowed


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Plans the caller may see, with their progress computed from the platform's data."""

    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []
    serializer_class = PlanSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # writes: a signed-in caller who may see the plan; each service then asks `can()` for what it does
    object_permissions = dict.fromkeys(
        ["create_measure", "update_measure", "bulk", "import_file", "report_value", "decide_value", "sign_off"],
        "cooperation.view_plan",
    )

    def get_queryset(self) -> QuerySet[Plan]:
        return selectors.plans_visible_to(self.request.user).order_by("-starts_on", "slug")

    def get_object(self) -> Plan:
        try:
            plan = selectors.plan_get(self.kwargs[self.lookup_field])
        except Plan.DoesNotExist as error:
            raise Http404 from error
        if not permissions.can(self.request.user, "cooperation.view_plan", plan):
            raise Http404
        return plan

    @extend_schema(responses=PlanDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        context = {
            **self.get_serializer_context(),
            "tree": reports.tree_for(request.user, plan),  # small counts withheld from outsiders
            "published_numbers": not reports.exact_numbers_for(request.user, plan),
            "versions": list(selectors.versions_of(plan)),
        }
        return Response(PlanDetailSerializer(plan, context=context).data)

    def _measure_data(self, plan: Plan, code: str) -> dict[str, Any]:
        node = reports.node_for(self.request.user, plan, code)
        return dict(MeasureSerializer(node).data) if node is not None else {}

    def _context(self, plan: Plan) -> dict[str, Any]:
        return {**self.get_serializer_context(), "plan": plan}

    @extend_schema(request=writes.MeasureWriteSerializer, responses={201: MeasureSerializer})
    @action(detail=True, methods=["post"], url_path="measures")
    def create_measure(self, request: Request, slug: str | None = None) -> Response:
        """Add a measure (the plan's coordinators)."""
        plan = self.get_object()
        serializer = writes.MeasureWriteSerializer(data=request.data, context=self._context(plan))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in ("code", "title", "lead"):
            if name not in data:
                raise DomainError(_("This field is required."), field=name)
        measure = services.measure_create(
            plan=plan,
            code=data.pop("code"),
            title=data.pop("title"),
            lead=data.pop("lead"),
            direction=data.pop("direction", None),
            acting_user=request.user,
            **data,
        )
        return Response(self._measure_data(plan, measure.code), status=status.HTTP_201_CREATED)

    @extend_schema(request=writes.MeasureWriteSerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["patch"], url_path=r"measures/(?P<code>[^/]+)")
    def update_measure(self, request: Request, slug: str | None = None, code: str = "") -> Response:
        """Change a measure: its status, dates, partners, events and courses also by its lead organization."""
        plan = self.get_object()
        measure = Measure.objects.filter(plan=plan, code=code).select_related("plan").first()
        if measure is None:
            raise Http404
        serializer = writes.MeasureWriteSerializer(data=request.data, partial=True, context=self._context(plan))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "code" in data:
            raise DomainError(_("A measure's number does not change."), field="code")
        services.measure_update(measure=measure, acting_user=request.user, **data)
        return Response(self._measure_data(plan, code))

    @extend_schema(request=writes.BulkMeasuresSerializer, responses=writes.BulkResultSerializer)
    @action(detail=True, methods=["post"], url_path="measures/bulk")
    def bulk(self, request: Request, slug: str | None = None) -> Response:
        """One status, owners or dates for many measures; the ones the caller may not change are refused."""
        plan = self.get_object()
        serializer = writes.BulkMeasuresSerializer(data=request.data, context=self._context(plan))
        serializer.is_valid(raise_exception=True)
        result = services_bulk.measures_bulk_update(plan=plan, acting_user=request.user, **serializer.validated_data)
        return Response(writes.BulkResultSerializer(result).data)

    @extend_schema(
        request={"multipart/form-data": writes.ImportSerializer},
        responses={200: writes.ImportReportSerializer, 400: OpenApiResponse(description="The file cannot be read.")},
    )
    @action(detail=True, methods=["post"], url_path="import")
    def import_file(self, request: Request, slug: str | None = None) -> Response:
        """Measures or reported values from a CSV or XLSX file; `dry_run` shows what would be written. With one
        bad row nothing is written; every bad row is listed with its line and column."""
        from tamyr.core import uploads

        plan = self.get_object()
        if not permissions.can(request.user, "cooperation.bulk_edit", plan):
            raise NotAllowed(_("Only the plan's coordinators and its measures' lead organizations import."))
        serializer = writes.ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services_bulk.import_upload(
            plan=plan,
            upload=uploads.check(data["file"], uploads.PLAN_IMPORT, field="file"),
            kind=data["kind"],
            dry_run=data["dry_run"],
            encoding=data.get("encoding") or None,
            acting_user=request.user,
        )
        return Response(writes.ImportReportSerializer(report).data)

    @extend_schema(
        request={"multipart/form-data": writes.ValueReportSerializer, "application/json": writes.ValueReportSerializer},
        responses={201: writes.ReportedValueSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"periods/(?P<period>\d+)/values")
    def report_value(self, request: Request, slug: str | None = None, period: str = "") -> Response:
        """The lead organization reports a value of a reported indicator with evidence: a file or a link."""
        plan = self.get_object()
        found = (
            IndicatorPeriod.objects.filter(pk=period, indicator__measure__plan=plan)
            .select_related("indicator__measure__plan")
            .first()
        )
        if found is None:
            raise Http404
        serializer = writes.ValueReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reported = services.value_report(
            period=found,
            value=data["value"],
            evidence_file=data.get("evidence_file"),
            evidence_url=data.get("evidence_url", ""),
            comment=data.get("comment", ""),
            acting_user=request.user,
        )
        return Response(writes.ReportedValueSerializer(reported).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=writes.ValueDecisionSerializer, responses=writes.ReportedValueSerializer)
    @action(detail=True, methods=["post"], url_path=r"values/(?P<value>\d+)/decision")
    def decide_value(self, request: Request, slug: str | None = None, value: str = "") -> Response:
        """The plan's coordinators approve a reported value (it becomes the period's actual) or return it."""
        plan = self.get_object()
        reported = ReportedValue.objects.filter(pk=value, period__indicator__measure__plan=plan).first()
        if reported is None:
            raise Http404
        serializer = writes.ValueDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = services.value_decide(
            reported=reported,
            approve=serializer.validated_data["approve"],
            note=serializer.validated_data.get("note", ""),
            acting_user=request.user,
        )
        return Response(writes.ReportedValueSerializer(decided).data)

    @extend_schema(request=writes.SignOffWriteSerializer, responses={201: SignOffSerializer})
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, slug: str | None = None) -> Response:
        """A member institution decides on the version awaiting sign-off, through someone holding its admin role."""
        plan = self.get_object()
        version = selectors.version_in_signing(plan)
        if version is None:
            raise DomainError(_("No version of this plan awaits sign-off."), code="closed")
        serializer = writes.SignOffWriteSerializer(data=request.data, context=self._context(plan))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        signoff = services.signoff_record(
            version=version,
            organization=data["organization"],
            decision=data["decision"],
            reservation=data.get("reservation", ""),
            acting_user=request.user,
        )
        return Response(SignOffSerializer(signoff).data, status=status.HTTP_201_CREATED)
