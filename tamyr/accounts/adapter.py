"""Allauth hooks: mail in the user's language; failed sign-ins counted per account and address together."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.http import HttpRequest
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

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The `key` of the `login_failed` rate limit: the account typed *and* the client's address.

        allauth keys it by the account alone, so five wrong passwords from anywhere locked the account for its owner
        too, a lockout anyone could cause. With the address in the key, wrong passwords from one place block that
        place only; the per-address limits of `ACCOUNT_RATE_LIMITS` (`ip`) still stop one address trying many
        accounts. (A successful password reset clears the key of the address it was made from.)"""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"
