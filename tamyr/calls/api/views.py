"""Thin endpoints for calls and applications: they parse, ask `can()`, call a service or a selector, and render.

Refusals come back as 400s with the domain error's `code` (`not_open`, `call_closed`, `not_eligible`, `incomplete`,
`amount_out_of_range`, `withdrawn`, …) through `tamyr.api.exceptions`, and change nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tamyr.accounts import permissions
from tamyr.accounts.services import signed_in_user
from tamyr.api.permissions import Can
from tamyr.calls import selectors, services
from tamyr.calls.api.serializers import (
    ApplicationSerializer,
    ApplicationStartSerializer,
    ApplicationUpdateSerializer,
    CallDetailSerializer,
    CallSerializer,
    CallUpdateSerializer,
    CallWriteSerializer,
    DocumentUploadSerializer,
    QuestionSerializer,
    QuotaGroupSerializer,
    RequiredDocumentSerializer,
)
from tamyr.calls.exports import export_applications
from tamyr.calls.models import Application, ApplicationStatus, Call, CallKind, QuotaGroup, RequiredDocument
from tamyr.core.exports import EXPORT_FORMATS
from tamyr.events.api.serializers import page_of
from tamyr.events.api.views import ERRORS, FILE_RENDERERS, XLSX_TYPE, _FileRenderer
from tamyr.registry import selectors as registry_selectors

ApplicationPage = page_of(ApplicationSerializer, "ApplicationPage")


def _may_view(user: Any, call: Call) -> bool:
    return call.status in selectors.PUBLIC_STATUSES or permissions.can(user, "calls.view_call", call)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=CallKind.values, description="The kind of call."),
            OpenApiParameter("open", bool, description="true: only calls taking applications now."),
        ],
        description="Published (and archived) calls; managers also see their own drafts.",
    ),
    retrieve=extend_schema(responses=CallDetailSerializer),
    create=extend_schema(request=CallWriteSerializer, responses={201: CallDetailSerializer, 400: ERRORS, 403: ERRORS}),
    partial_update=extend_schema(request=CallUpdateSerializer, responses={200: CallDetailSerializer, 400: ERRORS}),
)
class CallViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Calls by their address (slug), their form, documents and quota groups, and their applications."""

    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"create": "calls.add_call", "apply": "calls.apply"}
    object_permissions = {
        "partial_update": "calls.change_call",
        "publish": "calls.change_call",
        "add_question": "calls.change_call",
        "add_document": "calls.change_call",
        "add_quota_group": "calls.change_call",
        "applications": "calls.manage_applications",
    }

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return CallSerializer
        if self.action == "create":
            return CallWriteSerializer
        if self.action == "partial_update":
            return CallUpdateSerializer
        return CallDetailSerializer

    def get_queryset(self) -> Any:
        return Call.objects.select_related("organization")

    def get_object(self) -> Call:
        try:
            call = selectors.call_get(self.kwargs[self.lookup_field])
        except Call.DoesNotExist:
            raise Http404
        if not _may_view(self.request.user, call):
            raise Http404
        self.check_object_permissions(self.request, call)
        return call

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None), _FileRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def _detail(self, call: Call) -> dict[str, Any]:
        return dict(CallDetailSerializer(selectors.call_get(call.slug), context=self.get_serializer_context()).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        wanted = request.query_params.get("open", "").lower() in ("1", "true", "yes")
        calls = selectors.call_list(user=request.user, kind=request.query_params.get("kind", ""), open_only=wanted)
        page = self.paginate_queryset(calls)
        return self.get_paginated_response(CallSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CallWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        call = services.call_create(slug=data.pop("slug"), acting_user=request.user, **data)
        return Response(self._detail(call), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        call = self.get_object()
        serializer = CallUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        call = services.call_update(call=call, acting_user=request.user, **serializer.validated_data)
        return Response(self._detail(call))

    @extend_schema(request=None, responses={200: CallDetailSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str | None = None) -> Response:
        """Managers: publish a draft; it takes applications between its opening and closing time."""
        call = services.call_publish(call=self.get_object(), acting_user=request.user)
        return Response(self._detail(call))

    @extend_schema(request=QuestionSerializer, responses={201: CallDetailSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"], url_path="questions")
    def add_question(self, request: Request, slug: str | None = None) -> Response:
        """Managers: add a question to the application form (files are required documents, not questions)."""
        call = self.get_object()
        serializer = QuestionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.question_create(call=call, acting_user=request.user, **serializer.validated_data)
        return Response(self._detail(call), status=status.HTTP_201_CREATED)

    @extend_schema(request=RequiredDocumentSerializer, responses={201: CallDetailSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"], url_path="documents")
    def add_document(self, request: Request, slug: str | None = None) -> Response:
        """Managers: ask for a document (formats: pdf, image, word, spreadsheet, presentation; up to 50 MB)."""
        call = self.get_object()
        serializer = RequiredDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.required_document_create(call=call, acting_user=request.user, **serializer.validated_data)
        return Response(self._detail(call), status=status.HTTP_201_CREATED)

    @extend_schema(request=QuotaGroupSerializer, responses={201: CallDetailSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"], url_path="quota-groups")
    def add_quota_group(self, request: Request, slug: str | None = None) -> Response:
        """Managers: set places aside for a group (by countries of residence, or chosen by the applicant)."""
        call = self.get_object()
        serializer = QuotaGroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.quota_group_create(call=call, acting_user=request.user, **serializer.validated_data)
        return Response(self._detail(call), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ApplicationStartSerializer,
        responses={201: ApplicationSerializer, 400: ERRORS, 403: ERRORS},
        description="Open a draft application for the signed-in person (or return the one they have). Refusals: "
        "not_open, call_closed, not_published, not_eligible (the reasons in `detail`), organization.",
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, slug: str | None = None) -> Response:
        try:
            call = selectors.call_get(slug or "")
        except Call.DoesNotExist:
            raise Http404
        if not _may_view(request.user, call):
            raise Http404
        serializer = ApplicationStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = signed_in_user(request)
        with transaction.atomic():  # a record made for this application goes away again if it is refused
            application = services.application_start(
                call=call,
                person=services.applicant_person(user),
                acting_user=user,
                organization=serializer.validated_data.get("organization"),
                language=translation.get_language() or "",
            )
        return Response(
            ApplicationSerializer(selectors.application_get(application.code)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ApplicationStatus.values, description="Default: all but drafts."),
            OpenApiParameter("export", str, enum=[*EXPORT_FORMATS], description="Download the list as a file."),
        ],
        responses={
            (200, "application/json"): ApplicationPage,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=FILE_RENDERERS)
    def applications(self, request: Request, slug: str | None = None) -> Response | HttpResponseBase:
        """Managers: the call's applications; `?export=csv|xlsx` downloads them."""
        call = self.get_object()
        wanted = request.query_params.get("status", "").strip()
        if wanted and wanted not in ApplicationStatus.values:
            raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": wanted}})
        applications = selectors.applications_of_call(call, status=wanted).select_related("call")
        fmt = request.query_params.get("export") or request.query_params.get(api_settings.URL_FORMAT_OVERRIDE or "")
        if fmt in EXPORT_FORMATS:
            return export_applications(call, applications, fmt, acting_user=request.user)
        page = self.paginate_queryset(applications)
        context = {"manager": True}
        return self.get_paginated_response(ApplicationSerializer(page, many=True, context=context).data)


@extend_schema_view(
    list=extend_schema(description="The signed-in person's applications, and those of organizations they apply for."),
    partial_update=extend_schema(
        request=ApplicationUpdateSerializer, responses={200: ApplicationSerializer, 400: ERRORS}
    ),
)
class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Applications by their code: the applicant saves, uploads, submits and withdraws; managers read."""

    serializer_class = ApplicationSerializer
    permission_classes = [Can]
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"list": "privacy.own_data"}
    object_permissions = {
        "retrieve": "calls.view_application",
        "partial_update": "calls.change_application",
        "submit": "calls.change_application",
        "withdraw": "calls.change_application",
        "upload_document": "calls.change_application",
    }

    def get_queryset(self) -> Any:
        if self.action == "list":
            person = registry_selectors.person_of_user(self.request.user)
            return selectors.applications_of_person(person, self.request.user).prefetch_related(
                "partners", "documents__document"
            )
        return Application.objects.all()

    def get_object(self) -> Application:
        try:
            application = selectors.application_get(self.kwargs[self.lookup_field])
        except Application.DoesNotExist:
            raise Http404
        self.check_object_permissions(self.request, application)
        return application

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.kwargs.get(self.lookup_field):
            context["manager"] = False
        return context

    def _fresh(self, application: Application) -> Response:
        fresh = selectors.application_get(application.code)
        manager = permissions.can(self.request.user, "calls.manage_applications", fresh.call)
        return Response(ApplicationSerializer(fresh, context={"manager": manager}).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._fresh(self.get_object())

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = self.get_object()
        serializer = ApplicationUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "quota_group" in data:
            key = data["quota_group"]
            group = None
            if key:
                group = QuotaGroup.objects.filter(call=application.call, key=key).first()
                if group is None:
                    raise ValidationError({"quota_group": _("Choose one of the groups offered.")})
            data["quota_group"] = group
        if "answers" in data:
            data["answers"] = {str(key): value for key, value in data["answers"].items()}
        services.application_save(application=application, acting_user=request.user, **data)
        return self._fresh(application)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: ApplicationSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, code: str | None = None) -> Response:
        """Submit before the deadline; a confirmation goes by e-mail. Refusals: incomplete, call_closed, …"""
        application = services.application_submit(application=self.get_object(), acting_user=request.user)
        return self._fresh(application)

    @extend_schema(request=None, responses={200: ApplicationSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, code: str | None = None) -> Response:
        """Withdraw; nothing is deleted."""
        application = services.application_withdraw(application=self.get_object(), acting_user=request.user)
        return self._fresh(application)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={200: ApplicationSerializer, 400: ERRORS},
        parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, description="The required document's key.")],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="documents/(?P<key>[-a-zA-Z0-9_]+)",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def upload_document(self, request: Request, code: str | None = None, key: str | None = None) -> Response:
        """Upload (or replace) a document, checked by its real content and size against the call's rule."""
        application = self.get_object()
        document = get_object_or_404(RequiredDocument, call=application.call, key=key)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.document_upload(
            application=application,
            document=document,
            upload=serializer.validated_data["file"],
            acting_user=request.user,
        )
        return self._fresh(application)
