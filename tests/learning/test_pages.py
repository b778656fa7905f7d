"""The public and learner pages of learning: the catalogue, the course page, enrolling and withdrawing, the
learner's course page with its progress bar, lessons (video, mark as done), quizzes, and "My courses"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.learning import selectors, services
from tamyr.learning.models import (
    Certificate,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
)
from tamyr.registry.models import Consent, Person
from tests.factories import OrganizationFactory, PersonFactory, UserFactory
from tests.learning.factories import (
    CompletionRuleFactory,
    CourseFactory,
    EnrollmentFactory,
    GroupFactory,
    LessonFactory,
    MaterialFactory,
    QuizFactory,
    QuizQuestionFactory,
)

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("learning:course_list")


def listed(response: Any) -> list[str]:
    return [course.slug for course in response.context["page"].object_list]


def learner(username: str = "aruzhan") -> tuple[User, Person]:
    user = UserFactory(username=username)
    return user, PersonFactory(user=user, display_name=f"{username.title()} Serikkyzy")


def enrolled(group: Any, username: str = "aruzhan") -> tuple[User, Enrollment]:
    user, person = learner(username)
    return user, services.enrollment_create(group=group, person=person, acting_user=user)


# --- the catalogue ------------------------------------------------------------------------------------------


def test_the_catalogue_lists_published_courses_only(client: Client) -> None:
    CourseFactory(slug="kazakh-a1")
    CourseFactory(slug="secret-draft", is_published=False)
    assert listed(client.get(CATALOGUE)) == ["kazakh-a1"]


def test_the_catalogue_filters_by_level(client: Client) -> None:
    CourseFactory(slug="a1-course", level="A1")
    CourseFactory(slug="b2-course", level="B2")
    assert listed(client.get(CATALOGUE, {"level": "B2"})) == ["b2-course"]


def test_the_catalogue_filters_by_format(client: Client) -> None:
    CourseFactory(slug="live-course", format="live_group")
    CourseFactory(slug="video-course", format="self_paced")
    assert listed(client.get(CATALOGUE, {"format": "self_paced"})) == ["video-course"]


def test_the_catalogue_filters_by_language_taught(client: Client) -> None:
    CourseFactory(slug="kazakh", language="kk")
    CourseFactory(slug="hungarian", language="hu")
    assert listed(client.get(CATALOGUE, {"language": "hu"})) == ["hungarian"]


def test_the_catalogue_filters_by_provider(client: Client) -> None:
    otandastar = OrganizationFactory(slug="otandastar")
    CourseFactory(slug="theirs", provider=otandastar)
    CourseFactory(slug="others")
    assert listed(client.get(CATALOGUE, {"provider": "otandastar"})) == ["theirs"]


def test_the_catalogue_searches_titles_in_any_language(client: Client) -> None:
    CourseFactory(slug="talk-club", title={"en": "Talk club", "kk": "Сөйлесу клубы"})
    CourseFactory(slug="grammar", title={"en": "Grammar"})
    assert listed(client.get(CATALOGUE, {"q": "клубы"})) == ["talk-club"]


def test_the_providers_staff_also_see_their_drafts(client: Client) -> None:
    from tests.factories import grant, with_totp

    draft = CourseFactory(slug="our-draft", is_published=False)
    CourseFactory(slug="their-draft", is_published=False)
    staff = UserFactory(username="staff")
    grant(staff, draft.provider, "staff")
    with_totp(staff)
    client.force_login(staff)
    assert listed(client.get(CATALOGUE)) == ["our-draft"]


def test_an_htmx_request_gets_only_the_results(client: Client) -> None:
    CourseFactory(slug="kazakh-a1")
    response = client.get(CATALOGUE, headers={"HX-Request": "true"})
    assert [t.name for t in response.templates][0] == "learning/pages/_course_results.html"
    assert b"<html" not in response.content


def test_the_catalogue_says_when_nothing_matches(client: Client) -> None:
    CourseFactory(level="A1")
    response = client.get(CATALOGUE, {"level": "C2"})
    assert "No course matches these filters" in response.content.decode()


def test_a_card_shows_open_groups_with_seats_left(client: Client) -> None:
    group = GroupFactory(name="Evening group", capacity=3)
    enrolled(group)
    GroupFactory(course=group.course, name="Closed group", self_enrollment=False)
    GroupFactory(course=group.course, name="Past group", ends_on=timezone.localdate() - timedelta(days=1))
    content = client.get(CATALOGUE).content.decode()
    assert "Evening group" in content and "2 seats left" in content
    assert "Closed group" not in content and "Past group" not in content


def test_the_catalogue_is_paginated(client: Client) -> None:
    for index in range(14):
        CourseFactory(slug=f"course-{index:02d}")
    first = client.get(CATALOGUE)
    assert len(listed(first)) == 12
    assert len(listed(client.get(CATALOGUE, {"page": 2}))) == 2


def test_the_catalogue_runs_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    providers = [OrganizationFactory() for _index in range(3)]
    for index in range(12):
        course = CourseFactory(provider=providers[index % 3], level=["A1", "A2", "B1"][index % 3])
        for _group in range(3):
            GroupFactory(course=course, capacity=5)
    with django_assert_max_num_queries(8):
        response = client.get(CATALOGUE)
    assert len(listed(response)) == 12


# --- the course page ----------------------------------------------------------------------------------------


def test_the_course_page_says_the_completion_rule_in_words(client: Client) -> None:
    rule = CompletionRuleFactory(min_attendance_percent=80, requires_final_quiz=True)
    LessonFactory(course=rule.course, title={"en": "Greetings"})
    QuizFactory(course=rule.course)
    content = client.get(rule.course.get_absolute_url()).content.decode()
    assert "attend at least 80 % of the live lessons and pass the final quiz" in content
    assert "Greetings" in content


def test_the_course_page_shows_a_group_schedule_in_its_time_zone(client: Client) -> None:
    group = GroupFactory(schedule={"en": "Tuesdays 19:00"}, time_zone="Europe/Istanbul")
    content = client.get(group.course.get_absolute_url()).content.decode()
    assert "Tuesdays 19:00" in content
    assert "Istanbul time (UTC+3)" in content  # the zone as its city, never "Europe/Istanbul"
    assert "Europe/Istanbul" not in content


def test_a_draft_course_is_not_found_for_visitors(client: Client) -> None:
    course = CourseFactory(is_published=False)
    assert client.get(course.get_absolute_url()).status_code == 404


def test_a_full_group_offers_the_waiting_list(client: Client) -> None:
    group = GroupFactory(capacity=1)
    enrolled(group, "first")
    user, _person = learner("second")
    client.force_login(user)
    content = client.get(group.course.get_absolute_url()).content.decode()
    assert "Join the waiting list" in content


def test_the_course_page_shows_my_enrollment_and_progress(client: Client) -> None:
    group = GroupFactory()
    user, enrollment = enrolled(group)
    Enrollment.objects.filter(pk=enrollment.pk).update(progress_percent=40)
    client.force_login(user)
    content = client.get(group.course.get_absolute_url()).content.decode()
    assert "Your enrollment" in content
    assert 'value="40"' in content


# --- enrolling and withdrawing ------------------------------------------------------------------------------


def test_enrolling_makes_the_persons_record_with_consent_when_there_is_none(client: Client) -> None:
    group = GroupFactory()
    user = UserFactory(username="newcomer", first_name="Dana", last_name="Nurlanqyzy")
    client.force_login(user)
    response = client.post(reverse("learning:group_enroll", kwargs={"pk": group.pk}))
    person = Person.objects.get(user=user)
    enrollment = Enrollment.objects.get(person=person, group=group)
    assert response.status_code == 302 and response["Location"] == reverse("learning:learn", args=[enrollment.pk])
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert Consent.objects.filter(person=person, purpose="registry", withdrawn_at__isnull=True).exists()


def test_enrolling_in_a_full_group_puts_me_on_the_waiting_list(client: Client) -> None:
    group = GroupFactory(capacity=1)
    enrolled(group, "first")
    user, person = learner("second")
    client.force_login(user)
    client.post(reverse("learning:group_enroll", kwargs={"pk": group.pk}))
    assert Enrollment.objects.get(person=person).status == EnrollmentStatus.WAITLISTED


def test_a_refused_enrollment_leaves_no_new_record(client: Client) -> None:
    group = GroupFactory(self_enrollment=False)
    user = UserFactory(username="newcomer")
    client.force_login(user)
    response = client.post(reverse("learning:group_enroll", kwargs={"pk": group.pk}), follow=True)
    assert "not open for enrollment" in response.content.decode()
    assert not Person.objects.filter(user=user).exists()


def test_enrolling_needs_a_login(client: Client) -> None:
    group = GroupFactory()
    response = client.post(reverse("learning:group_enroll", kwargs={"pk": group.pk}))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_withdrawing_gives_the_seat_to_the_first_waiting(client: Client) -> None:
    group = GroupFactory(capacity=1)
    user, first = enrolled(group, "first")
    _other, waiting = enrolled(group, "second")
    client.force_login(user)
    client.post(reverse("learning:enrollment_withdraw", kwargs={"pk": first.pk}))
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == EnrollmentStatus.WITHDRAWN
    assert waiting.status == EnrollmentStatus.ACTIVE


def test_nobody_else_can_withdraw_my_enrollment(client: Client) -> None:
    group = GroupFactory()
    _user, enrollment = enrolled(group)
    stranger, _person = learner("stranger")
    client.force_login(stranger)
    response = client.post(reverse("learning:enrollment_withdraw", kwargs={"pk": enrollment.pk}))
    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


# --- the learner's pages ------------------------------------------------------------------------------------


def _progress_value(response: Any) -> int:
    match = re.search(r'<progress id="progress-\d+" max="100" value="(\d+)"', response.content.decode())
    assert match, "no progress bar"
    return int(match.group(1))


def test_marking_a_self_paced_lesson_done_moves_the_progress_bar(client: Client) -> None:
    course = CourseFactory(format="self_paced")
    lessons = [LessonFactory(course=course, is_live=False) for _index in range(4)]
    user, enrollment = enrolled(GroupFactory(course=course))
    client.force_login(user)
    learn_url = reverse("learning:learn", kwargs={"pk": enrollment.pk})
    assert _progress_value(client.get(learn_url)) == 0
    response = client.post(reverse("learning:lesson_view", kwargs={"pk": enrollment.pk, "lesson_id": lessons[0].pk}))
    assert response["Location"] == reverse(
        "learning:lesson_view", kwargs={"pk": enrollment.pk, "lesson_id": lessons[1].pk}
    )
    assert _progress_value(client.get(learn_url)) == 25
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lessons[0]).done_at is not None


def test_the_course_page_lists_each_lessons_status(client: Client) -> None:
    course = CourseFactory()
    live = LessonFactory(course=course, is_live=True, title={"en": "Live one"})
    paced = LessonFactory(course=course, is_live=False, title={"en": "Video one"})
    user, enrollment = enrolled(GroupFactory(course=course))
    LessonProgress.objects.create(enrollment=enrollment, lesson=live, attended=False)
    LessonProgress.objects.create(enrollment=enrollment, lesson=paced, done_at=timezone.now())
    client.force_login(user)
    response = client.get(reverse("learning:learn", kwargs={"pk": enrollment.pk}))
    assert [(row.lesson.pk, row.status) for row in response.context["rows"]] == [
        (live.pk, "absent"),
        (paced.pk, "done"),
    ]


def test_a_live_lesson_has_no_mark_as_done_button(client: Client) -> None:
    lesson = LessonFactory(is_live=True)
    user, enrollment = enrolled(GroupFactory(course=lesson.course))
    client.force_login(user)
    content = client.get(reverse("learning:lesson_view", kwargs={"pk": enrollment.pk, "lesson_id": lesson.pk}))
    assert "Mark as done" not in content.content.decode()


def test_a_youtube_lesson_embeds_the_privacy_enhanced_player(client: Client) -> None:
    lesson = LessonFactory(is_live=False, video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10")
    MaterialFactory(lesson=lesson, title="Alphabet chart")
    user, enrollment = enrolled(GroupFactory(course=lesson.course))
    client.force_login(user)
    response = client.get(reverse("learning:lesson_view", kwargs={"pk": enrollment.pk, "lesson_id": lesson.pk}))
    content = response.content.decode()
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Video: ' in content
    assert "Alphabet chart" in content
    assert "https://www.youtube-nocookie.com" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("url", "kind", "shown"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871"),
        ("https://media.example.org/lesson1.mp4", "file", "https://media.example.org/lesson1.mp4"),
        ("https://example.org/watch/lesson-1", "link", "https://example.org/watch/lesson-1"),
    ],
)
def test_video_addresses_are_shown_the_right_way(url: str, kind: str, shown: str) -> None:
    video = selectors.video_of(url)
    assert video is not None and (video.kind, video.url) == (kind, shown)


def test_a_waiting_learner_cannot_open_the_lessons_yet(client: Client) -> None:
    group = GroupFactory(capacity=1)
    lesson = LessonFactory(course=group.course)
    enrolled(group, "first")
    user, waiting = enrolled(group, "second")
    client.force_login(user)
    response = client.get(reverse("learning:lesson_view", kwargs={"pk": waiting.pk, "lesson_id": lesson.pk}))
    assert response["Location"] == reverse("learning:learn", kwargs={"pk": waiting.pk})


def test_another_learner_cannot_see_my_course_page(client: Client) -> None:
    _user, enrollment = enrolled(GroupFactory())
    stranger, _person = learner("stranger")
    client.force_login(stranger)
    assert client.get(reverse("learning:learn", kwargs={"pk": enrollment.pk})).status_code == 404


def _quiz_course() -> tuple[Any, Any, Any]:
    quiz = QuizFactory(pass_mark=60)
    single = QuizQuestionFactory(quiz=quiz)
    multiple = QuizQuestionFactory(
        quiz=quiz,
        kind="multiple",
        text={"en": "Which are greetings?"},
        choices=[{"kk": "Сәлем"}, {"kk": "Рахмет"}, {"kk": "Сәлеметсіз бе"}],
        correct=[0, 2],
    )
    return quiz, single, multiple


def test_a_quiz_shows_radios_for_single_and_checkboxes_for_multiple_choice(client: Client) -> None:
    quiz, single, multiple = _quiz_course()
    user, enrollment = enrolled(GroupFactory(course=quiz.course))
    client.force_login(user)
    content = client.get(reverse("learning:quiz_take", kwargs={"pk": enrollment.pk, "quiz_id": quiz.pk})).content
    text = content.decode()
    assert f'type="radio" name="q{single.pk}"' in text
    assert f'type="checkbox" name="q{multiple.pk}"' in text


def test_passing_a_quiz_shows_the_score(client: Client) -> None:
    quiz, single, multiple = _quiz_course()
    user, enrollment = enrolled(GroupFactory(course=quiz.course))
    client.force_login(user)
    url = reverse("learning:quiz_take", kwargs={"pk": enrollment.pk, "quiz_id": quiz.pk})
    response = client.post(url, {f"q{single.pk}": "0", f"q{multiple.pk}": ["0", "2"]}, follow=True)
    assert "You scored 100 % and passed" in response.content.decode()
    assert QuizAttempt.objects.get(enrollment=enrollment).passed


def test_failing_a_quiz_says_so_and_allows_a_retry(client: Client) -> None:
    quiz, single, multiple = _quiz_course()
    user, enrollment = enrolled(GroupFactory(course=quiz.course))
    client.force_login(user)
    url = reverse("learning:quiz_take", kwargs={"pk": enrollment.pk, "quiz_id": quiz.pk})
    response = client.post(url, {f"q{single.pk}": "1", f"q{multiple.pk}": ["0"]}, follow=True)
    content = response.content.decode()
    assert "You scored 0 %" in content and "not passed" in content
    assert "Submit again" in content
    client.post(url, {f"q{single.pk}": "0", f"q{multiple.pk}": ["0", "2"]})
    assert list(QuizAttempt.objects.filter(enrollment=enrollment).order_by("id").values_list("passed", flat=True)) == [
        False,
        True,
    ]


def test_an_unanswered_question_is_refused(client: Client) -> None:
    quiz, single, _multiple = _quiz_course()
    user, enrollment = enrolled(GroupFactory(course=quiz.course))
    client.force_login(user)
    url = reverse("learning:quiz_take", kwargs={"pk": enrollment.pk, "quiz_id": quiz.pk})
    response = client.post(url, {f"q{single.pk}": "0"})
    assert response.status_code == 200 and "Tick at least one answer." in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_a_completed_course_congratulates_and_links_the_certificate(client: Client) -> None:
    group = GroupFactory()
    user, enrollment = enrolled(group)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.COMPLETED, completed_at=timezone.now())
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        person=enrollment.person,
        course=group.course,
        issuer=group.course.provider,
        holder_name=enrollment.person.display_name,
        issued_at=timezone.now(),
    )
    client.force_login(user)
    content = client.get(reverse("learning:learn", kwargs={"pk": enrollment.pk})).content.decode()
    assert "Congratulations" in content
    assert certificate.code in content
    try:
        verify = reverse("verify", kwargs={"code": certificate.code})
    except Exception:  # the verification page is another part of the app; the page must not need it
        verify = ""
    if verify:
        assert verify in content


def test_my_courses_lists_my_enrollments_with_their_progress(client: Client) -> None:
    user, person = learner()
    first = EnrollmentFactory(person=person, progress_percent=60)
    EnrollmentFactory(person=person, status=EnrollmentStatus.COMPLETED, progress_percent=100)
    EnrollmentFactory(person=PersonFactory())
    client.force_login(user)
    response = client.get(reverse("learning:my_courses"))
    assert [e.pk for e in response.context["current"]] == [first.pk]
    assert len(response.context["completed"]) == 1
    assert 'value="60"' in response.content.decode()


def test_my_courses_needs_a_login(client: Client) -> None:
    response = client.get(reverse("learning:my_courses"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_main_menu_links_the_courses(client: Client) -> None:
    assert f'href="{CATALOGUE}"' in client.get("/").content.decode()


def test_the_course_page_names_the_language_of_instruction(client: Client) -> None:
    course = CourseFactory(instruction_language="tr")
    content = client.get(course.get_absolute_url()).content.decode()
    assert "Taught in" in content and "Turkish" in content


def test_the_course_page_says_when_a_course_is_for_children(client: Client) -> None:
    course = CourseFactory(for_children=True)
    content = client.get(course.get_absolute_url()).content.decode()
    assert "Children" in content
