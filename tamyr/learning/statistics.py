"""Learning statistics, computed by the database (`values().annotate(Count(..., distinct=True))`), never by looping
over enrollments in Python. A page of statistics costs the same dozen queries for ten learners or ten thousand.

The figures and what they count:

- participants: distinct people with at least one enrollment that was not withdrawn (a place on a waiting list
  counts: the person signed up and was not turned away by their own choice);
- countries: distinct countries of residence of those participants;
- enrollments: enrollments that were not withdrawn;
- completions: enrollments whose status is completed, i.e. the course's completion rule (or a teacher's audited
  override) says so — "completed 780 courses" counts these;
- certificates: certificates that were not revoked;
- people with a certificate: distinct people holding at least one certificate that was not revoked — "336
  participants received certificates" counts these.

A person counts once, however many courses they took; when the registry has merged a duplicate record into another
(`Person.merged_into`, if the registry has that field) the two records count as one person, living where the record
they were merged into says.

Filters: the providers (organizations) whose courses count, and the year in which the enrollment was made (a
certificate counts in the year of the enrollment it was earned in, so that the figures of one year agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.learning.models import Certificate, Course, CourseFormat, Enrollment, EnrollmentStatus
from tamyr.registry.models import Country, Organization, Person

UNKNOWN = "unknown"
FIGURES: tuple[str, ...] = (
    "participants",
    "countries",
    "enrollments",
    "completions",
    "certificates",
    "certified_people",
)


@dataclass
class Row:
    key: str
    label: str
    participants: int = 0
    countries: int = 0
    enrollments: int = 0
    completions: int = 0
    certificates: int = 0
    certified_people: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, **{name: getattr(self, name) for name in FIGURES}}


@dataclass
class Table:
    name: str
    title: str
    group_label: str
    rows: list[Row]
    show_countries: bool = True

    @property
    def largest(self) -> int:
        return max((row.participants for row in self.rows), default=0)


@dataclass
class LearningStatistics:
    participants: int = 0
    countries: int = 0
    enrollments: int = 0
    completions: int = 0
    certificates: int = 0
    certified_people: int = 0
    tables: list[Table] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)

    def totals(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIGURES}


# --- who counts ------------------------------------------------------------------------------------------------


@cache
def _has_merged_into() -> bool:
    return any(f.name == "merged_into" for f in Person._meta.get_fields())


def person_key(prefix: str = "") -> Combinable:
    """The person a row counts for: the record a duplicate was merged into, if any."""
    if _has_merged_into():
        return Coalesce(f"{prefix}person__merged_into", f"{prefix}person")
    return F(f"{prefix}person")


def country_key(prefix: str = "") -> Combinable:
    if _has_merged_into():
        return Coalesce(f"{prefix}person__merged_into__residence_country", f"{prefix}person__residence_country")
    return F(f"{prefix}person__residence_country")


def providers_in_scope(user: Any) -> QuerySet[Organization]:
    """The organizations providing courses whose statistics the user may see (`learning.view_statistics`)."""
    providers = Organization.objects.filter(pk__in=Course.objects.values("provider"))
    scope = permissions.people_scope(user)
    if scope is not None:
        providers = providers.filter(pk__in=scope)
    return providers.order_by("slug")


def years_in_scope(provider_ids: Iterable[int] | None) -> list[int]:
    """The years in which enrollments were made in these providers' courses, newest first."""
    enrollments = Enrollment.objects.all()
    if provider_ids is not None:
        enrollments = enrollments.filter(group__course__provider__in=list(provider_ids))
    return sorted({day.year for day in enrollments.dates("created_at", "year")}, reverse=True)


# --- the figures -----------------------------------------------------------------------------------------------


def _enrollment_counts() -> dict[str, Any]:
    return {
        "participants": Count(person_key(), distinct=True),
        "countries": Count(country_key(), distinct=True),
        "enrollments": Count("id"),
        "completions": Count("id", filter=Q(status=EnrollmentStatus.COMPLETED)),
    }


def _certificate_counts() -> dict[str, Any]:
    return {"certificates": Count("id"), "certified_people": Count(person_key(), distinct=True)}


def _merge(
    enrollment_rows: Iterable[dict[str, Any]], certificate_rows: Iterable[dict[str, Any]], key: str
) -> dict[Any, dict[str, int]]:
    """{group: figures} from the two grouped queries (a group may have certificates but no current enrollment)."""
    merged: dict[Any, dict[str, int]] = {}
    for row in enrollment_rows:
        merged.setdefault(row[key], {}).update({name: row[name] for name in FIGURES if name in row})
    for row in certificate_rows:
        merged.setdefault(row[key], {}).update({name: row[name] for name in FIGURES if name in row})
    return merged


def _grouped(
    enrollments: QuerySet[Enrollment], certificates: QuerySet[Certificate], enrollment_key: Any, certificate_key: Any
) -> dict[Any, dict[str, int]]:
    """One query per side: figures per group, the group being a field path or an expression."""
    return _merge(
        enrollments.annotate(group_key=enrollment_key).values("group_key").annotate(**_enrollment_counts()),
        certificates.annotate(group_key=certificate_key).values("group_key").annotate(**_certificate_counts()),
        "group_key",
    )


def _rows(grouped: dict[Any, dict[str, int]], labels: dict[Any, str]) -> list[Row]:
    rows = [
        Row(key=str(UNKNOWN if group is None else group), label=labels.get(group, _("Not given")), **figures)
        for group, figures in grouped.items()
    ]
    return sorted(rows, key=lambda row: (-row.participants, -row.enrollments, row.label))


def querysets(
    *, providers: Iterable[int] | None = None, year: int | None = None
) -> tuple[QuerySet[Enrollment], QuerySet[Certificate]]:
    """The enrollments and certificates that count; `providers` None means every provider."""
    enrollments = Enrollment.objects.exclude(status=EnrollmentStatus.WITHDRAWN)
    certificates = Certificate.objects.filter(revoked_at__isnull=True)
    if providers is not None:
        ids = list(providers)
        enrollments = enrollments.filter(group__course__provider__in=ids)
        certificates = certificates.filter(course__provider__in=ids)
    if year:
        enrollments = enrollments.filter(created_at__year=year)
        certificates = certificates.filter(enrollment__created_at__year=year)
    return enrollments, certificates


def learning_statistics(
    *, providers: Iterable[int] | None = None, year: int | None = None, tables: bool = True
) -> LearningStatistics:
    """The headline figures and (with `tables`) the tables by provider, format, course and country of residence.

    Two queries for the figures, then per table two (enrollments, certificates) and one for its labels (formats
    need none): thirteen in all, however many learners.
    """
    enrollments, certificates = querysets(providers=providers, year=year)
    result = LearningStatistics(
        **enrollments.aggregate(**_enrollment_counts()), **certificates.aggregate(**_certificate_counts())
    )
    if not tables:
        return result

    by_provider = _grouped(enrollments, certificates, F("group__course__provider"), F("course__provider"))
    by_course = _grouped(enrollments, certificates, F("group__course"), F("course"))
    by_format = _grouped(enrollments, certificates, F("group__course__format"), F("course__format"))
    by_country = _grouped(enrollments, certificates, country_key(), country_key())

    providers_by_id = Organization.objects.in_bulk([key for key in by_provider if key is not None])
    courses_by_id = Course.objects.in_bulk([key for key in by_course if key is not None])
    countries_by_code = Country.objects.in_bulk([key for key in by_country if key is not None])
    formats = dict(CourseFormat.choices)
    format_order = list(formats)

    format_rows = _rows(by_format, {key: str(label) for key, label in formats.items()})
    format_rows.sort(key=lambda row: format_order.index(row.key) if row.key in format_order else len(format_order))
    course_rows = _rows(by_course, {pk: course.display_title for pk, course in courses_by_id.items()})
    course_formats = {str(pk): course.format for pk, course in courses_by_id.items()}
    course_rows.sort(
        key=lambda row: (
            format_order.index(course_formats[row.key]) if row.key in course_formats else len(format_order),
            -row.participants,
            row.label,
        )
    )
    result.tables = [
        Table(
            "provider",
            _("By provider"),
            _("Provider"),
            _rows(by_provider, {pk: org.display_name for pk, org in providers_by_id.items()}),
        ),
        Table("format", _("By format"), _("Format"), format_rows),
        Table("course", _("By course"), _("Course"), course_rows),
        Table(
            "country",
            _("By country of residence"),
            _("Country"),
            _rows(by_country, {code: country.name for code, country in countries_by_code.items()}),
            show_countries=False,
        ),
    ]
    return result


# --- words and exports -----------------------------------------------------------------------------------------


def figure_labels() -> dict[str, str]:
    return {
        "participants": _("Participants"),
        "countries": _("Countries"),
        "enrollments": _("Enrollments"),
        "completions": _("Completions"),
        "certificates": _("Certificates"),
        "certified_people": _("People with a certificate"),
    }


def export_header(table: Table | None) -> list[str]:
    labels = figure_labels()
    names = [name for name in FIGURES if table is None or table.show_countries or name != "countries"]
    first = [_("Table"), _("Group")] if table is None else [table.group_label]
    return [*first, *(labels[name] for name in names)]


def export_rows(stats: LearningStatistics, table: Table | None) -> Iterator[list[Any]]:
    """One table's rows, or (table None) the totals and every table one under another."""
    if table is not None:
        for row in table.rows:
            yield [row.label, *(getattr(row, name) for name in FIGURES if table.show_countries or name != "countries")]
        return
    yield [_("Totals"), _("All courses"), *(getattr(stats, name) for name in FIGURES)]
    for each in stats.tables:
        for row in each.rows:
            yield [
                each.title,
                row.label,
                *(getattr(row, name) if each.show_countries or name != "countries" else "" for name in FIGURES),
            ]
