"""Reads of learning, with their joins applied here once so that no page or endpoint runs N+1 queries.

Seats: a group's capacity counts active enrollments only, as `services.enrollment_create` does when it decides
between a seat and the waiting list; "seats left" on every page and in the API is computed the same way.
"""

from __future__ import annotations

import gettext as gettext_module
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pycountry
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.core import cldr
from tamyr.core.i18n import LANGUAGE_CODES, translate
from tamyr.learning.models import (
    Certificate,
    CompletionRule,
    Course,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    QuestionKind,
    Quiz,
    QuizAttempt,
    QuizQuestion,
)
from tamyr.registry.models import Organization, Person

SEAT_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)
CURRENT_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLISTED, EnrollmentStatus.COMPLETED)


# --- groups and seats ---------------------------------------------------------------------------------------


def groups_with_counts() -> QuerySet[CourseGroup]:
    """Groups annotated with `active_count` and `waitlisted_count` (one query, whatever the number of groups)."""
    return CourseGroup.objects.annotate(
        active_count=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ACTIVE), distinct=True),
        waitlisted_count=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED), distinct=True),
    ).order_by("starts_on", "id")


def seats_left(group: CourseGroup) -> int | None:
    """None: no limit. Needs `active_count` from `groups_with_counts`."""
    if group.capacity is None:
        return None
    return max(0, group.capacity - getattr(group, "active_count", 0))


def has_ended(group: CourseGroup, today: date | None = None) -> bool:
    return group.ends_on is not None and group.ends_on < (today or timezone.localdate())


def is_open(group: CourseGroup, today: date | None = None) -> bool:
    """Open for self-enrollment: the group allows it and has not ended."""
    today = today or timezone.localdate()
    return group.self_enrollment and (group.ends_on is None or group.ends_on >= today)


def zone_of(zone_name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def zone_label(zone_name: str) -> str:
    """ "Алматы уақыты (UTC+5)": the zone's city in the reader's language and its offset today, so a schedule's
    times can be read anywhere; never "Asia/Almaty"."""
    return cldr.zone_label(zone_name)


def language_name(code: str, language: str | None = None) -> str:
    """ "Kazakh", "казахский", "Kazakça", "қазақ тілі": a language's name in the reader's language, from CLDR; a
    language CLDR does not name (an ISO 639-3 code such as "crh") falls back to pycountry's translations."""
    named = cldr.language_name(code, language)
    if named != code:
        return named
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    if found is None:
        return code
    try:
        languages = [cldr.language_code(language)]
        catalog = gettext_module.translation("iso639-3", pycountry.LOCALES_DIR, languages=languages)
    except OSError:
        return str(found.name)
    return catalog.gettext(str(found.name))


# --- the catalogue ------------------------------------------------------------------------------------------


def course_list(
    *,
    language: str = "",
    level: str = "",
    format: str = "",
    provider: str = "",
    search: str = "",
    user: Any = None,
    include_drafts: bool = False,
) -> QuerySet[Course]:
    """Published courses (and, with `include_drafts`, the drafts the user may change), with provider and groups."""
    qs = Course.objects.select_related("provider").prefetch_related(
        Prefetch("groups", queryset=groups_with_counts(), to_attr="group_list")
    )
    visible = Q(is_published=True)
    if include_drafts and user is not None:
        scope = permissions.people_write_scope(user)
        if scope is None:
            visible = Q()
        elif scope:
            visible |= Q(provider_id__in=scope)
    qs = qs.filter(visible)
    if language:
        qs = qs.filter(language=language)
    if level:
        qs = qs.filter(level=level)
    if format:
        qs = qs.filter(format=format)
    if provider:
        qs = qs.filter(provider__slug=provider)
    if search:
        text = search.strip()
        condition = Q(slug__icontains=text)
        for code in LANGUAGE_CODES:
            condition |= Q(**{f"title__{code}__icontains": text}) | Q(**{f"description__{code}__icontains": text})
        qs = qs.filter(condition)
    return qs.order_by("-is_published", "level", "slug")


def open_courses(limit: int, today: date | None = None) -> list[Course]:
    """Published courses with a group a learner may still join by themselves, for the home page (one query).

    Ordered by the first such group's start (courses without dates last), so the soonest chance comes first."""
    today = today or timezone.localdate()
    joinable = Q(groups__self_enrollment=True) & (Q(groups__ends_on__isnull=True) | Q(groups__ends_on__gte=today))
    return list(
        Course.objects.filter(is_published=True)
        .select_related("provider")
        .annotate(
            next_start=Min("groups__starts_on", filter=joinable),
            joinable_groups=Count("groups", filter=joinable),
        )
        .filter(joinable_groups__gt=0)
        .order_by(F("next_start").asc(nulls_last=True), "slug")[:limit]
    )


def providers_with_courses() -> QuerySet[Organization]:
    return Organization.objects.filter(courses__is_published=True).distinct().order_by("slug")


def languages_taught() -> list[str]:
    return sorted(set(Course.objects.filter(is_published=True).values_list("language", flat=True)))


def course_get(slug: str) -> Course:
    """One course with everything its page shows: provider, teachers, lessons, quizzes, rule, groups with seats."""
    return (
        Course.objects.select_related("provider", "completion_rule")
        .prefetch_related(
            "teachers",
            "lessons",
            Prefetch("quizzes", queryset=Quiz.objects.annotate(question_count=Count("questions"))),
            Prefetch("groups", queryset=groups_with_counts().prefetch_related("teachers"), to_attr="group_list"),
        )
        .get(slug=slug)
    )


def completion_rule_of(course: Course) -> CompletionRule | None:
    try:
        return course.completion_rule
    except CompletionRule.DoesNotExist:
        return None


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def rule_in_words(rule: CompletionRule | None, *, has_live: bool = True, has_self_paced: bool = True) -> str:
    """ "Attend at least 80 % of the live lessons and pass the final quiz." — the rule as learners read it."""
    if rule is None:
        return _("This course has no completion rule yet.")
    parts = []
    if rule.min_attendance_percent and has_live:
        parts.append(_("attend at least %(percent)s %% of the live lessons") % {"percent": rule.min_attendance_percent})
    if rule.min_lessons_done_percent and has_self_paced:
        parts.append(
            _("mark at least %(percent)s %% of the self-paced lessons done")
            % {"percent": rule.min_lessons_done_percent}
        )
    if rule.requires_final_quiz:
        parts.append(_("pass the final quiz"))
    if not parts:
        return _("Every enrolled learner completes this course.")
    text = _join(parts)
    return _("To complete the course: %(conditions)s.") % {"conditions": text}


# --- learners -----------------------------------------------------------------------------------------------


def enrollment_get(pk: int) -> Enrollment:
    return Enrollment.objects.select_related(
        "person", "person__user", "group", "group__course", "group__course__provider", "group__course__completion_rule"
    ).get(pk=pk)


def enrollment_of(person: Person | None, group_ids: list[int]) -> dict[int, Enrollment]:
    """The person's enrollment in each of these groups (group id → enrollment), any status."""
    if person is None or not group_ids:
        return {}
    return {e.group_id: e for e in Enrollment.objects.filter(person=person, group_id__in=group_ids)}


def enrollments_of_person(person: Person) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(person=person)
        .select_related("group", "group__course", "group__course__provider")
        .order_by("-updated_at", "-id")
    )


def certificate_of(enrollment: Enrollment) -> Certificate | None:
    return Certificate.objects.filter(enrollment=enrollment).first()


@dataclass
class LessonRow:
    lesson: Lesson
    status: str  # attended, absent, done, todo
    label: str


def lesson_rows(enrollment: Enrollment, lessons: list[Lesson] | None = None) -> list[LessonRow]:
    """Each lesson of the course in order, with this learner's status: attended / absent / done / to do."""
    if lessons is None:
        lessons = list(Lesson.objects.filter(course_id=enrollment.group.course_id))
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(enrollment=enrollment)}
    rows = []
    for lesson in lessons:
        row = progress.get(lesson.pk)
        if lesson.is_live:
            if row is not None and row.attended:
                rows.append(LessonRow(lesson, "attended", _("Attended")))
            elif row is not None and row.attended is False:
                rows.append(LessonRow(lesson, "absent", _("Absent")))
            else:
                rows.append(LessonRow(lesson, "todo", _("Not marked yet")))
        elif row is not None and row.done_at:
            rows.append(LessonRow(lesson, "done", _("Done")))
        else:
            rows.append(LessonRow(lesson, "todo", _("To do")))
    return rows


@dataclass
class AnswerReview:
    """One question of an attempt as the learner sees it afterwards."""

    number: int
    text: str
    given: list[str]
    is_right: bool
    right: list[str] | None  # None: not shown (see `quiz_review`)


def quiz_review(attempt: QuizAttempt, questions: list[QuizQuestion], *, reveal_right: bool) -> list[AnswerReview]:
    """Each question of the attempt with the answers given and whether they were right.

    The right answers are shown only with `reveal_right` (the learner has passed this quiz): retries are
    unlimited and the final quiz gates the certificate, so naming the right answers after a failed attempt would
    turn the second try into copying. Naming which answers were wrong still tells the learner what to revise.
    A question added after the attempt shows as unanswered."""

    def labels(question: QuizQuestion, indexes: list[int]) -> list[str]:
        return [translate(question.choices[i]) for i in indexes if 0 <= i < len(question.choices)]

    rows: list[AnswerReview] = []
    for number, question in enumerate(questions, start=1):
        given = sorted(int(i) for i in attempt.answers.get(str(question.pk), []))
        rows.append(
            AnswerReview(
                number=number,
                text=translate(question.text),
                given=labels(question, given),
                is_right=given == sorted(question.correct),
                right=labels(question, sorted(question.correct)) if reveal_right else None,
            )
        )
    return rows


def quiz_initial(attempt: QuizAttempt | None, questions: list[QuizQuestion]) -> dict[str, Any]:
    """The last attempt's answers as the quiz form's initial values, so a retry changes only what was wrong."""
    if attempt is None:
        return {}
    initial: dict[str, Any] = {}
    for question in questions:
        given = [str(i) for i in attempt.answers.get(str(question.pk), [])]
        if question.kind == QuestionKind.MULTIPLE:
            initial[f"q{question.pk}"] = given
        elif given:
            initial[f"q{question.pk}"] = given[0]
    return initial


def quiz_results(enrollment: Enrollment) -> dict[int, dict[str, Any]]:
    """Quiz id → {"best": score, "passed": bool, "attempts": n} for this learner."""
    results: dict[int, dict[str, Any]] = {}
    for attempt in QuizAttempt.objects.filter(enrollment=enrollment).order_by("submitted_at", "id"):
        entry = results.setdefault(attempt.quiz_id, {"best": 0, "passed": False, "attempts": 0, "last": None})
        entry["best"] = max(entry["best"], attempt.score_percent)
        entry["passed"] = entry["passed"] or attempt.passed
        entry["attempts"] += 1
        entry["last"] = attempt
    return results


# --- teachers -----------------------------------------------------------------------------------------------


def group_get(pk: int) -> CourseGroup:
    return (
        groups_with_counts()
        .select_related("course", "course__provider", "course__completion_rule")
        .prefetch_related("teachers", "course__teachers")
        .get(pk=pk)
    )


def group_learners(group: CourseGroup, statuses: tuple[str, ...] = SEAT_STATUSES) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(group=group, status__in=statuses)
        .select_related("person", "person__residence_country")
        .order_by("person__display_name", "id")
    )


def group_roster(group: CourseGroup) -> QuerySet[Enrollment]:
    """Every enrollment of the group, with what the group page and its export show (certificate code included)."""
    has_certificate = Certificate.objects.filter(enrollment=OuterRef("pk"))
    return (
        Enrollment.objects.filter(group=group)
        .select_related("person", "person__residence_country")
        .annotate(has_certificate=Exists(has_certificate))
        .order_by("status", "waitlisted_at", "person__display_name", "id")
    )


def certificate_codes(enrollment_ids: list[int]) -> dict[int, str]:
    return dict(Certificate.objects.filter(enrollment_id__in=enrollment_ids).values_list("enrollment_id", "code"))


@dataclass
class GridRow:
    enrollment: Enrollment
    cells: list[tuple[Lesson, bool | None]]
    final_passed: bool | None = None


@dataclass
class AttendanceGrid:
    group: CourseGroup
    lessons: list[Lesson]
    rows: list[GridRow] = field(default_factory=list)


def attendance_grid(group: CourseGroup) -> AttendanceGrid:
    """Active and completed learners × live lessons, with who was present (None: not marked yet). Four queries."""
    lessons = list(Lesson.objects.filter(course_id=group.course_id, is_live=True).order_by("order", "id"))
    enrollments = list(group_learners(group))
    marks = {
        (row.enrollment_id, row.lesson_id): row.attended
        for row in LessonProgress.objects.filter(
            enrollment__in=[e.pk for e in enrollments], lesson__in=[lesson.pk for lesson in lessons]
        ).only("enrollment_id", "lesson_id", "attended")
    }
    final_quizzes = list(Quiz.objects.filter(course_id=group.course_id, is_final=True).values_list("pk", flat=True))
    passed: set[int] = set()
    if final_quizzes:
        passed = set(
            QuizAttempt.objects.filter(
                enrollment__in=[e.pk for e in enrollments], quiz_id__in=final_quizzes, passed=True
            ).values_list("enrollment_id", flat=True)
        )
    grid = AttendanceGrid(group=group, lessons=lessons)
    for enrollment in enrollments:
        grid.rows.append(
            GridRow(
                enrollment=enrollment,
                cells=[(lesson, marks.get((enrollment.pk, lesson.pk))) for lesson in lessons],
                final_passed=(enrollment.pk in passed) if final_quizzes else None,
            )
        )
    return grid


def attendance_marks(group: CourseGroup, lesson_ids: list[int]) -> dict[tuple[int, int], bool | None]:
    """(enrollment id, lesson id) → attended, for the group's learners; what the grid's POST compares against."""
    return {
        (row.enrollment_id, row.lesson_id): row.attended
        for row in LessonProgress.objects.filter(enrollment__group=group, lesson_id__in=lesson_ids).only(
            "enrollment_id", "lesson_id", "attended"
        )
    }


def groups_taught_by(user: Any) -> QuerySet[CourseGroup]:
    """Groups the user teaches (of the group or of its course), for "My courses"."""
    if not getattr(user, "is_authenticated", False):
        return CourseGroup.objects.none()
    return (
        groups_with_counts()
        .filter(Q(teachers=user) | Q(course__teachers=user))
        .select_related("course", "course__provider")
        .distinct()
        .order_by("course__slug", "starts_on", "id")
    )


# --- authoring ----------------------------------------------------------------------------------------------


def providers_for(user: Any) -> QuerySet[Organization]:
    """Organizations the user may create courses for."""
    scope = permissions.people_write_scope(user)
    qs = Organization.objects.filter(is_active=True).order_by("slug")
    if scope is None:
        return qs
    return qs.filter(pk__in=scope)


def teacher_candidates(organizations: Any) -> QuerySet[Any]:
    """Users holding a role (teacher, staff or admin) at one of these organizations: who may be named a teacher."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(
            organization_roles__organization__in=organizations,
            organization_roles__role__in=["teacher", "staff", "admin"],
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def teachers_in_reach(user: Any) -> QuerySet[Any]:
    """Whom the user may name a teacher in a write: holders of a role at one of the organizations where the user is
    admin or staff (every active user, for a platform admin). The service then asks for a role at the course's own
    provider; a user of another organization is refused here as a username that does not exist."""
    scope = permissions.people_write_scope(user)
    if scope is None:
        return get_user_model().objects.filter(is_active=True)
    return teacher_candidates(scope)


def course_for_manage(slug: str) -> Course:
    return (
        Course.objects.select_related("provider", "completion_rule")
        .prefetch_related(
            "teachers",
            Prefetch(
                "lessons",
                queryset=Lesson.objects.prefetch_related("materials")
                .annotate(has_progress=Exists(LessonProgress.objects.filter(lesson=OuterRef("pk"))))
                .order_by("order", "id"),
            ),
            Prefetch(
                "quizzes",
                queryset=Quiz.objects.select_related("lesson")
                .prefetch_related("questions")
                .annotate(has_attempts=Exists(QuizAttempt.objects.filter(quiz=OuterRef("pk"))))
                .order_by("id"),
            ),
            Prefetch("groups", queryset=groups_with_counts().prefetch_related("teachers"), to_attr="group_list"),
        )
        .get(slug=slug)
    )


def course_enrollments_to_evaluate(course: Course) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(group__course=course, status__in=SEAT_STATUSES).order_by("id")


# --- video --------------------------------------------------------------------------------------------------

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
VIDEO_FILE = re.compile(r"\.(mp4|webm|ogv|ogg|m4v|mov)$", re.IGNORECASE)


@dataclass
class Video:
    kind: str  # youtube, vimeo, file, link
    url: str


def video_of(url: str) -> Video | None:
    """How to show a lesson's video: YouTube and Vimeo in their privacy-friendly players, a file in <video>,
    anything else as a link."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/")
    video_id = ""
    if host in ("youtube.com", "youtube-nocookie.com", "music.youtube.com"):
        if path == "watch":
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif path.split("/")[0] in ("embed", "shorts", "live", "v") and "/" in path:
            video_id = path.split("/")[1]
    elif host == "youtu.be":
        video_id = path.split("/")[0]
    if video_id and YOUTUBE_ID.match(video_id):
        return Video("youtube", f"https://www.youtube-nocookie.com/embed/{video_id}")
    if host in ("vimeo.com", "player.vimeo.com"):
        number = path.rsplit("/", 1)[-1]
        if number.isdigit():
            return Video("vimeo", f"https://player.vimeo.com/video/{number}")
    if parts.scheme in ("http", "https") and VIDEO_FILE.search(parts.path):
        return Video("file", url)
    return Video("link", url)
