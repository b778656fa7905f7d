"""Cases over the API (/api/v1/cases/ and /api/v1/case-referrals/): the cases the caller may see, one case (only
what the caller may see of it; every read is audited), and its actions. An action takes the case version the
caller saw (`version` in the body or an `If-Match` header) and answers 409 with what changed when it moved."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tamyr.api.permissions import Can
from tamyr.cases import selectors, services
from tamyr.cases.api.serializers import (
    ApprovalDecideSerializer,
    ApprovalRequestSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    ConflictSerializer,
    NoteCreateSerializer,
    ReferralAnswerSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    StageMoveSerializer,
    TaskCreateSerializer,
)
from tamyr.cases.models import Approval, Case, Referral
from tamyr.events.api.views import ERRORS

CONFLICT = OpenApiResponse(ConflictSerializer, description="Someone changed the case since your version.")
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False, description="The case version you saw (or `version`)."
)
ACTION_RESPONSES = {200: CaseDetailSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: CONFLICT}
FILTERS = [
    OpenApiParameter("mine", bool, description="Only the cases the caller works on."),
    OpenApiParameter("stage", str, description="Only cases in this stage."),
    OpenApiParameter("type", str, description="Only cases of this type (return, consular)."),
    OpenApiParameter("country", str, description="Only cases coming from this country (ISO code)."),
]


def _version(request: Request, data: dict[str, Any]) -> int:
    if data.get("version"):
        return int(data["version"])
    header = request.headers.get("If-Match", "").strip().strip('W/"').strip('"')
    if header.isdigit() and 0 < int(header) < 2**31:
        return int(header)
    raise ValidationError({"version": ["Send the case version you saw (`version` or an If-Match header)."]})


def _detail(view: selectors.CaseView, user: Any) -> dict[str, Any]:
    case = view.case
    data = dict(CaseSerializer(case).data)
    data["sections"] = sorted(view.sections) if not view.full else ["all"]
    data["members"] = [
        {"person": m.person_id, "name": m.person.display_name, "is_head": m.is_head, "relationship": m.relationship}
        for m in case.members.all()
    ] if view.shows("members") else None  # fmt: skip
    data["stages"] = [
        {
            "code": stage.code,
            "sla_days": stage.sla_days,
            "started_at": stage.started_at,
            "completed_at": stage.completed_at,
            "items": [{"id": i.pk, "code": i.code, "done_at": i.done_at} for i in stage.items.all()],
        }
        for stage in case.stages.all()
    ] if view.shows("stages") else None  # fmt: skip
    data["tasks"] = [
        {
            "id": t.pk, "title": t.title, "due_on": t.due_on, "assignee": t.assignee_id, "done_at": t.done_at,
            "for_family": t.for_family,
        }
        for t in case.tasks.all()
    ] if view.shows("tasks") else None  # fmt: skip
    data["notes"] = [
        {"id": n.pk, "text": n.text, "visibility": n.visibility, "created_at": n.created_at}
        for n in selectors.visible_notes(user, view)
    ]
    data["referrals"] = ReferralSerializer(case.referrals.all(), many=True).data if view.full else None
    data["approvals"] = [
        {"id": a.pk, "kind": a.kind, "status": a.status, "reason": a.reason, "requested_at": a.requested_at}
        for a in case.approvals.all()
    ] if view.full else None  # fmt: skip
    data["plan"] = case.plan if view.full else None
    return data


@extend_schema_view(
    list=extend_schema(parameters=FILTERS, description="Cases of the caller's organizations, overdue first."),
    retrieve=extend_schema(responses={200: CaseDetailSerializer, 404: ERRORS}),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Return and resettlement cases (and consular requests)."""

    permission_classes = [Can]
    serializer_class = CaseSerializer
    action_permissions = {"list": "cases.manage"}
    object_permissions = {
        "retrieve": "cases.view",
        "stage": "cases.manage",
        "notes": "cases.manage",
        "tasks": "cases.manage",
        "refer": "cases.refer",
        "approvals": "cases.manage",
        "decide": "cases.approve",
    }

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.case_list(
            self.request.user,
            mine=params.get("mine") in ("1", "true"),
            stage=params.get("stage", ""),
            case_type=params.get("type", ""),
            country=params.get("country", ""),
        )

    def get_object(self) -> Case:
        raw = self.kwargs.get("pk", "")
        if not str(raw).isdigit() or int(raw) >= 2**31:
            raise Http404
        try:
            view = selectors.case_for_reading(self.request.user, int(raw), audit_read=self.action == "retrieve")
        except Case.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, view.case)
        self._view = view
        return view.case

    def _answer(self, case: Case) -> Response:
        view = selectors.case_for_reading(self.request.user, case.pk, audit_read=False)
        response = Response(_detail(view, self.request.user))
        response["ETag"] = f'"{view.case.version}"'
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()
        response = Response(_detail(self._view, request.user))
        response["ETag"] = f'"{self._view.case.version}"'
        return response

    def _body(self, serializer_class: type[Any]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["version"] = _version(self.request, data)
        return data

    @extend_schema(request=StageMoveSerializer, responses=ACTION_RESPONSES, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: str) -> Response:
        """Move the case to another stage (leaving intake needs an approved plan)."""
        case = self.get_object()
        data = self._body(StageMoveSerializer)
        services.stage_move(case=case, version=data["version"], to_stage=data["stage"], acting_user=request.user)
        return self._answer(case)

    @extend_schema(request=NoteCreateSerializer, responses=ACTION_RESPONSES, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        """Add a note, marked who may read it."""
        case = self.get_object()
        data = self._body(NoteCreateSerializer)
        services.note_add(
            case=case,
            version=data["version"],
            text=data["text"],
            visibility=data["visibility"],
            acting_user=request.user,
        )
        return self._answer(case)

    @extend_schema(request=TaskCreateSerializer, responses=ACTION_RESPONSES, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def tasks(self, request: Request, pk: str) -> Response:
        """Add a task with its due date."""
        case = self.get_object()
        data = self._body(TaskCreateSerializer)
        services.task_add(
            case=case,
            version=data["version"],
            title=data["title"],
            due_on=data.get("due_on"),
            for_family=data.get("for_family", False),
            acting_user=request.user,
        )
        return self._answer(case)

    @extend_schema(request=ReferralCreateSerializer, responses=ACTION_RESPONSES, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        """Refer a service to a partner or offer a transfer (refused without the person's consent for sharing)."""
        case = self.get_object()
        data = self._body(ReferralCreateSerializer)
        services.referral_create(
            case=case,
            version=data["version"],
            to_organization=data["to_organization"],
            kind=data["kind"],
            service=data["service"],
            shared_sections=data["shared_sections"],
            message=data["message"],
            acting_user=request.user,
        )
        return self._answer(case)

    @extend_schema(request=ApprovalRequestSerializer, responses=ACTION_RESPONSES, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def approvals(self, request: Request, pk: str) -> Response:
        """Ask a supervisor to approve the case plan or the closure."""
        case = self.get_object()
        data = self._body(ApprovalRequestSerializer)
        services.approval_request(case=case, version=data["version"], kind=data["kind"], acting_user=request.user)
        return self._answer(case)

    @extend_schema(request=ApprovalDecideSerializer, responses=ACTION_RESPONSES, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """A supervisor approves or refuses (with a reason) a waiting approval."""
        case = self.get_object()
        data = self._body(ApprovalDecideSerializer)
        approval = Approval.objects.filter(case=case, pk=data["approval"]).first()
        if approval is None:
            raise ValidationError({"approval": ["No such approval on this case."]})
        services.approval_decide(
            approval=approval,
            version=data["version"],
            approve=data["approve"],
            reason=data["reason"],
            acting_user=request.user,
        )
        return self._answer(case)


ANSWER_RESPONSES = {200: ReferralSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS}


@extend_schema_view(list=extend_schema(description="Referrals and transfers sent to the caller's organizations."))
class ReferralViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Referrals to the caller's organizations; the partner accepts, rejects (with a reason) or marks carried out."""

    permission_classes = [Can]
    serializer_class = ReferralSerializer
    action_permissions = {"list": "cases.respond_referral"}
    object_permissions = {
        "accept": "cases.respond_referral",
        "reject": "cases.respond_referral",
        "implement": "cases.respond_referral",
    }

    def get_queryset(self) -> Any:
        return selectors.incoming_referrals(self.request.user)

    def get_object(self) -> Referral:
        raw = self.kwargs.get("pk", "")
        if not str(raw).isdigit() or int(raw) >= 2**31:
            raise Http404
        referral = (
            Referral.objects.select_related("case", "from_organization", "to_organization").filter(pk=raw).first()
        )
        if referral is None:
            raise Http404
        self.check_object_permissions(self.request, referral)
        return referral

    def _done(self, referral: Referral) -> Response:
        referral = Referral.objects.select_related("from_organization", "to_organization").get(pk=referral.pk)
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=ReferralAnswerSerializer, responses=ANSWER_RESPONSES)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        services.referral_respond(referral=referral, accept=True, acting_user=request.user)
        return self._done(referral)

    @extend_schema(request=ReferralAnswerSerializer, responses=ANSWER_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        body = ReferralAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.referral_respond(
            referral=referral, accept=False, reason=body.validated_data["reason"], acting_user=request.user
        )
        return self._done(referral)

    @extend_schema(request=None, responses=ANSWER_RESPONSES)
    @action(detail=True, methods=["post"])
    def implement(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        services.referral_implement(referral=referral, acting_user=request.user)
        return self._done(referral)
