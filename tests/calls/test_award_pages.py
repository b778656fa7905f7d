"""Award pages: the holder sees their award and hands in reports (checked by content); the call's managers accept
or return them with a comment. Strangers see nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tamyr.calls import financing
from tamyr.calls.models import AwardReport, ReportStatus
from tamyr.core.errors import DomainError
from tests.calls.committee_factories import CallFactory, funded
from tests.calls.factories import PDF
from tests.factories import OrganizationFactory, UserFactory, grant, with_totp

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    with_totp(user)
    client = Client()
    client.force_login(user)
    return client


def setting() -> tuple[Any, Any, Any, Any]:
    """A funded award of an organization, its admin (the holder), the call's manager, and a report due."""
    call = CallFactory(kind="financing", currency="USD")
    organization = OrganizationFactory()
    award = funded(call, "1000", organization=organization)
    holder, manager = UserFactory(), UserFactory()
    grant(holder, organization, "admin")
    grant(manager, call.organization, "staff")
    report = financing.report_add(award=award, due_on=date(2027, 3, 1), acting_user=manager)
    return award, holder, manager, report


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")


def test_the_holder_sees_the_award_and_the_report_due() -> None:
    award, holder, _manager, _report = setting()
    page = signed_in(holder).get(f"/calls/awards/{award.pk}/").content.decode()
    assert "US$1,000.00" in page and "1 Mar 2027" in page and 'type="file"' in page  # written the reader's way (CLDR)


def test_the_holder_hands_in_a_report_on_the_page() -> None:
    award, holder, _manager, report = setting()
    signed_in(holder).post(f"/calls/awards/{award.pk}/", {"report": report.pk, "file": pdf()})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.original_name == "report.pdf"


def test_a_file_that_is_not_a_document_is_refused_with_a_message() -> None:
    award, holder, _manager, report = setting()
    fake = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>", content_type="application/pdf")
    response = signed_in(holder).post(f"/calls/awards/{award.pk}/", {"report": report.pk, "file": fake}, follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE and not report.file
    assert response.context["messages"] and list(response.context["messages"])[0].level_tag == "error"


def test_a_stranger_does_not_see_the_award() -> None:
    award, _holder, _manager, _report = setting()
    assert signed_in(UserFactory()).get(f"/calls/awards/{award.pk}/").status_code == 404


def test_the_manager_returns_a_report_with_a_comment_the_holder_then_sees() -> None:
    award, holder, manager, report = setting()
    financing.report_submit(report=report, upload=pdf(), acting_user=holder)
    signed_in(manager).post(
        f"/calls/{award.outcome.call.slug}/fund/reports/",
        {"report": report.pk, "action": "return", "comment": "Add the receipts."},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.comment == "Add the receipts."
    page = signed_in(holder).get(f"/calls/awards/{award.pk}/").content.decode()
    assert "Add the receipts." in page and 'type="file"' in page


def test_a_report_is_not_returned_without_a_comment() -> None:
    award, holder, manager, report = setting()
    financing.report_submit(report=report, upload=pdf(), acting_user=holder)
    with pytest.raises(DomainError):
        financing.report_return(report=report, comment="  ", acting_user=manager)
    assert AwardReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_the_manager_accepts_a_report_on_the_page() -> None:
    award, holder, manager, report = setting()
    financing.report_submit(report=report, upload=pdf(), acting_user=holder)
    signed_in(manager).post(
        f"/calls/{award.outcome.call.slug}/fund/reports/", {"report": report.pk, "action": "accept", "comment": ""}
    )
    assert AwardReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_the_holder_cannot_answer_their_own_report() -> None:
    award, holder, _manager, report = setting()
    financing.report_submit(report=report, upload=pdf(), acting_user=holder)
    response = signed_in(holder).post(
        f"/calls/{award.outcome.call.slug}/fund/reports/", {"report": report.pk, "action": "accept"}
    )
    assert response.status_code == 403
    assert AwardReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_the_reports_page_takes_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    call = CallFactory(kind="financing", currency="USD")
    manager = UserFactory()
    grant(manager, call.organization, "staff")
    for rank in range(1, 13):
        organization = OrganizationFactory()
        award = funded(call, "100", organization=organization, rank=rank)
        holder = UserFactory()
        grant(holder, organization, "admin")
        report = financing.report_add(award=award, due_on=date(2027, 3, 1), acting_user=manager)
        financing.report_submit(report=report, upload=pdf(), acting_user=holder)
    client = signed_in(manager)
    with django_assert_max_num_queries(20):
        page = client.get(f"/calls/{call.slug}/fund/reports/")
    assert page.content.decode().count("Return with the comment") == 12
