"""Thin endpoints for events: they parse, ask `can()`, call a service or a selector, and render.

Rules (seats, deadlines, who may register whom) live in `tamyr.events.services`; a broken rule comes back as a 400
with the domain error's `code` (`already_registered`, `full`, `deadline_passed`, `invitation_only`, ...) through
`tamyr.api.exceptions`, and changes nothing.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tamyr.accounts import permissions
from tamyr.accounts.services import signed_in_user
from tamyr.api.permissions import Can
from tamyr.api.serializers import ErrorSerializer
from tamyr.core import audit
from tamyr.core.errors import DomainError
from tamyr.core.exports import EXPORT_FORMATS, export_response
from tamyr.core.i18n import translate
from tamyr.events import selectors, services
from tamyr.events.api.serializers import (
    CheckInResultSerializer,
    CheckInSerializer,
    DelegationSerializer,
    EventCancelSerializer,
    EventDetailSerializer,
    EventSerializer,
    EventWriteSerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
    SessionSerializer,
    page_of,
)
from tamyr.events.models import (
    Delegation,
    Event,
    EventKind,
    EventStatus,
    Invitation,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)
from tamyr.registry import selectors as registry_selectors
from tamyr.registry import services as registry_services
from tamyr.registry.models import Person

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS = OpenApiResponse(ErrorSerializer, description="A rule refused the request; `code` says which.")


class _FileRenderer(BaseRenderer):
    """Lets `?format=csv` and `?format=xlsx` through content negotiation: the view then returns the file itself."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data, default=str).encode()


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


FILE_RENDERERS = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer, XLSXRenderer]


class EventUpdateSerializer(EventWriteSerializer):
    slug = None  # type: ignore[assignment]  # an event keeps its address


SessionPage = page_of(SessionSerializer, "SessionPage")
DelegationPage = page_of(DelegationSerializer, "DelegationPage")
RegistrationPage = page_of(RegistrationSerializer, "RegistrationPage")


def _date_param(request: Request, name: str) -> date | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: _("Give a date as YYYY-MM-DD.")})


def _bool_param(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None


def _may_view(user: Any, event: Event) -> bool:
    """`events.view_event` with its public case first: `can()` refuses every anonymous visitor (their
    `is_active` is False), while published and cancelled events are public."""
    return event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED) or permissions.can(
        user, "events.view_event", event
    )


def _own_person(user: Any) -> Person:
    """The signed-in user's own record; made from the account (with consent to keep it) when there is none yet."""
    person = registry_selectors.person_of_user(user)
    if person is not None:
        return person
    try:
        with transaction.atomic():
            person = registry_services.person_create_for_user(user=user)
    except IntegrityError:  # the same account made its record in a parallel request
        person = Person.objects.get(user=user)
    return person


def _answer_text(question: Any, value: Any) -> Any:
    if value is None:
        return ""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        choices = question.display_choices
        indexes = value if isinstance(value, list) else [value]
        return "; ".join(choices[i] if isinstance(i, int) and 0 <= i < len(choices) else str(i) for i in indexes)
    return value


EVENT_FILTERS = [
    OpenApiParameter("search", str, description="Part of the title (any language) or of the address (slug)."),
    OpenApiParameter("country", str, description="ISO 3166 alpha-2 code of the venue's country."),
    OpenApiParameter("kind", str, enum=EventKind.values, description="The kind of event."),
    OpenApiParameter("organizer", str, description="Slug of the organizer or a co-organizer."),
    OpenApiParameter("network", str, description="Slug of a network the organizer or a co-organizer belongs to."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Events that end on or after this day."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Events that start on or before this day."),
    OpenApiParameter("online", bool, description="true: only events with an online link; false: only without."),
]


@extend_schema_view(
    list=extend_schema(
        parameters=EVENT_FILTERS,
        description="Published (and cancelled) events; organizers also see their own drafts.",
    ),
    retrieve=extend_schema(responses=EventDetailSerializer),
    create=extend_schema(request=EventWriteSerializer, responses={201: EventDetailSerializer, 400: ERRORS}),
    update=extend_schema(request=EventUpdateSerializer, responses={200: EventDetailSerializer, 400: ERRORS}),
    partial_update=extend_schema(request=EventUpdateSerializer, responses={200: EventDetailSerializer, 400: ERRORS}),
)
class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Events by their address (slug), with their timetable, delegations, registrations and check-in."""

    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []
    action_permissions = {"create": "events.add_event", "register": "events.register"}
    object_permissions = {
        "update": "events.change_event",
        "partial_update": "events.change_event",
        "publish": "events.change_event",
        "cancel": "events.change_event",
        "create_delegation": "events.change_event",
        "registrations": "events.manage_registrations",
        "check_in": "events.check_in",
    }

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return EventSerializer
        if self.action in ("create",):
            return EventWriteSerializer
        if self.action in ("update", "partial_update"):
            return EventUpdateSerializer
        return EventDetailSerializer

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.select_related("organizer", "venue", "venue__country")

    def get_object(self) -> Event:
        """The event, 404 when the user may not see it (a draft of someone else's), then the action's rule."""
        slug = self.kwargs[self.lookup_field]
        if self.action == "retrieve":
            try:
                event = selectors.event_get(slug)
            except Event.DoesNotExist:
                raise Http404
        else:
            event = get_object_or_404(Event.objects.select_related("organizer"), slug=slug)
        if not _may_view(self.request.user, event):
            raise Http404
        self.check_object_permissions(self.request, event)
        return event

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        # an error met while exporting is still JSON, whatever file was asked for
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None), _FileRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def _detail(self, event: Event) -> dict[str, Any]:
        event = selectors.event_get(event.slug)
        confirmed = dict(
            Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED, category__isnull=False)
            .values_list("category")
            .annotate(n=Count("id"))
            .values_list("category", "n")
        )
        context = {
            **self.get_serializer_context(),
            **self._heads_context(event, [d.head_id for d in event.delegations.all() if d.head_id]),
            "confirmed_by_category": confirmed,
            "time_zone": event.time_zone,
        }
        return dict(EventDetailSerializer(event, context=context).data)

    def _heads_context(self, event: Event, head_ids: list[int]) -> dict[str, Any]:
        """Organizers see delegation heads by name; everyone else sees the names of the heads who consented to
        show them on public pages, and initials for the others (the rule of certificates)."""
        if permissions.can(self.request.user, "events.change_event", event):
            return {}
        return {"public_heads": registry_selectors.people_showing_their_name(head_ids)}

    # --- events ----------------------------------------------------------------------------------------------

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        events = selectors.event_list(
            user=request.user,
            include_drafts=bool(request.user and request.user.is_authenticated),
            search=params.get("search", "").strip(),
            country=params.get("country", "").strip(),
            kind=params.get("kind", "").strip(),
            organizer=params.get("organizer", "").strip(),
            network=params.get("network", "").strip(),
            date_from=_date_param(request, "date_from"),
            date_to=_date_param(request, "date_to"),
            online=_bool_param(request, "online"),
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True, context=self.get_serializer_context()).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        event = services.event_create(slug=data.pop("slug"), acting_user=request.user, **data)
        return Response(self._detail(event), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        event = self.get_object()
        serializer = EventUpdateSerializer(data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        event = services.event_update(event=event, acting_user=request.user, **serializer.validated_data)
        return Response(self._detail(event))

    @extend_schema(request=None, responses={200: EventDetailSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str | None = None) -> Response:
        """Publish a draft: it shows in the public lists and takes registrations."""
        event = services.event_publish(event=self.get_object(), acting_user=request.user)
        return Response(self._detail(event))

    @extend_schema(request=EventCancelSerializer, responses={200: EventDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, slug: str | None = None) -> Response:
        """Cancel the event; everyone registered is told, in their language."""
        event = self.get_object()
        serializer = EventCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_cancel(
            event=event, acting_user=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return Response(self._detail(event))

    # --- timetable and delegations -----------------------------------------------------------------------------

    @extend_schema(responses=SessionPage)
    @action(detail=True, methods=["get"])
    def sessions(self, request: Request, slug: str | None = None) -> Response:
        """The timetable: sessions with their venue, speakers (with their title as said at the event), materials."""
        event = self.get_object()
        sessions = (
            Session.objects.filter(event=event)
            .select_related("venue", "venue__country")
            .prefetch_related(
                "materials",
                Prefetch("speakers", queryset=SessionSpeaker.objects.select_related("person").order_by("order", "id")),
            )
            .order_by("starts_at", "id")
        )
        page = self.paginate_queryset(sessions)
        context = {**self.get_serializer_context(), "time_zone": event.time_zone}
        return self.get_paginated_response(SessionSerializer(page, many=True, context=context).data)

    @extend_schema(responses=DelegationPage)
    @action(detail=True, methods=["get"])
    def delegations(self, request: Request, slug: str | None = None) -> Response:
        """Delegations per country or organization, with their head and how many members are registered."""
        event = self.get_object()
        delegations = (
            Delegation.objects.filter(event=event)
            .select_related("country", "organization", "head")
            .annotate(
                member_count=Count(
                    "registrations",
                    filter=Q(registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]),
                )
            )
            .order_by("country", "organization", "id")
        )
        page = self.paginate_queryset(delegations)
        context = self._heads_context(event, [d.head_id for d in page or [] if d.head_id])
        return self.get_paginated_response(DelegationSerializer(page, many=True, context=context).data)

    @extend_schema(request=DelegationSerializer, responses={201: DelegationSerializer, 400: ERRORS})
    @delegations.mapping.post
    def create_delegation(self, request: Request, slug: str | None = None) -> Response:
        """Organizers: add a delegation (a country code and/or an organization slug, head, seats)."""
        event = self.get_object()
        serializer = DelegationSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        delegation = services.delegation_create(
            event=event,
            acting_user=request.user,
            country=data.get("country"),
            organization=data.get("organization"),
            head=data.get("head"),
            head_title=data.get("head_title", ""),
            size_limit=data.get("size_limit"),
        )
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    # --- registrations -------------------------------------------------------------------------------------------

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="pending, confirmed, waitlisted, declined or cancelled."),
            OpenApiParameter("export", str, enum=[*EXPORT_FORMATS], description="Download the list as a file."),
        ],
        operation_id="events_registrations_list",
        responses={
            (200, "application/json"): RegistrationPage,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=FILE_RENDERERS)
    def registrations(self, request: Request, slug: str | None = None) -> Response | HttpResponseBase:
        """Organizers: everyone registered, filtered by status; `?export=csv|xlsx` (or `?format=`) downloads it."""
        event = self.get_object()
        registrations = selectors.registrations_of_event(event).select_related(
            "event", "delegation__country", "delegation__organization"
        )
        wanted = request.query_params.get("status", "").strip()
        if wanted:
            if wanted not in RegistrationStatus.values:
                raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": wanted}})
            registrations = registrations.filter(status=wanted)
        fmt = request.query_params.get("export") or request.query_params.get(api_settings.URL_FORMAT_OVERRIDE or "")
        if fmt in EXPORT_FORMATS:
            return self._export(event, list(registrations), fmt)
        page = self.paginate_queryset(registrations)
        audit.record(request.user, "events.registrations_listed", event, status=wanted, count=len(page or []))
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)

    def _export(self, event: Event, registrations: Sequence[Registration], fmt: str) -> HttpResponseBase:
        questions = list(event.questions.all())
        header = [
            _("Code"),
            _("Name"),
            _("E-mail"),
            _("Country of residence"),
            _("Representing"),
            _("Category"),
            _("Delegation"),
            _("Status"),
            _("Registered"),
            _("Checked in"),
            _("Registered by staff"),
            *[translate(question.label) for question in questions],
        ]
        rows = [
            [
                registration.code,
                registration.person.display_name,
                registration.person.email,
                registration.person.residence_country.name if registration.person.residence_country else "",
                registration.organization.display_name if registration.organization else "",
                translate(registration.category.name) if registration.category else "",
                str(registration.delegation) if registration.delegation else "",
                registration.get_status_display(),
                registration.created_at.isoformat(timespec="seconds"),
                registration.checked_in_at.isoformat(timespec="seconds") if registration.checked_in_at else "",
                registration.registered_by_id is not None,
                *[_answer_text(question, registration.answers.get(str(question.pk))) for question in questions],
            ]
            for registration in registrations
        ]
        audit.record(self.request.user, "events.registrations_exported", event, format=fmt, count=len(rows))
        return export_response(fmt, f"registrations-{event.slug}", header, rows)

    @extend_schema(
        request=RegistrationCreateSerializer,
        responses={
            (201, "application/json"): RegistrationSerializer,
            (400, "application/json"): ERRORS,
            (403, "application/json"): ERRORS,
        },
        description=(
            "Register the signed-in person (their record is made from the account if they have none). The answer "
            "says `status`: confirmed, waitlisted or pending (awaiting approval), and the `code` of the badge. "
            "Refusals are 400s with a `code`: already_registered, full, deadline_passed, not_open, event_over, "
            "invitation_only, not_published, delegation_full, bad_invitation, invalid."
        ),
    )
    @registrations.mapping.post
    def register(self, request: Request, slug: str | None = None) -> Response:
        # the event, the signed-in person and what the form needs of them are read in one round trip with plain SQL
        # (tamyr.core.rows): this view takes bursts
        event, own_person, form_shape = selectors.registration_start(slug or "", signed_in_user(request).pk)
        if event is None:
            raise Http404
        if not _may_view(request.user, event):
            raise Http404
        serializer = RegistrationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        category = delegation = organization = None
        if data.get("category") is not None:
            category = RegistrationCategory.objects.filter(pk=data["category"], event=event).first()
            if category is None:
                raise DomainError(_("Choose a category of this event."), field="category")
        if data.get("delegation") is not None:
            delegation = Delegation.objects.filter(pk=data["delegation"], event=event).first()
            if delegation is None:
                raise DomainError(_("Choose a delegation of this event."), field="delegation")
        if data.get("organization"):
            organization = registry_selectors.organizations_to_name().filter(slug=data["organization"]).first()
            if organization is None:
                message = _("Unknown organization %(slug)s.") % {"slug": data["organization"]}
                raise DomainError(message, field="organization")
        invitation = None
        if data.get("invitation"):
            invitation = Invitation.objects.filter(event=event, token=data["invitation"]).first()
            if invitation is None:
                raise DomainError(_("This invitation is not valid for this event."), code="bad_invitation")
        # `person` is one of the people the caller may name (`people_in_reach`): anyone else was refused as a missing
        # id by the serializer; naming oneself is registering oneself
        person: Person | None = data.get("person")
        if person is not None and person.user_id != request.user.pk:
            if not permissions.can(request.user, "events.manage_registrations", event):
                raise PermissionDenied(_("Only the organizers can register someone else."))
        else:
            person = own_person
        # a record made for this registration goes away again if the registration is refused
        with transaction.atomic() if person is None else contextlib.nullcontext():
            registration = services.registration_create(
                event=event,
                person=person or _own_person(request.user),
                acting_user=request.user,
                category=category,
                delegation=delegation,
                organization=organization,
                invitation=invitation,
                answers={str(key): value for key, value in data.get("answers", {}).items()},
                language=data.get("language") or translation.get_language() or "",
                form_shape=form_shape if person is not None and person is own_person else None,
            )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CheckInSerializer, responses={200: CheckInResultSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, slug: str | None = None) -> Response:
        """Organizers: mark attendance from a badge's code. Refusals: unknown_code, already_checked_in,
        not_confirmed."""
        event = self.get_object()
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.registration_check_in(
            event=event, code=serializer.validated_data["code"], acting_user=request.user
        )
        return Response(
            {
                "ok": True,
                "code": registration.code,
                "name": registration.person.display_name,
                "status": registration.status,
                "checked_in_at": registration.checked_in_at,
            }
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("status", str, description="Only registrations with this status.")],
        description="The signed-in person's own registrations, the latest event first.",
    ),
)
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Registrations by their code: the person sees and cancels their own; organizers also approve and decline."""

    serializer_class = RegistrationSerializer
    permission_classes = [Can]
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"
    filter_backends: list[Any] = []
    action_permissions = {"list": "privacy.own_data"}
    object_permissions = {
        "retrieve": "events.view_registration",
        "cancel": "events.cancel_registration",
        "approve": "events.view_registration",
        "decline": "events.view_registration",
    }

    def get_queryset(self) -> QuerySet[Registration]:
        if self.action == "list":
            person = registry_selectors.person_of_user(self.request.user)
            if person is None:
                return Registration.objects.none()
            qs = selectors.registrations_of_person(person).select_related("person", "organization")
            wanted = self.request.query_params.get("status", "").strip()
            return qs.filter(status=wanted) if wanted else qs
        return Registration.objects.select_related("event", "event__organizer", "person", "category", "organization")

    def get_object(self) -> Registration:
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    def _fresh(self, registration: Registration) -> Response:
        return Response(RegistrationSerializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(request=None, responses={200: RegistrationSerializer, 400: ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, code: str | None = None) -> Response:
        """Cancel; a freed seat goes to the first person on the waiting list."""
        registration = services.registration_cancel(registration=self.get_object(), acting_user=request.user)
        return self._fresh(registration)

    @extend_schema(request=None, responses={200: RegistrationSerializer, 400: ERRORS, 403: ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, code: str | None = None) -> Response:
        """Organizers: approve a registration awaiting approval (a seat if there is one, else the waiting list)."""
        registration = self.get_object()
        registration = services.registration_decide(registration=registration, approve=True, acting_user=request.user)
        return self._fresh(registration)

    @extend_schema(request=None, responses={200: RegistrationSerializer, 400: ERRORS, 403: ERRORS})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, code: str | None = None) -> Response:
        """Organizers: decline a registration awaiting approval."""
        registration = self.get_object()
        registration = services.registration_decide(registration=registration, approve=False, acting_user=request.user)
        return self._fresh(registration)
