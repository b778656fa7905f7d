"""The demo's courses ship as a network file (`tamyr/demo/courses.yaml`): it must stay a valid file of the
published schema, and loading it again must change nothing, as `tamyr demo` promises."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.learning import demo
from tamyr.learning.models import Course, CourseFormat
from tamyr.registry.demo import network
from tests.factories import UserFactory

TEACHER = "teacher"  # the demo login of tamyr.registry.demo.users, named as teacher in the courses file

pytestmark = pytest.mark.django_db


def source() -> list[tuple[str, str]]:
    return [(demo.COURSES_FILE.name, demo.COURSES_FILE.read_text(encoding="utf-8"))]


def test_the_shipped_courses_file_validates_against_the_schema() -> None:
    jsonschema.validate(yaml.safe_load(demo.COURSES_FILE.read_text(encoding="utf-8")), netfiles.schema())
    items = netfiles.read(source())  # the loader's own reading: schema, duplicate keys, lines
    formats = [item.data["format"] for item in items["courses"]]
    assert (formats.count(CourseFormat.LIVE_GROUP), formats.count(CourseFormat.SELF_PACED)) == (31, 30)


def test_the_courses_file_loads_and_a_second_load_changes_nothing() -> None:
    network.load_network()
    UserFactory(username=TEACHER)
    courses = demo.load_courses()
    assert len(courses) == Course.objects.count() == 63
    rows = AuditEntry.objects.count()
    plan = netfiles.load(source())
    assert (plan.counts["create"], plan.counts["change"]) == (0, 0)
    assert AuditEntry.objects.count() == rows
