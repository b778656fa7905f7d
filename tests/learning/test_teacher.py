"""The teachers' pages: one attendance grid per group (saved in one POST, completion re-evaluated), completion by
hand with a reason, the group's learners with enrollment on someone's behalf, withdrawal and exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.learning import services
from tamyr.learning.models import Certificate, CourseGroup, Enrollment, EnrollmentStatus, Lesson, LessonProgress
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import (
    CompletionRuleFactory,
    EnrollmentFactory,
    GroupFactory,
    LessonFactory,
    QuizFactory,
    QuizQuestionFactory,
)

pytestmark = pytest.mark.django_db


def teacher_of(group: CourseGroup, username: str = "tutor") -> User:
    user = UserFactory(username=username)
    grant(user, group.course.provider, "teacher")
    group.teachers.add(user)
    with_totp(user)
    return user


def grid_url(group: CourseGroup) -> str:
    return reverse("learning:group_attendance", kwargs={"pk": group.pk})


def group_url(group: CourseGroup) -> str:
    return reverse("learning:group_detail", kwargs={"pk": group.pk})


def enroll(group: CourseGroup, username: str) -> tuple[User, Enrollment]:
    user = UserFactory(username=username)
    person = PersonFactory(user=user, display_name=f"{username.title()} Learner", registered_by=group.course.provider)
    return user, services.enrollment_create(group=group, person=person, acting_user=user)


@pytest.fixture
def course_setup() -> dict[str, Any]:
    """Five live lessons, a final quiz, the rule "80 % attendance and the final quiz", a group with a teacher."""
    rule = CompletionRuleFactory(min_attendance_percent=80, requires_final_quiz=True)
    lessons = [LessonFactory(course=rule.course, is_live=True) for _index in range(5)]
    quiz = QuizFactory(course=rule.course)
    question = QuizQuestionFactory(quiz=quiz)
    group = GroupFactory(course=rule.course, capacity=30)
    return {"group": group, "lessons": lessons, "quiz": quiz, "question": question, "teacher": teacher_of(group)}


def grid_post(enrollment_ticks: dict[int, list[Lesson]]) -> dict[str, str]:
    data = {"action": "attendance"}
    for enrollment_id, lessons in enrollment_ticks.items():
        for lesson in lessons:
            data[f"a-{enrollment_id}-{lesson.pk}"] = "1"
    return data


# --- the grid -----------------------------------------------------------------------------------------------


def test_ticking_four_of_five_lessons_with_the_quiz_passed_completes(client: Client, course_setup: Any) -> None:
    group, lessons = course_setup["group"], course_setup["lessons"]
    user, enrollment = enroll(group, "aruzhan")
    services.quiz_submit(
        enrollment=enrollment,
        quiz=course_setup["quiz"],
        answers={str(course_setup["question"].pk): [0]},
        acting_user=user,
    )
    client.force_login(course_setup["teacher"])
    response = client.post(grid_url(group), grid_post({enrollment.pk: lessons[:4]}))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.progress_percent == round(100 * 5 / 6)


def test_ticking_three_of_five_does_not_complete(client: Client, course_setup: Any) -> None:
    group, lessons = course_setup["group"], course_setup["lessons"]
    user, enrollment = enroll(group, "aruzhan")
    services.quiz_submit(
        enrollment=enrollment,
        quiz=course_setup["quiz"],
        answers={str(course_setup["question"].pk): [0]},
        acting_user=user,
    )
    client.force_login(course_setup["teacher"])
    client.post(grid_url(group), grid_post({enrollment.pk: lessons[:3]}))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_one_post_saves_the_whole_grid(client: Client, course_setup: Any) -> None:
    group, lessons = course_setup["group"], course_setup["lessons"]
    _first, one = enroll(group, "one")
    _second, two = enroll(group, "two")
    client.force_login(course_setup["teacher"])
    client.post(grid_url(group), grid_post({one.pk: lessons[:2], two.pk: [lessons[1]]}))
    marks = {(p.enrollment_id, p.lesson_id): p.attended for p in LessonProgress.objects.all()}
    assert marks == {
        (one.pk, lessons[0].pk): True,
        (two.pk, lessons[0].pk): False,
        (one.pk, lessons[1].pk): True,
        (two.pk, lessons[1].pk): True,
    }


def test_a_lesson_nobody_is_ticked_for_stays_unmarked(client: Client, course_setup: Any) -> None:
    group, lessons = course_setup["group"], course_setup["lessons"]
    _user, enrollment = enroll(group, "one")
    client.force_login(course_setup["teacher"])
    client.post(grid_url(group), grid_post({enrollment.pk: [lessons[0]]}))
    assert not LessonProgress.objects.filter(lesson__in=lessons[1:]).exists()


def test_unticking_a_learner_marks_them_absent(client: Client, course_setup: Any) -> None:
    group, lessons = course_setup["group"], course_setup["lessons"]
    _first, one = enroll(group, "one")
    _second, two = enroll(group, "two")
    client.force_login(course_setup["teacher"])
    client.post(grid_url(group), grid_post({one.pk: [lessons[0]], two.pk: [lessons[0]]}))
    client.post(grid_url(group), grid_post({one.pk: [lessons[0]]}))
    assert LessonProgress.objects.get(enrollment=two, lesson=lessons[0]).attended is False


def test_saving_an_unchanged_grid_changes_nothing(client: Client, course_setup: Any) -> None:
    group, lessons = course_setup["group"], course_setup["lessons"]
    _user, enrollment = enroll(group, "one")
    client.force_login(course_setup["teacher"])
    client.post(grid_url(group), grid_post({enrollment.pk: lessons[:2]}))
    marked = AuditEntry.objects.filter(action="learning.attendance_marked").count()
    response = client.post(grid_url(group), grid_post({enrollment.pk: lessons[:2]}), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert AuditEntry.objects.filter(action="learning.attendance_marked").count() == marked


def test_the_grid_shows_each_learners_progress_and_completion(client: Client, course_setup: Any) -> None:
    group = course_setup["group"]
    _user, enrollment = enroll(group, "aruzhan")
    Enrollment.objects.filter(pk=enrollment.pk).update(progress_percent=67)
    client.force_login(course_setup["teacher"])
    content = client.get(grid_url(group)).content.decode()
    assert "Aruzhan Learner" in content
    assert "67 %" in content
    assert f'name="a-{enrollment.pk}-{course_setup["lessons"][0].pk}"' in content
    assert '<th scope="row" class="learner-col">' in content


def test_the_grid_runs_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    rule = CompletionRuleFactory(min_attendance_percent=80, requires_final_quiz=True)
    lessons = [LessonFactory(course=rule.course, is_live=True) for _index in range(10)]
    QuizFactory(course=rule.course)
    group = GroupFactory(course=rule.course, capacity=None)
    enrollments = [EnrollmentFactory(group=group) for _index in range(30)]
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(enrollment=enrollment, lesson=lesson, attended=index % 3 != 0)
            for enrollment in enrollments
            for index, lesson in enumerate(lessons)
        ]
    )
    teacher = teacher_of(group)
    client.force_login(teacher)
    with django_assert_max_num_queries(16):
        response = client.get(grid_url(group))
    assert len(response.context["grid"].rows) == 30
    assert response.content.decode().count('type="checkbox" name="a-') == 300


# --- completion by hand --------------------------------------------------------------------------------------


def test_an_override_needs_a_reason(client: Client, course_setup: Any) -> None:
    group = course_setup["group"]
    _user, enrollment = enroll(group, "aruzhan")
    client.force_login(course_setup["teacher"])
    prefix = f"o{enrollment.pk}"
    response = client.post(
        grid_url(group),
        {"action": "override", "enrollment": enrollment.pk, f"{prefix}-decision": "yes", f"{prefix}-reason": " "},
    )
    assert response.status_code == 200
    assert "Give a reason for the override." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE and enrollment.override is None


def test_an_override_with_a_reason_completes_and_is_audited(client: Client, course_setup: Any) -> None:
    group = course_setup["group"]
    _user, enrollment = enroll(group, "aruzhan")
    client.force_login(course_setup["teacher"])
    prefix = f"o{enrollment.pk}"
    client.post(
        grid_url(group),
        {
            "action": "override",
            "enrollment": enrollment.pk,
            f"{prefix}-decision": "yes",
            f"{prefix}-reason": "Attended the summer intensive instead",
        },
    )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED and enrollment.override is True
    entry = AuditEntry.objects.get(action="learning.completion_overridden")
    assert entry.data["reason"] == "Attended the summer intensive instead"


def test_returning_to_the_rule_needs_no_reason(client: Client, course_setup: Any) -> None:
    group = course_setup["group"]
    _user, enrollment = enroll(group, "aruzhan")
    services.completion_override(enrollment=enrollment, complete=True, reason="x", acting_user=course_setup["teacher"])
    client.force_login(course_setup["teacher"])
    prefix = f"o{enrollment.pk}"
    client.post(grid_url(group), {"action": "override", "enrollment": enrollment.pk, f"{prefix}-decision": "rule"})
    enrollment.refresh_from_db()
    assert enrollment.override is None and enrollment.status == EnrollmentStatus.ACTIVE


# --- who may open the teachers' pages -----------------------------------------------------------------------


def test_another_organizations_teacher_gets_403_on_the_grid(client: Client, course_setup: Any) -> None:
    other = UserFactory(username="elsewhere")
    grant(other, OrganizationFactory(), "teacher")
    with_totp(other)
    client.force_login(other)
    assert client.get(grid_url(course_setup["group"])).status_code == 403


def test_a_compatriot_gets_403_on_the_grid(client: Client, course_setup: Any, compatriot: User) -> None:
    client.force_login(compatriot)
    assert client.get(grid_url(course_setup["group"])).status_code == 403
    assert client.get(group_url(course_setup["group"])).status_code == 403


def test_the_grid_needs_a_login(client: Client, course_setup: Any) -> None:
    response = client.get(grid_url(course_setup["group"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_providers_staff_may_open_the_grid(client: Client, course_setup: Any) -> None:
    staff = UserFactory(username="coordinator")
    grant(staff, course_setup["group"].course.provider, "staff")
    with_totp(staff)
    client.force_login(staff)
    assert client.get(grid_url(course_setup["group"])).status_code == 200


def test_a_teacher_of_the_course_teaches_all_its_groups(client: Client, course_setup: Any) -> None:
    group = course_setup["group"]
    other_group = GroupFactory(course=group.course)
    course_teacher = UserFactory(username="lead-tutor")
    grant(course_teacher, group.course.provider, "teacher")
    group.course.teachers.add(course_teacher)
    with_totp(course_teacher)
    client.force_login(course_teacher)
    assert client.get(grid_url(other_group)).status_code == 200


# --- the group's learners -----------------------------------------------------------------------------------


@pytest.fixture
def staff(course_setup: Any) -> User:
    user = UserFactory(username="otandastar-staff")
    grant(user, course_setup["group"].course.provider, "staff")
    with_totp(user)
    return user


def test_staff_enroll_someone_they_may_see(client: Client, course_setup: Any, staff: User) -> None:
    group = course_setup["group"]
    person = PersonFactory(display_name="Qasym Tokayev", registered_by=group.course.provider, variants=["Қасым Тоқаев"])
    client.force_login(staff)
    found = client.get(group_url(group), {"who": "Тоқаев"})
    assert [p.pk for p in found.context["candidates"]] == [person.pk]
    response = client.post(group_url(group), {"action": "enroll", "person": person.pk})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person=person, group=group)
    assert enrollment.status == EnrollmentStatus.ACTIVE and enrollment.enrolled_by == staff


def test_staff_cannot_enroll_someone_outside_their_scope(client: Client, course_setup: Any, staff: User) -> None:
    stranger = PersonFactory(registered_by=OrganizationFactory())
    client.force_login(staff)
    response = client.post(group_url(course_setup["group"]), {"action": "enroll", "person": stranger.pk})
    assert response.status_code == 200
    assert not Enrollment.objects.filter(person=stranger).exists()


def test_a_teacher_sees_the_learners_but_cannot_enroll_anyone(client: Client, course_setup: Any) -> None:
    group = course_setup["group"]
    person = PersonFactory(registered_by=group.course.provider)
    client.force_login(course_setup["teacher"])
    assert client.get(group_url(group)).status_code == 200
    assert client.post(group_url(group), {"action": "enroll", "person": person.pk}).status_code == 403


def test_staff_withdraw_a_learner_and_the_waiting_list_moves_up(client: Client, staff: User) -> None:
    group = GroupFactory(capacity=1)
    grant(staff, group.course.provider, "admin")
    _first, seated = enroll(group, "first")
    _second, waiting = enroll(group, "second")
    client.force_login(staff)
    response = client.post(
        reverse("learning:enrollment_withdraw", kwargs={"pk": seated.pk}), {"next": group_url(group)}
    )
    assert response["Location"] == group_url(group)
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.ACTIVE


def test_a_teacher_cannot_withdraw_a_learner(client: Client, course_setup: Any) -> None:
    _user, enrollment = enroll(course_setup["group"], "aruzhan")
    client.force_login(course_setup["teacher"])
    response = client.post(reverse("learning:enrollment_withdraw", kwargs={"pk": enrollment.pk}))
    assert response.status_code == 403


def test_the_group_export_lists_progress_completion_and_certificate(
    client: Client, course_setup: Any, staff: User
) -> None:
    group = course_setup["group"]
    _user, enrollment = enroll(group, "aruzhan")
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now(), progress_percent=100
    )
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        person=enrollment.person,
        course=group.course,
        issuer=group.course.provider,
        holder_name="Aruzhan Learner",
        issued_at=timezone.now(),
    )
    client.force_login(staff)
    response = client.get(group_url(group), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Country of residence", "Status", "Progress (%)", "Completed", "Certificate"]
    assert rows[1][0] == "Aruzhan Learner" and rows[1][1] == "Türkiye" and rows[1][3] == "100"
    assert rows[1][5] == certificate.code
    assert AuditEntry.objects.filter(action="learning.group_exported").exists()


def test_the_group_export_as_a_spreadsheet(client: Client, course_setup: Any, staff: User) -> None:
    enroll(course_setup["group"], "aruzhan")
    client.force_login(staff)
    response = client.get(group_url(course_setup["group"]), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
