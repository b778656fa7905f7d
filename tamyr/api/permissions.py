"""Bridges DRF to tamyr.accounts.permissions.can(): endpoints name an action, never a rule."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from tamyr.accounts.permissions import can


class Can(BasePermission):
    """Views declare `action_permissions` (checked per request) and `object_permissions` (checked per object),
    each mapping a viewset action to a permission action. Unmapped actions: safe methods are public only when
    the view sets `public_read = True`; unsafe ones are refused. An object the caller may not even see answers 404,
    as a missing one does (docs/decisions/0011)."""

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
        if action is None or can(request.user, action, obj):
            return True
        if not self.may_see(request, view, obj):
            # the same 404 as for an id that does not exist: a 403 would tell that this one does
            raise NotFound()
        return False  # 403: the caller sees the object but may not do this to it

    @staticmethod
    def may_see(request: Request, view: Any, obj: Any) -> bool:
        """Whether the caller may know that this object exists: a public view's objects (each view's
        `get_object` turns away the ones that are not public, as events' drafts), or what the view's `retrieve`
        rule lets them read."""
        if getattr(view, "public_read", False):
            return True
        retrieve = getattr(view, "object_permissions", {}).get("retrieve")
        return retrieve is not None and can(request.user, retrieve, obj)
