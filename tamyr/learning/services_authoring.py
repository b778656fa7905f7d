"""Writes for course authoring: courses, groups, lessons and their materials, quizzes and questions, the completion
rule. Each function checks the permission itself (`learning.add_course` / `learning.change_course`, raising
NotAllowed), runs in one transaction and leaves an audit row.

Completion stays decided in one place, `services.completion_evaluate`. A change that can move a learner's
progress or completion (the rule, a lesson added, removed or turned live or self-paced, a final quiz added or
removed) re-evaluates the course's active and completed enrollments: inline up to `INLINE_EVALUATION_LIMIT`, in a
background task above it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.core import audit, uploads
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import clean_translations
from tamyr.learning import selectors, services
from tamyr.learning.models import (
    CompletionRule,
    Course,
    CourseFormat,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonMaterial,
    LessonProgress,
    Level,
    QuestionKind,
    Quiz,
    QuizAttempt,
    QuizQuestion,
)
from tamyr.registry.models import Organization

INLINE_EVALUATION_LIMIT = 200
# addresses under /courses/ that pages of the app use; a course with one of these slugs could not be reached
RESERVED_SLUGS = frozenset({"new", "mine", "groups", "enrollments", "statistics", "certificates", "verify", "api"})

COURSE_FIELDS = (
    "title",
    "description",
    "syllabus",
    "language",
    "instruction_language",
    "for_children",
    "level",
    "format",
    "provider",
    "is_published",
)
GROUP_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "schedule",
    "time_zone",
    "lessons_at",
    "capacity",
    "meeting_url",
    "self_enrollment",
)
LESSON_FIELDS = ("title", "body", "video_url", "is_live")
QUIZ_FIELDS = ("title", "pass_mark", "is_final", "lesson")


#: The installation acting (`tamyr load`): `accounts.permissions.SYSTEM`, which `can()` allows and the audit names
#: "system". No request ever carries it: views pass `request.user`.
SYSTEM: Any = permissions.SYSTEM


# --- checks -------------------------------------------------------------------------------------------------


def _allowed(user: Any, action: str, obj: Any) -> bool:
    return permissions.can(user, action, obj)


def _may_change(user: Any, course: Course) -> None:
    if not _allowed(user, "learning.change_course", course):
        raise NotAllowed(_("Only the provider's staff can change this course."))


def _translations(value: Any, field: str, *, required: bool = False) -> dict[str, str]:
    try:
        cleaned = clean_translations(value)
    except ValueError as error:
        raise DomainError(str(error), field=field) from error
    if required and not cleaned:
        raise DomainError(_("Give the text in at least one language."), field=field)
    return cleaned


def _language(code: str) -> str:
    code = (code or "").strip().lower()
    found = None
    if len(code) == 2:
        found = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        found = pycountry.languages.get(alpha_3=code)
    if found is None:
        raise DomainError(
            _("Give the language taught as an ISO 639 code, e.g. kk for Kazakh or tr for Turkish."), field="language"
        )
    return code


def _instruction_language(code: str) -> str:
    """The language the teacher explains in; empty when it is the language taught."""
    if not (code or "").strip():
        return ""
    try:
        return _language(code)
    except DomainError:
        raise DomainError(
            _("Give the language of instruction as an ISO 639 code, e.g. tr for Turkish, or leave it empty."),
            field="instruction_language",
        )


def instruction_language_code(code: str) -> str:
    """The language of instruction, checked as the authoring services check it; for readers that plan first."""
    return _instruction_language(code)


def language_code(code: str) -> str:
    """The language taught, checked as the authoring services check it; for readers that plan before writing."""
    return _language(code)


def _percent(value: Any, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Give a whole number from 0 to 100."), field=field)
    if not 0 <= number <= 100:
        raise DomainError(_("Give a whole number from 0 to 100."), field=field)
    return number


def _url(value: str, field: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise DomainError(_("Give a full web address starting with https://."), field=field)
    return value


def _teachers(provider: Organization, teachers: Iterable[Any]) -> list[Any]:
    teachers = list(teachers)
    allowed = set(selectors.teacher_candidates([provider.pk]).values_list("pk", flat=True))
    strangers = [teacher for teacher in teachers if teacher.pk not in allowed]
    if strangers:
        raise DomainError(
            _("%(names)s hold no role at %(provider)s; give them the teacher role there first.")
            % {"names": ", ".join(t.get_username() for t in strangers), "provider": provider.display_name},
            field="teachers",
        )
    return teachers


def _course_values(fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in COURSE_FIELDS:
            raise DomainError(_("Unknown field %(field)s.") % {"field": name}, field=name)
        if name in ("title", "description", "syllabus"):
            value = _translations(value, name, required=name == "title")
        elif name == "language":
            value = _language(value)
        elif name == "instruction_language":
            value = _instruction_language(value)
        elif name == "level":
            value = value or ""
            if value and value not in Level.values:
                raise DomainError(_("Choose a CEFR level from A1 to C2, or none."), field="level")
        elif name == "format":
            if value not in CourseFormat.values:
                raise DomainError(_("Choose the course's format."), field="format")
        elif name in ("is_published", "for_children"):
            value = bool(value)
        values[name] = value
    if creating and "format" not in values:
        raise DomainError(_("Choose the course's format."), field="format")
    return values


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DomainError(_("Choose a time zone such as Asia/Almaty or Europe/Istanbul."), field="time_zone")
    return value


def _time_of_day(value: Any) -> dt.time | None:
    """A group's lesson time: a time, "HH:MM", or empty for none."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return dt.time.fromisoformat(str(value).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise DomainError(_("Give the time as HH:MM, e.g. 19:00."), field="lessons_at")


def _group_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in GROUP_FIELDS:
            raise DomainError(_("Unknown field %(field)s.") % {"field": name}, field=name)
        if name == "name":
            value = (value or "").strip()
            if not value:
                raise DomainError(_("Give the group a name."), field="name")
        elif name == "schedule":
            value = _translations(value, name)
        elif name == "time_zone":
            value = _time_zone(value)
        elif name == "lessons_at":
            value = _time_of_day(value)
        elif name == "capacity":
            if value is not None and int(value) < 1:
                raise DomainError(_("Give at least one seat, or leave it empty for no limit."), field="capacity")
        elif name == "meeting_url":
            value = _url(value, name)
        elif name == "self_enrollment":
            value = bool(value)
        values[name] = value
    return values


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("The group ends before it starts."), field="ends_on")


# --- re-evaluation ------------------------------------------------------------------------------------------


def course_enrollments_evaluate(*, course_id: int) -> int:
    """Run the completion rule again for every active and completed enrollment of the course; returns how many."""
    count = 0
    course = Course.objects.get(pk=course_id)
    for enrollment_id in selectors.course_enrollments_to_evaluate(course).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            services.completion_evaluate(enrollment=Enrollment(pk=enrollment_id))
        count += 1
    return count


def _reevaluate(course: Course) -> None:
    """Inline for a small course; in a background task after commit for a large one."""
    total = selectors.course_enrollments_to_evaluate(course).count()
    if not total:
        return
    if total > INLINE_EVALUATION_LIMIT:
        from tamyr.learning.tasks import evaluate_course_enrollments

        course_id = course.pk
        transaction.on_commit(lambda: evaluate_course_enrollments(course_id))
        return
    for enrollment in selectors.course_enrollments_to_evaluate(course):
        services.completion_evaluate(enrollment=enrollment)


# --- courses ------------------------------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *, slug: str, provider: Organization, acting_user: Any, teachers: Iterable[Any] = (), **fields: Any
) -> Course:
    """A new course of `provider`; it stays a draft (not in the catalogue) until `is_published`."""
    if not _allowed(acting_user, "learning.add_course", provider):
        raise NotAllowed(_("You may create courses only for the organizations you work for."))
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError:
        raise DomainError(_("Use only letters, digits, hyphens and underscores in the address."), field="slug")
    if slug in RESERVED_SLUGS:
        raise DomainError(_("The address %(slug)s is used by the site; choose another.") % {"slug": slug}, field="slug")
    if Course.objects.filter(slug=slug).exists():
        raise DomainError(_("A course with the address %(slug)s already exists.") % {"slug": slug}, field="slug")
    values = _course_values(fields, creating=True)
    course = Course(slug=slug, provider=provider, **values)
    course.save()
    course.teachers.set(_teachers(provider, teachers))
    CompletionRule.objects.get_or_create(course=course)
    audit.record(acting_user, "learning.course_created", course)
    return course


@transaction.atomic
def course_update(*, course: Course, acting_user: Any, teachers: Iterable[Any] | None = None, **fields: Any) -> Course:
    """Change the fields given; the address (slug) never changes, so links and certificates keep working."""
    _may_change(acting_user, course)
    values = _course_values(fields, creating=False)
    provider = values.get("provider")
    if (
        provider is not None
        and provider.pk != course.provider_id
        and not _allowed(acting_user, "learning.add_course", provider)
    ):
        raise NotAllowed(_("You may move courses only to the organizations you work for."))
    changed = sorted(name for name, value in values.items() if getattr(course, name) != value)
    for name in changed:
        setattr(course, name, values[name])
    if changed:
        course.save()
    if teachers is not None:
        chosen = _teachers(course.provider, teachers)
        if {t.pk for t in chosen} != set(course.teachers.values_list("pk", flat=True)):
            course.teachers.set(chosen)
            changed.append("teachers")
    if changed:
        audit.record(acting_user, "learning.course_changed", course, fields=changed)
    return course


# --- groups -------------------------------------------------------------------------------------------------


def _promote_waiting(group: CourseGroup) -> int:
    """Seats added: give them to the waiting list in the order people joined it. The group row is locked."""
    if group.capacity is None:
        free = None
    else:
        free = group.capacity - group.enrollments.filter(status=EnrollmentStatus.ACTIVE).count()
        if free <= 0:
            return 0
    waiting = group.enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlisted_at", "id")
    promoted = list(waiting if free is None else waiting[:free])
    for enrollment in promoted:
        enrollment.status = EnrollmentStatus.ACTIVE
        enrollment.save(update_fields=["status", "updated_at"])
        audit.record(None, "learning.promoted", enrollment)
        services.completion_evaluate(enrollment=enrollment)
    return len(promoted)


@transaction.atomic
def group_create(*, course: Course, acting_user: Any, teachers: Iterable[Any] = (), **fields: Any) -> CourseGroup:
    _may_change(acting_user, course)
    values = _group_values(fields)
    if "name" not in values:
        raise DomainError(_("Give the group a name."), field="name")
    _check_dates(values.get("starts_on"), values.get("ends_on"))
    group = CourseGroup(course=course, **values)
    group.save()
    group.teachers.set(_teachers(course.provider, teachers))
    audit.record(acting_user, "learning.group_created", group)
    return group


@transaction.atomic
def group_update(
    *, group: CourseGroup, acting_user: Any, teachers: Iterable[Any] | None = None, **fields: Any
) -> CourseGroup:
    group = CourseGroup.objects.select_for_update().select_related("course", "course__provider").get(pk=group.pk)
    _may_change(acting_user, group.course)
    values = _group_values(fields)
    _check_dates(values.get("starts_on", group.starts_on), values.get("ends_on", group.ends_on))
    changed = sorted(name for name, value in values.items() if getattr(group, name) != value)
    for name in changed:
        setattr(group, name, values[name])
    if changed:
        group.save()
    if teachers is not None:
        chosen = _teachers(group.course.provider, teachers)
        if {t.pk for t in chosen} != set(group.teachers.values_list("pk", flat=True)):
            group.teachers.set(chosen)
            changed.append("teachers")
    if changed:
        audit.record(acting_user, "learning.group_changed", group, fields=changed)
    if "capacity" in changed:
        _promote_waiting(group)
    return group


@transaction.atomic
def group_delete(*, group: CourseGroup, acting_user: Any) -> None:
    _may_change(acting_user, group.course)
    if group.enrollments.exists():
        raise DomainError(
            _("People are enrolled in this group, so it cannot be deleted. Close it for enrollment instead."),
            code="has_enrollments",
        )
    audit.record(acting_user, "learning.group_deleted", group)
    group.delete()


# --- lessons ------------------------------------------------------------------------------------------------


def _lesson_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in LESSON_FIELDS:
            raise DomainError(_("Unknown field %(field)s.") % {"field": name}, field=name)
        if name in ("title", "body"):
            value = _translations(value, name, required=name == "title")
        elif name == "video_url":
            value = _url(value, name)
        elif name == "is_live":
            value = bool(value)
        values[name] = value
    return values


@transaction.atomic
def lesson_create(*, course: Course, acting_user: Any, **fields: Any) -> Lesson:
    """A lesson at the end of the course."""
    _may_change(acting_user, course)
    values = _lesson_values(fields)
    if not values.get("title"):
        raise DomainError(_("Give the text in at least one language."), field="title")
    last = Lesson.objects.filter(course=course).aggregate(last=Max("order"))["last"]
    lesson = Lesson.objects.create(course=course, order=(last + 1) if last is not None else 0, **values)
    audit.record(acting_user, "learning.lesson_created", lesson, course=course.slug)
    _reevaluate(course)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, acting_user: Any, **fields: Any) -> Lesson:
    _may_change(acting_user, lesson.course)
    values = _lesson_values(fields)
    changed = sorted(name for name, value in values.items() if getattr(lesson, name) != value)
    for name in changed:
        setattr(lesson, name, values[name])
    if changed:
        lesson.save()
        audit.record(acting_user, "learning.lesson_changed", lesson, fields=changed)
    if "is_live" in changed:
        _reevaluate(lesson.course)
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson, acting_user: Any) -> None:
    course = lesson.course
    _may_change(acting_user, course)
    if LessonProgress.objects.filter(lesson=lesson).exists():
        raise DomainError(
            _("Learners' attendance or progress is recorded for this lesson, so it cannot be deleted."),
            code="has_progress",
        )
    audit.record(acting_user, "learning.lesson_deleted", lesson, course=course.slug)
    lesson.delete()
    _renumber(course)
    _reevaluate(course)


def _renumber(course: Course) -> list[Lesson]:
    lessons = list(Lesson.objects.select_for_update().filter(course=course).order_by("order", "id"))
    changed = []
    for index, lesson in enumerate(lessons):
        if lesson.order != index:
            lesson.order = index
            changed.append(lesson)
    Lesson.objects.bulk_update(changed, ["order"])
    return lessons


@transaction.atomic
def lesson_move(*, lesson: Lesson, offset: int, acting_user: Any) -> Lesson:
    """Move a lesson up (offset -1) or down (+1) in the course; the others close up around it."""
    course = lesson.course
    _may_change(acting_user, course)
    lessons = _renumber(course)
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    target = max(0, min(len(lessons) - 1, index + offset))
    if target == index:
        return lesson
    moved = lessons.pop(index)
    lessons.insert(target, moved)
    for position, item in enumerate(lessons):
        item.order = position
    Lesson.objects.bulk_update(lessons, ["order"])
    audit.record(acting_user, "learning.lesson_moved", moved, position=target + 1)
    return moved


@transaction.atomic
def material_add(*, lesson: Lesson, title: str, acting_user: Any, url: str = "", file: Any = None) -> LessonMaterial:
    _may_change(acting_user, lesson.course)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the material a title."), field="title")
    url = _url(url, "url")
    if not url and not file:
        raise DomainError(_("Give a link or choose a file."), field="url")
    checked = uploads.check(file, uploads.LESSON_MATERIAL, field="file") if file else None
    material = LessonMaterial(lesson=lesson, title=title, url=url)
    if checked is not None:
        material.file = checked  # type: ignore[assignment]
    material.save()
    audit.record(acting_user, "learning.material_added", material, lesson=lesson.pk)
    return material


@transaction.atomic
def material_delete(*, material: LessonMaterial, acting_user: Any) -> None:
    _may_change(acting_user, material.lesson.course)
    audit.record(acting_user, "learning.material_deleted", material, lesson=material.lesson_id)
    uploads.delete_on_commit(material.file)
    material.delete()


# --- quizzes ------------------------------------------------------------------------------------------------


def _quiz_values(course: Course, fields: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in QUIZ_FIELDS:
            raise DomainError(_("Unknown field %(field)s.") % {"field": name}, field=name)
        if name == "title":
            value = _translations(value, name, required=True)
        elif name == "pass_mark":
            value = _percent(value, name)
        elif name == "is_final":
            value = bool(value)
        elif name == "lesson" and value is not None and value.course_id != course.pk:
            raise DomainError(_("Choose a lesson of this course."), field="lesson")
        values[name] = value
    return values


@transaction.atomic
def quiz_create(*, course: Course, acting_user: Any, **fields: Any) -> Quiz:
    _may_change(acting_user, course)
    values = _quiz_values(course, fields)
    if not values.get("title"):
        raise DomainError(_("Give the text in at least one language."), field="title")
    quiz = Quiz.objects.create(course=course, **values)
    audit.record(acting_user, "learning.quiz_created", quiz, course=course.slug)
    if quiz.is_final:
        _reevaluate(course)
    return quiz


@transaction.atomic
def quiz_update(*, quiz: Quiz, acting_user: Any, **fields: Any) -> Quiz:
    _may_change(acting_user, quiz.course)
    values = _quiz_values(quiz.course, fields)
    changed = sorted(name for name, value in values.items() if getattr(quiz, name) != value)
    for name in changed:
        setattr(quiz, name, values[name])
    if changed:
        quiz.save()
        audit.record(acting_user, "learning.quiz_changed", quiz, fields=changed)
    if "is_final" in changed:
        _reevaluate(quiz.course)
    return quiz


@transaction.atomic
def quiz_delete(*, quiz: Quiz, acting_user: Any) -> None:
    course = quiz.course
    _may_change(acting_user, course)
    if QuizAttempt.objects.filter(quiz=quiz).exists():
        raise DomainError(
            _("Learners have taken this quiz, so it cannot be deleted; its results count for their completion."),
            code="has_attempts",
        )
    was_final = quiz.is_final
    audit.record(acting_user, "learning.quiz_deleted", quiz, course=course.slug)
    quiz.delete()
    if was_final:
        _reevaluate(course)


def parse_choices(text: str, language: str) -> tuple[list[dict[str, str]], list[int]]:
    """ "One choice per line; start the right ones with *" → ([{language: text}, …], [indexes of the right ones])."""
    choices: list[dict[str, str]] = []
    correct: list[int] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("*"):
            line = line[1:].strip()
            if not line:
                continue
            correct.append(len(choices))
        choices.append({language: line})
    return choices, correct


def _question_values(
    fields: Mapping[str, Any], *, kind: str, choices: list[dict[str, str]], correct: list[int]
) -> dict[str, Any]:
    text = _translations(fields.get("text"), "text", required=True)
    if kind not in QuestionKind.values:
        raise DomainError(_("Choose single or multiple choice."), field="kind")
    cleaned = []
    for choice in choices:
        value = _translations(choice, "choices", required=True)
        cleaned.append(value)
    if len(cleaned) < 2:
        raise DomainError(_("Give at least two choices, one per line."), field="choices")
    right = sorted({int(index) for index in correct})
    if not right:
        raise DomainError(_("Mark the right choice with * at the start of its line."), field="choices")
    if any(index < 0 or index >= len(cleaned) for index in right):
        raise DomainError(_("A right answer points to a choice that does not exist."), field="choices")
    if kind == QuestionKind.SINGLE and len(right) != 1:
        raise DomainError(
            _("A single-choice question has exactly one right choice; make it multiple choice to mark several."),
            field="choices",
        )
    return {"text": text, "kind": kind, "choices": cleaned, "correct": right}


@transaction.atomic
def question_create(
    *,
    quiz: Quiz,
    text: Any,
    kind: str,
    choices: list[dict[str, str]],
    correct: list[int],
    acting_user: Any,
) -> QuizQuestion:
    _may_change(acting_user, quiz.course)
    values = _question_values({"text": text}, kind=kind, choices=choices, correct=correct)
    last = QuizQuestion.objects.filter(quiz=quiz).aggregate(last=Max("order"))["last"]
    question = QuizQuestion.objects.create(quiz=quiz, order=(last + 1) if last is not None else 0, **values)
    audit.record(acting_user, "learning.question_created", question, quiz=quiz.pk)
    return question


@transaction.atomic
def question_update(
    *,
    question: QuizQuestion,
    text: Any,
    kind: str,
    choices: list[dict[str, str]],
    correct: list[int],
    acting_user: Any,
) -> QuizQuestion:
    """Later attempts are scored against the new version; earlier attempts keep the score they got."""
    _may_change(acting_user, question.quiz.course)
    values = _question_values({"text": text}, kind=kind, choices=choices, correct=correct)
    changed = sorted(name for name, value in values.items() if getattr(question, name) != value)
    for name in changed:
        setattr(question, name, values[name])
    if changed:
        question.save()
        audit.record(acting_user, "learning.question_changed", question, fields=changed)
    return question


@transaction.atomic
def question_delete(*, question: QuizQuestion, acting_user: Any) -> None:
    _may_change(acting_user, question.quiz.course)
    audit.record(acting_user, "learning.question_deleted", question, quiz=question.quiz_id)
    question.delete()


# --- the completion rule ------------------------------------------------------------------------------------


@transaction.atomic
def completion_rule_set(
    *,
    course: Course,
    acting_user: Any,
    min_attendance_percent: int = 0,
    min_lessons_done_percent: int = 0,
    requires_final_quiz: bool = False,
    issues_certificate: bool = True,
) -> CompletionRule:
    """Set the course's rule, then decide again for every active and completed learner of the course."""
    _may_change(acting_user, course)
    values = {
        "min_attendance_percent": _percent(min_attendance_percent, "min_attendance_percent"),
        "min_lessons_done_percent": _percent(min_lessons_done_percent, "min_lessons_done_percent"),
        "requires_final_quiz": bool(requires_final_quiz),
        "issues_certificate": bool(issues_certificate),
    }
    if values["requires_final_quiz"] and not Quiz.objects.filter(course=course, is_final=True).exists():
        raise DomainError(
            _("The course has no final quiz yet: add one (marked final) before requiring it."),
            field="requires_final_quiz",
        )
    rule, created = CompletionRule.objects.select_for_update().get_or_create(course=course, defaults=values)
    changed = sorted(name for name, value in values.items() if getattr(rule, name) != value)
    for name in changed:
        setattr(rule, name, values[name])
    if changed:
        rule.save()
    if created or changed:
        audit.record(acting_user, "learning.completion_rule_set", course, **values)
        _reevaluate(course)
    return rule
