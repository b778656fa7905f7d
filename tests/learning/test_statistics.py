"""Learning statistics, checked against a small set of records whose figures are counted by hand."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.learning import statistics
from tamyr.learning.models import Certificate, Course, Enrollment, EnrollmentStatus
from tamyr.registry.models import Organization, Person
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant, with_totp
from tests.learning.factories import CourseFactory, GroupFactory

pytestmark = pytest.mark.django_db

URL = "/courses/statistics/"
API = "/api/v1/learning/statistics/"


def person(code: str) -> Person:
    return PersonFactory(residence_country=country(code))


def enroll(person: Person, course: Course, status: str = EnrollmentStatus.ACTIVE, year: int = 2021) -> Enrollment:
    enrollment = Enrollment.objects.create(
        person=person, group=GroupFactory(course=course, capacity=None), status=status
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(created_at=datetime(year, 3, 1, tzinfo=UTC))
    return enrollment


def certify(enrollment: Enrollment, *, revoked: bool = False) -> Certificate:
    course = enrollment.group.course
    return Certificate.objects.create(
        enrollment=enrollment,
        person=enrollment.person,
        course=course,
        issuer=course.provider,
        holder_name=enrollment.person.display_name,
        issued_at=timezone.now(),
        revoked_at=timezone.now() if revoked else None,
        revocation_reason="Issued by mistake" if revoked else "",
    )


@dataclass
class World:
    a: Organization
    b: Organization
    live: Course
    video: Course
    other: Course


@pytest.fixture
def world() -> World:
    """Provider A: a live course and a video course; provider B: one course.

    - p1 (TR) completed both of A's courses and holds two certificates: one person with a certificate;
    - p2 (DE) is enrolled in A's live course;
    - p3 (TR) withdrew from A's live course: not a participant, the enrollment does not count;
    - p4 (KG) completed A's video course, but its certificate was revoked;
    - p5 (US) completed B's course and holds its certificate;
    - p6 (DE) waits for a seat in A's live course (in 2022): a participant, as the page says.
    """
    a = OrganizationFactory(slug="provider-a")
    b = OrganizationFactory(slug="provider-b")
    live = CourseFactory(provider=a, format="live_group", title={"en": "Kazakh A1"})
    video = CourseFactory(provider=a, format="self_paced", title={"en": "Video: the alphabet"})
    other = CourseFactory(provider=b, format="live_group", title={"en": "Kazakh B1"})
    p1, p2, p3, p4, p5, p6 = person("TR"), person("DE"), person("TR"), person("KG"), person("US"), person("DE")
    certify(enroll(p1, live, EnrollmentStatus.COMPLETED))
    certify(enroll(p1, video, EnrollmentStatus.COMPLETED))
    enroll(p2, live)
    enroll(p3, live, EnrollmentStatus.WITHDRAWN)
    certify(enroll(p4, video, EnrollmentStatus.COMPLETED), revoked=True)
    certify(enroll(p5, other, EnrollmentStatus.COMPLETED))
    enroll(p6, live, EnrollmentStatus.WAITLISTED, year=2022)
    return World(a, b, live, video, other)


def staff_of(organization: Organization, username: str = "learning-staff") -> User:
    user = UserFactory(username=username)
    grant(user, organization, "staff")
    with_totp(user)
    return user


def figures(stats: statistics.LearningStatistics) -> tuple[int, ...]:
    return (
        stats.participants,
        stats.countries,
        stats.enrollments,
        stats.completions,
        stats.certificates,
        stats.certified_people,
    )


def table(stats: statistics.LearningStatistics, name: str) -> dict[str, tuple[int, ...]]:
    found = stats.table(name)
    assert found is not None
    return {
        row.label: (row.participants, row.enrollments, row.completions, row.certificates, row.certified_people)
        for row in found.rows
    }


# --- the figures ---------------------------------------------------------------------------------------------


def test_overall_figures_count_what_the_records_say(world: World) -> None:
    # participants p1 p2 p4 p5 p6; countries TR DE KG US; enrollments 6 (not p3's); completions 4;
    # certificates 3 (not p4's revoked one); people with a certificate p1 and p5
    assert figures(statistics.learning_statistics()) == (5, 4, 6, 4, 3, 2)


def test_one_providers_figures_leave_the_others_out(world: World) -> None:
    assert figures(statistics.learning_statistics(providers=[world.a.pk])) == (4, 3, 5, 3, 2, 1)
    assert figures(statistics.learning_statistics(providers=[world.b.pk])) == (1, 1, 1, 1, 1, 1)


def test_a_person_with_two_certificates_counts_once_among_people_with_a_certificate(world: World) -> None:
    stats = statistics.learning_statistics(providers=[world.a.pk])
    assert (stats.certificates, stats.certified_people) == (2, 1)


def test_the_year_counts_enrollments_made_in_it(world: World) -> None:
    assert figures(statistics.learning_statistics(year=2022)) == (1, 1, 1, 0, 0, 0)
    assert figures(statistics.learning_statistics(year=2021)) == (4, 4, 5, 4, 3, 2)


def test_tables_by_course_format_and_country(world: World) -> None:
    stats = statistics.learning_statistics(providers=[world.a.pk])
    assert table(stats, "course") == {"Kazakh A1": (3, 3, 1, 1, 1), "Video: the alphabet": (2, 2, 2, 1, 1)}
    assert table(stats, "format") == {"Live online group": (3, 3, 1, 1, 1), "Self-paced video course": (2, 2, 2, 1, 1)}
    by_country = table(stats, "country")
    assert by_country == {
        country("TR").name: (1, 2, 2, 2, 1),
        country("DE").name: (2, 2, 0, 0, 0),
        country("KG").name: (1, 1, 1, 0, 0),
    }


def test_the_provider_table_splits_the_overall_figures(world: World) -> None:
    by_provider = {row.key: row for row in statistics.learning_statistics().tables[0].rows}
    assert (by_provider[str(world.a.pk)].participants, by_provider[str(world.b.pk)].participants) == (4, 1)


@pytest.mark.skipif(
    not any(f.name == "merged_into" for f in Person._meta.get_fields()), reason="the registry merges no duplicates yet"
)
def test_a_duplicate_merged_into_another_record_counts_as_that_person(world: World) -> None:
    p2 = Enrollment.objects.get(group__course=world.live, status=EnrollmentStatus.ACTIVE).person
    duplicate = person("FR")
    enroll(duplicate, world.video)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=p2)
    stats = statistics.learning_statistics(providers=[world.a.pk])
    assert (stats.participants, stats.countries, stats.enrollments) == (4, 3, 6)  # p2 again, living in Germany


def test_statistics_take_the_same_queries_for_more_learners(world: World, django_assert_max_num_queries: Any) -> None:
    for _index in range(5):
        enroll(person("FR"), world.live)
    with django_assert_max_num_queries(13):
        statistics.learning_statistics()


# --- the page ------------------------------------------------------------------------------------------------


def test_the_page_tells_the_figures_in_a_sentence(world: World, client: Client) -> None:
    client.force_login(staff_of(world.a))
    response = client.get(reverse("learning:statistics"))
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "<strong>4</strong> participants from <strong>3</strong> countries completed <strong>3</strong> courses" in text
    )
    assert "<strong>1</strong> received a certificate" in text
    assert "not withdrawn" in text  # what a participant is, said on the page


def test_staff_see_only_their_own_providers_figures(world: World, client: Client) -> None:
    client.force_login(staff_of(world.b))
    response = client.get(URL)
    assert response.context["stats"].participants == 1
    assert [row.key for row in response.context["stats"].tables[0].rows] == [str(world.b.pk)]


def test_asking_for_another_providers_figures_is_refused(world: World, client: Client) -> None:
    client.force_login(staff_of(world.b))
    assert client.get(URL, {"provider": world.a.slug}).status_code == 403
    assert client.get(URL, {"provider": world.b.slug}).status_code == 200


def test_a_teacher_or_a_compatriot_sees_no_statistics(world: World, client: Client) -> None:
    teacher = UserFactory(username="a-teacher")
    grant(teacher, world.a, "teacher")
    with_totp(teacher)
    client.force_login(teacher)
    assert client.get(URL).status_code == 403
    client.force_login(UserFactory(username="someone"))
    assert client.get(URL).status_code == 403


def test_the_platform_admin_sees_every_provider(world: World, client: Client, platform_admin: User) -> None:
    client.force_login(platform_admin)
    assert client.get(URL).context["stats"].participants == 5


def test_a_table_exports_as_csv_and_the_export_is_audited(world: World, client: Client) -> None:
    user = staff_of(world.a)
    client.force_login(user)
    response = client.get(URL, {"provider": world.a.slug, "export": "csv", "table": "country"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[0] == [
        "Country",
        "Participants",
        "Enrollments",
        "Completions",
        "Certificates",
        "People with a certificate",
    ]
    assert [country("DE").name, "2", "2", "0", "0", "0"] in rows
    entry = AuditEntry.objects.get(action="learning.statistics_exported")
    assert (entry.actor, entry.data["table"], entry.data["format"]) == (user, "country", "csv")


def test_a_table_exports_as_xlsx(world: World, client: Client) -> None:
    client.force_login(staff_of(world.a))
    response = client.get(URL, {"export": "xlsx", "table": "course"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Course", "Participants", "Countries")
    assert ("Kazakh A1", 3, 2, 3, 1, 1, 1) in rows


def test_the_whole_page_exports_with_its_totals(world: World, client: Client) -> None:
    client.force_login(staff_of(world.a))
    response = client.get(URL, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[1] == ["Totals", "All courses", "4", "3", "5", "3", "2", "1"]


# --- the API -------------------------------------------------------------------------------------------------


def test_the_api_gives_the_figures_and_tables(world: World, client: Client) -> None:
    client.force_login(staff_of(world.a))
    body = client.get(API, {"provider": world.a.slug}).json()
    assert (body["provider"], body["participants"], body["certified_people"]) == (world.a.slug, 4, 1)
    assert {row["label"] for row in body["by_course"]} == {"Kazakh A1", "Video: the alphabet"}


def test_the_api_refuses_another_providers_figures(world: World, client: Client) -> None:
    client.force_login(staff_of(world.b))
    assert client.get(API, {"provider": world.a.slug}).status_code == 403
    assert client.get(API).json()["participants"] == 1


def test_the_api_wants_a_signed_in_staff_member(world: World, client: Client) -> None:
    assert client.get(API).status_code in (401, 403)
    client.force_login(UserFactory(username="someone"))
    assert client.get(API).status_code == 403


def test_the_api_says_what_is_wrong_with_the_year(world: World, client: Client) -> None:
    client.force_login(staff_of(world.a))
    response = client.get(API, {"year": "last"})
    assert response.status_code == 400
    assert "year" in response.json()
