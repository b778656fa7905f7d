"""The `courses` section of a network file: courses with their completion rule, groups, lessons and quizzes.

A course is matched by its slug; inside it a group by its name (groups have no slug, and a course's groups have
different names in practice), a lesson by its position in the course and a quiz by its position (quizzes have
no key either), a quiz's question by its position in the quiz. Everything is written through
`learning.services_authoring`, so the rules (a title required, dates in order, teachers who hold a role at the
provider) and the audit rows are those of the authoring pages.

As everywhere in network files (docs/decisions/0013): a field left out is left alone, a field written is its whole
value (`teachers` is the whole teacher list, `completion` the whole rule), and nothing is deleted for being left
out. So `groups`, `lessons` and `quizzes` are not whole lists: a group missing from the file stays (it holds
enrollments), and lessons or quizzes beyond the file's last one stay (they hold learners' progress and attempts).
Add lessons at the end: one inserted in the middle changes the lessons after it, position by position.

Teachers are accounts named by username or e-mail, as in `roles`; a file never creates accounts, and teachers are
not dumped (personal data, meaningless on another installation).

A quiz names the lesson it belongs to by that lesson's position (from 1), as lessons themselves are matched; it is
resolved after the file's lessons are written, so a new course's quiz can name a lesson of the same file.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.models import User
from tamyr.accounts.selectors import users_by_identifier
from tamyr.core import bulk
from tamyr.core.errors import DomainError
from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import (
    DATE,
    SLUG,
    TRANSLATED,
    Action,
    Change,
    Context,
    DumpScope,
    Item,
    NetfileError,
    Problem,
    Section,
    register,
)
from tamyr.learning import models
from tamyr.learning import services_authoring as authoring
from tamyr.learning.models import (
    Course,
    CourseFormat,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    Level,
    QuestionKind,
    Quiz,
    QuizAttempt,
    QuizQuestion,
)
from tamyr.registry.models import Organization

#: the file's name of a field → the model's
COURSE_FIELDS = {
    "title": "title",
    "description": "description",
    "syllabus": "syllabus",
    "language": "language",
    "taught_in": "instruction_language",
    "for_children": "for_children",
    "level": "level",
    "format": "format",
    "published": "is_published",
}
GROUP_FIELDS = {
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "schedule": "schedule",
    "time_zone": "time_zone",
    "lessons_at": "lessons_at",
    "capacity": "capacity",
    "meeting_url": "meeting_url",
    "self_enrollment": "self_enrollment",
}
LESSON_FIELDS = {"title": "title", "body": "body", "video_url": "video_url", "live": "is_live"}
QUIZ_FIELDS = {"title": "title", "pass_mark": "pass_mark", "final": "is_final"}
QUESTION_FIELDS = ("text", "kind", "choices", "correct")
COMPLETION_DEFAULTS: dict[str, Any] = {
    "min_attendance_percent": 0,
    "min_lessons_done_percent": 0,
    "requires_final_quiz": False,
    "issues_certificate": True,
}
TRANSLATED_FIELDS = {"title", "description", "syllabus", "schedule", "body", "text"}
PERCENT: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 100}
USERS: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "minLength": 1, "maxLength": 254},
    "description": "Usernames or e-mails of accounts that hold a role at the provider; the whole list.",
}


def _schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


def _line(node: Any, key: Any, default: int) -> int:
    line_of = getattr(node, "line_of", None)
    return int(line_of(key)) if line_of else default


def _identifier(value: str) -> str:
    return str(value).strip().lower()


def _translation_diff(field: str, wanted: dict[str, str], current: dict[str, str]) -> list[str]:
    return [f"{field}.{code}" for code in sorted(set(wanted) | set(current)) if wanted.get(code) != current.get(code)]


class _Reader:
    """Turns one course item's values into the models' values, and notes each problem at its line."""

    def __init__(self, item: Item, context: Context) -> None:
        self.item = item
        self.context = context

    def problem(self, field: str, message: Any, line: int) -> None:
        self.context.problems.append(self.item.problem(field, message, line=line))

    def value(self, node: Any, name: str, value: Any, path: str) -> Any:
        line = _line(node, name, self.item.line)
        where = f"{path}.{name}" if path else name
        if name in TRANSLATED_FIELDS:
            try:
                return clean_translations(value)
            except ValueError as error:
                self.problem(where, str(error), line)
                return {}
        if name in {"starts_on", "ends_on"}:
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                self.problem(where, _("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": value}, line)
                return None
        if name == "language":
            try:
                return authoring.language_code(value)
            except DomainError as error:
                self.problem(where, error.message, line)
                return value
        if name == "taught_in":
            try:
                return authoring.instruction_language_code(value or "")
            except DomainError as error:
                self.problem(where, error.message, line)
                return value
        if name == "lessons_at":
            if not value:
                return None
            try:
                return dt.time.fromisoformat(value)
            except ValueError:
                self.problem(where, _("%(value)s is not a time; write it as HH:MM.") % {"value": value}, line)
                return None
        if name == "level":
            return value or ""
        if name in {"meeting_url", "video_url"}:
            return (value or "").strip()
        return value

    def values(self, node: Any, names: dict[str, str], path: str) -> dict[str, Any]:
        """The fields `node` writes, under the file's names."""
        return {name: self.value(node, name, node[name], path) for name in names if name in node}


def _diff(current: Any, wanted: dict[str, Any], names: dict[str, str], prefix: str) -> tuple[list[str], dict[str, Any]]:
    """The fields (down to the language) that differ, and the differing values under the models' names."""
    fields: list[str] = []
    changed: dict[str, Any] = {}
    for name, value in wanted.items():
        attribute = names[name]
        if name in TRANSLATED_FIELDS:
            differ = _translation_diff(f"{prefix}{name}", value or {}, getattr(current, attribute) or {})
        else:
            differ = [f"{prefix}{name}"] if value != getattr(current, attribute) else []
        if differ:
            fields.extend(differ)
            changed[attribute] = value
    return fields, changed


def _model_values(wanted: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names[name]: value for name, value in wanted.items()}


def _question(entry: Any) -> dict[str, Any]:
    return {
        "text": clean_translations(entry["text"]),
        "kind": entry.get("kind") or QuestionKind.SINGLE,
        "choices": [clean_translations(choice) for choice in entry["choices"]],
        "correct": sorted(set(entry["correct"])),
    }


@register
class CoursesSection(Section):
    name = "courses"
    label = gettext_lazy("course")
    depends_on = ("organizations", "roles")  # roles first: a teacher must hold a role at the provider

    def item_schema(self) -> dict[str, Any]:
        question = _schema(
            {
                "text": TRANSLATED,
                "kind": {"enum": list(QuestionKind.values)},
                "choices": {"type": "array", "minItems": 2, "items": TRANSLATED},
                "correct": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "integer", "minimum": 0},
                    "description": "The indexes (from 0) of the right choices.",
                },
            },
            ["text", "choices", "correct"],
        )
        quiz = _schema(
            {
                "title": TRANSLATED,
                "pass_mark": PERCENT,
                "final": {"type": "boolean"},
                "lesson": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "description": "The lesson the quiz belongs to, by its position in the course (from 1).",
                },
                "questions": {"type": "array", "items": question, "description": "Matched by position."},
            },
            ["title"],
        )
        lesson = _schema(
            {
                "title": TRANSLATED,
                "body": TRANSLATED,
                "video_url": {"type": ["string", "null"], "maxLength": 200},
                "live": {"type": "boolean", "description": "Attendance is marked by the teacher."},
            },
            ["title"],
        )
        group = _schema(
            {
                "name": {"type": "string", "minLength": 1, "maxLength": 120, "description": "The group's key."},
                "starts_on": DATE,
                "ends_on": DATE,
                "schedule": TRANSLATED,
                "time_zone": {"type": "string", "maxLength": 64},
                "lessons_at": {
                    "type": ["string", "null"],
                    "pattern": "^[0-2][0-9]:[0-5][0-9]$",
                    "description": "When the lessons start, HH:MM in the group's time zone.",
                },
                "capacity": {"type": ["integer", "null"], "minimum": 1},
                "meeting_url": {"type": ["string", "null"], "maxLength": 200},
                "self_enrollment": {"type": "boolean"},
                "teachers": USERS,
            },
            ["name"],
        )
        completion = _schema(
            {
                "min_attendance_percent": PERCENT,
                "min_lessons_done_percent": PERCENT,
                "requires_final_quiz": {"type": "boolean"},
                "issues_certificate": {"type": "boolean"},
            },
            [],
        )
        return _schema(
            {
                "slug": SLUG,
                "provider": {**SLUG, "description": "The slug of the organization that gives the course."},
                "format": {"enum": list(CourseFormat.values)},
                "level": {"enum": [*Level.values, None]},
                "language": {"type": "string", "pattern": "^[a-z]{2,3}$", "description": "ISO 639: kk, tr, …"},
                "taught_in": {
                    "type": "string",
                    "pattern": "^([a-z]{2,3})?$",
                    "description": "ISO 639 code of the language the teacher explains in; empty: the language taught.",
                },
                "for_children": {"type": "boolean"},
                "title": TRANSLATED,
                "description": TRANSLATED,
                "syllabus": TRANSLATED,
                "published": {"type": "boolean"},
                "teachers": USERS,
                "completion": completion,
                "groups": {"type": "array", "items": group, "description": "Matched by name; not the whole list."},
                "lessons": {"type": "array", "items": lesson, "description": "Matched by position, in order."},
                "quizzes": {"type": "array", "items": quiz, "description": "Matched by position."},
            },
            ["slug", "provider", "format", "title"],
        )

    # --- plan -------------------------------------------------------------------------------------------

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        by_slug = {self.key_of(item.data): item for item in items}
        existing = {
            course.slug: course
            for course in Course.objects.filter(slug__in=by_slug)
            .select_related("provider", "completion_rule")
            .prefetch_related(
                "teachers",
                Prefetch(
                    "groups", queryset=CourseGroup.objects.prefetch_related("teachers").order_by("starts_on", "id")
                ),
                Prefetch("lessons", queryset=Lesson.objects.order_by("order", "id")),
                Prefetch(
                    "quizzes",
                    queryset=Quiz.objects.order_by("id").prefetch_related(
                        Prefetch("questions", queryset=QuizQuestion.objects.order_by("order", "id"))
                    ),
                ),
            )
        }
        providers = {item.data["provider"] for item in items}
        undeclared = {slug for slug in providers if not context.declares("organizations", slug)}
        known = set(Organization.objects.filter(slug__in=undeclared).values_list("slug", flat=True))
        named = {
            _identifier(name)
            for item in items
            for node in [item.data, *(item.data.get("groups") or [])]
            for name in node.get("teachers") or []
        }
        users = users_by_identifier(named)
        changes = []
        for slug, item in by_slug.items():
            provider = item.data["provider"]
            if provider in undeclared and provider not in known:
                message = _(
                    "There is no organization %(slug)s: add it to the file's organizations, or load it first."
                ) % {"slug": provider}
                context.problems.append(item.problem("provider", message))
            changes.append(self._plan_course(item, existing.get(slug), users, context))
        return changes

    def _teachers(self, reader: _Reader, node: Any, path: str, users: dict[str, User]) -> list[int] | None:
        if "teachers" not in node:
            return None
        found: list[int] = []
        names = node["teachers"]
        for index, name in enumerate(names):
            user = users.get(_identifier(name))
            if user is None:
                message = _("There is no account %(user)s: the person signs up first, then you load the file again.")
                line = _line(names, index, reader.item.line)
                reader.problem(f"{path}teachers[{index}]", message % {"user": name}, line)
            elif user.pk not in found:
                found.append(user.pk)
        return sorted(found)

    def _plan_course(self, item: Item, current: Course | None, users: dict[str, User], context: Context) -> Change:
        reader = _Reader(item, context)
        data = item.data
        wanted = reader.values(data, COURSE_FIELDS, "")
        teachers = self._teachers(reader, data, "", users)
        completion = {**COMPLETION_DEFAULTS, **data["completion"]} if "completion" in data else None
        if current is None:
            fields = sorted(wanted)
            plan: dict[str, Any] = {
                "course": _model_values(wanted, COURSE_FIELDS),
                "provider": data["provider"],
                "teachers": teachers,
                "completion": completion,
            }
        else:
            fields, changed = _diff(current, wanted, COURSE_FIELDS, "")
            plan = {"course": changed, "provider": None, "teachers": None, "completion": None}
            if data["provider"] != current.provider.slug:
                fields.append("provider")
                plan["provider"] = data["provider"]
            if teachers is not None and teachers != sorted(t.pk for t in current.teachers.all()):
                fields.append("teachers")
                plan["teachers"] = teachers
            if completion is not None:
                rule = getattr(current, "completion_rule", None)
                have = {name: getattr(rule, name) if rule else default for name, default in COMPLETION_DEFAULTS.items()}
                differ = [f"completion.{name}" for name, value in completion.items() if have[name] != value]
                if differ:
                    fields.extend(differ)
                    plan["completion"] = completion
        plan["groups"] = self._plan_groups(reader, current, users, fields)
        plan["lessons"] = self._plan_lessons(reader, current, fields)
        plan["quizzes"] = self._plan_quizzes(reader, current, fields)
        action: Action = "create" if current is None else ("change" if fields else "unchanged")
        return Change(self, self.key_of(data), action, item, fields=fields, data=plan)

    def _plan_groups(
        self, reader: _Reader, course: Course | None, users: dict[str, User], fields: list[str]
    ) -> list[dict[str, Any]]:
        entries = reader.item.data.get("groups") or []
        have: dict[str, CourseGroup] = {}
        for group in course.groups.all() if course else []:
            have.setdefault(group.name, group)  # two groups of one name: the file means the earlier one
        planned, seen = [], set()
        for index, entry in enumerate(entries):
            path, line = f"groups[{index}]", _line(entries, index, reader.item.line)
            name = entry["name"].strip()
            if name in seen:
                message = _("%(what)s %(key)s appears twice; it is first at %(place)s.") % {
                    "what": gettext_lazy("group"),
                    "key": name,
                    "place": f"{reader.item.file}:{line}",
                }
                reader.problem(f"{path}.name", message, line)
                continue
            seen.add(name)
            wanted = reader.values(entry, GROUP_FIELDS, path)
            teachers = self._teachers(reader, entry, f"{path}.", users)
            current = have.get(name)
            if current is None:
                fields.append(f"+groups.{name}")
                values = {"name": name, **_model_values(wanted, GROUP_FIELDS)}
                planned.append({"pk": None, "values": values, "teachers": teachers, "path": path, "line": line})
                continue
            differ, changed = _diff(current, wanted, GROUP_FIELDS, f"groups.{name}.")
            if teachers is not None and teachers != sorted(t.pk for t in current.teachers.all()):
                differ.append(f"groups.{name}.teachers")
            else:
                teachers = None
            if differ:
                fields.extend(differ)
                planned.append({"pk": current.pk, "values": changed, "teachers": teachers, "path": path, "line": line})
        return planned

    def _plan_lessons(self, reader: _Reader, course: Course | None, fields: list[str]) -> list[dict[str, Any]]:
        entries = reader.item.data.get("lessons") or []
        have = list(course.lessons.all()) if course else []
        planned = []
        for index, entry in enumerate(entries):
            path, line = f"lessons[{index}]", _line(entries, index, reader.item.line)
            wanted = reader.values(entry, LESSON_FIELDS, path)
            if index >= len(have):
                fields.append(f"+{path}")
                planned.append({"pk": None, "values": _model_values(wanted, LESSON_FIELDS), "path": path, "line": line})
                continue
            differ, changed = _diff(have[index], wanted, LESSON_FIELDS, f"{path}.")
            if differ:
                fields.extend(differ)
                planned.append({"pk": have[index].pk, "values": changed, "path": path, "line": line})
        return planned

    def _plan_quizzes(self, reader: _Reader, course: Course | None, fields: list[str]) -> list[dict[str, Any]]:
        entries = reader.item.data.get("quizzes") or []
        have = list(course.quizzes.all()) if course else []
        lessons = [lesson.pk for lesson in course.lessons.all()] if course else []
        count = max(len(lessons), len(reader.item.data.get("lessons") or []))
        planned = []
        for index, entry in enumerate(entries):
            path, line = f"quizzes[{index}]", _line(entries, index, reader.item.line)
            wanted = reader.values(entry, QUIZ_FIELDS, path)
            current = have[index] if index < len(have) else None
            questions = self._plan_questions(reader, entry, current, path, fields)
            lesson = self._plan_quiz_lesson(reader, entry, path, count)
            if current is None:
                fields.append(f"+{path}")
                values = _model_values(wanted, QUIZ_FIELDS)
                planned.append(
                    {"pk": None, "values": values, "lesson": lesson, "questions": questions, "path": path, "line": line}
                )
                continue
            differ, changed = _diff(current, wanted, QUIZ_FIELDS, f"{path}.")
            have_lesson = lessons.index(current.lesson_id) + 1 if current.lesson_id in lessons else None
            if lesson is _LEFT_ALONE or lesson == have_lesson:
                lesson = _LEFT_ALONE
            else:
                differ.append(f"{path}.lesson")
            fields.extend(differ)
            if differ or questions:
                planned.append(
                    {
                        "pk": current.pk,
                        "values": changed,
                        "lesson": lesson,
                        "questions": questions,
                        "path": path,
                        "line": line,
                    }
                )
        return planned

    def _plan_quiz_lesson(self, reader: _Reader, entry: Any, path: str, count: int) -> Any:
        """The position (from 1) of the lesson the quiz belongs to, None for none, `_LEFT_ALONE` when not written."""
        if "lesson" not in entry:
            return _LEFT_ALONE
        position = entry["lesson"]
        if position is not None and position > count:
            message = _("The course has %(count)s lessons; give the position of one of them, from 1.")
            reader.problem(f"{path}.lesson", message % {"count": count}, _line(entry, "lesson", reader.item.line))
        return position

    def _plan_questions(
        self, reader: _Reader, quiz_entry: Any, quiz: Quiz | None, path: str, fields: list[str]
    ) -> list[dict[str, Any]]:
        entries = quiz_entry.get("questions") or []
        have = list(quiz.questions.all()) if quiz else []
        planned = []
        for index, entry in enumerate(entries):
            where, line = f"{path}.questions[{index}]", _line(entries, index, reader.item.line)
            try:
                wanted = _question(entry)
            except ValueError as error:
                reader.problem(where, str(error), line)
                continue
            current = have[index] if index < len(have) else None
            if current is None:
                if quiz is not None:
                    fields.append(f"+{where}")
                planned.append({"pk": None, "values": wanted, "path": where, "line": line})
                continue
            differ = [f"{where}.{name}" for name in QUESTION_FIELDS if getattr(current, name) != wanted[name]]
            if differ:
                fields.extend(differ)
                planned.append({"pk": current.pk, "values": wanted, "path": where, "line": line})
        return planned

    # --- apply ------------------------------------------------------------------------------------------

    def apply(self, change: Change, context: Context) -> None:
        actor = authoring.SYSTEM if context.acting_user is None else context.acting_user
        data = change.data
        teachers = list(User.objects.filter(pk__in=data["teachers"])) if data["teachers"] is not None else None
        provider = Organization.objects.get(slug=data["provider"]) if data["provider"] else None
        if change.action == "create":
            assert provider is not None
            course = authoring.course_create(
                slug=change.key, provider=provider, acting_user=actor, teachers=teachers or (), **data["course"]
            )
        else:
            course = Course.objects.select_related("provider").get(slug=change.key)
            values = dict(data["course"])
            if provider is not None:
                values["provider"] = provider
            if values or teachers is not None:
                course = authoring.course_update(course=course, acting_user=actor, teachers=teachers, **values)
        for group in data["groups"]:
            with self._at(change.item, group):
                chosen = list(User.objects.filter(pk__in=group["teachers"])) if group["teachers"] is not None else None
                if group["pk"] is None:
                    authoring.group_create(course=course, acting_user=actor, teachers=chosen or (), **group["values"])
                else:
                    authoring.group_update(
                        group=CourseGroup(pk=group["pk"]), acting_user=actor, teachers=chosen, **group["values"]
                    )
        for lesson in data["lessons"]:
            with self._at(change.item, lesson):
                if lesson["pk"] is None:
                    authoring.lesson_create(course=course, acting_user=actor, **lesson["values"])
                else:
                    found = Lesson.objects.select_related("course__provider").get(pk=lesson["pk"])
                    authoring.lesson_update(lesson=found, acting_user=actor, **lesson["values"])
        for entry in data["quizzes"]:
            with self._at(change.item, entry):
                values = dict(entry["values"])
                if entry["lesson"] is not _LEFT_ALONE:
                    values["lesson"] = _lesson_at(course, entry["lesson"])
                if entry["pk"] is None:
                    quiz = authoring.quiz_create(course=course, acting_user=actor, **values)
                else:
                    quiz = Quiz.objects.select_related("course__provider").get(pk=entry["pk"])
                    if values:
                        quiz = authoring.quiz_update(quiz=quiz, acting_user=actor, **values)
            for question in entry["questions"]:
                with self._at(change.item, question):
                    if question["pk"] is None:
                        authoring.question_create(quiz=quiz, acting_user=actor, **question["values"])
                    else:
                        found_question = QuizQuestion.objects.select_related("quiz__course__provider").get(
                            pk=question["pk"]
                        )
                        authoring.question_update(question=found_question, acting_user=actor, **question["values"])
        if data["completion"] is not None:
            with self._at(change.item, {"path": "completion", "line": change.item.line_of("completion")}):
                authoring.completion_rule_set(course=course, acting_user=actor, **data["completion"])

    def _at(self, item: Item, where: dict[str, Any]) -> _Where:
        return _Where(item, where["path"], where["line"])

    # --- dump -------------------------------------------------------------------------------------------

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        """The courses that the networks' member organizations provide (teachers left out, as roles are)."""
        courses = (
            Course.objects.filter(provider__network_memberships__network__slug__in=scope.networks)
            .distinct()
            .select_related("provider", "completion_rule")
            .prefetch_related(
                Prefetch("groups", queryset=CourseGroup.objects.order_by("starts_on", "id")),
                Prefetch("lessons", queryset=Lesson.objects.order_by("order", "id")),
                Prefetch(
                    "quizzes",
                    queryset=Quiz.objects.order_by("id").prefetch_related(
                        Prefetch("questions", queryset=QuizQuestion.objects.order_by("order", "id"))
                    ),
                ),
            )
            .order_by("slug")
        )
        return [self._item(course) for course in courses]

    def _item(self, course: Course) -> dict[str, Any]:
        item: dict[str, Any] = {
            "slug": course.slug,
            "provider": course.provider.slug,
            "format": course.format,
            **({"level": course.level} if course.level else {}),
            "language": course.language,
            **({"taught_in": course.instruction_language} if course.instruction_language else {}),
            **({"for_children": True} if course.for_children else {}),
            "title": course.title,
            "published": course.is_published,
        }
        for name in ("description", "syllabus"):
            if getattr(course, name):
                item[name] = getattr(course, name)
        rule = getattr(course, "completion_rule", None)
        if rule is not None:
            item["completion"] = {name: getattr(rule, name) for name in COMPLETION_DEFAULTS}
        groups = [self._group(group) for group in course.groups.all()]
        lessons = [_written(lesson, LESSON_FIELDS) for lesson in course.lessons.all()]
        positions = {lesson.pk: position for position, lesson in enumerate(course.lessons.all(), start=1)}
        quizzes = []
        for quiz in course.quizzes.all():
            entry = _written(quiz, QUIZ_FIELDS)
            if quiz.lesson_id in positions:
                entry["lesson"] = positions[quiz.lesson_id]
            questions = [{name: getattr(q, name) for name in QUESTION_FIELDS} for q in quiz.questions.all()]
            if questions:
                entry["questions"] = questions
            quizzes.append(entry)
        for name, values in (("groups", groups), ("lessons", lessons), ("quizzes", quizzes)):
            if values:
                item[name] = values
        return item

    def _group(self, group: CourseGroup) -> dict[str, Any]:
        entry = {"name": group.name, **_written(group, GROUP_FIELDS)}
        for name in ("starts_on", "ends_on"):
            if entry.get(name):
                entry[name] = entry[name].isoformat()
        if group.lessons_at is not None:
            entry["lessons_at"] = group.lessons_at.strftime("%H:%M")
        return entry


#: a quiz entry that does not write `lesson`: its lesson is left as it is
_LEFT_ALONE = object()


def _lesson_at(course: Course, position: int | None) -> Lesson | None:
    """The course's lesson at `position` (from 1), after the file's lessons were written; None for none."""
    if position is None:
        return None
    lessons = list(Lesson.objects.filter(course=course).order_by("order", "id")[position - 1 : position])
    if not lessons:
        raise DomainError(_("The course has no lesson at this position."), field="lesson")
    return lessons[0]


def _written(obj: Any, names: dict[str, str]) -> dict[str, Any]:
    """The fields of `obj` under the file's names, left out when empty (False and 0 are written)."""
    values = {name: getattr(obj, attribute) for name, attribute in names.items()}
    return {name: value for name, value in values.items() if value not in ("", None, {}, [])}


class _Where:
    """A service refusing a group, lesson, quiz or question becomes a problem at that entry's line and path."""

    def __init__(self, item: Item, path: str, line: int) -> None:
        self.item, self.path, self.line = item, path, line

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if isinstance(error, DomainError) and not isinstance(error, NetfileError):
            field = f"{self.path}.{error.field}" if error.field else self.path
            problem = Problem(self.item.file, self.line, f"{self.item.path}.{field}", str(error.message))
            raise NetfileError([problem]) from error
        return None


# --- generated enrollments (the demo's learners) -----------------------------------------------------------------


@dataclass
class GeneratedEnrollment:
    """An enrollment as a generator wants it: whose, in which group, when, with lessons done (lesson id → values)
    and quiz attempts; `finished` is when their last lesson or attempt was, the day a completion is dated."""

    person_id: int
    group: CourseGroup
    status: str
    moment: dt.datetime
    progress: dict[int, dict[str, Any]] = field(default_factory=dict)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    finished: dt.datetime | None = None


def enrollments_sync(
    wanted: list[GeneratedEnrollment], managed: set[int], groups: set[int]
) -> tuple[dict[int, GeneratedEnrollment], set[int]]:
    """Create, change or remove generated enrollments, attendance and attempts in bulk (`tamyr demo`'s learners:
    people's data, never in a file; past groups included, which the services refuse). Returns {enrollment id: wanted}
    and the ids of the enrollments whose records changed (their completion must be decided again).

    `managed` are the generated learners: their enrollments in the demo's groups are all the demo's, and those it
    no longer wants are removed with what hangs on them (progress, attempts, a certificate). Anyone else (the
    `compatriot` login) keeps the enrollments they made themselves."""
    by_key = {(w.person_id, w.group.pk): w for w in wanted}
    mine = Enrollment.objects.filter(person_id__in=managed | {p for p, _g in by_key}, group_id__in=groups)
    existing = {(e.person_id, e.group_id): e for e in mine}
    if stale := [e.pk for key, e in existing.items() if key not in by_key and e.person_id in managed]:
        # a generated learner's certificate is the demo's too: it goes with the enrollment that earned it
        models.Certificate.objects.filter(enrollment_id__in=stale).delete()
        Enrollment.objects.filter(pk__in=stale).delete()
    rows = {}
    for key, item in by_key.items():
        status, before = item.status, existing.get(key)
        waitlisted_at = item.moment if status == EnrollmentStatus.WAITLISTED else None
        row = {"status": status, "waitlisted_at": waitlisted_at, "created_at": item.moment, "enrolled_by_id": None}
        if before is not None and before.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED):
            if status == EnrollmentStatus.ACTIVE:
                row["status"] = before.status  # the rules decide whether it stays completed
            elif before.status == EnrollmentStatus.COMPLETED:
                row["completed_at"] = None
        rows[key] = row
    synced = bulk.sync_keyed(Enrollment, existing, rows, lambda k, r: Enrollment(person_id=k[0], group_id=k[1], **r))
    enrolled = [synced.rows[key] for key in by_key if key in synced.created]
    bulk.audit_rows("learning.enrolled", enrolled, lambda e: f"{e.person_id} — {e.group_id}", status=lambda e: e.status)
    by_enrollment = {synced.rows[key].pk: item for key, item in by_key.items()}
    touched = {synced.rows[key].pk for key in synced.created | synced.changed}
    progress = bulk.sync_keyed(
        LessonProgress,
        {(p.enrollment_id, p.lesson_id): p for p in LessonProgress.objects.filter(enrollment_id__in=by_enrollment)},
        {(pk, lesson): row for pk, item in by_enrollment.items() for lesson, row in item.progress.items()},
        lambda key, row: LessonProgress(enrollment_id=key[0], lesson_id=key[1], **row),
        remove_others=True,
    )
    taken = QuizAttempt.objects.filter(enrollment_id__in=by_enrollment).order_by("enrollment_id", "submitted_at", "id")
    attempts_now = {(pk, n): a for pk, rows in groupby(taken, lambda a: a.enrollment_id) for n, a in enumerate(rows)}
    attempts = bulk.sync_keyed(
        QuizAttempt,
        attempts_now,
        {(pk, n): row for pk, item in by_enrollment.items() for n, row in enumerate(item.attempts)},
        lambda key, row: QuizAttempt(enrollment_id=key[0], **row),
        remove_others=True,
    )
    touched |= {key[0] for key in progress.created | progress.changed | attempts.created | attempts.changed}
    return by_enrollment, touched


def certificates_issue_earned(enrollment_ids: Iterable[int]) -> int:
    """Issue, through the real issue path, the certificates these completed enrollments earned and do not have yet
    (the course's rule says whether completion earns one), dated when the group ended (at six in the evening, its
    time), or on completion if that came later: not the day the demo ran. Returns how many were issued."""
    from tamyr.learning.certificates import certificate_issue_for_enrollment

    earned = Enrollment.objects.filter(
        pk__in=list(enrollment_ids), status=EnrollmentStatus.COMPLETED, certificate__isnull=True
    ).filter(group__course__completion_rule__issues_certificate=True)
    pending = list(earned.select_related("group").order_by("completed_at", "pk"))
    for enrollment in pending:
        group, issued_at = enrollment.group, enrollment.completed_at
        if group.ends_on and issued_at:
            ended = dt.datetime.combine(group.ends_on, dt.time(18), zoneinfo.ZoneInfo(group.time_zone))
            issued_at = max(issued_at, ended)
        certificate_issue_for_enrollment(enrollment_id=enrollment.pk, issued_at=issued_at)
    return models.Certificate.objects.filter(enrollment__in=pending).count()
