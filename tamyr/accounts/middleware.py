"""Staff must set up a second factor before they can do anything else, in the browser and through the API.

This holds every request that a session signs in; requests signed by an API token are held to the same rule by
`tamyr.accounts.authentication.TokenAuthentication`."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.accounts.authentication import mfa_required_error

# /unsubscribe/: a recipient's one-click link must work whoever they are signed in as (RFC 8058)
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/verify/", "/unsubscribe/")


class RequireStaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_enrol(request):
            if request.path.startswith("/api/"):  # the body a token without a second factor gets, too
                return JsonResponse({"code": "mfa_required", "detail": str(mfa_required_error().detail)}, status=403)
            messages.warning(
                request, _("Your role needs two-factor authentication. Set up an authenticator app to continue.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request: HttpRequest) -> bool:
        if not getattr(settings, "TAMYR_REQUIRE_STAFF_MFA", True):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(EXEMPT_PREFIXES) or request.path == "/":
            return False
        # No header exempts a request: `request.user` here is the session's user (a token's user is checked by
        # `accounts.authentication`), and DRF falls back to the session whenever a header is not a valid token.
        if not permissions.requires_mfa(user):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
