"""API token authentication: DRF's, with the account and its second-factor rule read by one plain SQL statement.

Every authenticated API request pays for this lookup, so it skips the ORM's query building (see `tamyr.core.rows`);
refusals go through DRF's own code, which gives its usual (translated) messages.

The second factor: a session is held to it by `RequireStaffMFAMiddleware`; a token is held to it here. A staff
token works only when its owner has an authenticator app, or when an operator marked it as a machine's token
(`MachineToken`, made by `tamyr drf_create_token`). Who counts as staff is `permissions.requires_mfa`: the same
statement asks it of the database (a superuser, `is_staff`, any organization role or any coordinated network), so
a compatriot's request costs no more than before.
"""

from __future__ import annotations

import functools
from typing import Any

from allauth.mfa.models import Authenticator
from django.db import connection
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import MachineToken, NetworkCoordinator, OrganizationRole, User
from tamyr.core import rows


@functools.cache
def _statement(vendor: str) -> tuple[str, int]:
    columns, count = rows.columns(User)
    quote = connection.ops.quote_name
    user = quote(User._meta.db_table)
    token = quote(Token._meta.db_table)
    sql = f"""
        SELECT {columns},
            ({user}.is_superuser OR {user}.is_staff
             OR EXISTS (SELECT 1 FROM {quote(OrganizationRole._meta.db_table)} r WHERE r.user_id = {user}.id)
             OR EXISTS (SELECT 1 FROM {quote(NetworkCoordinator._meta.db_table)} c WHERE c.user_id = {user}.id))
            AND NOT EXISTS (SELECT 1 FROM {quote(Authenticator._meta.db_table)} a
                            WHERE a.user_id = {user}.id AND a.type = %s)
            AND NOT EXISTS (SELECT 1 FROM {quote(MachineToken._meta.db_table)} m WHERE m.token_id = {token}.key)
        FROM {user} JOIN {token} ON {token}.user_id = {user}.id
        WHERE {token}.key = %s
    """
    return sql, count


class MFARequired(exceptions.PermissionDenied):
    default_code = "mfa_required"


def mfa_required_error() -> MFARequired:
    return MFARequired(
        _("Set up two-factor authentication first, or ask an operator for a machine token."), code="mfa_required"
    )


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`. `request.auth` is the token, with its key and user (not its creation time)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        sql, count = _statement(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, [Authenticator.Type.TOTP, key])
            row = cursor.fetchone()
        if row is None:
            return super().authenticate_credentials(key)  # raises with DRF's message
        user = rows.build(User, row[:count])
        if not user.is_active:
            return super().authenticate_credentials(key)
        if row[count] and _second_factor_enforced():
            raise mfa_required_error()
        return user, Token(key=key, user=user)


def _second_factor_enforced() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "TAMYR_REQUIRE_STAFF_MFA", True))
