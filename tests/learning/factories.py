"""Factories for learning; shared by every learning test."""

from __future__ import annotations

import factory

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
from tests.factories import OrganizationFactory, PersonFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"kazakh-a1-{n}")
    title = factory.LazyAttribute(lambda c: {"en": f"Kazakh for beginners {c.slug}", "kk": "Бастауыштарға қазақ тілі"})
    language = "kk"
    level = "A1"
    format = "live_group"
    provider = factory.SubFactory(OrganizationFactory)
    is_published = True


class CompletionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompletionRule

    course = factory.SubFactory(CourseFactory)
    min_attendance_percent = 80
    requires_final_quiz = True


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseGroup

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    capacity = 2


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.LazyAttribute(lambda lesson: {"en": f"Lesson {lesson.order}"})
    is_live = True


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    course = factory.SubFactory(CourseFactory)
    title = factory.LazyFunction(lambda: {"en": "Final quiz"})
    pass_mark = 50
    is_final = True


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizQuestion

    quiz = factory.SubFactory(QuizFactory)
    text = factory.LazyFunction(lambda: {"en": "How do you say 'thank you' in Kazakh?"})
    choices = factory.LazyFunction(lambda: [{"en": "Рахмет"}, {"en": "Сәлем"}, {"en": "Сау бол"}])
    correct = factory.LazyFunction(lambda: [0])


# --- added for the pages and the API (tests/learning/test_pages.py, test_teacher.py, test_authoring.py, test_api.py)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """An enrollment row made directly (for bulk set-ups); tests of the rules enroll through the service."""

    class Meta:
        model = Enrollment

    person = factory.SubFactory(PersonFactory)
    group = factory.SubFactory(GroupFactory)
    status = EnrollmentStatus.ACTIVE


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonMaterial

    lesson = factory.SubFactory(LessonFactory)
    title = "Alphabet chart"
    url = "https://example.org/alphabet.pdf"
