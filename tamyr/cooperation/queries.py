"""The named queries a computed indicator may use: each counts something the platform already knows, for one
indicator and one period, and lists what it counted (the drill-down).

A query is chosen by name (`Indicator.query`) with parameters (`Indicator.params`); nobody types its number. Every
query says which changes it depends on (`depends_on`: "events" or "courses") so that a new registration or a
completion recomputes only the indicators that count it (see docs/decisions/0017-indicator-recomputation.md).

Rules shared by the queries:
- *The events of an indicator* are its measure's linked events when the measure links any, else the events
  organized or co-organized by an organization of the plan's network (or by the plan's organization); a `kind`
  parameter keeps only events of that kind (e.g. "training"). An event counts in the period its start falls in.
- *From a member state*: a person whose residence or one of whose citizenships is the country of a member of the
  plan's network (role "member"); parameter `countries` (ISO codes) overrides the list. Plans of one organization
  have no member states: everyone counts unless `countries` is given.
- *Age on the event date*: people give their year of birth only, so a person's age is the age reached in the
  event's year; `max_age` 35 and `min_age` 14 by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tamyr.events.models import Event, EventKind, Registration, RegistrationStatus
from tamyr.learning.models import Enrollment, EnrollmentStatus
from tamyr.registry.models import MembershipRole, NetworkMembership, Person


@dataclass(frozen=True)
class Scope:
    """What one indicator's query counts over, for one period."""

    measure_id: int
    network_id: int | None
    organization_id: int | None
    starts_on: date
    ends_on: date
    params: dict[str, Any]

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.starts_on, time.min), timezone.get_default_timezone())

    @property
    def end(self) -> datetime:
        """Exclusive: the first moment after the period."""
        return timezone.make_aware(datetime.combine(self.ends_on, time.max), timezone.get_default_timezone())


@dataclass(frozen=True)
class Param:
    name: str
    kind: type
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    name: str
    label: str | Promise
    depends_on: str  # "events" or "courses": which changes recompute it
    items: Callable[[Scope], QuerySet[Any]]  # what it counts, for the drill-down
    count: Callable[[Scope], int]
    describe: Callable[[Any], tuple[str, str, str]]  # (name, country, detail) of one item in the drill-down
    params: tuple[Param, ...] = field(default_factory=tuple)


# --- shared pieces ------------------------------------------------------------------------------------------------


def network_organization_ids(scope: Scope) -> list[int]:
    if scope.network_id is None:
        return [scope.organization_id] if scope.organization_id else []
    return list(NetworkMembership.objects.filter(network_id=scope.network_id).values_list("organization_id", flat=True))


def member_countries(scope: Scope) -> list[str] | None:
    """ISO codes of the member states; None means no filter."""
    given = scope.params.get("countries")
    if given:
        return [str(code).upper() for code in given]
    if scope.network_id is None:
        return None
    return sorted(
        set(
            NetworkMembership.objects.filter(
                network_id=scope.network_id, role=MembershipRole.MEMBER, organization__country__isnull=False
            ).values_list("organization__country_id", flat=True)
        )
    )


def _from_states(prefix: str, countries: list[str] | None) -> Q:
    if countries is None:
        return Q()
    return Q(**{f"{prefix}residence_country_id__in": countries}) | Q(**{f"{prefix}citizenships__code__in": countries})


def events_of(scope: Scope) -> QuerySet[Event]:
    linked = Event.objects.filter(plan_measures__id=scope.measure_id)
    if linked.exists():
        events = linked
    else:
        orgs = network_organization_ids(scope)
        events = Event.objects.filter(Q(organizer_id__in=orgs) | Q(co_organizers__id__in=orgs))
    events = events.filter(starts_at__gte=scope.start, starts_at__lte=scope.end).exclude(status="cancelled")
    if scope.params.get("kind"):
        events = events.filter(kind=scope.params["kind"])
    return events


def _person_row(person: Person) -> tuple[str, str]:
    country = person.residence_country.name if person.residence_country else ""
    return person.display_name, country


# --- the queries ---------------------------------------------------------------------------------------------------


def _participants(scope: Scope) -> QuerySet[Person]:
    people = Person.objects.filter(
        registrations__event__in=events_of(scope), registrations__status=RegistrationStatus.CONFIRMED
    )
    countries = member_countries(scope)
    if countries is not None:
        people = people.filter(pk__in=Person.objects.filter(_from_states("", countries)).values("pk"))
    return people.distinct().select_related("residence_country").order_by("display_name", "pk")


def _young_registrations(scope: Scope) -> QuerySet[Registration]:
    max_age = int(scope.params.get("max_age", 35))
    min_age = int(scope.params.get("min_age", 14))
    return (
        Registration.objects.filter(
            event__in=events_of(scope),
            status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING),
            person__birth_year__isnull=False,
        )
        .annotate(age=ExtractYear("event__starts_at") - F("person__birth_year"))
        .filter(age__gte=min_age, age__lte=max_age)
    )


def _young(scope: Scope) -> QuerySet[Person]:
    people = Person.objects.filter(pk__in=_young_registrations(scope).values("person_id"))
    countries = member_countries(scope) if scope.params.get("member_states") else None
    if countries is not None:
        people = people.filter(pk__in=Person.objects.filter(_from_states("", countries)).values("pk"))
    return people.select_related("residence_country").order_by("display_name", "pk")


def _completions(scope: Scope) -> QuerySet[Enrollment]:
    courses = Q(group__course__plan_measures__id=scope.measure_id)
    from tamyr.learning.models import Course

    if not Course.objects.filter(plan_measures__id=scope.measure_id).exists():
        courses = Q(group__course__provider_id__in=network_organization_ids(scope))
    enrollments = Enrollment.objects.filter(
        courses,
        status=EnrollmentStatus.COMPLETED,
        completed_at__gte=scope.start,
        completed_at__lte=scope.end,
    )
    countries = member_countries(scope)
    if countries is not None:
        enrollments = enrollments.filter(person__in=Person.objects.filter(_from_states("", countries)).values("pk"))
    return enrollments.select_related("person__residence_country", "group__course").order_by(
        "person__display_name", "pk"
    )


def _describe_person(person: Person) -> tuple[str, str, str]:
    name, country = _person_row(person)
    return name, country, ""


def _describe_enrollment(enrollment: Enrollment) -> tuple[str, str, str]:
    name, country = _person_row(enrollment.person)
    return name, country, str(enrollment.group.course)


KIND_PARAM = Param("kind", str, tuple(EventKind.values))

QUERIES: dict[str, Query] = {
    query.name: query
    for query in (
        Query(
            name="unique_participants",
            label=_("Unique participants from the member states in the network's events"),
            depends_on="events",
            items=_participants,
            count=lambda scope: _participants(scope).count(),
            describe=_describe_person,
            params=(KIND_PARAM, Param("countries", list)),
        ),
        Query(
            name="young_registered",
            label=_("Young compatriots (by age on the event date) registered for the network's events"),
            depends_on="events",
            items=_young,
            count=lambda scope: _young(scope).count(),
            describe=_describe_person,
            params=(KIND_PARAM, Param("max_age", int), Param("min_age", int), Param("member_states", bool)),
        ),
        Query(
            name="courses_completed",
            label=_("Courses completed by people from the member states"),
            depends_on="courses",
            items=_completions,
            count=lambda scope: _completions(scope).count(),
            describe=_describe_enrollment,
            params=(Param("countries", list),),
        ),
    )
}


def check_params(query_name: str, params: Any) -> tuple[Query, dict[str, Any]]:
    """The query and its cleaned parameters; ValueError with a message people can act on otherwise."""
    query = QUERIES.get(query_name)
    if query is None:
        raise ValueError(
            _("Unknown query %(name)s. Use one of: %(known)s.") % {"name": query_name, "known": ", ".join(QUERIES)}
        )
    if params in (None, ""):
        params = {}
    if not isinstance(params, dict):
        raise ValueError(_("Give the query's parameters as an object."))
    known = {param.name: param for param in query.params}
    cleaned: dict[str, Any] = {}
    for key, value in params.items():
        param = known.get(key)
        if param is None:
            raise ValueError(
                _("The query %(name)s takes no parameter %(param)s; it takes: %(known)s.")
                % {"name": query_name, "param": key, "known": ", ".join(known) or "—"}
            )
        if param.kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(_("The parameter %(param)s must be a whole number.") % {"param": key})
        if param.kind is bool and not isinstance(value, bool):
            raise ValueError(_("The parameter %(param)s must be true or false.") % {"param": key})
        if param.kind is list and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValueError(_("The parameter %(param)s must be a list of country codes.") % {"param": key})
        if param.kind is str and (not isinstance(value, str) or (param.choices and value not in param.choices)):
            raise ValueError(
                _("The parameter %(param)s must be one of: %(choices)s.")
                % {"param": key, "choices": ", ".join(param.choices)}
            )
        cleaned[key] = value
    return query, cleaned
