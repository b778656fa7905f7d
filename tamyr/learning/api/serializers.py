"""Shapes of the learning API. Serializers only parse and render: the rules live in `tamyr.learning.services` and
`tamyr.learning.services_authoring`.

Translated text comes twice: as `{lang: text}` (`title`) and in the request's language (`display_title`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tamyr.api.serializers import (
    NULLABLE_TRANSLATIONS,
    NULLABLE_URI,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
)
from tamyr.core.files import private_url
from tamyr.core.i18n import translate
from tamyr.learning import selectors
from tamyr.learning.models import (
    CompletionRule,
    Course,
    CourseFormat,
    CourseGroup,
    Enrollment,
    Lesson,
    LessonMaterial,
    Level,
)
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.api.serializers import TranslationsField
from tamyr.registry.models import Organization, Person


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class TeacherSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return _name(user)


class CompletionRuleSerializer(serializers.ModelSerializer):
    in_words = serializers.SerializerMethodField()

    class Meta:
        model = CompletionRule
        fields = [
            "min_attendance_percent",
            "min_lessons_done_percent",
            "requires_final_quiz",
            "issues_certificate",
            "in_words",
        ]

    def get_in_words(self, rule: CompletionRule) -> str:
        return selectors.rule_in_words(rule)


class GroupSerializer(serializers.ModelSerializer):
    """A group (run) of a course. `seats_left` is null when there is no limit; the meeting link is given only to
    the group's learners and teachers."""

    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    schedule = TranslationsField(read_only=True)
    display_schedule = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()
    enrolled_count = serializers.SerializerMethodField()
    waitlisted_count = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()
    meeting_url = serializers.SerializerMethodField()

    class Meta:
        model = CourseGroup
        fields = [
            "id",
            "course",
            "name",
            "starts_on",
            "ends_on",
            "schedule",
            "display_schedule",
            "time_zone",
            "capacity",
            "seats_left",
            "enrolled_count",
            "waitlisted_count",
            "self_enrollment",
            "is_open",
            "meeting_url",
        ]
        read_only_fields = fields

    def get_display_schedule(self, group: CourseGroup) -> str:
        return translate(group.schedule)

    def get_seats_left(self, group: CourseGroup) -> int | None:
        return selectors.seats_left(group)

    def get_enrolled_count(self, group: CourseGroup) -> int:
        return int(getattr(group, "active_count", 0))

    def get_waitlisted_count(self, group: CourseGroup) -> int:
        return int(getattr(group, "waitlisted_count", 0))

    def get_is_open(self, group: CourseGroup) -> bool:
        return selectors.is_open(group)

    @extend_schema_field(NULLABLE_URI)
    def get_meeting_url(self, group: CourseGroup) -> str | None:
        insiders = self.context.get("insider_groups", set())
        return group.meeting_url if group.pk in insiders and group.meeting_url else None


class CourseSerializer(serializers.ModelSerializer):
    """A course as lists show it."""

    url = serializers.HyperlinkedIdentityField(view_name="course-detail", lookup_field="slug")
    title = TranslationsField(read_only=True)
    display_title = serializers.CharField(read_only=True)
    language_name = serializers.SerializerMethodField()
    level = serializers.ChoiceField(choices=Level.choices, read_only=True, allow_blank=True)
    format = serializers.ChoiceField(choices=CourseFormat.choices, read_only=True)
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    provider_name = serializers.SerializerMethodField()
    open_groups = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "url",
            "slug",
            "title",
            "display_title",
            "language",
            "language_name",
            "level",
            "format",
            "provider",
            "provider_name",
            "is_published",
            "open_groups",
        ]
        read_only_fields = fields

    def get_language_name(self, course: Course) -> str:
        return selectors.language_name(course.language)

    def get_provider_name(self, course: Course) -> str:
        return course.provider.display_name

    @extend_schema_field(OpenApiTypes.INT)
    def get_open_groups(self, course: Course) -> int:
        """How many groups take enrollments now."""
        return sum(1 for group in getattr(course, "group_list", []) if selectors.is_open(group))


class CourseDetailSerializer(CourseSerializer):
    description = TranslationsField(read_only=True)
    syllabus = TranslationsField(read_only=True)
    teachers = TeacherSerializer(many=True, read_only=True)
    completion_rule = serializers.SerializerMethodField()
    lesson_count = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()

    class Meta(CourseSerializer.Meta):
        fields = [
            *CourseSerializer.Meta.fields,
            "description",
            "syllabus",
            "teachers",
            "completion_rule",
            "lesson_count",
            "groups",
        ]
        read_only_fields = fields

    @extend_schema_field(CompletionRuleSerializer(allow_null=True))
    def get_completion_rule(self, course: Course) -> dict[str, Any] | None:
        rule = selectors.completion_rule_of(course)
        return dict(CompletionRuleSerializer(rule).data) if rule is not None else None

    def get_lesson_count(self, course: Course) -> int:
        return len(course.lessons.all())

    @extend_schema_field(GroupSerializer(many=True))
    def get_groups(self, course: Course) -> list[dict[str, Any]]:
        return list(GroupSerializer(getattr(course, "group_list", []), many=True, context=self.context).data)


class CourseWriteSerializer(serializers.Serializer):
    """Create or change a course. `provider` is an organization's slug; `teachers` are usernames of people with a
    role at the provider."""

    slug = serializers.SlugField(max_length=140)
    title = TranslationsField()
    description = TranslationsField(required=False)
    syllabus = TranslationsField(required=False)
    language = serializers.CharField(max_length=3, required=False, default="kk")
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    format = serializers.ChoiceField(choices=CourseFormat.choices)
    provider = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.filter(is_active=True))
    teachers = ScopedSlugRelatedField(
        slug_field="username",
        scope=selectors.teachers_in_reach,
        queryset=get_user_model().objects.all(),
        many=True,
        required=False,
    )
    is_published = serializers.BooleanField(required=False, default=False)


class CourseUpdateSerializer(CourseWriteSerializer):
    slug = None  # type: ignore[assignment]  # a course keeps its address
    language = serializers.CharField(max_length=3, required=False)
    is_published = serializers.BooleanField(required=False)


class LessonMaterialSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField()

    class Meta:
        model = LessonMaterial
        fields = ["id", "title", "link"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_link(self, material: LessonMaterial) -> str:
        if material.file:
            request = self.context.get("request")
            url = private_url("lesson-material", material)  # a private file: the view asks can()
            return request.build_absolute_uri(url) if request is not None else url
        return material.url


class LessonSerializer(serializers.ModelSerializer):
    """A lesson. Its text, video and materials are given to the course's learners, teachers and staff; others get
    the outline (title, order, kind)."""

    title = TranslationsField(read_only=True)
    display_title = serializers.CharField(read_only=True)
    body = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField()
    embed_url = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = ["id", "order", "title", "display_title", "is_live", "body", "video_url", "embed_url", "materials"]
        read_only_fields = fields

    def _open(self) -> bool:
        return bool(self.context.get("content_open"))

    @extend_schema_field(NULLABLE_TRANSLATIONS)
    def get_body(self, lesson: Lesson) -> dict[str, str] | None:
        return lesson.body if self._open() else None

    @extend_schema_field(NULLABLE_URI)
    def get_video_url(self, lesson: Lesson) -> str | None:
        return (lesson.video_url or None) if self._open() else None

    @extend_schema_field(NULLABLE_URI)
    def get_embed_url(self, lesson: Lesson) -> str | None:
        """The address to embed: YouTube's privacy-enhanced player, Vimeo's player, or the video file."""
        if not self._open():
            return None
        video = selectors.video_of(lesson.video_url)
        return video.url if video is not None and video.kind != "link" else None

    @extend_schema_field(LessonMaterialSerializer(many=True, allow_null=True))
    def get_materials(self, lesson: Lesson) -> list[dict[str, Any]] | None:
        if not self._open():
            return None
        return list(LessonMaterialSerializer(lesson.materials.all(), many=True, context=self.context).data)


class EnrollmentSerializer(serializers.ModelSerializer):
    course = serializers.SerializerMethodField()
    course_title = serializers.SerializerMethodField()
    group = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[var-annotated]
    group_name = serializers.SerializerMethodField()
    person = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[var-annotated]
    person_name = serializers.SerializerMethodField()
    override = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "course",
            "course_title",
            "group",
            "group_name",
            "person",
            "person_name",
            "status",
            "progress_percent",
            "completed_at",
            "waitlisted_at",
            "override",
            "override_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_course(self, enrollment: Enrollment) -> str:
        return enrollment.group.course.slug

    def get_course_title(self, enrollment: Enrollment) -> str:
        return enrollment.group.course.display_title

    def get_group_name(self, enrollment: Enrollment) -> str:
        return enrollment.group.name

    def get_person_name(self, enrollment: Enrollment) -> str:
        return enrollment.person.display_name


class EnrollmentCreateSerializer(serializers.Serializer):
    group = serializers.IntegerField(help_text="Id of the group.")
    person = ScopedPrimaryKeyRelatedField(
        scope=registry_selectors.people_in_reach,
        queryset=Person.objects.all(),
        required=False,
        help_text=(
            "Staff only: id of the person to enroll, one whose record their organization keeps. Without it, the "
            "signed-in person enrolls."
        ),
    )


class LessonStatusSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    is_live = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["attended", "absent", "done", "todo"])


class QuizResultSerializer(serializers.Serializer):
    quiz = serializers.IntegerField()
    title = serializers.CharField()
    is_final = serializers.BooleanField()
    pass_mark = serializers.IntegerField()
    best_score = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField()
    attempts = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    status = serializers.CharField()
    progress_percent = serializers.IntegerField()
    lessons = LessonStatusSerializer(many=True)
    quizzes = QuizResultSerializer(many=True)


class LessonDoneSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(help_text="Id of a self-paced lesson of the course.")


class OverrideSerializer(serializers.Serializer):
    complete = serializers.BooleanField(
        allow_null=True, help_text="true or false sets completion by hand; null returns to the course's rule."
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AttendanceLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()


class AttendanceRowSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    person = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    progress_percent = serializers.IntegerField()
    present = serializers.DictField(
        child=serializers.BooleanField(allow_null=True),
        help_text="Lesson id → true (present), false (absent) or null (not marked yet).",
    )


class AttendanceGridSerializer(serializers.Serializer):
    group = serializers.IntegerField()
    lessons = AttendanceLessonSerializer(many=True)
    learners = AttendanceRowSerializer(many=True)


class AttendanceMarkSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(help_text="Id of a live lesson of the group's course.")
    present = serializers.DictField(
        child=serializers.BooleanField(), help_text="Enrollment id → true (present) or false (absent)."
    )

    def validate_present(self, value: dict[str, bool]) -> dict[int, bool]:
        try:
            return {int(key): bool(flag) for key, flag in value.items()}
        except (TypeError, ValueError) as error:
            raise serializers.ValidationError("Keys are enrollment ids (numbers).") from error
