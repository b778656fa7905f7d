"""Thin endpoints: they parse, ask `can()`, call a service or selector, and render."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.core import audit
from tamyr.registry import selectors, services
from tamyr.registry.api.serializers import (
    CountrySerializer,
    ExpertiseFieldSerializer,
    NetworkMemberSerializer,
    NetworkMemberWriteSerializer,
    NetworkSerializer,
    OrganizationSerializer,
    PersonSerializer,
)
from tamyr.registry.models import Country, ExpertiseField, Network, Organization, Person


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """ISO 3166-1 countries with their names in every interface language."""

    serializer_class = CountrySerializer
    permission_classes = [Can]
    public_read = True
    lookup_field = "code"
    queryset = Country.objects.all()
    filterset_fields = ["code"]


class ExpertiseFieldViewSet(viewsets.ReadOnlyModelViewSet):
    """The OECD Fields of Science and Technology (FORD 2007) with their names in every interface language: the codes
    that people's and organizations' `expertise_fields` and `/api/v1/people/?expertise=` take."""

    serializer_class = ExpertiseFieldSerializer
    permission_classes = [Can]
    public_read = True
    lookup_field = "code"
    lookup_value_regex = r"\d+(?:\.\d+)?"
    queryset = ExpertiseField.objects.order_by("position")


class OrganizationFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(method="filter_country")
    network = django_filters.CharFilter(field_name="networks__slug")
    kind = django_filters.CharFilter(field_name="kind")
    search = django_filters.CharFilter(method="filter_search")
    expertise = django_filters.CharFilter(
        method="filter_expertise", help_text='A field code; a major field\'s code ("5") takes in its fields.'
    )

    class Meta:
        model = Organization
        fields = ["country", "kind", "network"]

    def filter_country(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return qs.filter(country_id=value.upper())

    def filter_search(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return qs.filter(pk__in=selectors.organization_list(search=value).values("pk"))

    def filter_expertise(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return qs.filter(pk__in=selectors.organization_list(expertise=value).values("pk"))


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The public directory; organization admins update their own organization."""

    serializer_class = OrganizationSerializer
    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filterset_class = OrganizationFilter
    action_permissions = {"create": "registry.add_organization"}
    object_permissions = {"update": "registry.change_organization", "partial_update": "registry.change_organization"}

    def get_queryset(self) -> QuerySet[Organization]:
        return selectors.organization_list()

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.organization_create(
            slug=data.pop("slug"),
            name=data.pop("name"),
            kind=data.pop("kind"),
            acting_user=self.request.user,
            **data,
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("slug", None)
        services.organization_update(organization=serializer.instance, data=data, acting_user=self.request.user)


class NetworkViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NetworkSerializer
    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    #: the coordinators keep the membership; bringing an organization in also asks `registry.add_network_member`
    #: (in the service: platform admins only)
    object_permissions = {"members": "registry.change_network", "member_remove": "registry.change_network"}

    def get_queryset(self) -> QuerySet[Network]:
        return Network.objects.prefetch_related("memberships__organization").order_by("slug")

    @extend_schema(
        request=NetworkMemberWriteSerializer, responses={200: NetworkMemberSerializer, 201: NetworkMemberSerializer}
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, slug: str | None = None) -> Response:
        """Add an organization to the network (platform admins) or change its role and dates (the coordinators);
        201 when it was added."""
        network = self.get_object()
        serializer = NetworkMemberWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        organization = values.pop("organization")
        added = not network.memberships.filter(organization=organization).exists()
        membership = services.network_membership_set(
            network=network, organization=organization, acting_user=request.user, **values
        )
        answer = status.HTTP_201_CREATED if added else status.HTTP_200_OK
        return Response(NetworkMemberSerializer(membership).data, status=answer)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<organization>[-a-zA-Z0-9_]+)")
    def member_remove(self, request: Request, slug: str | None = None, organization: str | None = None) -> Response:
        """Take an organization out of the network (the coordinators)."""
        network = self.get_object()
        membership = (
            network.memberships.select_related("network", "organization")
            .filter(organization__slug=organization)
            .first()
        )
        if membership is None:
            raise NotFound()
        services.network_membership_remove(membership=membership, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Name in any script or spelling; best match first."),
            OpenApiParameter("country", str, description="ISO 3166 alpha-2 code of residence."),
            OpenApiParameter("organization", str, description="Organization slug (registered by or affiliated)."),
            OpenApiParameter(
                "expertise",
                str,
                description=(
                    'A field code of the OECD classification ("6.1"; a major field\'s code such as "6" takes '
                    "in its fields) or a keyword, matched whole-word in any case and script against people's "
                    "keywords and the fields' names. Only people who consented to be found by their expertise."
                ),
            ),
        ]
    )
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People (compatriots). Staff only: each role sees the people of its own organizations."""

    serializer_class = PersonSerializer
    permission_classes = [Can]
    filter_backends: list[Any] = []
    action_permissions = {"list": "registry.view_people", "create": "registry.add_person"}
    object_permissions = {
        "retrieve": "registry.view_person",
        "update": "registry.change_person",
        "partial_update": "registry.change_person",
        "erase": "registry.erase_person",
        "export": "registry.view_person",
    }

    def get_queryset(self) -> QuerySet[Person]:
        if self.action in ("list",):
            return selectors.people_visible_to(self.request.user).prefetch_related("expertise_fields")
        return Person.objects.select_related("residence_country", "registered_by").prefetch_related(
            "name_variants", "citizenships", "affiliations", "expertise_fields"
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        qs = selectors.people_filter(
            self.get_queryset(),
            country=request.query_params.get("country", ""),
            organization=request.query_params.get("organization", ""),
            expertise=request.query_params.get("expertise", ""),
        )
        search = request.query_params.get("search", "").strip()
        results: Any = selectors.person_search(qs, search) if search else qs
        page = self.paginate_queryset(results)
        expertise = request.query_params.get("expertise", "").strip()
        audit.record(
            request.user,
            "registry.people_listed",
            None,
            search=search,
            count=len(page or []),
            via="api",
            **({"expertise": expertise} if expertise else {}),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        registered_by = data.pop("registered_by", None)
        scope = permissions.people_write_scope(self.request.user)
        if registered_by is None and scope:
            registered_by = Organization.objects.filter(pk__in=scope).order_by("pk").first()
        if registered_by is not None and scope is not None and registered_by.pk not in scope:
            raise PermissionDenied(_("You can only register people for your own organizations."))
        serializer.instance = services.person_create(
            display_name=data.pop("display_name"),
            name_variants=data.pop("name_variants", []),
            citizenships=data.pop("citizenships", []),
            registered_by=registered_by,
            acting_user=self.request.user,
            **data,
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        if "registered_by" in data:
            raise ValidationError({"registered_by": _("The keeping organization cannot be changed here.")})
        services.person_update(
            person=serializer.instance,
            name_variants=data.pop("name_variants", None),
            citizenships=data.pop("citizenships", None),
            acting_user=self.request.user,
            **data,
        )

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """Everything held on this person, as JSON."""
        person = self.get_object()
        return Response(services.person_export_data(person=person, acting_user=request.user))

    @extend_schema(request=None, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str | None = None) -> Response:
        """Anonymize this person; the record stays so counts stay right."""
        person = self.get_object()
        services.person_erase(person=person, acting_user=request.user)
        return Response(self.get_serializer(person).data, status=status.HTTP_200_OK)
