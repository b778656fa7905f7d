"""The `courses` section of a network file: courses with groups, lessons and quizzes, loaded through the services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfiles.yamlfile import render
from tamyr.learning.models import CompletionRule, Course, CourseGroup, Lesson, Quiz, QuizQuestion
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, UserFactory, grant
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

ORGANIZATION = """\
version: 1
organizations:
  - slug: nf-centre
    kind: cultural_centre
    name: {en: Cultural centre}
"""

COURSE = """\
courses:
  - slug: nf-kazakh-a1
    provider: nf-centre
    format: live_group
    level: A1
    language: kk
    title: {en: Kazakh for beginners, kk: Бастауыштарға қазақ тілі}
    description: {en: Twelve evenings.}
    published: true
    completion:
      min_attendance_percent: 70
      requires_final_quiz: true
    groups:
      - name: Spring
        starts_on: 2025-03-01
        ends_on: 2025-06-01
        time_zone: Europe/Berlin
        capacity: 12
        schedule: {en: Tuesdays 19:00}
    lessons:
      - title: {en: Greetings}
        live: true
      - title: {en: Numbers}
        body: {en: One to ten.}
        live: true
    quizzes:
      - title: {en: Final quiz}
        final: true
        pass_mark: 70
        questions:
          - text: {en: Hello is}
            choices: [{en: Сәлем}, {en: Сау бол}]
            correct: [0]
"""

FILE = ORGANIZATION + COURSE


load, problems = loader("courses.yaml", FILE)


def test_load_creates_the_course_its_group_lessons_quiz_and_rule_with_audit_rows() -> None:
    load()
    course = Course.objects.get(slug="nf-kazakh-a1")
    assert (course.provider.slug, course.level, course.is_published, course.title["kk"]) == (
        "nf-centre",
        "A1",
        True,
        "Бастауыштарға қазақ тілі",
    )
    group = CourseGroup.objects.get(course=course)
    assert (group.name, group.starts_on, group.capacity) == ("Spring", dt.date(2025, 3, 1), 12)
    assert [lesson.title["en"] for lesson in Lesson.objects.filter(course=course).order_by("order")] == [
        "Greetings",
        "Numbers",
    ]
    assert QuizQuestion.objects.get(quiz__course=course).correct == [0]
    rule = CompletionRule.objects.get(course=course)
    assert (rule.min_attendance_percent, rule.requires_final_quiz) == (70, True)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "learning.course_created",
        "learning.group_created",
        "learning.lesson_created",
        "learning.quiz_created",
        "learning.question_created",
        "learning.completion_rule_set",
    } <= actions
    labels = set(AuditEntry.objects.filter(action__startswith="learning.").values_list("actor_label", flat=True))
    assert labels == {"system"}


def test_a_dry_run_writes_nothing() -> None:
    plan = load(dry_run=True)
    assert plan.counts["create"] == 2
    assert not Course.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_second_load_changes_nothing_and_writes_no_audit_row() -> None:
    load()
    rows = AuditEntry.objects.count()
    plan = load()
    assert (plan.counts["create"], plan.counts["change"], plan.counts["unchanged"]) == (0, 0, 2)
    assert AuditEntry.objects.count() == rows


def test_a_changed_lesson_title_changes_only_that_lesson() -> None:
    load()
    rows = AuditEntry.objects.count()
    plan = load(FILE.replace("{en: Numbers}", "{en: Counting}"))
    [change] = [change for change in plan.changes if change.action != "unchanged"]
    assert change.fields == ["lessons[1].title.en"]
    assert AuditEntry.objects.count() == rows + 2  # the lesson's row and the load's row
    assert AuditEntry.objects.order_by("-pk").values_list("action", flat=True)[1] == "learning.lesson_changed"
    titles = list(Lesson.objects.order_by("order").values_list("title", flat=True))
    assert titles == [{"en": "Greetings"}, {"en": "Counting"}]


def test_an_unknown_provider_is_reported_with_file_line_and_field() -> None:
    found = problems(
        COURSE.replace("provider: nf-centre", "provider: nf-nowhere").replace("courses:", "version: 1\ncourses:")
    )
    assert found == [
        "courses.yaml:4: courses[0].provider: There is no organization nf-nowhere: add it to the file's "
        "organizations, or load it first."
    ]


@pytest.mark.parametrize(("written", "field"), [("level: A1", "level: D4"), ("format: live_group", "format: lecture")])
def test_a_bad_level_or_format_is_refused_by_the_schema_at_its_line(written: str, field: str) -> None:
    text = FILE.replace(written, field)
    line = text.splitlines().index(f"    {field}") + 1
    [found] = problems(text)
    assert found.startswith(f"courses.yaml:{line}: courses[0].{field.split(':')[0]}: ")


def test_a_teacher_is_an_existing_account_with_a_role_at_the_provider() -> None:
    load(ORGANIZATION)
    teacher = UserFactory(username="nf-teacher")
    grant(teacher, OrganizationFactory._meta.model.objects.get(slug="nf-centre"), "teacher")
    load(FILE.replace("    published: true\n", "    published: true\n    teachers: [nf-teacher]\n"))
    assert list(Course.objects.get().teachers.all()) == [teacher]
    missing = FILE.replace("    published: true\n", "    published: true\n    teachers: [nobody-here]\n")
    [found] = problems(missing)
    assert found.startswith("courses.yaml:15: courses[0].teachers[0]: There is no account nobody-here")


def test_dump_then_load_into_an_empty_database_reproduces_the_courses() -> None:
    load()
    network = NetworkFactory(slug="nf-network", name={"en": "Network"})
    NetworkMembershipFactory(network=network, organization=Course.objects.get().provider)
    scope = netfiles.DumpScope(networks=["nf-network"])
    first = netfiles.dump(scope)
    assert [course["slug"] for course in first["courses"]] == ["nf-kazakh-a1"]

    Course.objects.all().delete()
    plan = load(render(first))
    assert plan.counts["create"] == 1
    assert netfiles.dump(scope) == first
    assert load(render(first)).counts["change"] == 0


def _courses_file(count: int) -> str:
    courses = COURSE.split("\n", 1)[1]
    return (
        ORGANIZATION + "courses:\n" + "".join(courses.replace("nf-kazakh-a1", f"nf-course-{n}") for n in range(count))
    )


def test_planning_costs_the_same_queries_for_two_courses_or_twenty() -> None:
    counts = []
    for size in (2, 20):
        text = _courses_file(size)
        load(text)
        with CaptureQueriesContext(connection) as queries:
            plan = load(text, dry_run=True)
        assert plan.counts["unchanged"] == size + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Quiz.objects.count() == 20


def test_a_group_the_service_refuses_is_reported_at_the_groups_line_and_nothing_is_written() -> None:
    text = FILE.replace("ends_on: 2025-06-01", "ends_on: 2025-01-01")
    line = text.splitlines().index("      - name: Spring") + 1
    assert problems(text) == [f"courses.yaml:{line}: courses[0].groups[0].ends_on: The group ends before it starts."]
    assert not Course.objects.exists()


def test_a_signed_in_user_without_a_role_at_the_provider_may_not_load_courses() -> None:
    load(ORGANIZATION)
    with pytest.raises(netfiles.NetfileError) as caught:
        netfiles.load([("courses.yaml", FILE)], acting_user=UserFactory())
    assert caught.value.problems[0].field == "courses[0]"
    assert not Course.objects.exists()


def test_groups_and_lessons_left_out_of_the_file_stay() -> None:
    load()
    shorter = FILE.split("    groups:\n")[0]
    plan = load(shorter + "    lessons:\n      - title: {en: Greetings}\n        live: true\n")
    assert plan.counts["change"] == 0
    assert (CourseGroup.objects.count(), Lesson.objects.count(), Quiz.objects.count()) == (1, 2, 1)


def test_the_courses_example_in_the_docs_loads() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "network-files.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in page.split("```yaml\n")[1:]]
    network, courses = blocks[0], next(block for block in blocks if block.lstrip().startswith("version: 1\n\ncourses:"))
    plan = netfiles.load([("centres.yaml", network), ("courses.yaml", courses)])
    assert plan.counts["create"] == 5
    course = Course.objects.get(slug="kazakh-a1-berlin")
    assert (course.groups.count(), course.lessons.count(), course.quizzes.get().questions.count()) == (1, 2, 1)
    assert course.completion_rule.requires_final_quiz
