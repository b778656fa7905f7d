"""The applicant's side through the services: drafts, documents, submission, changes, withdrawal, referees."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tamyr.calls import services
from tamyr.calls.models import Application, ApplicationDocument, ApplicationStatus, RefereeRequest
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.models import AuditEntry
from tests.calls.factories import (
    PDF,
    CallFactory,
    QuestionFactory,
    QuotaGroupFactory,
    RequiredDocumentFactory,
)
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant() -> Any:
    user = UserFactory()
    PersonFactory(user=user, email=user.email)
    return user


def start(call: Any, user: Any, **kwargs: Any) -> Application:
    return services.application_start(call=call, person=user.person, acting_user=user, **kwargs)


def pdf(name: str = "transcript.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_starting_twice_gives_the_same_draft(applicant: Any) -> None:
    call = CallFactory()
    assert start(call, applicant).pk == start(call, applicant).pk


def test_an_ineligible_person_cannot_start_and_is_told_why(applicant: Any) -> None:
    call = CallFactory()
    call.residence_countries.set([country("KZ")])
    with pytest.raises(DomainError) as refused:
        start(call, applicant)
    assert refused.value.code == "not_eligible"
    assert not Application.objects.exists()


def test_a_call_that_has_closed_takes_no_application(applicant: Any) -> None:
    call = CallFactory(opens_at=timezone.now() - timedelta(days=10), closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        start(call, applicant)
    assert refused.value.code == "call_closed"


def test_a_draft_saves_an_unfinished_answer(applicant: Any) -> None:
    question = QuestionFactory(required=True)
    application = start(question.call, applicant)
    services.application_save(application=application, acting_user=applicant, answers={str(question.pk): "Half"})
    application.refresh_from_db()
    assert application.answers == {str(question.pk): "Half"}


def test_someone_else_cannot_save_the_applicants_draft(applicant: Any) -> None:
    application = start(CallFactory(), applicant)
    with pytest.raises(NotAllowed):
        services.application_save(application=application, acting_user=UserFactory(), answers={})


def test_submission_needs_every_required_answer(applicant: Any) -> None:
    question = QuestionFactory(required=True)
    application = start(question.call, applicant)
    with pytest.raises(DomainError) as refused:
        services.application_submit(application=application, acting_user=applicant)
    assert refused.value.field == f"q{question.pk}"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submission_needs_every_required_document(applicant: Any) -> None:
    document = RequiredDocumentFactory()
    application = start(document.call, applicant)
    with pytest.raises(DomainError) as refused:
        services.application_submit(application=application, acting_user=applicant)
    assert refused.value.code == "incomplete"


def test_a_referees_letter_does_not_hold_up_submission(applicant: Any) -> None:
    document = RequiredDocumentFactory(from_referee=True)
    application = start(document.call, applicant)
    assert services.application_submit(application=application, acting_user=applicant).status == "submitted"


def test_a_document_is_stored_privately_under_a_random_name(applicant: Any) -> None:
    document = RequiredDocumentFactory()
    application = start(document.call, applicant)
    stored = services.document_upload(application=application, document=document, upload=pdf(), acting_user=applicant)
    assert stored.original_name == "transcript.pdf"
    assert "transcript" not in stored.file.name
    assert stored.file.url == ""  # private storage has no address: core.files serves it


def test_a_document_that_is_not_what_the_call_asks_for_is_refused(applicant: Any) -> None:
    document = RequiredDocumentFactory(formats=["pdf"])
    application = start(document.call, applicant)
    docx_named_pdf = SimpleUploadedFile("cv.pdf", b"GIF89a" + b"\x00" * 50, content_type="application/pdf")
    with pytest.raises(DomainError):
        services.document_upload(
            application=application, document=document, upload=docx_named_pdf, acting_user=applicant
        )
    assert not ApplicationDocument.objects.exists()


def test_a_document_over_the_calls_size_is_refused(applicant: Any) -> None:
    document = RequiredDocumentFactory(max_megabytes=1)
    application = start(document.call, applicant)
    big = pdf(data=PDF + b"0" * (1024 * 1024))
    with pytest.raises(DomainError) as refused:
        services.document_upload(application=application, document=document, upload=big, acting_user=applicant)
    assert refused.value.code == "too_large"


def test_submission_is_confirmed_by_email_in_the_applicants_language(
    applicant: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    applicant.preferred_language = "kk"
    applicant.save(update_fields=["preferred_language"])
    application = start(CallFactory(), applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, acting_user=applicant)
    assert len(mailoutbox) == 1
    assert application.code in mailoutbox[0].body
    assert mailoutbox[0].to == [applicant.email]
    assert "Стипендия" in mailoutbox[0].subject


def test_a_submitted_application_can_change_until_the_call_closes(applicant: Any) -> None:
    question = QuestionFactory(required=False)
    application = start(question.call, applicant)
    services.application_submit(application=application, acting_user=applicant)
    services.application_save(application=application, acting_user=applicant, answers={str(question.pk): "Better"})
    application.refresh_from_db()
    assert application.answers[str(question.pk)] == "Better"
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_change_that_leaves_a_submitted_application_incomplete_is_refused_and_nothing_changes(
    applicant: Any,
) -> None:
    question = QuestionFactory(required=True)
    application = start(question.call, applicant)
    services.application_save(application=application, acting_user=applicant, answers={str(question.pk): "Done"})
    services.application_submit(application=application, acting_user=applicant)
    with pytest.raises(DomainError):
        services.application_save(application=application, acting_user=applicant, answers={str(question.pk): ""})
    application.refresh_from_db()
    assert application.answers == {str(question.pk): "Done"}


def test_no_change_after_the_call_closes(applicant: Any) -> None:
    call = CallFactory()
    application = start(call, applicant)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.opens_at = timezone.now() - timedelta(days=2)
    call.save()
    with pytest.raises(DomainError) as refused:
        services.application_save(application=application, acting_user=applicant, answers={})
    assert refused.value.code == "call_closed"


def test_withdrawal_keeps_the_application_and_can_be_taken_back_while_open(applicant: Any) -> None:
    call = CallFactory()
    application = start(call, applicant)
    services.application_submit(application=application, acting_user=applicant)
    services.application_withdraw(application=application, acting_user=applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert start(call, applicant).status == ApplicationStatus.DRAFT
    assert AuditEntry.objects.filter(action="calls.application_withdrawn").exists()


def test_a_quota_group_is_assigned_from_the_country_of_residence(applicant: Any) -> None:
    group = QuotaGroupFactory()
    group.countries.set([country("TR")])
    assert start(group.call, applicant).quota_group == group


def test_the_applicant_chooses_a_group_that_lists_no_countries(applicant: Any) -> None:
    group = QuotaGroupFactory()
    application = start(group.call, applicant)
    services.application_save(application=application, acting_user=applicant, quota_group=group)
    application.refresh_from_db()
    assert application.quota_group == group


def test_a_group_of_another_call_is_refused(applicant: Any) -> None:
    application = start(QuotaGroupFactory().call, applicant)
    with pytest.raises(DomainError):
        services.application_save(application=application, acting_user=applicant, quota_group=QuotaGroupFactory())


def test_submission_needs_a_group_when_the_call_has_groups(applicant: Any) -> None:
    application = start(QuotaGroupFactory().call, applicant)
    with pytest.raises(DomainError) as refused:
        services.application_submit(application=application, acting_user=applicant)
    assert refused.value.field == "quota_group"


# --- financing ---------------------------------------------------------------------------------------------------


@pytest.fixture
def financing() -> Any:
    return CallFactory(
        kind="financing", currency="USD", budget=Decimal("40000000"), award_min=Decimal("10000"),
        award_max=Decimal("500000"),
    )  # fmt: skip


def test_only_staff_of_an_organization_apply_in_its_name(applicant: Any, financing: Any) -> None:
    with pytest.raises(NotAllowed):
        start(financing, applicant, organization=OrganizationFactory())


def test_a_financing_application_sums_its_budget_table(applicant: Any, financing: Any) -> None:
    organization = OrganizationFactory()
    grant(applicant, organization, "staff")
    application = start(financing, applicant, organization=organization)
    lines = [{"item": "Equipment", "amount": "12000"}, {"item": "Travel", "amount": "3 500,50"}]
    services.application_save(application=application, acting_user=applicant, budget_lines=lines)
    application.refresh_from_db()
    assert application.amount_requested == Decimal("15500.50")
    assert application.organization == organization


def test_an_amount_outside_the_calls_range_cannot_be_submitted(applicant: Any, financing: Any) -> None:
    organization = OrganizationFactory()
    grant(applicant, organization, "admin")
    application = start(financing, applicant, organization=organization)
    services.application_save(
        application=application, acting_user=applicant, budget_lines=[{"item": "Everything", "amount": "900000"}]
    )
    with pytest.raises(DomainError) as refused:
        services.application_submit(application=application, acting_user=applicant)
    assert refused.value.code == "amount_out_of_range"


def test_a_budget_line_without_a_positive_amount_is_refused(applicant: Any, financing: Any) -> None:
    organization = OrganizationFactory()
    grant(applicant, organization, "staff")
    application = start(financing, applicant, organization=organization)
    with pytest.raises(DomainError):
        services.application_save(
            application=application, acting_user=applicant, budget_lines=[{"item": "Gift", "amount": "-5"}]
        )


def test_partners_come_from_the_registry_and_exclude_the_applicant(applicant: Any, financing: Any) -> None:
    organization, partner = OrganizationFactory(), OrganizationFactory()
    grant(applicant, organization, "staff")
    application = start(financing, applicant, organization=organization)
    services.application_save(application=application, acting_user=applicant, partners=[partner])
    assert list(application.partners.all()) == [partner]
    with pytest.raises(DomainError):
        services.application_save(application=application, acting_user=applicant, partners=[organization])


# --- referees ----------------------------------------------------------------------------------------------------


def _referee_request(applicant: Any) -> RefereeRequest:
    document = RequiredDocumentFactory(from_referee=True)
    application = start(document.call, applicant)
    return services.referee_request_create(
        application=application, document=document, referee_name="Prof. Nagy", referee_email="nagy@example.org",
        acting_user=applicant,
    )  # fmt: skip


def test_a_referee_is_sent_a_one_time_link(
    applicant: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = _referee_request(applicant)
    assert mailoutbox[0].to == ["nagy@example.org"]
    assert services.referee_link_token(request) in mailoutbox[0].body


def test_a_referee_uploads_once_only(applicant: Any) -> None:
    request = _referee_request(applicant)
    token = services.referee_link_token(request)
    stored = services.referee_upload(signed_token=token, upload=pdf("letter.pdf"))
    assert stored.from_referee
    with pytest.raises(DomainError) as refused:
        services.referee_upload(signed_token=token, upload=pdf("letter.pdf"))
    assert refused.value.code == "link_used"


def test_a_tampered_referee_link_is_refused(applicant: Any) -> None:
    request = _referee_request(applicant)
    with pytest.raises(DomainError) as refused:
        services.referee_upload(signed_token=request.token, upload=pdf())  # the bare token, without the signature
    assert refused.value.code == "bad_link"


def test_an_amount_larger_than_the_books_hold_is_refused(applicant: Any, financing: Any) -> None:
    organization = OrganizationFactory()
    grant(applicant, organization, "staff")
    application = start(financing, applicant, organization=organization)
    with pytest.raises(DomainError):
        services.application_save(
            application=application, acting_user=applicant, budget_lines=[{"item": "Everything", "amount": "1e20"}]
        )
