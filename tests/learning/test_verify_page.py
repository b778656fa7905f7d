"""What a visitor sees and what a verifier fetches: /verify/<code>/, the "verify a file" form, the credential in the
API, the issuers' did:web documents, JWK set and revocation lists."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tamyr.learning import certificates
from tamyr.learning.credentials import keys, openbadges
from tamyr.learning.models import IssuerKey
from tests.factories import UserFactory, grant, with_totp
from tests.learning.certificate_fixtures import KAZAKH_NAME, KAZAKH_TITLE, issued_certificate, issuing_course

pytestmark = pytest.mark.django_db


def revoke(certificate: Any, reason: str = "Issued by mistake") -> Any:
    admin = UserFactory(username="revoking-admin")
    grant(admin, certificate.issuer, "admin")
    with_totp(admin)
    return certificates.certificate_revoke(certificate=certificate, reason=reason, acting_user=admin)


def upload(credential: Any, name: str = "credential.json") -> SimpleUploadedFile:
    data = credential if isinstance(credential, bytes) else json.dumps(credential, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


# --- /verify/<code>/ ------------------------------------------------------------------------------------------


def test_the_page_shows_holder_course_date_issuer_and_that_it_is_valid(client: Client) -> None:
    certificate = issued_certificate()
    url = reverse("verify", kwargs={"code": certificate.code})
    assert url == f"/verify/{certificate.code}/"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert KAZAKH_NAME in page
    assert "Kazakh for beginners" in page and KAZAKH_TITLE in page
    assert "Otandastar Foundation" in page and certificate.code in page
    assert "Valid" in page and "Revoked" not in page
    assert f'href="/api/v1/certificates/{certificate.code}/"' in page
    assert "Verify a credential file" in page


def test_without_consent_the_page_shows_only_initials(client: Client) -> None:
    certificate = issued_certificate(consent=False)
    page = client.get(reverse("verify", kwargs={"code": certificate.code})).content.decode()
    assert "Ә. С." in page and KAZAKH_NAME not in page


def test_a_revoked_certificate_says_so_with_reason_and_date(client: Client) -> None:
    certificate = revoke(issued_certificate(), "Plagiarised final quiz")
    page = client.get(reverse("verify", kwargs={"code": certificate.code})).content.decode()
    assert "Revoked" in page and "Plagiarised final quiz" in page
    assert certificate.revoked_at is not None
    assert f"{certificate.revoked_at.day} " in page and str(certificate.revoked_at.year) in page


def test_an_unknown_code_gets_a_clear_404(client: Client) -> None:
    response = client.get("/verify/NOSUCHCODE22/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Certificate not found" in page and "No certificate has the code NOSUCHCODE22" in page


def test_the_page_reads_a_bounded_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    certificate = issued_certificate()
    url = reverse("verify", kwargs={"code": certificate.code})
    client.get(url)  # keys and sessions warm up
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_staff_who_may_revoke_see_the_link_and_visitors_do_not(client: Client) -> None:
    certificate = issued_certificate()
    url = reverse("verify", kwargs={"code": certificate.code})
    revoke_url = reverse("learning:certificate_revoke", kwargs={"code": certificate.code})
    assert revoke_url not in client.get(url).content.decode()
    admin = UserFactory(username="page-admin")
    grant(admin, certificate.issuer, "admin")
    with_totp(admin)
    client.force_login(admin)
    assert revoke_url in client.get(url).content.decode()


# --- verify a file ----------------------------------------------------------------------------------------------


def test_uploading_a_valid_credential_says_verified(client: Client) -> None:
    certificate = issued_certificate()
    response = client.post(reverse("verify_file"), {"credential": upload(certificate.credential)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Verified" in page and certificate.code in page
    assert certificate.credential["proof"][0]["verificationMethod"] in page  # the issuer's key


def test_uploading_a_tampered_credential_says_why_it_failed(client: Client) -> None:
    credential = copy.deepcopy(issued_certificate().credential)
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    page = client.post(reverse("verify_file"), {"credential": upload(credential)}).content.decode()
    assert "Verification failed" in page and "the credential was changed after it was issued" in page


def test_uploading_a_revoked_credential_says_revoked(client: Client) -> None:
    certificate = revoke(issued_certificate())
    page = client.post(reverse("verify_file"), {"credential": upload(certificate.credential)}).content.decode()
    assert "Revoked" in page and "Issued by mistake" in page


def test_uploading_something_that_is_not_json_is_a_form_error(client: Client) -> None:
    response = client.post(reverse("verify_file"), {"credential": upload(b"\x89PNG not json", "photo.json")})
    assert response.status_code == 400
    assert "The file is not JSON" in response.content.decode()


def test_the_verify_form_page_opens_empty(client: Client) -> None:
    response = client.get("/verify/")
    assert response.status_code == 200 and 'enctype="multipart/form-data"' in response.content.decode()


def test_the_verify_page_has_a_box_to_type_a_code(client: Client) -> None:
    page = client.get("/verify/").content.decode()
    assert 'name="code"' in page and 'method="get"' in page


def test_a_typed_code_opens_its_certificate_whatever_the_case_and_spacing(client: Client) -> None:
    certificate = issued_certificate()
    typed = f" {certificate.code[:4].lower()}-{certificate.code[4:8]} {certificate.code[8:]} "
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify", kwargs={"code": certificate.code})


def test_a_wrong_code_offers_to_try_again_with_the_code_in_the_box(client: Client) -> None:
    response = client.get("/verify/", {"code": "wrong-code-22"}, follow=True)
    assert response.status_code == 404
    page = response.content.decode()
    assert "No certificate has the code WRONGCODE22" in page
    assert "Try again" in page and 'name="code"' in page and 'value="WRONGCODE22"' in page


def test_a_typed_code_that_cannot_be_one_is_a_form_error_not_a_redirect(client: Client) -> None:
    response = client.get("/verify/", {"code": "<script>"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<script>" not in page and 'aria-invalid="true"' in page


# --- the API --------------------------------------------------------------------------------------------------


def test_the_credential_is_served_as_json_and_as_json_ld(client: Client) -> None:
    certificate = issued_certificate()
    url = f"/api/v1/certificates/{certificate.code}/"
    assert reverse("certificate-credential", kwargs={"code": certificate.code}) == url
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json() == certificate.credential
    assert response.json()["id"] == f"http://127.0.0.1:8000{url}"
    ld = client.get(url, HTTP_ACCEPT="application/ld+json")
    assert ld.status_code == 200 and ld["Content-Type"].startswith("application/ld+json")
    assert json.loads(ld.content) == certificate.credential
    assert client.get("/api/v1/certificates/NOSUCHCODE22/").status_code == 404


def test_the_api_verifies_what_it_is_sent(client: Client) -> None:
    certificate = issued_certificate()
    ok = client.post("/api/v1/certificates/verify/", certificate.credential, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["verified"] is True and ok.json()["code"] == "valid"
    assert ok.json()["certificate_code"] == certificate.code
    tampered = copy.deepcopy(certificate.credential)
    tampered["validFrom"] = "2001-01-01T00:00:00Z"
    bad = client.post("/api/v1/certificates/verify/", tampered, content_type="application/ld+json")
    assert bad.json()["verified"] is False and bad.json()["code"] == "signature_mismatch"
    revoke(certificate)
    revoked = client.post("/api/v1/certificates/verify/", certificate.credential, content_type="application/json")
    assert revoked.json()["code"] == "revoked" and revoked.json()["revocation_reason"] == "Issued by mistake"


# --- what issuers publish -------------------------------------------------------------------------------------


def test_the_did_web_document_lists_the_issuers_key(client: Client) -> None:
    certificate = issued_certificate()
    key = IssuerKey.objects.get(organization=certificate.issuer)
    response = client.get(f"/organizations/{certificate.issuer.slug}/did.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    did = keys.did_for(certificate.issuer)
    assert document["id"] == did == certificate.credential["issuer"]["id"]
    method = document["verificationMethod"][0]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"] == key.public_key_multibase
    assert document["assertionMethod"] == [method["id"]] == [certificate.credential["proof"][0]["verificationMethod"]]
    assert client.get("/organizations/no-such-org/did.json").status_code == 404


def test_the_jwk_set_lists_every_organizations_key(client: Client) -> None:
    first, second = issued_certificate(), issued_certificate()
    listed = {key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert {
        first.credential["proof"][0]["verificationMethod"],
        second.credential["proof"][0]["verificationMethod"],
    } <= listed


def test_the_status_list_is_published_and_marks_the_revoked(client: Client) -> None:
    course = issuing_course()
    certificate = revoke(issued_certificate(course))
    url = certificate.credential["credentialStatus"]["statusListCredential"].removeprefix("http://127.0.0.1:8000")
    response = client.get(url)
    assert response.status_code == 200
    status_list = response.json()
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    index = int(certificate.credential["credentialStatus"]["statusListIndex"])
    assert openbadges.is_revoked_in_list(status_list["credentialSubject"]["encodedList"], index)
    assert client.get("/organizations/no-such-org/credentials/status.json").status_code == 404
