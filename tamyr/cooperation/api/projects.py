"""Joint projects under /api/v1/projects/ and practices under /api/v1/practices/: reads of what the caller may
see (public projects and accepted practices for anonymous callers); writes through the services: a project created
or changed by its lead organization, a practice submitted or changed by its owner (a changed practice goes back to
review), a learning request answered by the practice's owner."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.cooperation import selectors_projects as selectors
from tamyr.cooperation import services_projects as services
from tamyr.cooperation.api import writes
from tamyr.cooperation.models import JointProject, LearnRequest, Practice, ProjectMedia, ProjectPartner
from tamyr.core.errors import DomainError


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

    action_permissions = {"create": "cooperation.add_project"}
    object_permissions = {"partial_update": "cooperation.change_project"}

    def get_object(self) -> JointProject:
        project = selectors.project_detail(self.kwargs[self.lookup_field])
        if project is None or not permissions.can(self.request.user, "cooperation.view_project", project):
            raise Http404
        self.check_object_permissions(self.request, project)
        return project

    def _detail(self, slug: str) -> dict[str, Any]:
        return dict(ProjectDetailSerializer(selectors.project_detail(slug)).data)

    @extend_schema(request=writes.ProjectWriteSerializer, responses={201: ProjectDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a project led by an organization where the caller is admin or staff."""
        serializer = writes.ProjectWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in ("slug", "lead", "title"):
            if name not in data:
                raise DomainError(_("This field is required."), field=name)
        project = services.project_create(
            slug=data.pop("slug"), lead=data.pop("lead"), acting_user=request.user, **data
        )
        return Response(self._detail(project.slug), status=status.HTTP_201_CREATED)

    @extend_schema(request=writes.ProjectWriteSerializer, responses=ProjectDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a project (its lead organization's admins and staff)."""
        project = self.get_object()
        serializer = writes.ProjectWriteSerializer(
            data=request.data, partial=True, context={**self.get_serializer_context(), "project": project}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "slug" in data or "lead" in data:
            raise DomainError(_("A project's address and lead organization do not change."), field="lead")
        services.project_update(project=project, acting_user=request.user, **data)
        return Response(self._detail(project.slug))


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

    action_permissions = {"create": "cooperation.submit_practice"}
    object_permissions = {"partial_update": "cooperation.change_practice", "answer": "cooperation.change_practice"}

    def get_object(self) -> Practice:
        practice = (
            Practice.objects.select_related("organization", "network", "country", "direction")
            .filter(slug=self.kwargs[self.lookup_field])
            .first()
        )
        if practice is None or not permissions.can(self.request.user, "cooperation.view_practice", practice):
            raise Http404
        self.check_object_permissions(self.request, practice)
        return practice

    @extend_schema(request=writes.PracticeWriteSerializer, responses={201: PracticeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Offer an organization's practice to one of its networks' library; it waits for the coordinators."""
        serializer = writes.PracticeWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in ("slug", "organization", "network", "title", "contact_email"):
            if name not in data:
                raise DomainError(_("This field is required."), field=name)
        practice = services.practice_submit(acting_user=request.user, **data)
        return Response(PracticeSerializer(practice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=writes.PracticeWriteSerializer, responses=PracticeSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a practice (its organization's admins and staff); it goes back to the coordinators' review."""
        practice = self.get_object()
        serializer = writes.PracticeWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if {"slug", "organization", "network"} & set(data):
            raise DomainError(_("A practice's address, organization and network do not change."), field="network")
        practice = services.practice_update(practice=practice, acting_user=request.user, **data)
        return Response(PracticeSerializer(practice).data)

    @extend_schema(request=writes.LearnAnswerSerializer, responses=writes.LearnRequestSerializer)
    @action(detail=True, methods=["post"], url_path=r"requests/(?P<request_id>\d+)/answer")
    def answer(self, request: Request, slug: str | None = None, request_id: str = "") -> Response:
        """The practice's owner answers a request to learn from it."""
        practice = self.get_object()
        found = LearnRequest.objects.filter(pk=request_id, practice=practice).select_related("organization").first()
        if found is None:
            raise Http404
        serializer = writes.LearnAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answered = services.learn_answer(
            request=found,
            accept=serializer.validated_data["accept"],
            answer=serializer.validated_data.get("answer", ""),
            acting_user=request.user,
        )
        return Response(writes.LearnRequestSerializer(answered).data)
