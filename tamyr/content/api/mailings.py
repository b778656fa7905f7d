"""Segments and campaigns over the API: never public; the staff of the owning organization list, create, read and
change them, preview an audience's size, schedule and send a campaign and follow its progress. Every write goes
through `content.services` (which ask `can()`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.content import selectors, services
from tamyr.content.api.serializers import LANGUAGE_CHOICES
from tamyr.content.models import Campaign, CampaignStatus, Segment
from tamyr.content.segments import recipients, segment_people
from tamyr.events.api.views import ERRORS
from tamyr.registry.api.serializers import TranslationsField
from tamyr.registry.models import Organization

NOT_FOUND = OpenApiResponse(description="No such object, or not yours to see.")


class SegmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organization = serializers.SlugField(source="organization.slug", read_only=True)
    name = serializers.CharField(read_only=True)
    rules = serializers.JSONField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class SegmentWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    rules = serializers.JSONField(
        required=False,
        help_text='{"countries": ["HU"], "networks": [slug], "organizations": [slug], "events": [slug], '
        '"courses": [slug], "calls": [slug], "languages": ["kk"]}',
    )


class SegmentCreateSerializer(SegmentWriteSerializer):
    organization = serializers.SlugField()
    name = serializers.CharField(max_length=200)


class SegmentPreviewSerializer(serializers.Serializer):
    size = serializers.IntegerField(help_text="Everyone the rules name.")
    recipients = serializers.IntegerField(help_text="Of them, those with an active contact consent and an e-mail.")


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organization = serializers.SlugField(source="organization.slug", read_only=True)
    segment = serializers.IntegerField(source="segment_id", read_only=True)
    name = serializers.CharField(read_only=True)
    subject = TranslationsField(read_only=True)
    body = TranslationsField(read_only=True)
    fallback_language = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=CampaignStatus.choices, read_only=True)
    scheduled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)


class CampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    segment = serializers.IntegerField(min_value=1, required=False)
    subject = TranslationsField(required=False)
    body = TranslationsField(required=False)
    fallback_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class CampaignCreateSerializer(CampaignWriteSerializer):
    organization = serializers.SlugField()
    name = serializers.CharField(max_length=200)
    segment = serializers.IntegerField(min_value=1)
    subject = TranslationsField()


class ScheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()


class CampaignProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    total = serializers.IntegerField()
    done = serializers.IntegerField(help_text="Messages in a final state.")
    percent = serializers.IntegerField()
    pending = serializers.IntegerField()
    deferred = serializers.IntegerField()
    sent = serializers.IntegerField()
    bounced = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    unsubscribed = serializers.IntegerField()


def _organization(user: Any, slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise ValidationError({"organization": ["Unknown organization."]})
    return organization


class _MailingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [Can]
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"list": "content.manage_mailings", "create": "content.manage_mailings"}


@extend_schema_view(
    list=extend_schema(description="The segments of the organizations whose mailings you manage."),
    retrieve=extend_schema(responses={200: SegmentSerializer, 404: NOT_FOUND}),
    create=extend_schema(request=SegmentCreateSerializer, responses={201: SegmentSerializer, 400: ERRORS, 403: ERRORS}),
    partial_update=extend_schema(
        request=SegmentWriteSerializer, responses={200: SegmentSerializer, 400: ERRORS, 403: ERRORS, 404: NOT_FOUND}
    ),
)
class SegmentViewSet(_MailingViewSet):
    """Audiences defined by rules, evaluated when used."""

    serializer_class = SegmentSerializer
    object_permissions = {
        "retrieve": "content.change_segment",
        "partial_update": "content.change_segment",
        "preview": "content.change_segment",
    }

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.segments_for(self.request.user).order_by("name", "id")
        return Segment.objects.select_related("organization")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SegmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        segment = services.segment_create(
            acting_user=request.user,
            organization=_organization(request.user, values["organization"]),
            name=values["name"],
            rules=values.get("rules") or {},
        )
        return Response(SegmentSerializer(segment).data, status=201)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        segment = self.get_object()
        data = SegmentWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        segment = services.segment_update(segment=segment, acting_user=request.user, **data.validated_data)
        return Response(SegmentSerializer(segment).data)

    @extend_schema(responses={200: SegmentPreviewSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """The audience's size now, and how many of them may be written to."""
        segment = self.get_object()
        return Response({"size": segment_people(segment).count(), "recipients": recipients(segment).count()})


@extend_schema_view(
    list=extend_schema(description="The campaigns of the organizations whose mailings you manage, newest first."),
    retrieve=extend_schema(responses={200: CampaignSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        request=CampaignCreateSerializer, responses={201: CampaignSerializer, 400: ERRORS, 403: ERRORS}
    ),
    partial_update=extend_schema(
        request=CampaignWriteSerializer,
        responses={200: CampaignSerializer, 400: ERRORS, 403: ERRORS, 404: NOT_FOUND},
    ),
)
class CampaignViewSet(_MailingViewSet):
    """Mailings with a version per language; sending is the delivery engine's, started by `schedule` or `send`."""

    serializer_class = CampaignSerializer
    object_permissions = {
        "retrieve": "content.change_campaign",
        "partial_update": "content.change_campaign",
        "schedule": "content.send_campaign",
        "send": "content.send_campaign",
        "progress": "content.change_campaign",
    }

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.campaigns_for(self.request.user)
        return Campaign.objects.select_related("organization", "segment")

    def _segment(self, pk: int | None, organization_id: int) -> Segment | None:
        segment = Segment.objects.filter(pk=pk, organization_id=organization_id).first() if pk else None
        if pk and segment is None:
            raise ValidationError({"segment": ["No such audience in this organization."]})
        return segment

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization = _organization(request.user, values.pop("organization"))
        services.require_mailings(permissions.can(request.user, "content.manage_mailings", organization))
        segment = self._segment(values.pop("segment"), organization.pk)
        assert segment is not None
        campaign = services.campaign_create(
            acting_user=request.user, organization=organization, segment=segment, **values
        )
        return Response(CampaignSerializer(campaign).data, status=201)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        data = CampaignWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "segment" in values:
            values["segment"] = self._segment(values["segment"], campaign.organization_id)
        campaign = services.campaign_update(campaign=campaign, acting_user=request.user, **values)
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=ScheduleSerializer, responses={200: CampaignSerializer, 400: ERRORS, 403: ERRORS,
                                                          404: NOT_FOUND})  # fmt: skip
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """Send at `scheduled_at` (a time ahead, with its offset)."""
        campaign = self.get_object()
        data = ScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_schedule(campaign, data.validated_data["scheduled_at"], request.user)
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=None, responses={200: CampaignSerializer, 400: ERRORS, 403: ERRORS, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        """Send now: the delivery engine writes one message per recipient and sends them in batches."""
        campaign = services.campaign_send_now(self.get_object(), request.user)
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(responses={200: CampaignProgressSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """Messages counted by state (one grouped query)."""
        campaign = self.get_object()
        return Response({"status": campaign.status, **selectors.campaign_progress(campaign)})
