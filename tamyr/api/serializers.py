"""Serializer helpers shared by the apps' APIs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers


class ShallowFieldsSerializer(serializers.Serializer):
    """A serializer whose fields are shallow copies of the declared ones.

    DRF deep-copies every declared field for every serializer it makes, which re-runs each field's constructor:
    for the eight optional fields of a registration that is a tenth of the Python a registration request costs in
    a burst. A shallow copy is enough for fields that keep no state between requests (the copy is bound to this
    serializer; validators and choices are shared, read-only). Not for nested serializers or fields with mutable
    state of their own."""

    def get_fields(self) -> dict[str, Any]:
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class ScopedRelatedMixin:
    """A reference whose choices are what the caller may name: `scope(user)` (a domain selector) returns them.

    Anything outside the scope gets the answer of an id that does not exist ("Invalid pk … object does not exist"),
    so a reference can neither reach nor probe another organization's records. The view passes the request in the
    serializer's context; without it the field accepts nothing."""

    def __init__(self, *, scope: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)  # type: ignore[call-arg]

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.queryset  # type: ignore[attr-defined]  # the model, for the schema and for `none()`
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None:
            return queryset.none()
        return self.scope(request.user)


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A reference by id, checked against `scope(user)`."""


class ScopedSlugRelatedField(ScopedRelatedMixin, serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A reference by slug (or username), checked against `scope(user)`."""


class ErrorSerializer(serializers.Serializer):
    """The body of every error the API answers (tamyr.api.exceptions): a stable `code` for programs, a translated
    `detail` for people, the first `field` at fault, and, for invalid input, every field's messages in `errors`.
    (Invalid input also repeats the field keys at the top level, as DRF answers them, for v1 clients.)"""

    code = serializers.CharField(help_text="Stable for programs: invalid, not_found, throttled, not_allowed, ...")
    detail = serializers.CharField(help_text="For people, in the request's language.")
    field = serializers.CharField(required=False, help_text="The (first) field at fault, when there is one.")
    errors = serializers.DictField(  # type: ignore[assignment]  # a field of the body, not Serializer.errors
        child=serializers.JSONField(), required=False, help_text="Invalid input: each field's messages."
    )

    class Meta:
        ref_name = "Error"


# Schemas for computed fields that may be null: `extend_schema_field(NULLABLE_URI)` and the like, so the schema
# says `nullable` where the answer can be null.
NULLABLE_URI: dict[str, Any] = {"type": "string", "format": "uri", "nullable": True}
NULLABLE_DATETIME: dict[str, Any] = {"type": "string", "format": "date-time", "nullable": True}
NULLABLE_TRANSLATIONS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "nullable": True,
    "description": "{language code: text}",
}


class OptionalURLField(serializers.URLField):
    """An output URL that may be empty in the database: answered as null, never as "" (which is no URI)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"read_only": True, "allow_null": True, **kwargs})

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]
        return str(value) if value else None
