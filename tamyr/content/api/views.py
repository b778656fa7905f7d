"""News and pages over the API: published ones for everyone, drafts for their editors; writes through the services
(which ask `can()`): organizations' admins and staff, networks' coordinators."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.content import selectors, services
from tamyr.content.api.serializers import (
    EntryCreateSerializer,
    EntryDetailSerializer,
    EntrySerializer,
    EntryUpdateSerializer,
    PageCreateSerializer,
    PageUpdateSerializer,
)
from tamyr.content.models import Attachment, Entry, EntryKind
from tamyr.events.api.views import ERRORS
from tamyr.registry.models import Network, Organization

FILTERS = [
    OpenApiParameter("organization", str, description="Only this organization's items (slug)."),
    OpenApiParameter("network", str, description="Only this network's items and its members' (slug)."),
    OpenApiParameter("language", str, description="Only items with a version in this language."),
]


class _EntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"create": "content.add_entry"}
    object_permissions = {"partial_update": "content.change_entry"}
    kind: ClassVar[str] = EntryKind.NEWS
    create_serializer: ClassVar[type[EntryCreateSerializer]] = EntryCreateSerializer
    update_serializer: ClassVar[type[EntryUpdateSerializer]] = EntryUpdateSerializer

    def get_serializer_class(self) -> Any:
        return {"list": EntrySerializer, "create": self.create_serializer,
                "partial_update": self.update_serializer}.get(self.action, EntryDetailSerializer)  # fmt: skip

    def get_queryset(self) -> Any:
        return Entry.objects.filter(kind=self.kind).select_related("organization", "network", "parent")

    def get_object(self) -> Entry:
        try:
            entry = selectors.entry_for_reader(self.kind, self.kwargs[self.lookup_field], self.request.user)
        except Entry.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, entry)
        return entry

    def _detail(self, entry: Entry) -> dict[str, Any]:
        entry = (
            self.get_queryset()
            .prefetch_related(Prefetch("attachments", Attachment.objects.order_by("id")))
            .get(pk=entry.pk)
        )
        return dict(EntryDetailSerializer(entry, context=self.get_serializer_context()).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        owner: Organization | Network | None = None
        if params.get("organization"):
            owner = Organization.objects.filter(slug=params["organization"]).first()
        elif params.get("network"):
            owner = Network.objects.filter(slug=params["network"]).first()
        if (params.get("organization") or params.get("network")) and owner is None:
            raise Http404
        entries = self.get_queryset().public()
        if permissions.can(request.user, "content.add_entry"):  # editors also find their drafts
            entries = entries | selectors.editable_entries(request.user, kind=self.kind)
        if owner is not None:
            entries = selectors.owned_by(entries, owner)
        if params.get("language"):
            entries = entries.filter(title__has_key=params["language"])
        ordered = entries.distinct().order_by("order", "-published_at", "-id") if self.kind == EntryKind.PAGE else (
            entries.distinct().order_by("-published_at", "-id"))  # fmt: skip
        page = self.paginate_queryset(ordered.select_related("organization", "network", "parent"))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.create_serializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        entry = services.entry_create(kind=self.kind, slug=data.pop("slug"), acting_user=request.user, **data)
        return Response(self._detail(entry), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        serializer = self.update_serializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        entry = services.entry_update(entry=entry, acting_user=request.user, **serializer.validated_data)
        return Response(self._detail(entry))


@extend_schema_view(
    list=extend_schema(parameters=FILTERS, description="Published news, newest first; editors also see drafts."),
    retrieve=extend_schema(responses=EntryDetailSerializer),
    create=extend_schema(
        request=EntryCreateSerializer, responses={201: EntryDetailSerializer, 400: ERRORS, 403: ERRORS}
    ),
    partial_update=extend_schema(
        request=EntryUpdateSerializer, responses={200: EntryDetailSerializer, 400: ERRORS, 403: ERRORS}
    ),
)
class NewsViewSet(_EntryViewSet):
    """News items by their address (slug), each in every language it has."""

    kind = EntryKind.NEWS


@extend_schema_view(
    list=extend_schema(parameters=FILTERS, description="Published pages; editors also see drafts."),
    retrieve=extend_schema(responses=EntryDetailSerializer),
    create=extend_schema(
        request=PageCreateSerializer, responses={201: EntryDetailSerializer, 400: ERRORS, 403: ERRORS}
    ),
    partial_update=extend_schema(
        request=PageUpdateSerializer, responses={200: EntryDetailSerializer, 400: ERRORS, 403: ERRORS}
    ),
)
class PageViewSet(_EntryViewSet):
    """Pages by their address (slug), in a tree per organization or network (`parent`)."""

    kind = EntryKind.PAGE
    create_serializer = PageCreateSerializer
    update_serializer = PageUpdateSerializer
