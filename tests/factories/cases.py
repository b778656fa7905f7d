"""Cases for tests: a family's case opened by staff of an organization, through the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tamyr.accounts.models import User
from tamyr.cases import services
from tamyr.cases.models import Case, SharingConsent
from tamyr.registry.models import Organization, Person
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant, with_totp


@dataclass
class CaseWorld:
    owner: Organization
    partner: Organization
    worker: User
    supervisor: User
    partner_staff: User
    outsider: User
    head: Person
    child: Person
    case: Case


def open_case(owner: Organization, worker: User, *, head: Person | None = None, **fields: Any) -> Case:
    head = head or PersonFactory(registered_by=owner)
    return services.case_open(
        owner=owner, head=head, acting_user=worker, worker=worker, origin_country=country("MN"), **fields
    )


def case_world() -> CaseWorld:
    owner = OrganizationFactory(slug="otandastar", kind="state_institution")
    partner = OrganizationFactory(slug="regional-centre")
    worker = UserFactory(username="worker")
    supervisor = UserFactory(username="supervisor")
    partner_staff = UserFactory(username="partner-staff")
    outsider = UserFactory(username="outsider")
    grant(worker, owner, "staff")
    grant(supervisor, owner, "admin")
    grant(partner_staff, partner, "staff")
    grant(outsider, OrganizationFactory(slug="elsewhere"), "staff")
    for user in (worker, supervisor, partner_staff, outsider):
        with_totp(user)
    head = PersonFactory(registered_by=owner, display_name="Serik Nurlanuly")
    child = PersonFactory(registered_by=owner, display_name="Aru Serikkyzy")
    case = services.case_open(
        owner=owner,
        head=head,
        members=[(child, "daughter")],
        acting_user=worker,
        worker=worker,
        origin_country=country("MN"),
    )
    return CaseWorld(owner, partner, worker, supervisor, partner_staff, outsider, head, child, case)


def consent_to(person: Person, organization: Organization) -> SharingConsent:
    return SharingConsent.objects.create(person=person, organization=organization, method="paper")


def approve_plan(world: CaseWorld) -> Case:
    case = world.case
    services.plan_set(case=case, version=case.version, plan="Documents, then housing.", acting_user=world.worker)
    approval = services.approval_request(case=case, version=case.version, kind="plan", acting_user=world.worker)
    services.approval_decide(approval=approval, version=case.version, approve=True, acting_user=world.supervisor)
    return case
