"""Diaspora estimates over the API (/api/v1/estimates/): anyone reads; platform admins and network coordinators
write (`analytics.manage_estimates`), through the same service as the import."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.analytics import estimates as services
from tamyr.analytics.models import DiasporaEstimate, EstimateMeasure
from tamyr.api.permissions import Can
from tamyr.events.api.views import ERRORS


class EstimateSerializer(serializers.ModelSerializer):
    """One source's figure: a point, or a range (low, high); `measure` says what it counts."""

    origin = serializers.CharField(source="origin_id", max_length=2)
    residence = serializers.CharField(source="residence_id", max_length=2)
    year = serializers.IntegerField(min_value=1800, max_value=2200)
    point = serializers.IntegerField(min_value=0, max_value=10**10, allow_null=True, required=False)
    low = serializers.IntegerField(min_value=0, max_value=10**10, allow_null=True, required=False)
    high = serializers.IntegerField(min_value=0, max_value=10**10, allow_null=True, required=False)
    measure = serializers.ChoiceField(choices=EstimateMeasure.choices, default=EstimateMeasure.OTHER)
    url = serializers.URLField(max_length=500, allow_blank=True, required=False, default="")

    class Meta:
        model = DiasporaEstimate
        fields = ["id", "origin", "residence", "year", "point", "low", "high", "measure", "publisher", "title",
                  "url", "table", "method_note", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "updated_at"]
        extra_kwargs = {"table": {"required": False}, "method_note": {"required": False}}


def _row(data: dict[str, Any], base: DiasporaEstimate | None = None) -> services.EstimateRow:
    def value(name: str, attribute: str | None = None) -> Any:
        if name in data:
            return data[name]
        return getattr(base, attribute or name) if base is not None else None

    return services.EstimateRow(
        origin=str(value("origin_id")).upper(), residence=str(value("residence_id")).upper(), year=value("year"),
        point=value("point"), low=value("low"), high=value("high"), publisher=value("publisher") or "",
        title=value("title") or "", url=value("url") or "", table=value("table") or "",
        method_note=value("method_note") or "", measure=value("measure") or EstimateMeasure.OTHER)  # fmt: skip


FILTERS = [
    OpenApiParameter("origin", str, description="Origin country, ISO 3166 alpha-2."),
    OpenApiParameter("residence", str, description="Country of residence, ISO 3166 alpha-2."),
    OpenApiParameter("year", int, description="Only this year's figures."),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTERS, description="Every source's figure, side by side (never averaged)."),
    create=extend_schema(
        request=EstimateSerializer,
        responses={
            201: EstimateSerializer,
            200: OpenApiResponse(
                EstimateSerializer,
                description="Updated: the same origin, residence, year, publisher and title existed.",
            ),
            400: ERRORS,
            403: ERRORS,
        },
    ),  # fmt: skip
    partial_update=extend_schema(
        request=EstimateSerializer, responses={200: EstimateSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS}
    ),
    destroy=extend_schema(responses={204: None, 403: ERRORS, 404: ERRORS}),
    retrieve=extend_schema(responses={200: EstimateSerializer, 404: ERRORS}),
)
class EstimateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    mixins.DestroyModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Official and expert estimates of diasporas by origin and country of residence."""

    permission_classes = [Can]
    public_read = True
    serializer_class = EstimateSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_permissions = {
        "create": "analytics.manage_estimates",
        "partial_update": "analytics.manage_estimates",
        "destroy": "analytics.manage_estimates",
    }

    def get_queryset(self) -> Any:
        estimates = DiasporaEstimate.objects.order_by("origin_id", "residence_id", "-year", "publisher", "id")
        params = self.request.query_params
        if params.get("origin"):
            estimates = estimates.filter(origin_id=params["origin"].upper())
        if params.get("residence"):
            estimates = estimates.filter(residence_id=params["residence"].upper())
        if params.get("year"):
            year = serializers.IntegerField(min_value=1800, max_value=2200).run_validation(params["year"])
            estimates = estimates.filter(year=year)
        return estimates

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = _row(dict(serializer.validated_data))
        existed = DiasporaEstimate.objects.filter(origin_id=row.origin, residence_id=row.residence, year=row.year,
                                                  publisher=row.publisher, title=row.title).exists()  # fmt: skip
        estimate = services.estimate_save(row=row, acting_user=request.user)
        return Response(
            EstimateSerializer(estimate).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        estimate = get_object_or_404(DiasporaEstimate, pk=self.kwargs["pk"])
        serializer = self.get_serializer(estimate, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = _row(dict(serializer.validated_data), base=estimate)
        key_changed = (row.origin, row.residence, row.year, row.publisher, row.title) != (
            estimate.origin_id, estimate.residence_id, estimate.year, estimate.publisher, estimate.title)  # fmt: skip
        with transaction.atomic():  # a changed source key moves the figure: both writes or neither
            if key_changed:
                services.estimate_delete(estimate=estimate, acting_user=request.user)
            saved = services.estimate_save(row=row, acting_user=request.user)
        return Response(EstimateSerializer(saved).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        estimate = get_object_or_404(DiasporaEstimate, pk=self.kwargs["pk"])
        services.estimate_delete(estimate=estimate, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
