"""Certificates as verifiable credentials in the API (mounted under /api/v1/):

- `GET certificates/<code>/`: the signed Open Badges 3.0 credential, public, as `application/json` or, when the
  client asks for it, `application/ld+json`;
- `POST certificates/verify/`: send a credential, get the verification result (`tamyr.learning.credentials.
  openbadges.verify_credential`, the same routine as the page and the command line).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tamyr.learning.credentials.openbadges import verify_credential
from tamyr.learning.models import AttendanceCredential, Certificate

MAX_CREDENTIAL_BYTES = 256 * 1024
CREDENTIAL = "OpenBadgeCredential with its proof"


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class JSONLDParser(JSONParser):
    media_type = "application/ld+json"


class CertificateCredentialView(APIView):
    """The signed credential of a certificate. Public: anyone holding the code may verify it."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, JSONLDRenderer]

    @extend_schema(
        operation_id="certificate_credential",
        summary="A certificate as an Open Badges 3.0 verifiable credential",
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description=CREDENTIAL),
            (200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT, description=CREDENTIAL),
        },
        tags=["certificates"],
    )
    def get(self, request: Request, code: str) -> Response:
        credential = Certificate.objects.filter(code=code).values_list("credential", flat=True).first()
        if not credential:  # an attendance credential shares the certificates' codes and address
            credential = AttendanceCredential.objects.filter(code=code).values_list("credential", flat=True).first()
        if not credential:
            raise NotFound(_("No certificate has this code."))
        response = Response(credential)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class CredentialVerifyView(APIView):
    """Verify a credential sent as the request body."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, JSONLDParser]

    @extend_schema(
        operation_id="certificate_verify",
        summary="Verify a credential: signature, issuer key, revocation",
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="`verified` is the answer; `code` says why not (valid, signature_mismatch, unknown_key, "
                "revoked, not_found, unknown_context, malformed, ...).",
            ),
            400: None,
        },
        examples=[
            OpenApiExample(
                "A tampered credential", response_only=True, value={"verified": False, "code": "signature_mismatch"}
            )
        ],
        tags=["certificates"],
    )
    def post(self, request: Request) -> Response:
        if len(request.body) > MAX_CREDENTIAL_BYTES:
            return Response({"code": "too_large", "detail": _("A credential is at most 256 KB.")}, status=400)
        result = verify_credential(request.data)
        return Response(result.as_dict())


urlpatterns: list[URLPattern | URLResolver] = [
    path("certificates/verify/", CredentialVerifyView.as_view(), name="certificate-verify"),
    re_path(
        r"^certificates/(?P<code>[A-Z0-9]{4,16})/$", CertificateCredentialView.as_view(), name="certificate-credential"
    ),
]
