"""Reads of accounts that more than one caller needs."""

from __future__ import annotations

from django.conf import settings
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


def language_of(user: User | None) -> str:
    """The language a person chose to read Tamyr in ("" when they never chose)."""
    return (getattr(user, "preferred_language", "") or "") if user is not None else ""


def language_for_address(address: str, default: str = "") -> str:
    """The saved language of whoever reads `address`: the account with that e-mail, else the account of the registry
    person with it; else `default` (e.g. the language the sender's page was in), else the site's language.

    Mail goes out in the recipient's language, not in the language of the page that caused it: an organizer in
    Astana working in Kazakh invites a Hungarian guest, who reads Hungarian."""
    from tamyr.registry.models import Person

    address = (address or "").strip()
    if address:
        chosen = (
            User.objects.filter(email__iexact=address)
            .exclude(preferred_language="")
            .order_by("-last_login", "pk")
            .values_list("preferred_language", flat=True)
            .first()
        )
        if not chosen:
            chosen = (
                Person.objects.filter(email__iexact=address, user__isnull=False)
                .exclude(user__preferred_language="")
                .order_by("pk")
                .values_list("user__preferred_language", flat=True)
                .first()
            )
        if chosen:
            return str(chosen)
    return default or settings.LANGUAGE_CODE
