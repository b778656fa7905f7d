from __future__ import annotations

import pytest

from tamyr.core.errors import DomainError
from tamyr.learning import services
from tamyr.learning.models import EnrollmentStatus
from tests.factories import PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import (
    CompletionRuleFactory,
    GroupFactory,
    LessonFactory,
    QuizFactory,
    QuizQuestionFactory,
)

pytestmark = pytest.mark.django_db


def _learner(group):  # type: ignore[no-untyped-def]
    user = UserFactory()
    person = PersonFactory(user=user)
    return user, services.enrollment_create(group=group, person=person, acting_user=user)


def _course_with_rule():  # type: ignore[no-untyped-def]
    rule = CompletionRuleFactory(min_attendance_percent=80, requires_final_quiz=True)
    lessons = [LessonFactory(course=rule.course) for _ in range(5)]
    quiz = QuizFactory(course=rule.course)
    question = QuizQuestionFactory(quiz=quiz)
    group = GroupFactory(course=rule.course, capacity=10)
    teacher = UserFactory()
    grant(teacher, rule.course.provider, "teacher")
    group.teachers.add(teacher)
    with_totp(teacher)
    return group, lessons, quiz, question, teacher


def test_a_full_group_puts_the_next_learner_on_the_waiting_list():
    group = GroupFactory(capacity=1)
    _learner(group)
    _user, second = _learner(group)
    assert second.status == EnrollmentStatus.WAITLISTED


def test_withdrawal_promotes_the_first_waiting():
    group = GroupFactory(capacity=1)
    user, first = _learner(group)
    _other, waiting = _learner(group)
    services.enrollment_withdraw(enrollment=first, acting_user=user)
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.ACTIVE


def test_attending_four_of_five_and_passing_the_quiz_completes():
    group, lessons, quiz, question, teacher = _course_with_rule()
    user, enrollment = _learner(group)
    for lesson in lessons[:4]:
        services.attendance_mark(group=group, lesson=lesson, present={enrollment.pk: True}, acting_user=teacher)
    services.quiz_submit(enrollment=enrollment, quiz=quiz, answers={str(question.pk): [0]}, acting_user=user)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_attending_three_of_five_does_not_complete_even_with_the_quiz():
    group, lessons, quiz, question, teacher = _course_with_rule()
    user, enrollment = _learner(group)
    for lesson in lessons[:3]:
        services.attendance_mark(group=group, lesson=lesson, present={enrollment.pk: True}, acting_user=teacher)
    services.quiz_submit(enrollment=enrollment, quiz=quiz, answers={str(question.pk): [0]}, acting_user=user)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.progress_percent == round(100 * 4 / 6)


def test_a_failed_quiz_blocks_completion():
    group, lessons, quiz, question, teacher = _course_with_rule()
    user, enrollment = _learner(group)
    for lesson in lessons:
        services.attendance_mark(group=group, lesson=lesson, present={enrollment.pk: True}, acting_user=teacher)
    attempt = services.quiz_submit(enrollment=enrollment, quiz=quiz, answers={str(question.pk): [1]}, acting_user=user)
    enrollment.refresh_from_db()
    assert not attempt.passed
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_an_override_needs_a_reason():
    group, _lessons, _quiz, _question, teacher = _course_with_rule()
    _user, enrollment = _learner(group)
    with pytest.raises(DomainError):
        services.completion_override(enrollment=enrollment, complete=True, reason=" ", acting_user=teacher)


def test_an_override_with_a_reason_completes_and_is_audited():
    from tamyr.core.audit import entries_for

    group, _lessons, _quiz, _question, teacher = _course_with_rule()
    _user, enrollment = _learner(group)
    services.completion_override(
        enrollment=enrollment, complete=True, reason="Took the exam in person", acting_user=teacher
    )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert entries_for(enrollment).filter(action="learning.completion_overridden").exists()
