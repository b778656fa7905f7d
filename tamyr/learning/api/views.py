"""Thin endpoints for learning: they parse, ask `can()`, call a service or a selector, and render.

Rules (seats and the waiting list, who may enroll whom, completion) live in `tamyr.learning.services` and
`tamyr.learning.services_authoring`; a broken rule comes back as a 400 with the domain error's `code`
(`closed`, `already_enrolled`, `not_active`, `live_lesson`, ...) through `tamyr.api.exceptions`, and changes nothing.
"""

from __future__ import annotations

import contextlib
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as fields
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from tamyr.accounts import permissions
from tamyr.api.permissions import Can
from tamyr.api.serializers import ErrorSerializer
from tamyr.core.errors import DomainError
from tamyr.core.i18n import translate
from tamyr.learning import selectors, services, services_authoring
from tamyr.learning.api.serializers import (
    AttendanceGridSerializer,
    AttendanceMarkSerializer,
    CourseDetailSerializer,
    CourseSerializer,
    CourseUpdateSerializer,
    CourseWriteSerializer,
    EnrollmentCreateSerializer,
    EnrollmentSerializer,
    GroupSerializer,
    LessonDoneSerializer,
    LessonSerializer,
    OverrideSerializer,
    ProgressSerializer,
)
from tamyr.learning.models import (
    Course,
    CourseFormat,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    Level,
    Quiz,
)
from tamyr.registry import selectors as registry_selectors
from tamyr.registry import services as registry_services
from tamyr.registry.models import Person

ERRORS = OpenApiResponse(ErrorSerializer, description="A rule refused the request; `code` says which.")


def _page_of(serializer: type[Serializer], name: str) -> type[Serializer]:
    return type(
        name,
        (Serializer,),
        {
            "count": fields.IntegerField(),
            "next": fields.URLField(allow_null=True),
            "previous": fields.URLField(allow_null=True),
            "results": serializer(many=True),
        },
    )


GroupPage = _page_of(GroupSerializer, "CourseGroupPage")
LessonPage = _page_of(LessonSerializer, "LessonPage")


class CourseFormatNegotiation(DefaultContentNegotiation):
    """`?format=` filters courses by their format (live_group, talk_club, self_paced) here, so it must not pick a
    renderer as it does elsewhere in DRF; the course list is JSON only."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)  # type: ignore[assignment]


def _teaches(user: Any, course: Course) -> bool:
    user_id = getattr(user, "pk", None)
    return user_id is not None and course.teachers.filter(pk=user_id).exists()


def _course_visible(user: Any, course: Course) -> bool:
    return (
        course.is_published
        or permissions.can(user, "learning.change_course", course)
        or (bool(getattr(user, "is_authenticated", False)) and _teaches(user, course))
    )


def _insider_groups(user: Any, course: Course) -> set[int]:
    """Groups of this course whose meeting link and lesson content this user may see: their own (with a seat),
    those they teach, every group for the provider's staff."""
    if not getattr(user, "is_authenticated", False):
        return set()
    group_ids = set(CourseGroup.objects.filter(course=course).values_list("pk", flat=True))
    if permissions.can(user, "learning.change_course", course) or _teaches(user, course):
        return group_ids
    taught = set(CourseGroup.objects.filter(course=course, teachers=user).values_list("pk", flat=True))
    person = registry_selectors.person_of_user(user)
    seated: set[int] = set()
    if person is not None:
        seated = set(
            Enrollment.objects.filter(
                person=person, group__course=course, status__in=selectors.SEAT_STATUSES
            ).values_list("group_id", flat=True)
        )
    return taught | seated


COURSE_FILTERS = [
    OpenApiParameter("search", str, description="Part of the title or description (any language) or of the slug."),
    OpenApiParameter("language", str, description="ISO 639 code of the language taught, e.g. kk."),
    OpenApiParameter("level", str, enum=Level.values, description="CEFR level."),
    OpenApiParameter("format", str, enum=CourseFormat.values, description="The course's format."),
    OpenApiParameter("provider", str, description="Slug of the providing organization."),
]


@extend_schema_view(
    list=extend_schema(
        parameters=COURSE_FILTERS,
        description="Published courses; staff also see their own organizations' drafts.",
    ),
    retrieve=extend_schema(responses=CourseDetailSerializer),
    create=extend_schema(request=CourseWriteSerializer, responses={201: CourseDetailSerializer, 400: ERRORS}),
    update=extend_schema(request=CourseUpdateSerializer, responses={200: CourseDetailSerializer, 400: ERRORS}),
    partial_update=extend_schema(request=CourseUpdateSerializer, responses={200: CourseDetailSerializer, 400: ERRORS}),
)
class CourseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Courses by their address (slug), with their groups and lessons. Staff create and change them."""

    permission_classes = [Can]
    public_read = True
    lookup_field = "slug"
    filter_backends: list[Any] = []
    content_negotiation_class = CourseFormatNegotiation
    action_permissions = {"create": "learning.add_course"}
    object_permissions = {"update": "learning.change_course", "partial_update": "learning.change_course"}

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return CourseSerializer
        if self.action == "create":
            return CourseWriteSerializer
        if self.action in ("update", "partial_update"):
            return CourseUpdateSerializer
        return CourseDetailSerializer

    def get_queryset(self) -> QuerySet[Course]:
        return selectors.course_list()

    def get_object(self) -> Course:
        try:
            course = selectors.course_get(self.kwargs[self.lookup_field])
        except Course.DoesNotExist as error:
            raise Http404 from error
        if not _course_visible(self.request.user, course):
            raise Http404
        self.check_object_permissions(self.request, course)
        return course

    def _detail(self, course: Course) -> dict[str, Any]:
        course = selectors.course_get(course.slug)
        context = {**self.get_serializer_context(), "insider_groups": _insider_groups(self.request.user, course)}
        return dict(CourseDetailSerializer(course, context=context).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        courses = selectors.course_list(
            search=params.get("search", "").strip(),
            language=params.get("language", "").strip(),
            level=params.get("level", "").strip(),
            format=params.get("format", "").strip(),
            provider=params.get("provider", "").strip(),
            user=request.user,
            include_drafts=bool(request.user and request.user.is_authenticated),
        )
        page = self.paginate_queryset(courses)
        return self.get_paginated_response(
            CourseSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CourseWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        course = services_authoring.course_create(
            slug=data.pop("slug"),
            provider=data.pop("provider"),
            teachers=data.pop("teachers", []),
            acting_user=request.user,
            **data,
        )
        return Response(self._detail(course), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_object()
        serializer = CourseUpdateSerializer(
            data=request.data, partial=kwargs.pop("partial", False), context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        teachers = data.pop("teachers", None)
        course = services_authoring.course_update(course=course, teachers=teachers, acting_user=request.user, **data)
        return Response(self._detail(course))

    @extend_schema(responses=GroupPage)
    @action(detail=True, methods=["get"])
    def groups(self, request: Request, slug: str | None = None) -> Response:
        """The course's groups with their schedule, time zone, seats left and waiting list."""
        course = self.get_object()
        groups = selectors.groups_with_counts().filter(course=course).select_related("course")
        page = self.paginate_queryset(groups)
        context = {**self.get_serializer_context(), "insider_groups": _insider_groups(request.user, course)}
        return self.get_paginated_response(GroupSerializer(page, many=True, context=context).data)

    @extend_schema(responses=LessonPage)
    @action(detail=True, methods=["get"])
    def lessons(self, request: Request, slug: str | None = None) -> Response:
        """The lessons in order. Learners with a seat, teachers and staff also get the text, video and materials."""
        course = self.get_object()
        lessons = Lesson.objects.filter(course=course).prefetch_related("materials").order_by("order", "id")
        page = self.paginate_queryset(lessons)
        context = {**self.get_serializer_context(), "content_open": bool(_insider_groups(request.user, course))}
        return self.get_paginated_response(LessonSerializer(page, many=True, context=context).data)


def _own_person(user: Any) -> Person:
    """The signed-in user's record; made from the account (with consent to keep it) when there is none yet."""
    person = registry_selectors.person_of_user(user)
    if person is not None:
        return person
    try:
        with transaction.atomic():
            person = registry_services.person_create_for_user(user=user)
    except IntegrityError:  # the same account made its record in a parallel request
        person = Person.objects.get(user=user)
    return person


def _progress(enrollment: Enrollment) -> dict[str, Any]:
    enrollment = selectors.enrollment_get(enrollment.pk)
    course = enrollment.group.course
    lessons = list(Lesson.objects.filter(course=course).order_by("order", "id"))
    results = selectors.quiz_results(enrollment)
    return {
        "enrollment": enrollment.pk,
        "status": enrollment.status,
        "progress_percent": enrollment.progress_percent,
        "lessons": [
            {
                "lesson": row.lesson.pk,
                "order": position,
                "title": row.lesson.display_title,
                "is_live": row.lesson.is_live,
                "status": row.status,
            }
            for position, row in enumerate(selectors.lesson_rows(enrollment, lessons), start=1)
        ],
        "quizzes": [
            {
                "quiz": quiz.pk,
                "title": translate(quiz.title),
                "is_final": quiz.is_final,
                "pass_mark": quiz.pass_mark,
                "best_score": results[quiz.pk]["best"] if quiz.pk in results else None,
                "passed": bool(results.get(quiz.pk, {}).get("passed")),
                "attempts": results.get(quiz.pk, {}).get("attempts", 0),
            }
            for quiz in Quiz.objects.filter(course=course).order_by("id")
        ],
    }


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("status", str, enum=EnrollmentStatus.values, description="Only this status.")],
        description="The signed-in person's own enrollments, the latest first.",
    ),
)
class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enrollments: the learner's own, and those of the groups a teacher or the provider's staff look after."""

    serializer_class = EnrollmentSerializer
    permission_classes = [Can]
    filter_backends: list[Any] = []
    action_permissions = {"list": "privacy.own_data", "create": "learning.enroll"}
    object_permissions = {
        "retrieve": "learning.view_enrollment",
        "withdraw": "learning.view_enrollment",
        "progress": "learning.view_enrollment",
        "mark_done": "learning.view_enrollment",
        "override": "learning.view_enrollment",
    }

    def get_queryset(self) -> QuerySet[Enrollment]:
        base = Enrollment.objects.select_related("person", "person__user", "group", "group__course")
        if self.action == "list":
            person = registry_selectors.person_of_user(self.request.user)
            if person is None:
                return Enrollment.objects.none()
            qs = base.filter(person=person).order_by("-created_at", "-id")
            wanted = self.request.query_params.get("status", "").strip()
            return qs.filter(status=wanted) if wanted else qs
        return base.prefetch_related(Prefetch("group__teachers"), Prefetch("group__course__teachers"))

    @extend_schema(
        request=EnrollmentCreateSerializer,
        responses={201: EnrollmentSerializer, 400: ERRORS, 403: ERRORS},
        description=(
            "Enroll the signed-in person in a group (their record is made from the account if they have none), or "
            "with `person`, staff enroll someone they may see. The answer's `status` is `active` (a seat) or "
            "`waitlisted` (the group is full). Refusals: closed, already_enrolled."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = EnrollmentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        group = CourseGroup.objects.select_related("course").filter(pk=data["group"]).first()
        if group is None or not _course_visible(request.user, group.course):
            raise DomainError(_("No group has the id %(id)s.") % {"id": data["group"]}, field="group")
        # `person` is one of the people the caller may name (`people_in_reach`); anyone else was refused by the
        # serializer as a missing id
        person: Person | None = data.get("person")
        if person is not None and person.user_id != request.user.pk:
            if not permissions.can(request.user, "learning.manage_enrollments", group):
                raise PermissionDenied(_("Only the provider's staff can enroll someone else."))
        else:
            person = registry_selectors.person_of_user(request.user)
        # a record made for this enrollment goes away again if the enrollment is refused
        with transaction.atomic() if person is None else contextlib.nullcontext():
            enrollment = services.enrollment_create(
                group=group, person=person or _own_person(request.user), acting_user=request.user
            )
        return Response(
            EnrollmentSerializer(self.get_queryset().get(pk=enrollment.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={200: EnrollmentSerializer, 400: ERRORS, 403: ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Leave the group (the learner) or withdraw a learner (the provider's staff). A freed seat goes to the
        first person on the waiting list. Refusal: not_active."""
        enrollment = self.get_object()
        own = enrollment.person.user_id is not None and enrollment.person.user_id == request.user.pk
        if not own and not permissions.can(request.user, "learning.manage_enrollments", enrollment.group):
            raise PermissionDenied(_("Only the learner and the provider's staff can withdraw an enrollment."))
        services.enrollment_withdraw(enrollment=enrollment, acting_user=request.user)
        return Response(EnrollmentSerializer(self.get_queryset().get(pk=enrollment.pk)).data)

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """Each lesson in order with its status (attended, absent, done, todo), the quizzes, and the percent."""
        return Response(_progress(self.get_object()))

    @extend_schema(
        request=LessonDoneSerializer,
        responses={200: ProgressSerializer, 400: ERRORS, 403: ERRORS},
        operation_id="enrollments_progress_mark_done",
        description="The learner marks a self-paced lesson done. Refusals: live_lesson, not_enrolled.",
    )
    @progress.mapping.post
    def mark_done(self, request: Request, pk: str | None = None) -> Response:
        enrollment = self.get_object()
        serializer = LessonDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson = Lesson.objects.filter(pk=serializer.validated_data["lesson"]).first()
        if lesson is None:
            raise DomainError(_("No lesson has this id."), field="lesson")
        services.lesson_mark_done(enrollment=enrollment, lesson=lesson, acting_user=request.user)
        return Response(_progress(enrollment))

    @extend_schema(request=OverrideSerializer, responses={200: EnrollmentSerializer, 400: ERRORS, 403: ERRORS})
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: str | None = None) -> Response:
        """Teachers and the provider's staff: set completion by hand (true/false, with a reason) or return to the
        course's rule (null). Audited."""
        enrollment = self.get_object()
        serializer = OverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.completion_override(
            enrollment=enrollment,
            complete=serializer.validated_data["complete"],
            reason=serializer.validated_data.get("reason", ""),
            acting_user=request.user,
        )
        return Response(EnrollmentSerializer(self.get_queryset().get(pk=enrollment.pk)).data)


def _grid(group: CourseGroup) -> dict[str, Any]:
    grid = selectors.attendance_grid(group)
    return {
        "group": group.pk,
        "lessons": [
            {"id": lesson.pk, "order": position, "title": lesson.display_title}
            for position, lesson in enumerate(grid.lessons, start=1)
        ],
        "learners": [
            {
                "enrollment": row.enrollment.pk,
                "person": row.enrollment.person_id,
                "name": row.enrollment.person.display_name,
                "country": row.enrollment.person.residence_country_id,
                "status": row.enrollment.status,
                "progress_percent": row.enrollment.progress_percent,
                "present": {str(lesson.pk): present for lesson, present in row.cells},
            }
            for row in grid.rows
        ],
    }


class GroupViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A course's group, and its attendance grid for the teachers."""

    serializer_class = GroupSerializer
    permission_classes = [Can]
    public_read = True
    filter_backends: list[Any] = []
    object_permissions = {"attendance": "learning.teach_group", "mark_attendance": "learning.teach_group"}

    def get_queryset(self) -> QuerySet[CourseGroup]:
        return selectors.groups_with_counts().select_related("course", "course__provider")

    def get_object(self) -> CourseGroup:
        try:
            group = selectors.group_get(int(self.kwargs["pk"]))
        except (CourseGroup.DoesNotExist, ValueError) as error:
            raise Http404 from error
        if not _course_visible(self.request.user, group.course):
            raise Http404
        self.check_object_permissions(self.request, group)
        return group

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        group = self.get_object()
        context = {**self.get_serializer_context(), "insider_groups": _insider_groups(request.user, group.course)}
        return Response(GroupSerializer(group, context=context).data)

    @extend_schema(responses=AttendanceGridSerializer)
    @action(detail=True, methods=["get"])
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """The group's attendance grid: learners with a seat × live lessons."""
        return Response(_grid(self.get_object()))

    @extend_schema(
        request=AttendanceMarkSerializer,
        responses={200: AttendanceGridSerializer, 400: ERRORS, 403: ERRORS},
        operation_id="groups_attendance_mark",
        description="Mark one live lesson for several learners: `present` maps enrollment ids to true or false. "
        "Completion is checked again for each of them. Refusal: unknown_enrollment.",
    )
    @attendance.mapping.post
    def mark_attendance(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        serializer = AttendanceMarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson = get_object_or_404(Lesson, pk=serializer.validated_data["lesson"], course_id=group.course_id)
        if not lesson.is_live:
            raise DomainError(_("Learners mark self-paced lessons done themselves."), code="not_live", field="lesson")
        services.attendance_mark(
            group=group, lesson=lesson, present=serializer.validated_data["present"], acting_user=request.user
        )
        return Response(_grid(group))
