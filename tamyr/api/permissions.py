"""Bridges DRF to tamyr.accounts.permissions.can(): endpoints name an action, never a rule."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from tamyr.accounts.permissions import can


class Can(BasePermission):
    """Views declare `action_permissions` (checked per request) and `object_permissions` (checked per object),
    each mapping a viewset action to a permission action. Unmapped actions: safe methods are public only when
    the view sets `public_read = True`; unsafe ones are refused."""

    def has_permission(self, request: Request, view: Any) -> bool:
        action = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if action is not None:
            return can(request.user, action)
        if getattr(view, "object_permissions", {}).get(getattr(view, "action", None)):
            # decided per object; every object rule needs a signed-in user, so the anonymous get 401 before the
            # lookup and cannot tell which ids exist by 404 against 401
            return bool(request.user and request.user.is_authenticated)
        return bool(getattr(view, "public_read", False) and request.method in SAFE_METHODS)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        action = getattr(view, "object_permissions", {}).get(getattr(view, "action", None))
        if action is not None:
            return can(request.user, action, obj)
        return True
