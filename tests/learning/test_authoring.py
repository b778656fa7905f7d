"""Course authoring by the provider's staff: the course form, and the one page that manages groups, lessons (with
materials, in order), quizzes with their questions, and the completion rule (which re-evaluates the learners)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.core.models import AuditEntry
from tamyr.learning import services, services_authoring
from tamyr.learning.models import (
    CompletionRule,
    Course,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonMaterial,
    Quiz,
    QuizQuestion,
)
from tamyr.registry.models import Organization
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import CourseFactory, EnrollmentFactory, GroupFactory, LessonFactory, QuizFactory

pytestmark = pytest.mark.django_db


def translations(prefix: str, **texts: str) -> dict[str, str]:
    """POST data of a TranslationsField: one input per interface language, `<prefix>_<language>`."""
    return {f"{prefix}_{code}": texts.get(code, "") for code in LANGUAGE_CODES}


@pytest.fixture
def staff(organization: Organization) -> User:
    user = UserFactory(username="otandastar-staff")
    grant(user, organization, "staff")
    with_totp(user)
    return user


@pytest.fixture
def tutor(organization: Organization) -> User:
    user = UserFactory(username="tutor", first_name="Gulnar", last_name="Tutor")
    grant(user, organization, "teacher")
    with_totp(user)
    return user


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


def manage_url(course: Course) -> str:
    return reverse("learning:course_manage", kwargs={"slug": course.slug})


# --- the course form ----------------------------------------------------------------------------------------


def test_staff_create_a_course_with_its_groups_lessons_quiz_and_rule(
    staff_client: Client, organization: Organization, tutor: User
) -> None:
    response = staff_client.post(
        reverse("learning:course_create"),
        {
            **translations("title", en="Kazakh for beginners", kk="Бастауыштарға арналған қазақ тілі"),
            **translations("description", en="Twelve live lessons online."),
            **translations("syllabus"),
            "slug": "kazakh-a1-online",
            "language": "kk",
            "level": "A1",
            "format": "live_group",
            "provider": organization.pk,
            "teachers": [tutor.pk],
            "is_published": "on",
        },
    )
    course = Course.objects.get(slug="kazakh-a1-online")
    assert response["Location"] == manage_url(course)
    assert course.title["kk"] == "Бастауыштарға арналған қазақ тілі" and list(course.teachers.all()) == [tutor]
    url = manage_url(course)
    staff_client.post(
        url,
        {
            "action": "group_save",
            "group-add-name": "Evening group",
            **translations("group-add-schedule", en="Tuesdays and Thursdays 19:00"),
            "group-add-time_zone": "Europe/Istanbul",
            "group-add-capacity": "20",
            "group-add-meeting_url": "https://meet.example.org/kazakh-a1",
            "group-add-teachers": [tutor.pk],
            "group-add-self_enrollment": "on",
        },
    )
    for number in range(1, 6):
        staff_client.post(
            url,
            {
                "action": "lesson_save",
                **translations("lesson-add-title", en=f"Lesson {number}"),
                **translations("lesson-add-body"),
                "lesson-add-video_url": "",
                "lesson-add-is_live": "on",
            },
        )
    staff_client.post(
        url,
        {
            "action": "quiz_save",
            **translations("quiz-add-title", en="Final quiz"),
            "quiz-add-pass_mark": "60",
            "quiz-add-is_final": "on",
        },
    )
    quiz = Quiz.objects.get(course=course)
    staff_client.post(
        url,
        {
            "action": "question_save",
            "quiz": quiz.pk,
            **translations(f"question-add-{quiz.pk}-text", en="How do you say 'thank you'?"),
            f"question-add-{quiz.pk}-kind": "single",
            f"question-add-{quiz.pk}-choices": "* Рахмет\nСәлем\nСау бол",
        },
    )
    staff_client.post(
        url,
        {
            "action": "rule_save",
            "rule-min_attendance_percent": "80",
            "rule-min_lessons_done_percent": "0",
            "rule-requires_final_quiz": "on",
            "rule-issues_certificate": "on",
        },
    )
    group = CourseGroup.objects.get(course=course)
    assert (group.name, group.time_zone, group.capacity) == ("Evening group", "Europe/Istanbul", 20)
    assert list(group.teachers.all()) == [tutor]
    assert list(Lesson.objects.filter(course=course).values_list("order", flat=True)) == [0, 1, 2, 3, 4]
    question = QuizQuestion.objects.get(quiz=quiz)
    assert question.choices == [{"kk": "Рахмет"}, {"kk": "Сәлем"}, {"kk": "Сау бол"}] and question.correct == [0]
    rule = CompletionRule.objects.get(course=course)
    assert (rule.min_attendance_percent, rule.requires_final_quiz) == (80, True)
    page = staff_client.get(url).content.decode()
    assert "attend at least 80 % of the live lessons and pass the final quiz" in page


def test_the_provider_choice_is_limited_to_the_users_organizations(
    staff_client: Client, organization: Organization
) -> None:
    other = OrganizationFactory()
    form = staff_client.get(reverse("learning:course_create")).context["form"]
    assert list(form.fields["provider"].queryset) == [organization]
    response = staff_client.post(
        reverse("learning:course_create"),
        {**translations("title", en="X"), "slug": "x", "language": "kk", "format": "live_group", "provider": other.pk},
    )
    assert response.status_code == 200 and not Course.objects.filter(slug="x").exists()


def test_an_address_the_site_uses_is_refused(staff_client: Client, organization: Organization) -> None:
    response = staff_client.post(
        reverse("learning:course_create"),
        {
            **translations("title", en="Mine"),
            "slug": "mine",
            "language": "kk",
            "format": "live_group",
            "provider": organization.pk,
        },
    )
    assert "is used by the site" in response.content.decode()


def test_an_unknown_language_code_is_refused(staff_client: Client, organization: Organization) -> None:
    response = staff_client.post(
        reverse("learning:course_create"),
        {
            **translations("title", en="Elvish"),
            "slug": "elvish",
            "language": "qqq",
            "format": "live_group",
            "provider": organization.pk,
        },
    )
    assert "ISO 639 code" in response.content.decode()


def test_editing_a_course_keeps_its_address(staff_client: Client, organization: Organization) -> None:
    course = CourseFactory(provider=organization, slug="kazakh-b1", level="B1")
    staff_client.post(
        reverse("learning:course_edit", kwargs={"slug": course.slug}),
        {
            **translations("title", en="Kazakh B1 — conversation"),
            **translations("description"),
            **translations("syllabus"),
            "language": "kk",
            "level": "B2",
            "format": "talk_club",
            "provider": organization.pk,
        },
    )
    course.refresh_from_db()
    assert (course.slug, course.level, course.format, course.is_published) == ("kazakh-b1", "B2", "talk_club", False)
    assert AuditEntry.objects.filter(action="learning.course_changed").exists()


def test_a_teacher_without_a_role_at_the_provider_is_refused(organization: Organization, staff: User) -> None:
    outsider = UserFactory(username="outsider")
    with pytest.raises(DomainError):
        services_authoring.course_create(
            slug="k1",
            provider=organization,
            title={"en": "K"},
            format="live_group",
            teachers=[outsider],
            acting_user=staff,
        )


# --- the manage page ----------------------------------------------------------------------------------------


def test_lessons_move_up_and_down(staff_client: Client, organization: Organization) -> None:
    course = CourseFactory(provider=organization)
    first, second, third = (LessonFactory(course=course, order=index) for index in range(3))
    staff_client.post(manage_url(course), {"action": "lesson_move", "id": third.pk, "direction": "up"})
    assert list(Lesson.objects.filter(course=course).order_by("order").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]


def test_a_lesson_gets_a_material(staff_client: Client, organization: Organization) -> None:
    lesson = LessonFactory(course=CourseFactory(provider=organization))
    staff_client.post(
        manage_url(lesson.course),
        {
            "action": "material_add",
            "id": lesson.pk,
            f"material-{lesson.pk}-title": "Alphabet",
            f"material-{lesson.pk}-url": "https://example.org/a.pdf",
        },
    )
    assert LessonMaterial.objects.get(lesson=lesson).title == "Alphabet"


def test_a_single_choice_question_with_two_right_answers_is_refused(
    staff_client: Client, organization: Organization
) -> None:
    quiz = QuizFactory(course=CourseFactory(provider=organization))
    response = staff_client.post(
        manage_url(quiz.course),
        {
            "action": "question_save",
            "quiz": quiz.pk,
            **translations(f"question-add-{quiz.pk}-text", en="Pick"),
            f"question-add-{quiz.pk}-kind": "single",
            f"question-add-{quiz.pk}-choices": "* a\n* b\nc",
        },
    )
    assert "exactly one right choice" in response.content.decode()
    assert not QuizQuestion.objects.exists()


def test_a_group_with_learners_cannot_be_deleted(staff_client: Client, organization: Organization) -> None:
    group = GroupFactory(course=CourseFactory(provider=organization))
    EnrollmentFactory(group=group)
    response = staff_client.post(manage_url(group.course), {"action": "group_delete", "id": group.pk}, follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert CourseGroup.objects.filter(pk=group.pk).exists()


def test_more_seats_promote_the_waiting_list(staff: User, organization: Organization) -> None:
    group = GroupFactory(course=CourseFactory(provider=organization), capacity=1)
    EnrollmentFactory(group=group)
    waiting = EnrollmentFactory(group=group, status=EnrollmentStatus.WAITLISTED)
    services_authoring.group_update(group=group, capacity=2, acting_user=staff)
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.ACTIVE


def test_the_manage_page_shows_an_edit_form_for_one_item(staff_client: Client, organization: Organization) -> None:
    lesson = LessonFactory(course=CourseFactory(provider=organization), title={"en": "Numbers"})
    response = staff_client.get(manage_url(lesson.course), {"edit": f"lesson-{lesson.pk}"})
    assert response.context["lessons"][0].form is not None
    assert 'value="Numbers"' in response.content.decode()


# --- the rule -----------------------------------------------------------------------------------------------


def _learner_with_three_of_five(organization: Organization) -> tuple[Course, Enrollment]:
    course = CourseFactory(provider=organization)
    CompletionRule.objects.create(course=course, min_attendance_percent=80)
    lessons = [LessonFactory(course=course, is_live=True) for _index in range(5)]
    group = GroupFactory(course=course, capacity=None)
    user = UserFactory(username="learner")
    person = PersonFactory(user=user)
    enrollment = services.enrollment_create(group=group, person=person, acting_user=user)
    admin = UserFactory(username="admin-for-marks")
    grant(admin, organization, "admin")
    for lesson in lessons[:3]:
        services.attendance_mark(group=group, lesson=lesson, present={enrollment.pk: True}, acting_user=admin)
    return course, enrollment


def test_lowering_the_rule_completes_learners_who_now_meet_it(staff_client: Client, organization: Organization) -> None:
    course, enrollment = _learner_with_three_of_five(organization)
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.ACTIVE
    staff_client.post(
        manage_url(course),
        {"action": "rule_save", "rule-min_attendance_percent": "60", "rule-min_lessons_done_percent": "0"},
    )
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.COMPLETED


def test_a_large_course_is_re_evaluated_in_the_background(
    staff: User, organization: Organization, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    course, enrollment = _learner_with_three_of_five(organization)
    monkeypatch.setattr(services_authoring, "INLINE_EVALUATION_LIMIT", 0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services_authoring.completion_rule_set(course=course, min_attendance_percent=60, acting_user=staff)
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.ACTIVE  # not yet: after commit
    for callback in callbacks:
        callback()  # the test settings run Huey tasks at once
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.COMPLETED


def test_requiring_a_final_quiz_needs_one(staff: User, organization: Organization) -> None:
    course = CourseFactory(provider=organization)
    with pytest.raises(DomainError):
        services_authoring.completion_rule_set(course=course, requires_final_quiz=True, acting_user=staff)


# --- who may author -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["course_edit", "course_manage"])
def test_a_compatriot_gets_403_on_the_course_staff_pages(client: Client, compatriot: User, page: str) -> None:
    course = CourseFactory()
    client.force_login(compatriot)
    assert client.get(reverse(f"learning:{page}", kwargs={"slug": course.slug})).status_code == 403


def test_a_compatriot_gets_403_on_the_new_course_page(client: Client, compatriot: User) -> None:
    client.force_login(compatriot)
    assert client.get(reverse("learning:course_create")).status_code == 403


@pytest.mark.parametrize("page", ["course_edit", "course_manage"])
def test_the_course_staff_pages_need_a_login(client: Client, page: str) -> None:
    course = CourseFactory()
    response = client.get(reverse(f"learning:{page}", kwargs={"slug": course.slug}))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_another_organizations_staff_cannot_change_the_course(staff: User) -> None:
    course = CourseFactory(provider=OrganizationFactory())
    with pytest.raises(NotAllowed):
        services_authoring.lesson_create(course=course, title={"en": "Intruder"}, acting_user=staff)


def test_a_teacher_cannot_manage_the_course(client: Client, tutor: User, organization: Organization) -> None:
    course = CourseFactory(provider=organization)
    course.teachers.add(tutor)
    client.force_login(tutor)
    assert client.get(manage_url(course)).status_code == 403


def test_the_course_form_saves_the_language_of_instruction_and_the_audience(
    staff_client: Client, organization: Organization
) -> None:
    staff_client.post(
        reverse("learning:course_create"),
        {
            **translations("title", en="Kazakh for children"),
            **translations("description"),
            **translations("syllabus"),
            "slug": "kazakh-children-tr",
            "language": "kk",
            "instruction_language": "tr",
            "for_children": "on",
            "level": "A1",
            "format": "live_group",
            "provider": organization.pk,
        },
    )
    course = Course.objects.get(slug="kazakh-children-tr")
    assert (course.instruction_language, course.for_children) == ("tr", True)


def test_the_group_form_saves_when_lessons_start(staff_client: Client, organization: Organization) -> None:
    course = CourseFactory(provider=organization)
    staff_client.post(
        manage_url(course),
        {
            "action": "group_save",
            "group-add-name": "Evening group",
            **translations("group-add-schedule"),
            "group-add-time_zone": "Europe/Istanbul",
            "group-add-lessons_at": "19:30",
        },
    )
    assert str(CourseGroup.objects.get(course=course).lessons_at) == "19:30:00"
