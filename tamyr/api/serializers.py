"""Serializer helpers shared by the apps' APIs."""

from __future__ import annotations

import copy
from typing import Any

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
