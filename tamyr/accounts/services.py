"""Granting and revoking roles; each write is audited."""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import MachineToken, NetworkCoordinator, OrganizationRole, User
from tamyr.accounts.permissions import forget_roles
from tamyr.core import audit


def signed_in_user(request: HttpRequest) -> User:
    """The request's user in views behind @login_required, typed as our User."""
    return cast(User, request.user)


@transaction.atomic
def organization_role_grant(
    *, user: User, organization: object, role: str, acting_user: User | None
) -> OrganizationRole:
    grant, created = OrganizationRole.objects.get_or_create(user=user, organization=organization, role=role)
    if created:
        audit.record(acting_user, "accounts.role_granted", grant, role=role, user=user.get_username())
    forget_roles(user)
    return grant


@transaction.atomic
def organization_role_revoke(*, grant: OrganizationRole, acting_user: User | None) -> None:
    audit.record(acting_user, "accounts.role_revoked", grant, role=grant.role, user=grant.user.get_username())
    forget_roles(grant.user)
    grant.delete()


@transaction.atomic
def network_coordinator_grant(*, user: User, network: object, acting_user: User | None) -> NetworkCoordinator:
    row, created = NetworkCoordinator.objects.get_or_create(user=user, network=network)
    if created:
        audit.record(acting_user, "accounts.coordinator_granted", row, user=user.get_username())
    forget_roles(user)
    return row


def user_find(*, identifier: str) -> User | None:
    """A user by username or verified-or-not e-mail, case-insensitively."""
    identifier = identifier.strip()
    if not identifier:
        return None
    return (
        User.objects.filter(username__iexact=identifier).first()
        or User.objects.filter(email__iexact=identifier).first()
    )


@transaction.atomic
def user_name_set(*, user: User, name: str, name_latin: str = "") -> User:
    """The user writes their name (checked by `accounts.forms.clean_name`); their registry record, when they have
    one, is renamed with it, so e-mails, badges and certificates made from then on greet them by it."""
    from tamyr.registry import selectors as registry_selectors
    from tamyr.registry import services as registry_services

    previous = [user.get_full_name(), user.name_latin]
    changed = name != user.name or name_latin != user.name_latin
    user.name = name
    user.name_latin = name_latin
    user.name_asked_at = user.name_asked_at or timezone.now()
    user.save(update_fields=["name", "name_latin", "name_asked_at"])
    if changed:
        audit.record(user, "accounts.name_changed", user)
        person = registry_selectors.person_of_user(user)
        if person is not None:
            registry_services.person_rename_from_user(person=person, user=user, previous=previous)
    return user


def user_name_asked(*, user: User) -> None:
    """The one-time name page was shown: it is not shown again, whether the user answers it or not."""
    if user.name_asked_at is None:
        user.name_asked_at = timezone.now()
        user.save(update_fields=["name_asked_at"])


@transaction.atomic
def account_close(*, user: User, acting_user: User | None) -> None:
    """Close an account that has no registry record: nothing identifying stays."""
    audit.record(acting_user, "accounts.account_closed", user)
    user.is_active = False
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.name = ""
    user.name_latin = ""
    user.username = f"erased-{user.pk}"
    user.set_unusable_password()
    user.save()
    user.emailaddress_set.all().delete()  # type: ignore[attr-defined]
    audit.forget(target=user, actor=user, label=user.username)


@transaction.atomic
def machine_token_create(*, user: User, reset: bool = False, acting_user: User | None, note: str = "") -> Token:
    """The API token of `user`, marked as a machine's: an operator vouches for it, so staff powers work without the
    owner's authenticator app. A new key when `reset`, which also ends every use of the old one."""
    if reset:
        Token.objects.filter(user=user).delete()
    token, _created = Token.objects.get_or_create(user=user)
    _machine, created = MachineToken.objects.get_or_create(
        token=token, defaults={"created_by": acting_user, "note": note}
    )
    if created:
        audit.record(acting_user, "accounts.machine_token_created", user, user=user.get_username())
    return token
