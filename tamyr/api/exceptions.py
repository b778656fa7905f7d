"""Every error the API answers carries `code` (stable, for programs) and `detail` (translated, for people).

Domain errors become 400s (403 for `not_allowed`) with their code, message and field. DRF's own errors keep their
status and gain the code DRF already knows (`not_authenticated`, `permission_denied`, `not_found`, `throttled`,
`parse_error`, ...); Django's 404 is DRF's plain `not_found`, the same for a missing object and a hidden one.
Validation errors answer `{"code": "invalid", "detail": <the first message>, "field": <the first field>, "errors":
{field: [messages]}}`; for v1 clients written against DRF's usual shape the field keys also stay at the top level,
except where a field's name is one of ours (`code`, `detail`, `field`, `errors`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from tamyr.core.errors import DomainError

API_PREFIX = "/api/"
RESERVED = frozenset({"code", "detail", "field", "errors"})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        body.update(getattr(exc, "api_details", dict)())  # e.g. a conflict's current version and what changed
        answer = {"not_allowed": status.HTTP_403_FORBIDDEN, "conflict": status.HTTP_409_CONFLICT}
        return Response(body, status=answer.get(exc.code, status.HTTP_400_BAD_REQUEST))
    if isinstance(exc, Http404):
        # one answer for every missing object and every object the caller may not see: Django's message would name
        # the model and differ between the two (a view that means to say more raises DRF's NotFound itself)
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(response.data)
    elif isinstance(exc, exceptions.APIException):
        response.data = {"code": _code_of(exc), "detail": _text(response.data, exc)}
    return response


def validation_body(errors: Any) -> dict[str, Any]:
    """DRF's field errors (a dict, or a list for errors of the whole request) in the shape every error has."""
    if not isinstance(errors, dict):
        errors = {api_settings.NON_FIELD_ERRORS_KEY: errors if isinstance(errors, list) else [errors]}
    field, message = _first(errors)
    body: dict[str, Any] = {key: value for key, value in errors.items() if key not in RESERVED}
    body.update({"code": "invalid", "detail": message or _("The request is not valid."), "errors": errors})
    if field and field != api_settings.NON_FIELD_ERRORS_KEY:
        body["field"] = field
    return body


def _first(errors: Any, prefix: str = "") -> tuple[str, str]:
    """The first field (dotted for nested ones) with an error, and its first message."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            field, message = _first(value, f"{prefix}.{key}" if prefix else str(key))
            if message:
                return field, message
    elif isinstance(errors, list):
        for value in errors:
            field, message = _first(value, prefix)
            if message:
                return field, message
    elif errors not in (None, ""):
        return prefix, str(errors)
    return prefix, ""


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return str(exc.default_code)


def _text(data: Any, exc: exceptions.APIException) -> str:
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    return str(exc.detail) if isinstance(exc.detail, str) else str(exc.default_detail)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 (an address no endpoint matches): under /api/ JSON in the shape of every API error, elsewhere
    the site's page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500: under /api/ JSON in the shape of every API error, elsewhere the site's page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "server_error", "detail": _("Something went wrong on our side.")}, status=500)
    return defaults.server_error(request)
