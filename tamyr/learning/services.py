"""Writes for learning. Completion is decided in one place, `completion_evaluate`, called after every change
that can affect it (attendance, lesson done, quiz passed, rule changed, override)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.core import audit
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.learning.models import (
    CompletionRule,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
)
from tamyr.learning.signals import completions_changed
from tamyr.registry.models import Person
from tamyr.registry.services import require_person_in_reach

SEAT_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


def _on_completed(enrollment: Enrollment) -> None:
    from tamyr.learning.tasks import issue_certificate_for

    enrollment_id = enrollment.pk
    transaction.on_commit(lambda: issue_certificate_for(enrollment_id))


# --- enrollment ---------------------------------------------------------------------


def _has_seat(group: CourseGroup) -> bool:
    if group.capacity is None:
        return True
    return group.enrollments.filter(status=EnrollmentStatus.ACTIVE).count() < group.capacity


@transaction.atomic
def enrollment_create(*, group: CourseGroup, person: Person, acting_user: Any) -> Enrollment:
    """Enroll, or put on the waiting list when the group is full. The group row is locked while seats are counted."""
    group = CourseGroup.objects.select_for_update().select_related("course").get(pk=group.pk)
    by_staff = permissions.can(acting_user, "learning.manage_enrollments", group)
    if by_staff and person.user_id != getattr(acting_user, "pk", None):
        require_person_in_reach(acting_user, person, field="person")
    if not by_staff:
        if not group.course.is_published or not group.self_enrollment:
            raise DomainError(_("This group is not open for enrollment."), code="closed")
        if person.user_id is None or person.user_id != getattr(acting_user, "pk", None):
            raise NotAllowed(_("You can enroll only yourself."))
    existing = Enrollment.objects.filter(group=group, person=person).first()
    if existing is not None and existing.status != EnrollmentStatus.WITHDRAWN:
        raise DomainError(
            _("%(name)s is already enrolled in this group.") % {"name": person.display_name}, code="already_enrolled"
        )
    now = timezone.now()
    status = EnrollmentStatus.ACTIVE if _has_seat(group) else EnrollmentStatus.WAITLISTED
    enrollment = existing or Enrollment(group=group, person=person)
    enrollment.status = status
    enrollment.waitlisted_at = now if status == EnrollmentStatus.WAITLISTED else None
    enrollment.enrolled_by = acting_user if by_staff and getattr(acting_user, "pk", None) else None
    enrollment.completed_at = None
    enrollment.save()
    audit.record(acting_user, "learning.enrolled", enrollment, status=status)
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, acting_user: Any) -> Enrollment:
    group = CourseGroup.objects.select_for_update().get(pk=enrollment.group_id)
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    if enrollment.status not in (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLISTED):
        raise DomainError(_("Only current enrollments can be withdrawn."), code="not_active")
    held_seat = enrollment.status == EnrollmentStatus.ACTIVE
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.save(update_fields=["status", "updated_at"])
    audit.record(acting_user, "learning.withdrawn", enrollment)
    if held_seat:
        waiting = group.enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlisted_at", "id").first()
        if waiting is not None:
            waiting.status = EnrollmentStatus.ACTIVE
            waiting.save(update_fields=["status", "updated_at"])
            audit.record(None, "learning.promoted", waiting)
    return enrollment


# --- progress -----------------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *, group: CourseGroup, lesson: Lesson, present: Mapping[int, bool], acting_user: Any
) -> list[Enrollment]:
    """The teacher's grid: for one live lesson, who was there (enrollment id → present)."""
    if not permissions.can(acting_user, "learning.teach_group", group):
        raise NotAllowed(_("Only the group's teachers can mark attendance."))
    if lesson.course_id != group.course_id:
        raise DomainError(_("This lesson belongs to another course."), field="lesson")
    enrollments = {
        e.pk: e for e in group.enrollments.filter(pk__in=list(present), status__in=SEAT_STATUSES)
    }  # fmt: skip
    unknown = set(present) - set(enrollments)
    if unknown:
        raise DomainError(_("Some learners are not enrolled in this group."), code="unknown_enrollment")
    existing = {p.enrollment_id: p for p in LessonProgress.objects.filter(lesson=lesson, enrollment__in=enrollments)}
    to_create, to_update = [], []
    for enrollment_id, is_present in present.items():
        row = existing.get(enrollment_id)
        if row is None:
            to_create.append(
                LessonProgress(enrollment_id=enrollment_id, lesson=lesson, attended=is_present, marked_by=acting_user)
            )
        elif row.attended != is_present:
            row.attended = is_present
            row.marked_by = acting_user
            to_update.append(row)
    LessonProgress.objects.bulk_create(to_create)
    LessonProgress.objects.bulk_update(to_update, ["attended", "marked_by"])
    audit.record(acting_user, "learning.attendance_marked", lesson, group=group.pk, count=len(present))
    for enrollment in enrollments.values():
        completion_evaluate(enrollment=enrollment)
    return list(enrollments.values())


@transaction.atomic
def lesson_mark_done(*, enrollment: Enrollment, lesson: Lesson, acting_user: Any) -> LessonProgress:
    if enrollment.person.user_id != getattr(acting_user, "pk", None):
        raise NotAllowed(_("Only the learner marks their own lessons done."))
    if enrollment.status not in SEAT_STATUSES:
        raise DomainError(_("You are not enrolled in this group."), code="not_enrolled")
    if lesson.course_id != enrollment.group.course_id:
        raise DomainError(_("This lesson belongs to another course."), field="lesson")
    if lesson.is_live:
        raise DomainError(_("Attendance of live lessons is marked by the teacher."), code="live_lesson")
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if progress.done_at is None:
        progress.done_at = timezone.now()
        progress.save(update_fields=["done_at", "updated_at"])
    completion_evaluate(enrollment=enrollment)
    return progress


def quiz_score(correct: Sequence[Sequence[int]], chosen: Sequence[Sequence[int]]) -> int:
    """The share of questions answered right, in percent: a question counts when exactly its right choices are
    chosen (per question, in the quiz's order). The demo's generated attempts are scored by it too."""
    right = sum(sorted(mine) == sorted(answer) for answer, mine in zip(correct, chosen, strict=True))
    return round(100 * right / len(correct))


@transaction.atomic
def quiz_submit(*, enrollment: Enrollment, quiz: Quiz, answers: Mapping[str, Any], acting_user: Any) -> QuizAttempt:
    """Score a quiz attempt: each question counts fully or not at all (the exact set of right choices)."""
    if enrollment.person.user_id != getattr(acting_user, "pk", None):
        raise NotAllowed(_("Only the learner submits their own quiz."))
    if quiz.course_id != enrollment.group.course_id:
        raise DomainError(_("This quiz belongs to another course."), field="quiz")
    questions = list(quiz.questions.all())
    if not questions:
        raise DomainError(_("This quiz has no questions yet."), code="empty_quiz")
    cleaned: dict[str, list[int]] = {}
    for question in questions:
        given = answers.get(str(question.pk), [])
        picked = given if isinstance(given, list) else [given]
        try:
            cleaned[str(question.pk)] = sorted({int(item) for item in picked})
        except (TypeError, ValueError):
            raise DomainError(_("Answer with the offered choices."), field=f"q{question.pk}")
    score = quiz_score([q.correct for q in questions], [cleaned[str(q.pk)] for q in questions])
    attempt = QuizAttempt.objects.create(
        enrollment=enrollment, quiz=quiz, answers=cleaned, score_percent=score, passed=score >= quiz.pass_mark
    )
    audit.record(acting_user, "learning.quiz_submitted", enrollment, quiz=quiz.pk, score=score)
    completion_evaluate(enrollment=enrollment)
    return attempt


# --- completion ---------------------------------------------------------------------


def completion_status(enrollment: Enrollment) -> tuple[bool, int]:
    """(rule met, progress percent) from the records; no writes."""
    course = enrollment.group.course
    rule = CompletionRule.objects.filter(course=course).first()
    lessons = list(course.lessons.all())
    live = [lesson.pk for lesson in lessons if lesson.is_live]
    paced = [lesson.pk for lesson in lessons if not lesson.is_live]
    rows = {p.lesson_id: p for p in enrollment.progress.all()}
    attended = sum(1 for pk in live if rows.get(pk) and rows[pk].attended)
    done = sum(1 for pk in paced if rows.get(pk) and rows[pk].done_at)
    attendance_pct = 100 * attended / len(live) if live else 100.0
    done_pct = 100 * done / len(paced) if paced else 100.0
    final_quizzes = [q.pk for q in course.quizzes.all() if q.is_final]
    passed_final = not final_quizzes or enrollment.quiz_attempts.filter(quiz_id__in=final_quizzes, passed=True).exists()
    progress_units = len(lessons) + (1 if final_quizzes else 0)
    progress_done = attended + done + (1 if final_quizzes and passed_final else 0)
    progress = round(100 * progress_done / progress_units) if progress_units else 0
    if rule is None:
        return False, progress
    met = (
        attendance_pct >= rule.min_attendance_percent
        and done_pct >= rule.min_lessons_done_percent
        and (passed_final or not rule.requires_final_quiz)
    )
    return met, progress


def completion_evaluate(*, enrollment: Enrollment) -> Enrollment:
    """The one place that decides completion. An override (True/False) wins over the rule."""
    enrollment = Enrollment.objects.select_related("group__course").get(pk=enrollment.pk)
    if enrollment.status in (EnrollmentStatus.WITHDRAWN, EnrollmentStatus.WAITLISTED):
        return enrollment
    met, progress = completion_status(enrollment)
    complete = enrollment.override if enrollment.override is not None else met
    fields = []
    if enrollment.progress_percent != progress:
        enrollment.progress_percent = progress
        fields.append("progress_percent")
    if complete and enrollment.status != EnrollmentStatus.COMPLETED:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = timezone.now()
        fields += ["status", "completed_at"]
        _on_completed(enrollment)
    elif not complete and enrollment.status == EnrollmentStatus.COMPLETED:
        enrollment.status = EnrollmentStatus.ACTIVE
        enrollment.completed_at = None
        fields += ["status", "completed_at"]
    if fields:
        enrollment.save(update_fields=[*fields, "updated_at"])
    if "status" in fields:
        course_id = enrollment.group.course_id
        transaction.on_commit(
            lambda: completions_changed.send(sender=Enrollment, course_id=course_id, changed_at=timezone.now())
        )
    return enrollment


def completion_evaluate_many(
    *, enrollment_ids: Iterable[int], completed_at: Mapping[int, dt.datetime] | None = None
) -> list[int]:
    """`completion_evaluate` for many enrollments at once, for generated data (the demo's learners): the same
    decision from the same `completion_status`, an override winning over the rule, withdrawn and waiting enrollments
    left alone. Differences, on purpose: a completion is dated `completed_at[id]` (when the learner finished) rather
    than now, no certificate task is queued (the caller issues them), and the changes are written in one bulk update.
    Returns the ids of the enrollments that became completed."""
    completed_at, now = completed_at or {}, timezone.now()
    enrollments = (
        Enrollment.objects.filter(pk__in=list(enrollment_ids))
        .exclude(status__in=(EnrollmentStatus.WITHDRAWN, EnrollmentStatus.WAITLISTED))
        .select_related("group__course")
        .prefetch_related("progress", "group__course__lessons", "group__course__quizzes")
        .order_by("pk")
    )
    changed, became_completed = [], []
    for enrollment in enrollments:
        met, progress = completion_status(enrollment)
        complete = enrollment.override if enrollment.override is not None else met
        before = (enrollment.status, enrollment.progress_percent)
        enrollment.progress_percent = progress
        if complete and enrollment.status != EnrollmentStatus.COMPLETED:
            enrollment.status = EnrollmentStatus.COMPLETED
            enrollment.completed_at = completed_at.get(enrollment.pk, now)
            became_completed.append(enrollment.pk)
        elif not complete and enrollment.status == EnrollmentStatus.COMPLETED:
            enrollment.status, enrollment.completed_at = EnrollmentStatus.ACTIVE, None
        if (enrollment.status, enrollment.progress_percent) != before:
            enrollment.updated_at = now
            changed.append(enrollment)
    Enrollment.objects.bulk_update(
        changed, ["status", "completed_at", "progress_percent", "updated_at"], batch_size=1000
    )
    return became_completed


@transaction.atomic
def completion_override(*, enrollment: Enrollment, complete: bool | None, reason: str, acting_user: Any) -> Enrollment:
    """Set completion by hand (or back to the rule with None); a reason is required and the change audited."""
    if not permissions.can(acting_user, "learning.teach_group", enrollment.group):
        raise NotAllowed(_("Only the group's teachers and the provider's staff can override completion."))
    if complete is not None and not reason.strip():
        raise DomainError(_("Give a reason for the override."), field="reason")
    enrollment.override = complete
    enrollment.override_reason = reason.strip()
    enrollment.save(update_fields=["override", "override_reason", "updated_at"])
    audit.record(acting_user, "learning.completion_overridden", enrollment, complete=complete, reason=reason.strip())
    return completion_evaluate(enrollment=enrollment)
