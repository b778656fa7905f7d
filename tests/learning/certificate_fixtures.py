"""Building blocks for the certificate tests: completed enrollments and issued certificates."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tamyr.learning import certificates
from tamyr.learning.models import Certificate, Course, Enrollment, EnrollmentStatus
from tamyr.registry.models import Organization
from tests.factories import ConsentFactory, OrganizationFactory, PersonFactory, UserFactory
from tests.learning.factories import CompletionRuleFactory, CourseFactory, GroupFactory

KAZAKH_NAME = "Әйгерім Сүлейменова"
KAZAKH_TITLE = "Бастауыштарға қазақ тілі: ә ғ қ ң ө ұ ү һ і"
TURKIC_LETTERS = "ş ğ ı ç ö ü ə"


def issuing_course(provider: Organization | None = None, **course: Any) -> Course:
    """A Kazakh course whose completion rule issues certificates."""
    provider = provider or OrganizationFactory(name={"en": "Otandastar Foundation", "kk": "Otandastar қоры"})
    defaults: dict[str, Any] = {
        "title": {"en": "Kazakh for beginners", "kk": KAZAKH_TITLE},
        "language": "kk",
        "level": "A1",
        "provider": provider,
    }
    defaults.update(course)
    rule = CompletionRuleFactory(course=CourseFactory(**defaults), min_attendance_percent=80)
    return rule.course


def completed_enrollment(
    course: Course | None = None, *, name: str = KAZAKH_NAME, consent: bool = True, user: Any = None
) -> Enrollment:
    """An enrollment already completed (made directly: these tests are about what follows completion)."""
    course = course or issuing_course()
    group = course.groups.first() or GroupFactory(course=course, capacity=None)
    person = PersonFactory(display_name=name, user=user)
    if consent:
        ConsentFactory(person=person, purpose="public_profile")
    return Enrollment.objects.create(
        person=person, group=group, status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )


def issued_certificate(course: Course | None = None, **kwargs: Any) -> Certificate:
    return certificates.certificate_issue(enrollment=completed_enrollment(course, **kwargs), acting_user=None)


def holder_user(username: str = "holder") -> Any:
    return UserFactory(username=username)
