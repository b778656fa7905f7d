"""Factories for plans, and `PlanWorld`: a small network shaped like the OTS one (three member institutions, an
observer, a coordinator) with a plan of one direction and one measure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from tamyr.accounts.models import User
from tamyr.cooperation.models import Direction, Indicator, IndicatorPeriod, Measure, Plan
from tamyr.registry.models import Network, Organization
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    UserFactory,
    coordinate,
    country,
    grant,
)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.LazyAttribute(lambda p: {"en": f"Joint Action Plan {p.slug}"})
    network = factory.SubFactory(NetworkFactory)
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.LazyAttribute(lambda d: {"en": f"Direction {d.code}"})


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    direction = factory.SubFactory(DirectionFactory)
    plan = factory.LazyAttribute(lambda m: m.direction.plan)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.LazyAttribute(lambda m: {"en": f"Measure {m.code}"})
    lead = factory.SubFactory(OrganizationFactory)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    measure = factory.SubFactory(MeasureFactory)
    title = factory.LazyAttribute(lambda i: {"en": "Indicator"})
    unit = "people"
    source = "reported"


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorPeriod

    indicator = factory.SubFactory(IndicatorFactory)
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    target = Decimal(100)


class PlanWorld:
    """Kazakhstan's, Azerbaijan's and Türkiye's institutions are members, Hungary's an observer; `coordinator`
    coordinates the network; `admin_kz` administers the Kazakh institution, `staff_kz` is its staff."""

    def __init__(self) -> None:
        self.network: Network = NetworkFactory(slug="ots-test")
        self.kz: Organization = OrganizationFactory(slug="otandastar-test", country=country("KZ"))
        self.az: Organization = OrganizationFactory(slug="diaspora-az-test", country=country("AZ"))
        self.tr: Organization = OrganizationFactory(slug="yturkiye-test", country=country("TR"))
        self.hu: Organization = OrganizationFactory(slug="hungary-test", country=country("HU"))
        self.members = [self.kz, self.az, self.tr]
        for org in self.members:
            NetworkMembershipFactory(network=self.network, organization=org, role="member")
        NetworkMembershipFactory(network=self.network, organization=self.hu, role="observer")
        self.coordinator: User = UserFactory(username="coordinator")
        coordinate(self.coordinator, self.network)
        self.admins: dict[str, User] = {}
        for org in [*self.members, self.hu]:
            self.admins[org.slug] = UserFactory(username=f"admin-{org.slug}")
            grant(self.admins[org.slug], org, "admin")
        self.admin_kz = self.admins[self.kz.slug]
        self.staff_kz: User = UserFactory(username="staff-kz")
        grant(self.staff_kz, self.kz, "staff")
        self.plan: Plan = PlanFactory(slug="jap-2026", network=self.network)
        self.direction: Direction = DirectionFactory(plan=self.plan, code="2", title={"en": "Youth initiatives"})
        self.measure: Measure = MeasureFactory(direction=self.direction, plan=self.plan, code="2.1", lead=self.kz)
