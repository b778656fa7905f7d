"""Thin endpoints for calls and applications: they parse, ask `can()`, call a service or a selector, and render.

Refusals come back as 400s with the domain error's `code` (`not_open`, `call_closed`, `not_eligible`, `incomplete`,
`amount_out_of_range`, `withdrawn`, …) through `tamyr.api.exceptions`, and change nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
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
from tamyr.calls import financing, hosting, selectors, services
from tamyr.calls.api.committee_serializers import (
    ApplicationScoreSerializer,
    AwardSerializer,
    AwardStatusSerializer,
    FundSerializer,
    HostPairSerializer,
    HostPairSetSerializer,
    ReportAnswerSerializer,
    ReportSerializer,
    ReportUploadSerializer,
    ResultSerializer,
    ReviewSerializer,
    TrancheSerializer,
    fund_data,
)
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
from tamyr.calls.exports import export_applications, export_scores, scored_applications
from tamyr.calls.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardReport,
    Call,
    CallKind,
    Outcome,
    QuotaGroup,
    RequiredDocument,
    Review,
    Tranche,
)
from tamyr.core.exports import EXPORT_FORMATS
from tamyr.events.api.serializers import page_of
from tamyr.events.api.views import ERRORS, FILE_RENDERERS, XLSX_TYPE, _FileRenderer
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.models import Person

ApplicationPage = page_of(ApplicationSerializer, "ApplicationPage")
ReviewPage = page_of(ReviewSerializer, "ReviewPage")
ResultPage = page_of(ResultSerializer, "ResultPage")
ApplicationScorePage = page_of(ApplicationScoreSerializer, "ApplicationScorePage")


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
        "reviews": "calls.view_reviews",
        "results": "calls.view_call",
        "scores": "calls.manage_review",
        "fund": "calls.manage_financing",
        "host_pairs": "calls.manage_selection",
        "host_pairs_compute": "calls.manage_selection",
        "host_pair_set": "calls.manage_selection",
        "host_pairs_confirm": "calls.manage_selection",
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

    @extend_schema(responses={200: ReviewPage, 403: ERRORS})
    @action(detail=True, methods=["get"])
    def reviews(self, request: Request, slug: str | None = None) -> Response:
        """The call's reviews with their scores: every review for the call's managers, their own for reviewers."""
        call = self.get_object()
        reviews = Review.objects.filter(application__call=call).select_related("application", "reviewer")
        if not permissions.can(request.user, "calls.manage_review", call):
            reviews = reviews.filter(reviewer__user_id=int(request.user.pk or 0))
        page = self.paginate_queryset(reviews.prefetch_related("scores__category").order_by("application__code", "id"))
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(responses={200: ResultPage})
    @action(detail=True, methods=["get"])
    def results(self, request: Request, slug: str | None = None) -> Response:
        """The ranking's outcomes (rank, status, quota group): all of them for the call's managers, an applicant's
        own for everyone else (an empty list for those who did not apply)."""
        call = self.get_object()
        outcomes = Outcome.objects.filter(call=call).select_related("application", "quota_group").order_by("rank")
        if not permissions.can(request.user, "calls.manage_selection", call):
            own = selectors.applications_of_person(registry_selectors.person_of_user(request.user), request.user)
            outcomes = outcomes.filter(application__in=own.values("pk"))
        page = self.paginate_queryset(outcomes)
        return self.get_paginated_response(ResultSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("export", str, enum=[*EXPORT_FORMATS], description="Download as a file.")],
        responses={
            (200, "application/json"): ApplicationScorePage,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=FILE_RENDERERS)
    def scores(self, request: Request, slug: str | None = None) -> Response | HttpResponseBase:
        """Managers: the submitted applications with their mean score and each category's mean;
        `?export=csv|xlsx` downloads them with one column per score category."""
        call = self.get_object()
        fmt = request.query_params.get("export") or request.query_params.get(api_settings.URL_FORMAT_OVERRIDE or "")
        if fmt in EXPORT_FORMATS:
            return export_scores(call, fmt, acting_user=request.user)
        page: Any = self.paginate_queryset(scored_applications(call))  # type: ignore[arg-type]  # a list pages too
        return self.get_paginated_response(ApplicationScoreSerializer(page, many=True).data)

    @extend_schema(responses={200: FundSerializer, 403: ERRORS})
    @action(detail=True, methods=["get"])
    def fund(self, request: Request, slug: str | None = None) -> Response:
        """Managers: the money committed, disbursed and remaining, in total, by country and by direction."""
        return Response(fund_data(financing.fund_figures(self.get_object())))

    @extend_schema(responses={200: HostPairSerializer(many=True), 403: ERRORS})
    @action(detail=True, methods=["get"], url_path="host-pairs")
    def host_pairs(self, request: Request, slug: str | None = None) -> Response:
        """Managers: the scholars' hosts, proposed by the matcher or set by a manager, and whether confirmed."""
        page: Any = self.paginate_queryset(hosting.pairs_of(self.get_object()))
        return self.get_paginated_response(HostPairSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: HostPairSerializer(many=True), 403: ERRORS})
    @action(detail=True, methods=["post"], url_path="host-pairs/compute")
    def host_pairs_compute(self, request: Request, slug: str | None = None) -> Response:
        """Propose hosts with the matcher for every scholar without a confirmed or hand-set one."""
        call = self.get_object()
        hosting.host_pairs_compute(call=call, acting_user=request.user)
        page: Any = self.paginate_queryset(hosting.pairs_of(call))  # the pairs' first page, as GET host-pairs gives
        return self.get_paginated_response(HostPairSerializer(page, many=True).data)

    @extend_schema(request=HostPairSetSerializer, responses={200: HostPairSerializer, 400: ERRORS, 403: ERRORS})
    @action(detail=True, methods=["post"], url_path="host-pairs/set")
    def host_pair_set(self, request: Request, slug: str | None = None) -> Response:
        """Set a scholar's host by hand (`visitor`, `host`: the people's ids); the pair waits for confirmation."""
        call = self.get_object()
        serializer = HostPairSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        people = Person.objects.in_bulk([serializer.validated_data["visitor"], serializer.validated_data["host"]])
        visitor, host = people.get(serializer.validated_data["visitor"]), people.get(serializer.validated_data["host"])
        if visitor is None or host is None:
            raise ValidationError({"host": [_("Choose a scholar and a host.")]})
        pair = hosting.host_pair_set(call=call, visitor=visitor, host=host, acting_user=request.user)
        return Response(HostPairSerializer(pair).data)

    @extend_schema(request=None, responses={200: HostPairSerializer(many=True), 403: ERRORS})
    @action(detail=True, methods=["post"], url_path="host-pairs/confirm")
    def host_pairs_confirm(self, request: Request, slug: str | None = None) -> Response:
        """Confirm every proposed pair: the scholars then see their hosts."""
        call = self.get_object()
        hosting.host_pairs_confirm(call=call, acting_user=request.user)
        page: Any = self.paginate_queryset(hosting.pairs_of(call))
        return self.get_paginated_response(HostPairSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(description="Awards of the calls the signed-in user manages, and of their own applications."),
)
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Awards by id: managers schedule and pay tranches, ask for and accept reports, change the status; the
    applying organization hands in its reports."""

    serializer_class = AwardSerializer
    permission_classes = [Can]
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"list": "privacy.own_data"}
    object_permissions = {
        "retrieve": "calls.view_award",
        "add_tranche": "calls.manage_award",
        "disburse": "calls.manage_award",
        "add_report": "calls.manage_award",
        "accept_report": "calls.manage_award",
        "return_report": "calls.manage_award",
        "set_status": "calls.manage_award",
        "submit_report": "calls.report_award",
    }

    def get_queryset(self) -> Any:
        awards = Award.objects.select_related("outcome__application", "outcome__call").prefetch_related(
            "tranches", "reports"
        )
        if self.action == "list":
            user = self.request.user
            scope = permissions.people_write_scope(user)
            managed = Q() if scope is None else Q(outcome__call__organization_id__in=scope)
            own = selectors.applications_of_person(registry_selectors.person_of_user(user), user)
            return awards.filter(managed | Q(outcome__application__in=own.values("pk"))).order_by("id")
        return awards

    def get_object(self) -> Award:
        award = get_object_or_404(self.get_queryset(), pk=self.kwargs.get("pk"))
        self.check_object_permissions(self.request, award)
        return award

    def _fresh(self, award: Award) -> Response:
        return Response(AwardSerializer(self.get_queryset().get(pk=award.pk)).data)

    @extend_schema(request=TrancheSerializer, responses={201: AwardSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"], url_path="tranches")
    def add_tranche(self, request: Request, pk: str | None = None) -> Response:
        """Schedule a tranche; refused (`over_award`) when the tranches would pass the award."""
        award = self.get_object()
        serializer = TrancheSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        financing.tranche_add(award=award, acting_user=request.user, **serializer.validated_data)
        response = self._fresh(award)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        request=None,
        responses={200: AwardSerializer, 400: ERRORS},
        parameters=[OpenApiParameter("tranche", int, OpenApiParameter.PATH, description="The tranche's id.")],
    )
    @action(detail=True, methods=["post"], url_path=r"tranches/(?P<tranche>\d+)/disburse")
    def disburse(self, request: Request, pk: str | None = None, tranche: str | None = None) -> Response:
        """Record a tranche as paid, now, by the signed-in manager."""
        award = self.get_object()
        paid = get_object_or_404(Tranche, award=award, pk=tranche)
        financing.tranche_disburse(tranche=paid, acting_user=request.user)
        return self._fresh(award)

    @extend_schema(request=ReportSerializer, responses={201: AwardSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"], url_path="reports")
    def add_report(self, request: Request, pk: str | None = None) -> Response:
        """Ask for a report by a date, on a tranche (`tranche`: its id) or on its own."""
        award = self.get_object()
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tranche_id = serializer.validated_data.get("tranche_id")
        tranche = get_object_or_404(Tranche, award=award, pk=tranche_id) if tranche_id else None
        financing.report_add(
            award=award, due_on=serializer.validated_data["due_on"], tranche=tranche, acting_user=request.user
        )
        response = self._fresh(award)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        request={"multipart/form-data": ReportUploadSerializer},
        responses={200: AwardSerializer, 400: ERRORS},
        parameters=[OpenApiParameter("report", int, OpenApiParameter.PATH, description="The report's id.")],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"reports/(?P<report>\d+)/file",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def submit_report(self, request: Request, pk: str | None = None, report: str | None = None) -> Response:
        """The applying organization hands in a report (PDF, office document or image, checked by its content)."""
        award = self.get_object()
        serializer = ReportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        financing.report_submit(
            report=get_object_or_404(AwardReport, award=award, pk=report),
            upload=serializer.validated_data["file"],
            acting_user=request.user,
        )
        return self._fresh(award)

    @extend_schema(
        request=ReportAnswerSerializer,
        responses={200: AwardSerializer, 400: ERRORS},
        parameters=[OpenApiParameter("report", int, OpenApiParameter.PATH, description="The report's id.")],
    )
    @action(detail=True, methods=["post"], url_path=r"reports/(?P<report>\d+)/accept")
    def accept_report(self, request: Request, pk: str | None = None, report: str | None = None) -> Response:
        """Accept a report that was handed in, with an optional comment to the award holder."""
        award = self.get_object()
        serializer = ReportAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accepted = get_object_or_404(AwardReport, award=award, pk=report)
        financing.report_accept(report=accepted, comment=serializer.validated_data["comment"], acting_user=request.user)
        return self._fresh(award)

    @extend_schema(
        request=ReportAnswerSerializer,
        responses={200: AwardSerializer, 400: ERRORS},
        parameters=[OpenApiParameter("report", int, OpenApiParameter.PATH, description="The report's id.")],
    )
    @action(detail=True, methods=["post"], url_path=r"reports/(?P<report>\d+)/return")
    def return_report(self, request: Request, pk: str | None = None, report: str | None = None) -> Response:
        """Return a report that was handed in, saying what should change (`comment`, required)."""
        award = self.get_object()
        serializer = ReportAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        returned = get_object_or_404(AwardReport, award=award, pk=report)
        financing.report_return(report=returned, comment=serializer.validated_data["comment"], acting_user=request.user)
        return self._fresh(award)

    @extend_schema(request=AwardStatusSerializer, responses={200: AwardSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        """Suspend, resume (active), complete or cancel the award."""
        award = self.get_object()
        serializer = AwardStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        financing.award_status_set(award=award, status=serializer.validated_data["status"], acting_user=request.user)
        return self._fresh(award)


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
