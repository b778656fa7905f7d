from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def tamyr(request: HttpRequest) -> dict[str, Any]:
    from tamyr.accounts import permissions

    user = getattr(request, "user", None)
    return {
        "TAMYR_LANGUAGES": settings.LANGUAGES,
        "can_see_people": bool(user and permissions.can(user, "registry.view_people")),
        "is_platform_admin": bool(user and permissions.is_platform_admin(user)),
    }
