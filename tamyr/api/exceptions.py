"""Domain errors become 400s with their code and message; everything else is DRF's usual shape."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tamyr.accounts.authentication import MFARequired
from tamyr.core.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        return Response(
            body, status=status.HTTP_403_FORBIDDEN if exc.code == "not_allowed" else status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, MFARequired):  # the same body as the middleware's answer to a session
        return Response({"code": "mfa_required", "detail": str(exc.detail)}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)
