"""Plans under /api/v1/plans/: what the caller may see (public plans for anonymous callers), by slug, with
directions, measures, indicators and sign-offs. Reads only for now; writes go through the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.cooperation import selectors
from tamyr.cooperation.api.serializers import PlanDetailSerializer, PlanSerializer
from tamyr.cooperation.models import Plan


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Plans the caller may see, with their progress computed from the platform's data."""

    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []
    serializer_class = PlanSerializer

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
            "tree": selectors.plan_tree(plan),
            "versions": list(selectors.versions_of(plan)),
        }
        return Response(PlanDetailSerializer(plan, context=context).data)
