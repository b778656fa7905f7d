"""The calls pages: list, call page, the applicant's page with autosave, documents, the referee's page, managers'."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tamyr.calls import services
from tamyr.calls.models import Application, ApplicationStatus
from tests.calls.factories import PDF, ApplicationFactory, CallFactory, QuestionFactory, RequiredDocumentFactory
from tests.factories import PersonFactory, UserFactory, country, grant, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client: Client) -> Any:
    user = UserFactory()
    PersonFactory(user=user, email=user.email)
    client.force_login(user)
    return user


def test_the_list_shows_published_calls_and_hides_drafts(client: Client) -> None:
    CallFactory(title={"en": "Open scholarship"})
    CallFactory(title={"en": "Secret draft"}, status="draft")
    page = client.get(reverse("calls:call_list")).content.decode()
    assert "Open scholarship" in page
    assert "Secret draft" not in page


def test_the_list_reads_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    for _index in range(12):
        CallFactory()
    with django_assert_max_num_queries(6):
        client.get(reverse("calls:call_list"))


def test_a_draft_call_is_not_found_by_visitors(client: Client) -> None:
    call = CallFactory(status="draft")
    assert client.get(call.get_absolute_url()).status_code == 404


def test_the_call_page_shows_the_deadline_in_the_visitors_own_time_zone_too(client: Client) -> None:
    call = CallFactory(time_zone="Asia/Almaty")
    client.cookies["tamyr_tz"] = "Europe%2FBudapest"
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Almaty time (UTC+5)" in page  # the zones as cities, never "Asia/Almaty"
    assert "Budapest time (UTC+" in page
    assert "Asia/Almaty" not in page


def test_the_call_page_says_why_a_person_cannot_apply(client: Client, applicant: Any) -> None:
    call = CallFactory()
    call.residence_countries.set([country("HU")])
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Hungary" in page


def test_starting_an_application_leads_to_the_applicants_page(client: Client, applicant: Any) -> None:
    call = CallFactory()
    response = client.post(reverse("calls:call_apply", args=[call.slug]))
    application = Application.objects.get()
    assert response["Location"] == reverse("calls:application_detail", args=[application.code])


def test_autosave_keeps_the_draft_and_answers_a_status_line(client: Client, applicant: Any) -> None:
    question = QuestionFactory()
    application = ApplicationFactory(call=question.call, person=applicant.person)
    response = client.post(
        reverse("calls:application_autosave", args=[application.code]), {f"q{question.pk}": "Because"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert b"saved" in response.content
    application.refresh_from_db()
    assert application.answers == {str(question.pk): "Because"}


def test_submitting_from_the_page_confirms_and_redirects(client: Client, applicant: Any) -> None:
    question = QuestionFactory()
    application = ApplicationFactory(call=question.call, person=applicant.person)
    response = client.post(
        reverse("calls:application_detail", args=[application.code]), {f"q{question.pk}": "Why", "submit": "1"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_submitting_an_incomplete_application_shows_the_error_on_the_question(client: Client, applicant: Any) -> None:
    question = QuestionFactory(required=True)
    application = ApplicationFactory(call=question.call, person=applicant.person)
    response = client.post(reverse("calls:application_detail", args=[application.code]), {"submit": "1"})
    assert response.status_code == 200
    assert b'class="errors"' in response.content


def test_a_document_uploaded_on_the_page_is_served_only_through_the_private_file_view(
    client: Client, applicant: Any
) -> None:
    document = RequiredDocumentFactory()
    application = ApplicationFactory(call=document.call, person=applicant.person)
    upload = SimpleUploadedFile("transcript.pdf", PDF, content_type="application/pdf")
    client.post(
        reverse("calls:document_upload", args=[application.code, document.key]), {f"doc-{document.key}-file": upload}
    )
    stored = application.documents.get()
    url = reverse("private_file", kwargs={"kind": "call-document", "key": stored.pk})
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_applicant_does_not_get_the_referees_letter(client: Client, applicant: Any) -> None:
    document = RequiredDocumentFactory(from_referee=True)
    application = ApplicationFactory(call=document.call, person=applicant.person)
    request = services.referee_request_create(
        application=application, document=document, referee_name="Dr Kovacs", referee_email="k@example.org",
        acting_user=applicant,
    )  # fmt: skip
    stored = services.referee_upload(
        signed_token=services.referee_link_token(request),
        upload=SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    )
    url = reverse("private_file", kwargs={"kind": "call-document", "key": stored.pk})
    assert client.get(url).status_code == 404


def test_a_referee_uploads_without_an_account(client: Client) -> None:
    user = UserFactory()
    person = PersonFactory(user=user)
    document = RequiredDocumentFactory(from_referee=True)
    application = ApplicationFactory(call=document.call, person=person)
    request = services.referee_request_create(
        application=application, document=document, referee_name="Dr Kovacs", referee_email="k@example.org",
        acting_user=user,
    )  # fmt: skip
    url = reverse("calls:referee_upload", args=[services.referee_link_token(request)])
    assert person.display_name in client.get(url).content.decode()
    client.post(url, {"file": SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")})
    assert application.documents.get().from_referee


def test_a_bad_referee_link_is_not_found(client: Client) -> None:
    assert client.get(reverse("calls:referee_upload", args=["nothing"])).status_code == 404


def test_managers_create_a_call_as_a_draft(client: Client, organization: Any) -> None:
    user = UserFactory()
    grant(user, organization, "staff")
    with_totp(user)
    client.force_login(user)
    response = client.post(
        reverse("calls:call_create"),
        {
            "organization": organization.pk, "title_en": "Hungary scholarship", "slug": "hungary-2027",
            "kind": "scholarship", "time_zone": "Europe/Budapest", "opens_at": "2027-01-10T09:00",
            "closes_at": "2027-03-01T23:59",
        },
    )  # fmt: skip
    assert response.status_code == 302
    from tamyr.calls.models import Call

    call = Call.objects.get(slug="hungary-2027")
    assert call.status == "draft"
    assert call.closes_at.isoformat() == "2027-03-01T22:59:00+00:00"


def test_managers_export_applications_as_csv(client: Client, organization: Any) -> None:
    user = UserFactory()
    grant(user, organization, "admin")
    with_totp(user)
    client.force_login(user)
    call = CallFactory(organization=organization)
    ApplicationFactory(call=call, status="submitted", person=PersonFactory(display_name="=HYPERLINK(evil)"))
    response = client.get(reverse("calls:call_applications", args=[call.slug]) + "?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(evil)" in body
