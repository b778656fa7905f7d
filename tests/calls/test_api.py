"""/api/v1/calls/ and /api/v1/applications/: public reads, managers' writes, applicants' own applications."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tamyr.calls.models import Application
from tests.calls.factories import PDF, ApplicationFactory, CallFactory, QuestionFactory, RequiredDocumentFactory
from tests.factories import PersonFactory, UserFactory, grant, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client: Client) -> Any:
    user = UserFactory()
    PersonFactory(user=user, email=user.email)
    client.force_login(user)
    return user


def test_anyone_lists_published_calls(client: Client) -> None:
    CallFactory(slug="open-call")
    CallFactory(slug="draft-call", status="draft")
    slugs = [row["slug"] for row in client.get("/api/v1/calls/").json()["results"]]
    assert slugs == ["open-call"]


def test_the_call_list_reads_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    for _index in range(10):
        CallFactory()
    with django_assert_max_num_queries(4):
        client.get("/api/v1/calls/")


def test_a_manager_creates_a_call_and_adds_its_form(client: Client, organization: Any) -> None:
    user = UserFactory()
    grant(user, organization, "staff")
    with_totp(user)
    client.force_login(user)
    body = {
        "slug": "ots-youth-2027", "organization": organization.slug, "kind": "youth_programme",
        "title": {"en": "OTS youth programme"}, "opens_at": "2027-01-01T00:00:00Z", "closes_at": "2027-10-01T00:00:00Z",
        "residence_countries": ["KZ", "TR"],
    }  # fmt: skip
    created = client.post("/api/v1/calls/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["residence_countries"] == ["KZ", "TR"]
    question = {"label": {"en": "Level"}, "kind": "single", "choices": [{"en": "BA"}, {"en": "MA"}]}
    answer = client.post("/api/v1/calls/ots-youth-2027/questions/", question, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()["questions"][0]["kind"] == "single"


def test_a_file_question_is_refused_with_a_pointer_to_documents(client: Client, organization: Any) -> None:
    user = UserFactory()
    grant(user, organization, "staff")
    with_totp(user)
    client.force_login(user)
    call = CallFactory(organization=organization)
    answer = client.post(
        f"/api/v1/calls/{call.slug}/questions/",
        {"label": {"en": "CV"}, "kind": "file"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["field"] == "kind"


def test_staff_of_another_organization_cannot_create_a_call_for_it(client: Client, organization: Any) -> None:
    user = UserFactory()
    grant(user, CallFactory().organization, "staff")
    with_totp(user)
    client.force_login(user)
    body = {
        "slug": "x", "organization": organization.slug, "kind": "scholarship", "title": {"en": "X"},
        "opens_at": "2027-01-01T00:00:00Z", "closes_at": "2027-10-01T00:00:00Z",
    }  # fmt: skip
    assert client.post("/api/v1/calls/", body, content_type="application/json").status_code == 403


def test_an_applicant_applies_answers_uploads_and_submits(client: Client, applicant: Any) -> None:
    question = QuestionFactory()
    document = RequiredDocumentFactory(call=question.call, key="transcript")
    started = client.post(f"/api/v1/calls/{question.call.slug}/apply/", {}, content_type="application/json")
    assert started.status_code == 201
    code = started.json()["code"]
    saved = client.patch(
        f"/api/v1/applications/{code}/", {"answers": {str(question.pk): "Because"}}, content_type="application/json"
    )
    assert saved.json()["answers"] == {str(question.pk): "Because"}
    upload = SimpleUploadedFile("t.pdf", PDF, content_type="application/pdf")
    uploaded = client.post(f"/api/v1/applications/{code}/documents/{document.key}/", {"file": upload})
    assert uploaded.status_code == 200, uploaded.json()
    submitted = client.post(f"/api/v1/applications/{code}/submit/")
    assert submitted.json()["status"] == "submitted"


def test_an_incomplete_submission_answers_400_with_a_code(client: Client, applicant: Any) -> None:
    application = ApplicationFactory(call=RequiredDocumentFactory().call, person=applicant.person)
    answer = client.post(f"/api/v1/applications/{application.code}/submit/")
    assert answer.status_code == 400
    assert answer.json()["code"] == "incomplete"


def test_applicants_list_only_their_own_applications(client: Client, applicant: Any) -> None:
    own = ApplicationFactory(person=applicant.person)
    ApplicationFactory()
    codes = [row["code"] for row in client.get("/api/v1/applications/").json()["results"]]
    assert codes == [own.code]


def test_another_persons_application_is_not_found(client: Client, applicant: Any) -> None:
    other = ApplicationFactory()
    assert client.get(f"/api/v1/applications/{other.code}/").status_code == 404


def test_managers_read_the_calls_applications_and_export_them(client: Client, organization: Any) -> None:
    user = UserFactory()
    grant(user, organization, "admin")
    with_totp(user)
    client.force_login(user)
    call = CallFactory(organization=organization)
    ApplicationFactory(call=call, status="submitted")
    ApplicationFactory(call=call)  # a draft: the applicant's own business
    listed = client.get(f"/api/v1/calls/{call.slug}/applications/").json()
    assert listed["count"] == 1
    export = client.get(f"/api/v1/calls/{call.slug}/applications/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Application.objects.count() == 2


def test_the_managers_application_list_reads_a_fixed_number_of_queries(
    client: Client, organization: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import OrganizationFactory

    user = UserFactory()
    grant(user, organization, "admin")
    with_totp(user)
    client.force_login(user)
    call = CallFactory(organization=organization)
    document = RequiredDocumentFactory(call=call)
    for _index in range(8):
        application = ApplicationFactory(call=call, status="submitted")
        application.partners.add(OrganizationFactory())
        application.documents.create(document=document, file="calls/documents/x.pdf", original_name="x.pdf")
    with django_assert_max_num_queries(16):  # the same for 1 or 100 rows
        answer = client.get(f"/api/v1/calls/{call.slug}/applications/")
    assert answer.json()["count"] == 8
