from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def tamyr(request: HttpRequest) -> dict[str, Any]:
    """What the page frame needs on every page: which menus this user may see."""
    from tamyr.accounts import permissions

    user = getattr(request, "user", None)
    return {
        "TAMYR_LANGUAGES": settings.LANGUAGES,
        "can_see_people": bool(user and permissions.can(user, "registry.view_people")),
        "is_platform_admin": bool(user and permissions.is_platform_admin(user)),
        "can_add_events": bool(user and permissions.can(user, "events.add_event")),
        "can_see_dashboards": bool(user and permissions.can(user, "analytics.view_any_dashboard")),
    }
