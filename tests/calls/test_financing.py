"""Financing: tranches within the award, disbursement, reports, award statuses, and the fund's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tamyr.calls import financing
from tamyr.calls.models import AwardStatus, ReportStatus, Tranche, TrancheStatus
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.models import AuditEntry
from tests.calls.committee_factories import CallFactory, QuotaGroupFactory, funded
from tests.calls.factories import PDF
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant

pytestmark = pytest.mark.django_db


def fund(**kwargs: Any) -> Any:
    return CallFactory(kind="financing", currency="USD", budget=Decimal("100000"), **kwargs)


def manager_of(call: Any) -> Any:
    user = UserFactory()
    grant(user, call.organization, "staff")
    return user


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")


def test_tranches_are_scheduled_up_to_the_award() -> None:
    call = fund()
    award = funded(call, "1000")
    manager = manager_of(call)
    financing.tranche_add(award=award, amount=Decimal("600"), due_on=date(2027, 1, 1), acting_user=manager)
    financing.tranche_add(award=award, amount=Decimal("400"), due_on=date(2027, 6, 1), acting_user=manager)
    assert sum(t.amount for t in Tranche.objects.filter(award=award)) == Decimal("1000")


def test_a_tranche_past_the_award_is_refused_and_nothing_is_written() -> None:
    call = fund()
    award = funded(call, "1000")
    manager = manager_of(call)
    financing.tranche_add(award=award, amount=Decimal("600"), due_on=date(2027, 1, 1), acting_user=manager)
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        financing.tranche_add(award=award, amount=Decimal("400.01"), due_on=date(2027, 6, 1), acting_user=manager)
    assert refused.value.code == "over_award"
    assert "400.00" in str(refused.value.message)  # says how much can still be scheduled
    assert Tranche.objects.filter(award=award).count() == 1
    assert AuditEntry.objects.count() == audits


def test_only_the_calls_managers_schedule_tranches() -> None:
    call = fund()
    award = funded(call, "1000")
    with pytest.raises(NotAllowed):
        financing.tranche_add(award=award, amount=Decimal("10"), due_on=date(2027, 1, 1), acting_user=UserFactory())
    assert not Tranche.objects.exists()


def test_disbursing_records_the_moment_and_who() -> None:
    call = fund()
    award = funded(call, "1000")
    manager = manager_of(call)
    tranche = financing.tranche_add(award=award, amount=Decimal("500"), due_on=date(2027, 1, 1), acting_user=manager)
    paid = financing.tranche_disburse(tranche=tranche, acting_user=manager)
    assert paid.status == TrancheStatus.DISBURSED and paid.disbursed_by == manager and paid.disbursed_at
    assert AuditEntry.objects.filter(action="calls.tranche_disbursed").count() == 1


def test_a_tranche_is_disbursed_once() -> None:
    call = fund()
    award = funded(call, "1000")
    manager = manager_of(call)
    tranche = financing.tranche_add(award=award, amount=Decimal("500"), due_on=date(2027, 1, 1), acting_user=manager)
    financing.tranche_disburse(tranche=tranche, acting_user=manager)
    with pytest.raises(DomainError) as refused:
        financing.tranche_disburse(tranche=tranche, acting_user=manager)
    assert refused.value.code == "already_disbursed"


def test_a_suspended_award_pays_nothing() -> None:
    call = fund()
    award = funded(call, "1000")
    manager = manager_of(call)
    tranche = financing.tranche_add(award=award, amount=Decimal("500"), due_on=date(2027, 1, 1), acting_user=manager)
    financing.award_status_set(award=award, status=AwardStatus.SUSPENDED, acting_user=manager)
    with pytest.raises(DomainError):
        financing.tranche_disburse(tranche=tranche, acting_user=manager)
    assert Tranche.objects.get(pk=tranche.pk).status == TrancheStatus.PLANNED


def test_the_applying_organization_submits_a_report_and_the_manager_accepts_it() -> None:
    call = fund()
    organization = OrganizationFactory()
    award = funded(call, "1000", organization=organization)
    contact = UserFactory()
    grant(contact, organization, "admin")
    manager = manager_of(call)
    report = financing.report_add(award=award, due_on=date(2027, 3, 1), acting_user=manager)
    financing.report_submit(report=report, upload=pdf(), acting_user=contact)
    accepted = financing.report_accept(report=report, acting_user=manager)
    assert accepted.status == ReportStatus.ACCEPTED and accepted.accepted_by == manager
    assert accepted.original_name == "report.pdf"


def test_a_report_that_is_not_a_document_is_refused() -> None:
    call = fund()
    person = PersonFactory(user=UserFactory())
    award = funded(call, "1000", person=person)
    report = financing.report_add(award=award, due_on=date(2027, 3, 1), acting_user=manager_of(call))
    with pytest.raises(DomainError):
        financing.report_submit(
            report=report, upload=SimpleUploadedFile("r.pdf", b"<html>x</html>"), acting_user=person.user
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE and not report.file


def test_a_stranger_cannot_submit_a_report() -> None:
    call = fund()
    award = funded(call, "1000", organization=OrganizationFactory())
    report = financing.report_add(award=award, due_on=date(2027, 3, 1), acting_user=manager_of(call))
    with pytest.raises(NotAllowed):
        financing.report_submit(report=report, upload=pdf(), acting_user=UserFactory())


def test_an_award_completes_only_when_paid_and_reported() -> None:
    call = fund()
    award = funded(call, "1000")
    manager = manager_of(call)
    tranche = financing.tranche_add(award=award, amount=Decimal("1000"), due_on=date(2027, 1, 1), acting_user=manager)
    with pytest.raises(DomainError) as refused:
        financing.award_status_set(award=award, status=AwardStatus.COMPLETED, acting_user=manager)
    assert refused.value.code == "tranches_pending"
    financing.tranche_disburse(tranche=tranche, acting_user=manager)
    assert financing.award_status_set(award=award, status="completed", acting_user=manager).status == "completed"


def test_fund_figures_by_country_and_direction() -> None:
    call = fund()
    west, east = QuotaGroupFactory(call=call, key="west"), QuotaGroupFactory(call=call, key="east")
    hungarian_org = OrganizationFactory(country=country("HU"))
    kazakh = PersonFactory(residence_country=country("KZ"))
    first = funded(call, "1000", organization=hungarian_org, quota_group=west, rank=1)
    funded(call, "3000", person=kazakh, quota_group=east, rank=2)
    other_kazakh = PersonFactory(residence_country=country("KZ"))
    funded(call, "5000", person=other_kazakh, quota_group=east, rank=3, status="declined")  # holds nothing
    manager = manager_of(call)
    tranche = financing.tranche_add(award=first, amount=Decimal("400"), due_on=date(2027, 1, 1), acting_user=manager)
    financing.tranche_disburse(tranche=tranche, acting_user=manager)

    figures = financing.fund_figures(call)

    assert (figures.total.committed, figures.total.disbursed, figures.total.remaining) == (4000, 400, 3600)
    assert figures.uncommitted == Decimal("96000")
    countries = {code: (m.committed, m.disbursed, m.remaining) for code, _name, m in figures.by_country}
    assert countries == {"HU": (1000, 400, 600), "KZ": (3000, 0, 3000)}
    directions = {key: (m.committed, m.disbursed) for key, _name, m in figures.by_direction}
    assert directions == {"west": (1000, 400), "east": (3000, 0)}


def test_a_cancelled_award_commits_only_what_it_paid() -> None:
    call = fund()
    award = funded(call, "1000")
    manager = manager_of(call)
    tranche = financing.tranche_add(award=award, amount=Decimal("300"), due_on=date(2027, 1, 1), acting_user=manager)
    financing.tranche_disburse(tranche=tranche, acting_user=manager)
    financing.award_status_set(award=award, status=AwardStatus.CANCELLED, acting_user=manager)
    figures = financing.fund_figures(call)
    assert (figures.total.committed, figures.total.remaining) == (300, 0)


def test_fund_figures_take_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    call = fund()
    for rank in range(1, 21):
        funded(call, "100", organization=OrganizationFactory(country=country("TR")), rank=rank)
    with django_assert_max_num_queries(3):
        figures = financing.fund_figures(call)
    assert figures.total.committed == Decimal("2000")
