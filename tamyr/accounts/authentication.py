"""API token authentication: DRF's, with the account read by one plain SQL statement.

Every authenticated API request pays for this lookup, so it skips the ORM's query building (see `tamyr.core.rows`);
refusals go through DRF's own code, which gives its usual (translated) messages.
"""

from __future__ import annotations

from typing import Any

from rest_framework import authentication
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import User
from tamyr.core import rows

_BY_TOKEN = f"id = (SELECT user_id FROM {Token._meta.db_table} WHERE key = %s)"


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`. `request.auth` is the token, with its key and user (not its creation time)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user = rows.load(User, _BY_TOKEN, [key])
        if user is None or not user.is_active:
            return super().authenticate_credentials(key)  # raises with DRF's message
        return user, Token(key=key, user=user)
