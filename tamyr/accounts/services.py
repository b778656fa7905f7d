"""Granting and revoking roles; each write is audited."""

from __future__ import annotations

from django.db import transaction

from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, User
from tamyr.accounts.permissions import forget_roles
from tamyr.core import audit


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
