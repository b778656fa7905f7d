"""The learners of Otandastar's online Kazakh courses for `tamyr demo`: seed 003 reproduced through the real rules.

The courses are data: the network file `tamyr/demo/courses.yaml`, loaded as `tamyr load` loads one. What stays here
is what is generated. The seed says that about 1,400 people in 12 countries completed 780 courses in 2021 and 336
received certificates: 1,450 learners each enroll in one to three courses that suit their level, age and the
language they learn through (read back from the loaded courses: level, `taught_in`, `for_children`); teachers mark
attendance at the groups' lesson times, learners mark video lessons done and submit quizzes, scored as `quiz_submit`
scores them. Then the rules decide (`services.completion_evaluate_many`, dating a completion to the learner's last
lesson or quiz) and certificates are issued through `certificate_issue_for_enrollment`. The probabilities (in the
data file `tamyr/demo/learners.yaml`) were tuned so that the figures come out near the seed's; with the default
seed (2026): 1,402 participants from 12 countries, 782 completions, 364 certificates held by 332 people.

Deterministic and idempotent: learner N and their courses come from `random.Random` seeded with the demo seed and
N, and every table is brought to the wanted rows by a key (`tamyr.core.bulk`), so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from django.conf import settings

from tamyr.core.netfiles import shipped
from tamyr.learning import models, services, statistics
from tamyr.learning.models import CourseFormat, EnrollmentStatus
from tamyr.learning.netfile import GeneratedEnrollment, certificates_issue_earned, enrollments_sync
from tamyr.registry.demo import people as registry_people
from tamyr.registry.demo.people import draw
from tamyr.registry.models import ConsentMethod, ConsentPurpose, Organization, Person

PROVIDER = "otandastar"
LEARNERS = 1450  # how many learners `tamyr demo` makes; TAMYR_DEMO_LEARNERS (a setting) overrides it
COMPATRIOT_EMAIL = "demo.person.0001@example.org"  # the `compatriot` login's record (registry demo)
LEVELS = ("A1", "A2", "B1", "B2", "C1")
#: Otandastar's courses, groups, lessons, quizzes and rules: a network file, loaded as `tamyr load` loads one.
COURSES_FILE = shipped.DEMO_DIR / "courses.yaml"

#: The generator's tables (countries, levels, popularity, enrollment windows, outcomes): a data file.
DATA: dict[str, Any] = shipped.demo_data("learners.yaml")

# --- who the learners are -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Learner(registry_people.GeneratedPerson):
    """A generated person who learns Kazakh: their record is written as the registry demo writes its compatriots."""

    medium: str = ""  # the language they learn through
    level: int = 0  # index into LEVELS: the level of Kazakh they learn at
    public_name: bool = False  # consented to their name on certificates

    @property
    def email(self) -> str:
        return f"demo.learner.{self.number:04d}@example.org"

    @property
    def child(self) -> bool:
        return self.birth_year >= 2007  # 14 or younger in 2021


def learner(number: int, seed: int) -> Learner:
    """Learner `number`: the same for the same seed, however many learners the demo makes."""
    rng = random.Random(f"tamyr-demo-learning:{seed}:{number}")
    residence = draw(rng, DATA["residence_weights"])
    gender, given, surname = registry_people.pick_name(rng)
    display = registry_people.display_form(residence, rng)
    # besides the display name, one spelling in the other script and maybe one more
    variants = registry_people.spellings(given, surname, display, rng, more=(1, 2), reverse=False)
    medium = draw(rng, DATA["medium_weights"][residence])
    home = registry_people.RESIDENCES[residence]
    heartland = "heartland" if home["kazakh_heartland"] else "elsewhere"
    levels = DATA["level_weights"]["speaks_kazakh" if medium == "kk" else heartland]
    level = rng.choices(levels["levels"], levels["weights"])[0]
    birth_year = int(rng.triangular(1952, 2015, 1997))
    city = rng.choice(home["cities"])
    level = min(level, 1) if birth_year >= 2007 else level
    public_name = rng.random() < 0.6
    record = (number, variants[0][0], tuple(variants), gender, birth_year, residence, city, PROVIDER)
    return Learner(*record, medium=medium, level=level, public_name=public_name)


# --- the courses, as loaded ------------------------------------------------------------------------------------


@dataclass(eq=False)
class DemoCourse:
    """A course of the file as the generator reads it back from the database: groups by start, lessons in order."""

    slug: str
    format: str
    course: models.Course
    groups: list[models.CourseGroup]
    lessons: list[models.Lesson]
    quiz: models.Quiz | None
    questions: list[models.QuizQuestion]


def load_courses() -> list[DemoCourse]:
    """Load the courses file through the network-file loader, acting as the system as `tamyr load` does (a second
    run plans nothing and writes nothing), then read the courses back in the file's order (their groups by start,
    lessons and questions in order: the models' orderings)."""
    slugs = list(shipped.declared(COURSES_FILE.name).get("courses", {}))
    courses = models.Course.objects.prefetch_related("groups__teachers", "lessons", "quizzes__questions")
    result = []
    for course in sorted(courses.filter(slug__in=slugs), key=lambda c: slugs.index(c.slug)):
        quiz = next((quiz for quiz in course.quizzes.all() if quiz.is_final), None)
        questions = list(quiz.questions.all()) if quiz else []
        groups, lessons = list(course.groups.all()), list(course.lessons.all())
        result.append(DemoCourse(course.slug, course.format, course, groups, lessons, quiz, questions))
    return result


# --- what each learner does -------------------------------------------------------------------------------------


class Attempt(NamedTuple):
    answers: tuple[tuple[int, ...], ...]  # chosen choices, per question in the quiz's order
    days_after: int  # after the last lesson


class Outcome(NamedTuple):
    """What a learner did in a course, before anyone applies a rule."""

    withdrawn: bool
    present: tuple[bool, ...]  # live lessons marked, in order (fewer than the lessons if they withdrew)
    done_days: tuple[int, ...]  # video lessons done, in order: days after enrolling
    attempts: tuple[Attempt, ...]


def _answers(rng: random.Random, course: DemoCourse, skill: float) -> tuple[tuple[int, ...], ...]:
    result = []
    for question in course.questions:
        if rng.random() < skill:
            result.append(tuple(question.correct))
        elif question.kind == models.QuestionKind.MULTIPLE:
            wrong = set(question.correct) ^ {rng.randrange(len(question.choices))}
            result.append(tuple(sorted(wrong or {0})))
        else:
            result.append((rng.choice([i for i in range(len(question.choices)) if i not in question.correct]),))
    return tuple(result)


def _quiz(rng: random.Random, course: DemoCourse, skill: float) -> tuple[Attempt, ...]:
    if course.quiz is None or rng.random() >= DATA["quiz_taken"]:
        return ()
    first = Attempt(_answers(rng, course, skill), rng.randint(1, 4))
    if (
        services.quiz_score([q.correct for q in course.questions], first.answers) >= course.quiz.pass_mark
        or rng.random() >= DATA["retake"]
    ):
        return (first,)
    return first, Attempt(_answers(rng, course, min(1.0, skill + 0.15)), first.days_after + rng.randint(2, 6))


def outcome(seed: int, number: int, course: DemoCourse) -> Outcome:
    """What learner `number` does in `course`: the same whatever group they end up in."""
    rng = random.Random(f"tamyr-demo-learning:{seed}:{number}:{course.slug}")
    lessons = len(course.lessons)
    withdrawn = rng.random() < DATA["withdraw"][course.format]
    skill = rng.uniform(0.4, 1.0)
    if course.format == CourseFormat.SELF_PACED:
        done = lessons if rng.random() < DATA["video_finish"] else int(lessons * rng.random() ** 1.4)
        done = min(done, lessons - 1) if withdrawn else done
        days, day = [], 0
        for _index in range(done):
            day += rng.randint(0, 9)
            days.append(day)
        watched = _quiz(rng, course, skill) if done == lessons and not withdrawn else ()
        return Outcome(withdrawn, (), tuple(days), watched)
    profiles = DATA["attendance"][course.format]
    profile = rng.choices(range(3), [share for share, _low, _high in profiles])[0]
    chance = rng.uniform(*profiles[profile][1:])
    stop = rng.randint(2, lessons - 2) if profile == 2 else lessons
    held = rng.randint(0, 3) if withdrawn else lessons
    present = tuple(index < stop and rng.random() < chance for index in range(held))
    attempts: tuple[Attempt, ...] = ()
    if not withdrawn and sum(present) * 2 >= lessons:
        attempts = _quiz(rng, course, skill if profile == 0 else skill * 0.85)
    return Outcome(withdrawn, present, (), attempts)


class Plan(NamedTuple):
    """A learner's enrollment in a course: the groups they would take, in order, and when they signed up."""

    person_key: str  # the e-mail of the person's record
    number: int  # learner number (0: a hand-written record)
    course: DemoCourse
    groups: tuple[str, ...]
    moment: dt.datetime
    outcome: Outcome


def _suits(course: DemoCourse, who: Learner) -> float:
    """How likely `who` picks `course` among those of its format."""
    children, level = course.course.for_children, LEVELS.index(course.course.level)
    if course.format == CourseFormat.TALK_CLUB:
        if who.child:
            return 0.0
        band = LEVELS[level : level + 2]  # a talk club suits its level and the next
        return 1.0 if LEVELS[who.level] in band else (0.1 if who.level else 0.0)
    distance = level - who.level
    if course.format == CourseFormat.SELF_PACED:
        weight = {0: 1.0, 1: 0.5, -1: 0.5, -2: 0.2}.get(distance, 0.05)
        return weight * ((4.0 if who.child else 0.1) if children else 1.0)
    if children != who.child:
        return 0.0 if children else 0.05
    medium = course.course.instruction_language
    if medium == who.medium:
        weight = 1.0
    elif medium == "kk":
        weight = 0.8 if who.level >= 2 else 0.0
    else:
        weight = 0.03
    popularity = DATA["popularity"].get(course.slug.removeprefix(f"{PROVIDER}-kazakh-").rsplit("-", 1)[0], 1.0)
    return weight * {0: 1.0, 1: 0.35, -1: 0.2}.get(distance, 0.02) * popularity


def plans_for(who: Learner, seed: int, courses: Sequence[DemoCourse]) -> list[Plan]:
    rng = random.Random(f"tamyr-demo-learning:{seed}:{who.number}:plan")
    taken: list[DemoCourse] = []
    per_learner, formats = DATA["courses_per_learner"], DATA["format_weights"]
    for _slot in range(rng.choices(per_learner["counts"], per_learner["weights"])[0]):
        kind = draw(rng, formats)
        candidates = [c for c in courses if c.format == kind and c not in taken]
        weights = [_suits(c, who) for c in candidates]
        if sum(weights) <= 0:  # nothing of that format suits them (a child, a beginner in a talk club): a video
            candidates = [c for c in courses if c.format == CourseFormat.SELF_PACED and c not in taken]
            weights = [_suits(c, who) for c in candidates]
        taken.append(rng.choices(candidates, weights)[0])
    plans = []
    for course in taken:
        names = [group.name for group in course.groups if group.name in DATA["windows"]]
        if len(names) > 1 and rng.random() < (0.45 if course.format == CourseFormat.LIVE_GROUP else 0.5):
            names.reverse()
        start, days = DATA["windows"][names[0]]
        at_eight = dt.datetime(start.year, start.month, start.day, 8, tzinfo=dt.UTC)
        moment = at_eight + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        plans.append(Plan(who.email, who.number, course, tuple(names), moment, outcome(seed, who.number, course)))
    return plans


def compatriot_plans(courses: Mapping[str, DemoCourse]) -> list[Plan]:
    """What the `compatriot` login did in the courses: written in the data file, so her pages have something to
    show (a certificate, a video course half watched)."""
    plans = []
    for spec in DATA["compatriot"]:
        course = courses[spec["course"]]
        moment = dt.datetime.fromisoformat(spec["enrolled"]).replace(tzinfo=dt.UTC)
        present = tuple(index not in spec.get("absent", []) for index in range(len(course.lessons)))
        answers = tuple(tuple(question.correct) for question in course.questions)
        attempts = (Attempt(answers, spec["quiz_after"]),) if "quiz_after" in spec else ()
        if course.format == CourseFormat.SELF_PACED:
            done = Outcome(False, (), tuple(spec["done_days"]), attempts)
        else:
            done = Outcome(False, present, (), attempts)
        plans.append(Plan(COMPATRIOT_EMAIL, 0, course, (spec["group"],), moment, done))
    return plans


# --- enrollments, attendance, quizzes -------------------------------------------------------------------------


def _assign_groups(plans: Sequence[Plan]) -> dict[tuple[str, str], tuple[str, str]]:
    """First come, first served: {(person, course): (group name, status)}. Someone who withdrew leaves their seat to
    the next in line (as `enrollment_withdraw` promotes the first waiting), so only those who stay fill seats; when
    every group they would take is full, they wait on the first."""
    seats: Counter[tuple[str, str]] = Counter()
    result: dict[tuple[str, str], tuple[str, str]] = {}
    for plan in sorted(plans, key=lambda p: (p.moment, p.number, p.course.slug)):
        key, capacities = (plan.person_key, plan.course.slug), {g.name: g.capacity for g in plan.course.groups}
        unseated = EnrollmentStatus.WITHDRAWN if plan.outcome.withdrawn else EnrollmentStatus.WAITLISTED
        result[key] = (plan.groups[0], unseated)
        for name in () if plan.outcome.withdrawn else plan.groups:
            if capacities[name] is None or seats[plan.course.slug, name] < capacities[name]:  # type: ignore[operator]
                seats[plan.course.slug, name] += 1
                result[key] = (name, EnrollmentStatus.ACTIVE)
                break
    return result


def _wanted(plans: Sequence[Plan], people: Mapping[str, Person]) -> list[GeneratedEnrollment]:
    """Each enrollment as the demo wants it, with its attendance, lessons done and quiz attempts, dated by the group's
    timetable (marked by the group's teacher)."""
    assignment, result = _assign_groups(plans), []
    for plan in plans:
        if (person := people.get(plan.person_key)) is None:
            continue
        name, status = assignment[plan.person_key, plan.course.slug]
        course, done = plan.course, plan.outcome
        item = GeneratedEnrollment(person.pk, next(g for g in course.groups if g.name == name), status, plan.moment)
        result.append(item)
        if status == EnrollmentStatus.WAITLISTED:
            continue
        last = plan.moment
        if course.format == CourseFormat.SELF_PACED:
            for lesson, days in zip(course.lessons, done.done_days, strict=False):
                last = plan.moment + dt.timedelta(days=days, minutes=37)
                item.progress[lesson.pk] = {"attended": None, "done_at": last, "marked_by_id": None}
        else:
            group, teacher = item.group, min((t.pk for t in item.group.teachers.all()), default=None)
            start = dt.datetime.combine(group.starts_on, group.lessons_at, zoneinfo.ZoneInfo(group.time_zone))  # type: ignore[arg-type]
            for index, (lesson, present) in enumerate(zip(course.lessons, done.present, strict=False)):
                item.progress[lesson.pk] = {"attended": present, "done_at": None, "marked_by_id": teacher}
                # two lessons a week, the second two days after the first; an hour long
                held = start + dt.timedelta(days=7 * (index // 2) + 2 * (index % 2), hours=1)
                last = max(last, held.astimezone(dt.UTC))
        if course.quiz is not None:
            for attempt in done.attempts:
                answers = {str(q.pk): list(chosen) for q, chosen in zip(course.questions, attempt.answers, strict=True)}
                percent = services.quiz_score([q.correct for q in course.questions], attempt.answers)
                values = {"quiz_id": course.quiz.pk, "answers": answers, "score_percent": percent}
                moment = last + dt.timedelta(days=attempt.days_after, hours=2)
                item.attempts.append({**values, "passed": percent >= course.quiz.pass_mark, "submitted_at": moment})
            last = max([last, *(a["submitted_at"] for a in item.attempts)])
        item.finished = last
    return result


def build(*, seed: int, learners: int | None = None) -> dict[str, int]:
    """Load or bring up to date Otandastar's courses (the file), the learners and what they did; let the rules
    decide who completed and issue the certificates earned. Returns the counts `tamyr demo` prints."""
    count = learners if learners is not None else getattr(settings, "TAMYR_DEMO_LEARNERS", LEARNERS)
    provider = Organization.objects.filter(slug=PROVIDER).first()
    if provider is None:
        raise LookupError(
            f"The registry demo has not loaded the organization {PROVIDER!r}; run the whole `tamyr demo`."
        )
    courses = load_courses()
    specs = [learner(number, seed) for number in range(1, count + 1)]
    plans = [plan for spec in specs for plan in plans_for(spec, seed, courses)]
    first = {plan.number: plan.moment for plan in sorted(plans, key=lambda plan: plan.moment, reverse=True)}
    # an hour before their first enrollment, the sign-up form asked for the consents: to the record, and (when they
    # chose it) to show their name on certificates
    start = dt.datetime(2021, 1, 25, 8, tzinfo=dt.UTC)
    purposes = (ConsentPurpose.REGISTRY.value, ConsentPurpose.PUBLIC_PROFILE.value)
    for index, spec in enumerate(specs):
        given = (ConsentMethod.WEB_FORM.value, first.get(spec.number, start) - dt.timedelta(hours=1))
        specs[index] = replace(spec, consents=tuple((purpose, *given) for purpose in purposes[: 1 + spec.public_name]))
    people = dict(registry_people.sync_people(specs, {PROVIDER: provider}, DATA["consent_note"]).rows)
    learner_ids = {person.pk for person in people.values()}
    compatriot = Person.objects.filter(email=COMPATRIOT_EMAIL, erased_at__isnull=True).order_by("id").first()
    if compatriot is not None:
        people[COMPATRIOT_EMAIL] = compatriot
        plans += compatriot_plans({course.slug: course for course in courses})
    group_ids = {group.pk for course in courses for group in course.groups}
    by_enrollment, touched = enrollments_sync(_wanted(plans, people), learner_ids, group_ids)
    # the rules decide wherever the records changed: on the first run, everywhere; on a second, nowhere (a course
    # changed in the file was decided again by the authoring services as it loaded)
    finished = {pk: item.finished for pk, item in by_enrollment.items() if item.finished}
    services.completion_evaluate_many(enrollment_ids=touched, completed_at=finished)
    certificates_issue_earned(by_enrollment)
    stats = statistics.learning_statistics(providers=[provider.pk], tables=False)
    figures = (stats.participants, stats.countries, stats.enrollments, stats.completions, stats.certificates)
    names = ("learners", "participants", "countries", "enrollments", "completions", "certificates")
    return {
        **{"courses": len(courses), "groups": len(group_ids), "lessons": sum(len(c.lessons) for c in courses)},
        **dict(zip(names, (len(specs), *figures), strict=True)),
        "people with certificates": stats.certified_people,
    }
