"""The OpenAPI schema tells the truth about errors: each operation declares the error statuses it can answer,
with the body every error has (`tamyr.api.serializers.ErrorSerializer`, component `Error`).

- 400 where the request carries input (query parameters) or changes something (a rule may refuse it);
- 401 and 403 where the view authenticates (a bad token; a rule or the two-factor requirement says no);
- 404 where the path names an object, or the list is paged (`?page=` past the end);
- 429, with `Retry-After`, where the view is throttled.

An operation that declares one of these itself (with a more specific description) keeps its own.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi

from tamyr.api.serializers import ErrorSerializer

DESCRIPTIONS = {
    "400": "The input is not valid, or a rule refused it; `code` says which (`invalid` with `errors` per field).",
    "401": "Authentication failed: the token is missing, unknown or the account inactive.",
    "403": "Not allowed for this account (or two-factor authentication must be set up first).",
    "404": "No such object, or one the caller may not see (the same answer, so ids reveal nothing).",
    "429": "Too many requests; try again after `Retry-After` seconds.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before the next request.",
        "required": True,
    }
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        # an error is rendered like the answer the client asked for: JSON, or JSON-LD where that is offered
        media_types = sorted(
            {media for response in responses.values() for media in response.get("content", {}) if "json" in media}
        ) or ["application/json"]
        ref = self.resolve_serializer(ErrorSerializer, "response").ref
        error = {media: {"schema": ref} for media in media_types}
        for status in self._error_statuses(operation):
            known = responses.get(status)
            if known is None:
                responses[status] = {"content": error, "description": DESCRIPTIONS[status]}
            elif not known.get("content"):  # declared without a body (`404: None`): every error has one
                known["content"] = error
            if status == "429":
                responses[status].setdefault("headers", RETRY_AFTER)
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        statuses = []
        unsafe = self.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe or any(parameter["in"] == "query" for parameter in parameters):
            statuses.append("400")
        if self.view.get_authenticators():
            statuses += ["401", "403"]
        else:
            statuses.append("403")  # the two-factor rule also stands before views that authenticate no one
        if any(parameter["in"] == "path" for parameter in parameters) or self._paged():
            statuses.append("404")
        if self.view.get_throttles():
            statuses.append("429")
        return sorted(statuses)

    def _paged(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
