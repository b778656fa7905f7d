"""Reads of accounts that more than one caller needs."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower

from tamyr.accounts.models import User


def users_by_identifier(identifiers: set[str]) -> dict[str, User]:
    """Each lower-cased identifier's account, by username first and then by e-mail (as `services.user_find`
    finds one), in one query: network files name accounts this way (roles, teachers) and never create them."""
    if not identifiers:
        return {}
    users = list(
        User.objects.annotate(lower_username=Lower("username"), lower_email=Lower("email"))
        .filter(Q(lower_username__in=identifiers) | Q(lower_email__in=identifiers))
        .order_by("pk")
    )
    found: dict[str, User] = {}
    for user in users:
        email = user.email.lower()
        if email in identifiers:
            found.setdefault(email, user)
    for user in users:
        found[user.username.lower()] = user  # a username wins over another account's e-mail
    return found
