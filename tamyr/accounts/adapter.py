"""Allauth hooks: mail in the user's language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        user.preferred_language = (translation.get_language() or "en").split("-")[0]
        return super().save_user(request, user, form, commit)
