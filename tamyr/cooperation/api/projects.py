"""Joint projects under /api/v1/projects/ and practices under /api/v1/practices/: reads of what the caller may
see (public projects and accepted practices for anonymous callers); writes go through the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import mixins, serializers, viewsets

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.cooperation import selectors_projects as selectors
from tamyr.cooperation.models import JointProject, Practice, ProjectMedia, ProjectPartner


class PartnerSerializer(serializers.ModelSerializer[ProjectPartner]):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = ProjectPartner
        fields = ["organization", "role", "role_note", "contribution", "in_kind"]
        read_only_fields = fields


class MediaSerializer(serializers.ModelSerializer[ProjectMedia]):
    class Meta:
        model = ProjectMedia
        fields = ["kind", "title", "url"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer[JointProject]):
    lead = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    partners = PartnerSerializer(many=True, read_only=True)
    measure = serializers.SerializerMethodField()

    class Meta:
        model = JointProject
        fields = [
            "slug",
            "title",
            "description",
            "kind",
            "status",
            "lead",
            "partners",
            "measure",
            "starts_on",
            "ends_on",
            "place",
            "currency",
            "budget",
            "is_public",
        ]
        read_only_fields = fields

    def get_measure(self, project: JointProject) -> dict[str, str] | None:
        if project.measure is None:
            return None
        return {"plan": project.measure.plan.slug, "code": project.measure.code}


class ProjectDetailSerializer(ProjectSerializer):
    media = MediaSerializer(many=True, read_only=True)
    events = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)  # type: ignore[var-annotated]

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "media", "events"]
        read_only_fields = fields


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Joint projects the caller may see, with partners, contributions and the plan measure they carry out."""

    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    def get_queryset(self) -> QuerySet[JointProject]:
        return selectors.projects_visible(self.request.user).order_by("-starts_on", "slug")

    def get_object(self) -> JointProject:
        project = selectors.project_detail(self.kwargs[self.lookup_field])
        if project is None or not permissions.can(self.request.user, "cooperation.view_project", project):
            raise Http404
        return project


class PracticeSerializer(serializers.ModelSerializer[Practice]):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    direction = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "organization",
            "network",
            "country",
            "theme",
            "direction",
            "status",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        read_only_fields = fields

    def get_direction(self, practice: Practice) -> str | None:
        return practice.direction.code if practice.direction else None


class PracticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The practice library; `?q=` searches across scripts, `?theme=` and `?country=` filter."""

    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []
    serializer_class = PracticeSerializer

    def get_queryset(self) -> QuerySet[Practice]:
        params = self.request.query_params
        return selectors.practices_visible(
            self.request.user,
            q=params.get("q", "")[:200],
            theme=params.get("theme", ""),
            country=params.get("country", "")[:2],
        )

    def get_object(self) -> Practice:
        practice = (
            Practice.objects.select_related("organization", "network", "country", "direction")
            .filter(slug=self.kwargs[self.lookup_field])
            .first()
        )
        if practice is None or not permissions.can(self.request.user, "cooperation.view_practice", practice):
            raise Http404
        return practice
