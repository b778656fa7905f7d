"""What a course in a network file says beyond its title and lessons: the language it is taught through, whether it
is for children, when a group's lessons start, and which lesson a quiz belongs to (what the demo's courses need)."""

from __future__ import annotations

import datetime as dt

import pytest

from tamyr.core import netfiles
from tamyr.core.errors import DomainError
from tamyr.learning import services_authoring as authoring
from tamyr.learning.models import Course, CourseGroup, Lesson, Quiz
from tests.factories import NetworkFactory, NetworkMembershipFactory
from tests.learning.test_netfile_courses import FILE
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

DETAILED = (
    FILE.replace("    language: kk\n", "    language: kk\n    taught_in: tr\n    for_children: true\n")
    .replace("        time_zone: Europe/Berlin\n", "        time_zone: Europe/Berlin\n        lessons_at: 19:00\n")
    .replace("        pass_mark: 70\n", "        pass_mark: 70\n        lesson: 2\n")
)

load, problems = loader("courses.yaml", DETAILED)


def line_of(text: str, written: str) -> int:
    return text.splitlines().index(written) + 1


def test_a_course_is_taught_through_the_language_the_file_names() -> None:
    load()
    assert Course.objects.get().instruction_language == "tr"


def test_a_course_can_be_for_children() -> None:
    load()
    assert Course.objects.get().for_children is True


def test_a_group_knows_when_its_lessons_start_even_when_the_time_is_written_without_quotes() -> None:
    load()
    assert CourseGroup.objects.get().lessons_at == dt.time(19, 0)


def test_a_quiz_belongs_to_the_lesson_at_the_position_the_file_gives() -> None:
    load()
    second = Lesson.objects.order_by("order")[1]
    assert Quiz.objects.get().lesson == second


def test_a_second_load_with_every_detail_changes_nothing() -> None:
    load()
    plan = load()
    assert (plan.counts["create"], plan.counts["change"]) == (0, 0)


def test_a_changed_lesson_time_changes_only_that_field_of_the_group() -> None:
    load()
    plan = load(DETAILED.replace("lessons_at: 19:00", "lessons_at: '18:30'"))
    [change] = [change for change in plan.changes if change.action == "change"]
    assert change.fields == ["groups.Spring.lessons_at"]
    assert CourseGroup.objects.get().lessons_at == dt.time(18, 30)


def test_a_quiz_moved_to_another_lesson_is_planned_as_that_change() -> None:
    load()
    plan = load(DETAILED.replace("        lesson: 2\n", "        lesson: 1\n"))
    [change] = [change for change in plan.changes if change.action == "change"]
    assert change.fields == ["quizzes[0].lesson"]
    assert Quiz.objects.get().lesson == Lesson.objects.order_by("order")[0]


def test_a_quiz_that_does_not_name_its_lesson_keeps_it() -> None:
    load()
    plan = load(DETAILED.replace("        lesson: 2\n", ""))
    assert plan.counts["change"] == 0
    assert Quiz.objects.get().lesson is not None


def test_an_unknown_language_of_instruction_is_reported_at_its_line() -> None:
    text = DETAILED.replace("taught_in: tr", "taught_in: zz")
    [found] = problems(text)
    assert found.startswith(f"courses.yaml:{line_of(text, '    taught_in: zz')}: courses[0].taught_in: ")
    assert not Course.objects.exists()


def test_a_lesson_time_that_is_not_a_time_is_reported_at_its_line() -> None:
    text = DETAILED.replace("lessons_at: 19:00", "lessons_at: '25:00'")
    line = line_of(text, "        lessons_at: '25:00'")
    assert problems(text) == [
        f"courses.yaml:{line}: courses[0].groups[0].lessons_at: 25:00 is not a time; write it as HH:MM."
    ]


def test_a_quiz_lesson_beyond_the_course_is_reported_at_its_line() -> None:
    text = DETAILED.replace("        lesson: 2\n", "        lesson: 3\n")
    line = line_of(text, "        lesson: 3")
    assert problems(text) == [
        f"courses.yaml:{line}: courses[0].quizzes[0].lesson: The course has 2 lessons; give the position of one of "
        "them, from 1."
    ]


def test_dump_writes_the_details_back() -> None:
    load()
    network = NetworkFactory(slug="nf-network", name={"en": "Network"})
    NetworkMembershipFactory(network=network, organization=Course.objects.get().provider)
    [course] = netfiles.dump(netfiles.DumpScope(networks=["nf-network"]))["courses"]
    assert (course["taught_in"], course["for_children"]) == ("tr", True)
    assert course["groups"][0]["lessons_at"] == "19:00"
    assert course["quizzes"][0]["lesson"] == 2


def test_the_authoring_service_refuses_an_unknown_language_of_instruction() -> None:
    load()
    course = Course.objects.get()
    with pytest.raises(DomainError) as caught:
        authoring.course_update(course=course, acting_user=authoring.SYSTEM, instruction_language="zz")
    assert caught.value.field == "instruction_language"
    course.refresh_from_db()
    assert course.instruction_language == "tr"
