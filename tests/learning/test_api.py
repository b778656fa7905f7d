"""The learning API: courses (public list with filters, staff writes), groups, lessons, enrollments (self and by
staff), progress, withdrawal, the attendance grid and completion overrides."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import User
from tamyr.learning import services
from tamyr.learning.models import Course, Enrollment, EnrollmentStatus, LessonProgress
from tamyr.registry.models import Person
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import (
    CompletionRuleFactory,
    CourseFactory,
    EnrollmentFactory,
    GroupFactory,
    LessonFactory,
    QuizFactory,
    QuizQuestionFactory,
)

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
ENROLLMENTS = "/api/v1/enrollments/"


def post(client: Client, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json", headers=headers)


def token_for(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def signed_up(username: str = "aruzhan") -> tuple[User, Person]:
    user = UserFactory(username=username)
    return user, PersonFactory(user=user, display_name=f"{username.title()} Serikkyzy")


def staff_of(organization: Any, username: str = "staff", role: str = "staff") -> User:
    user = UserFactory(username=username)
    grant(user, organization, role)
    with_totp(user)
    return user


# --- courses ------------------------------------------------------------------------------------------------


def test_the_course_list_is_public_and_paginated(client: Client) -> None:
    CourseFactory(slug="kazakh-a1")
    CourseFactory(slug="draft", is_published=False)
    body = client.get(COURSES).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [course["slug"] for course in body["results"]] == ["kazakh-a1"]


def test_the_course_list_filters_by_format_and_level(client: Client) -> None:
    CourseFactory(slug="talk", format="talk_club", level="B1")
    CourseFactory(slug="live-b1", format="live_group", level="B1")
    CourseFactory(slug="talk-a2", format="talk_club", level="A2")
    body = client.get(COURSES, {"format": "talk_club", "level": "B1"}).json()
    assert [course["slug"] for course in body["results"]] == ["talk"]


def test_the_course_list_filters_by_provider_and_language(client: Client) -> None:
    otandastar = OrganizationFactory(slug="otandastar")
    CourseFactory(slug="theirs", provider=otandastar, language="kk")
    CourseFactory(slug="theirs-hu", provider=otandastar, language="hu")
    CourseFactory(slug="others", language="kk")
    body = client.get(COURSES, {"provider": "otandastar", "language": "kk"}).json()
    assert [course["slug"] for course in body["results"]] == ["theirs"]


def test_the_course_list_runs_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    for _index in range(20):
        course = CourseFactory(provider=OrganizationFactory())
        GroupFactory(course=course)
        GroupFactory(course=course)
    with django_assert_max_num_queries(5):
        body = client.get(COURSES).json()
    assert body["count"] == 20 and body["results"][0]["open_groups"] == 2


def test_a_course_shows_its_groups_rule_and_teachers_but_not_the_meeting_link(client: Client) -> None:
    rule = CompletionRuleFactory(min_attendance_percent=80, requires_final_quiz=True)
    GroupFactory(course=rule.course, meeting_url="https://meet.example.org/secret", capacity=10)
    body = client.get(f"{COURSES}{rule.course.slug}/").json()
    assert body["completion_rule"]["min_attendance_percent"] == 80
    assert body["groups"][0]["seats_left"] == 10
    assert body["groups"][0]["meeting_url"] is None


def test_a_learner_with_a_seat_gets_the_meeting_link(client: Client) -> None:
    group = GroupFactory(meeting_url="https://meet.example.org/secret")
    user, person = signed_up()
    services.enrollment_create(group=group, person=person, acting_user=user)
    body = client.get(f"{COURSES}{group.course.slug}/groups/", headers=token_for(user)).json()
    assert body["results"][0]["meeting_url"] == "https://meet.example.org/secret"


def test_a_draft_course_is_not_found_for_visitors(client: Client) -> None:
    course = CourseFactory(is_published=False)
    assert client.get(f"{COURSES}{course.slug}/").status_code == 404


def test_staff_create_a_course(client: Client) -> None:
    provider = OrganizationFactory(slug="otandastar")
    staff = staff_of(provider)
    tutor = staff_of(provider, "tutor", "teacher")
    response = post(
        client,
        COURSES,
        {
            "slug": "kazakh-talk-club",
            "title": {"en": "Kazakh talk club", "kk": "Қазақша сөйлесу клубы"},
            "format": "talk_club",
            "level": "B1",
            "provider": "otandastar",
            "teachers": ["tutor"],
        },
        **token_for(staff),
    )
    assert response.status_code == 201, response.content
    course = Course.objects.get(slug="kazakh-talk-club")
    assert course.provider == provider and list(course.teachers.all()) == [tutor] and not course.is_published


def test_staff_cannot_create_a_course_for_another_organization(client: Client) -> None:
    staff = staff_of(OrganizationFactory())
    OrganizationFactory(slug="someone-else")
    response = post(
        client,
        COURSES,
        {"slug": "x", "title": {"en": "X"}, "format": "live_group", "provider": "someone-else"},
        **token_for(staff),
    )
    assert response.status_code == 403
    assert not Course.objects.filter(slug="x").exists()


def test_a_compatriot_cannot_create_a_course(client: Client) -> None:
    user, _person = signed_up()
    provider = OrganizationFactory(slug="otandastar")
    response = post(
        client,
        COURSES,
        {"slug": "x", "title": {"en": "X"}, "format": "live_group", "provider": provider.slug},
        **token_for(user),
    )
    assert response.status_code == 403


def test_staff_publish_a_course_with_a_partial_update(client: Client) -> None:
    course = CourseFactory(is_published=False)
    staff = staff_of(course.provider)
    response = client.patch(
        f"{COURSES}{course.slug}/",
        json.dumps({"is_published": True}),
        content_type="application/json",
        headers=token_for(staff),
    )
    assert response.status_code == 200 and response.json()["is_published"] is True


def test_lessons_give_their_content_only_to_insiders(client: Client) -> None:
    lesson = LessonFactory(is_live=False, body={"en": "Today: the alphabet"}, video_url="https://youtu.be/dQw4w9WgXcQ")
    path = f"{COURSES}{lesson.course.slug}/lessons/"
    outsider = client.get(path).json()["results"][0]
    assert outsider["title"] and outsider["body"] is None and outsider["video_url"] is None
    user, person = signed_up()
    services.enrollment_create(group=GroupFactory(course=lesson.course), person=person, acting_user=user)
    insider = client.get(path, headers=token_for(user)).json()["results"][0]
    assert insider["body"] == {"en": "Today: the alphabet"}
    assert insider["embed_url"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


# --- enrollments --------------------------------------------------------------------------------------------


def test_a_signed_in_user_enrolls_and_gets_a_record(client: Client) -> None:
    group = GroupFactory()
    user = UserFactory(username="newcomer")
    response = post(client, ENROLLMENTS, {"group": group.pk}, **token_for(user))
    assert response.status_code == 201
    assert response.json()["status"] == "active"
    assert Enrollment.objects.get(group=group).person.user == user


def test_a_full_group_answers_waitlisted(client: Client) -> None:
    group = GroupFactory(capacity=1)
    first, first_person = signed_up("first")
    services.enrollment_create(group=group, person=first_person, acting_user=first)
    user, _person = signed_up("second")
    assert post(client, ENROLLMENTS, {"group": group.pk}, **token_for(user)).json()["status"] == "waitlisted"


def test_enrolling_twice_is_refused_with_a_code(client: Client) -> None:
    group = GroupFactory()
    user, _person = signed_up()
    post(client, ENROLLMENTS, {"group": group.pk}, **token_for(user))
    response = post(client, ENROLLMENTS, {"group": group.pk}, **token_for(user))
    assert response.status_code == 400 and response.json()["code"] == "already_enrolled"


def test_staff_enroll_a_person_they_may_see(client: Client) -> None:
    group = GroupFactory()
    staff = staff_of(group.course.provider)
    person = PersonFactory(registered_by=group.course.provider)
    response = post(client, ENROLLMENTS, {"group": group.pk, "person": person.pk}, **token_for(staff))
    assert response.status_code == 201 and response.json()["person"] == person.pk


def test_a_compatriot_cannot_enroll_someone_else(client: Client) -> None:
    group = GroupFactory()
    user, _person = signed_up()
    other = PersonFactory()
    response = post(client, ENROLLMENTS, {"group": group.pk, "person": other.pk}, **token_for(user))
    assert response.status_code == 400  # as for an id that does not exist: a compatriot may name only themself
    assert not Enrollment.objects.exists()


def test_enrolling_needs_a_signed_in_user(client: Client) -> None:
    group = GroupFactory()
    assert post(client, ENROLLMENTS, {"group": group.pk}).status_code == 401


def test_the_enrollment_list_holds_only_my_own(client: Client, django_assert_max_num_queries: Any) -> None:
    user, person = signed_up()
    mine = [EnrollmentFactory(person=person) for _index in range(5)]
    EnrollmentFactory()
    headers = token_for(user)
    with django_assert_max_num_queries(6):
        body = client.get(ENROLLMENTS, headers=headers).json()
    assert sorted(row["id"] for row in body["results"]) == sorted(e.pk for e in mine)


def test_withdrawing_promotes_the_waiting(client: Client) -> None:
    group = GroupFactory(capacity=1)
    user, person = signed_up("first")
    seated = services.enrollment_create(group=group, person=person, acting_user=user)
    other, other_person = signed_up("second")
    waiting = services.enrollment_create(group=group, person=other_person, acting_user=other)
    response = post(client, f"{ENROLLMENTS}{seated.pk}/withdraw/", **token_for(user))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.ACTIVE


def test_someone_elses_enrollment_is_not_found(client: Client) -> None:
    enrollment = EnrollmentFactory()
    user, _person = signed_up()
    assert client.get(f"{ENROLLMENTS}{enrollment.pk}/", headers=token_for(user)).status_code == 404
    assert post(client, f"{ENROLLMENTS}{enrollment.pk}/withdraw/", **token_for(user)).status_code == 404


# --- progress -----------------------------------------------------------------------------------------------


def test_the_learner_marks_a_self_paced_lesson_done(client: Client) -> None:
    course = CourseFactory(format="self_paced")
    lessons = [LessonFactory(course=course, is_live=False) for _index in range(4)]
    user, person = signed_up()
    enrollment = services.enrollment_create(group=GroupFactory(course=course), person=person, acting_user=user)
    path = f"{ENROLLMENTS}{enrollment.pk}/progress/"
    assert client.get(path, headers=token_for(user)).json()["progress_percent"] == 0
    response = post(client, path, {"lesson": lessons[1].pk}, **token_for(user))
    body = response.json()
    assert response.status_code == 200 and body["progress_percent"] == 25
    assert [row["status"] for row in body["lessons"]] == ["todo", "done", "todo", "todo"]


def test_a_live_lesson_cannot_be_marked_done_by_the_learner(client: Client) -> None:
    lesson = LessonFactory(is_live=True)
    user, person = signed_up()
    enrollment = services.enrollment_create(group=GroupFactory(course=lesson.course), person=person, acting_user=user)
    response = post(client, f"{ENROLLMENTS}{enrollment.pk}/progress/", {"lesson": lesson.pk}, **token_for(user))
    assert response.status_code == 400 and response.json()["code"] == "live_lesson"


# --- teachers: attendance and overrides ---------------------------------------------------------------------


@pytest.fixture
def taught() -> dict[str, Any]:
    rule = CompletionRuleFactory(min_attendance_percent=80, requires_final_quiz=True)
    lessons = [LessonFactory(course=rule.course, is_live=True) for _index in range(5)]
    quiz = QuizFactory(course=rule.course)
    question = QuizQuestionFactory(quiz=quiz)
    group = GroupFactory(course=rule.course, capacity=10)
    teacher = UserFactory(username="tutor")
    grant(teacher, rule.course.provider, "teacher")
    with_totp(teacher)
    group.teachers.add(teacher)
    user, person = signed_up()
    enrollment = services.enrollment_create(group=group, person=person, acting_user=user)
    services.quiz_submit(enrollment=enrollment, quiz=quiz, answers={str(question.pk): [0]}, acting_user=user)
    return {"group": group, "lessons": lessons, "teacher": teacher, "enrollment": enrollment}


def test_the_teacher_reads_the_attendance_grid(client: Client, taught: Any) -> None:
    body = client.get(f"/api/v1/groups/{taught['group'].pk}/attendance/", headers=token_for(taught["teacher"])).json()
    assert len(body["lessons"]) == 5
    assert body["learners"][0]["enrollment"] == taught["enrollment"].pk
    assert set(body["learners"][0]["present"].values()) == {None}


def test_marking_four_of_five_through_the_api_completes(client: Client, taught: Any) -> None:
    enrollment = taught["enrollment"]
    for lesson in taught["lessons"][:4]:
        response = post(
            client,
            f"/api/v1/groups/{taught['group'].pk}/attendance/",
            {"lesson": lesson.pk, "present": {str(enrollment.pk): True}},
            **token_for(taught["teacher"]),
        )
        assert response.status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert LessonProgress.objects.filter(enrollment=enrollment, attended=True).count() == 4


def test_another_organizations_teacher_cannot_mark_attendance(client: Client, taught: Any) -> None:
    other = UserFactory(username="elsewhere")
    grant(other, OrganizationFactory(), "teacher")
    path = f"/api/v1/groups/{taught['group'].pk}/attendance/"
    assert client.get(path, headers=token_for(other)).status_code == 403
    body = {"lesson": taught["lessons"][0].pk, "present": {str(taught["enrollment"].pk): True}}
    assert post(client, path, body, **token_for(other)).status_code == 403


def test_the_learner_cannot_mark_their_own_attendance(client: Client, taught: Any) -> None:
    learner = taught["enrollment"].person.user
    body = {"lesson": taught["lessons"][0].pk, "present": {str(taught["enrollment"].pk): True}}
    response = post(client, f"/api/v1/groups/{taught['group'].pk}/attendance/", body, **token_for(learner))
    assert response.status_code == 403


def test_an_override_without_a_reason_is_refused(client: Client, taught: Any) -> None:
    path = f"{ENROLLMENTS}{taught['enrollment'].pk}/override/"
    response = post(client, path, {"complete": True, "reason": ""}, **token_for(taught["teacher"]))
    assert response.status_code == 400 and response.json()["field"] == "reason"


def test_an_override_with_a_reason_completes(client: Client, taught: Any) -> None:
    path = f"{ENROLLMENTS}{taught['enrollment'].pk}/override/"
    response = post(client, path, {"complete": True, "reason": "Illness; did the work"}, **token_for(taught["teacher"]))
    assert response.status_code == 200 and response.json()["status"] == "completed"


def test_the_learner_cannot_override_their_own_completion(client: Client, taught: Any) -> None:
    learner = taught["enrollment"].person.user
    path = f"{ENROLLMENTS}{taught['enrollment'].pk}/override/"
    assert post(client, path, {"complete": True, "reason": "I say so"}, **token_for(learner)).status_code == 403
