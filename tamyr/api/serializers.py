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
