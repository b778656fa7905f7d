"""Allauth hooks: mail in the user's language; the name given at sign-up; the way back after signing up, confirming
the e-mail address and signing in; failed sign-ins counted per account and address together."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


def user_display(user: Any) -> str:
    """How allauth names an account on its pages and in its mail (ACCOUNT_USER_DISPLAY): the person's own name; an
    account that never gave one is named by its e-mail address, never by the login name."""
    return user.get_full_name() or user.email or user.get_username()


def next_of(request: HttpRequest | None) -> str:
    """The safe `next` a sign-up, login or confirmation form carries ("" when there is none or it leads away)."""
    if request is None:
        return ""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        user.preferred_language = (translation.get_language() or "en").split("-")[0]
        user.name = form.cleaned_data.get("name", "")
        user.name_latin = form.cleaned_data.get("name_latin", "")
        return super().save_user(request, user, form, commit)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        """The link in the confirmation mail carries the `next` of the form that sent it: opened in the browser that
        signed up, allauth signs the person in and goes there; opened elsewhere, the confirmation page still
        leads there (through the login page when the place needs a login). Only a safe `next` ever rides along."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        destination = next_of(request)
        if destination:
            url = f"{url}?{urlencode({'next': destination})}"
        return url

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """An account that never gave its name is asked for it once, right after signing in, and then goes on to
        where it was going; the page marks the account as asked, so it never comes again and never loops."""
        response = super().post_login(request, user, **kwargs)
        if (
            isinstance(response, HttpResponseRedirect)
            and getattr(user, "needs_name", False)
            and getattr(user, "name_asked_at", True) is None
        ):
            destination = response["Location"]
            query = f"?{urlencode({'next': destination})}" if destination else ""
            response["Location"] = f"{reverse('me:name')}{query}"
        return response

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The `key` of the `login_failed` rate limit: the account typed *and* the client's address.

        allauth keys it by the account alone, so five wrong passwords from anywhere locked the account for its owner
        too, a lockout anyone could cause. With the address in the key, wrong passwords from one place block that
        place only; the per-address limits of `ACCOUNT_RATE_LIMITS` (`ip`) still stop one address trying many
        accounts. (A successful password reset clears the key of the address it was made from.)"""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"
