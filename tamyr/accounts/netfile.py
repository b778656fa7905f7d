"""The `roles` section of a network file: who holds which role at which organization, and who coordinates which
network (`network: SLUG`, `role: coordinator`).

A role names an account that already exists on this installation (by username or e-mail): a file never creates
accounts, because an account needs its owner (a verified e-mail, their own password, an authenticator for staff).
Grants go through `accounts.services.organization_role_grant` (audited); a grant the file leaves out is not
revoked. Roles are not dumped: usernames and e-mails are personal data that do not belong in a file meant to be
shared and kept in version control, and they mean nothing on another installation (docs/decisions/0013).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts import services
from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, OrganizationRoleKind, User
from tamyr.accounts.selectors import users_by_identifier
from tamyr.core.netfiles import SLUG, Action, Change, Context, DumpScope, Item, Section, register
from tamyr.registry.models import Network, Organization

COORDINATOR = "coordinator"


def _identifier(data: dict[str, Any]) -> str:
    return str(data.get("user", "")).strip().lower()


@register
class RolesSection(Section):
    name = "roles"
    label = gettext_lazy("organization role")
    depends_on = ("organizations", "networks")
    key_field = "user"

    def key_of(self, data: dict[str, Any]) -> str:
        return f"{_identifier(data)} @ {data.get('organization') or data.get('network', '')}: {data.get('role', '')}"

    def item_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["user", "role"],
            "additionalProperties": False,
            "oneOf": [
                {"required": ["organization"], "properties": {"role": {"enum": list(OrganizationRoleKind.values)}}},
                {"required": ["network"], "properties": {"role": {"const": COORDINATOR}}},
            ],
            "properties": {
                "user": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 254,
                    "description": "The username or e-mail of an account that exists on this installation.",
                },
                "organization": SLUG,
                "network": {**SLUG, "description": "A network the user coordinates (role: coordinator)."},
                "role": {"enum": [*OrganizationRoleKind.values, COORDINATOR]},
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        users = users_by_identifier({_identifier(item.data) for item in items})
        named = {
            kind: {item.data[kind] for item in items if item.data.get(kind)} for kind in ("organization", "network")
        }
        undeclared = {
            kind: {slug for slug in slugs if not context.declares(f"{kind}s", slug)} for kind, slugs in named.items()
        }
        known = set(Organization.objects.filter(slug__in=undeclared["organization"]).values_list("slug", flat=True))
        known |= set(Network.objects.filter(slug__in=undeclared["network"]).values_list("slug", flat=True))
        held = set(
            OrganizationRole.objects.filter(
                user__in=users.values(), organization__slug__in=named["organization"]
            ).values_list("user_id", "organization__slug", "role")
        )
        held |= {
            (user_id, slug, COORDINATOR)
            for user_id, slug in NetworkCoordinator.objects.filter(
                user__in=users.values(), network__slug__in=named["network"]
            ).values_list("user_id", "network__slug")
        }
        changes: list[Change] = []
        first: dict[tuple[int, str, str], Item] = {}
        for item in items:
            kind = "organization" if item.data.get("organization") else "network"
            slug = item.data[kind]
            if slug in undeclared[kind] and slug not in known:
                if kind == "organization":
                    message = _(
                        "There is no organization %(slug)s: add it to the file's organizations, or load it first."
                    )
                else:
                    message = _("There is no network %(slug)s: add it to the file's networks, or load it first.")
                context.problems.append(item.problem(kind, message % {"slug": slug}))
            user = users.get(_identifier(item.data))
            if user is None:
                message = _("There is no account %(user)s: the person signs up first, then you load the file again.")
                context.problems.append(item.problem("user", message % {"user": item.data["user"]}))
                continue
            role = item.data["role"]
            earlier = first.setdefault((user.pk, slug, role), item)
            if earlier is not item:  # the same account written once by username, once by e-mail
                message = _("%(what)s %(key)s appears twice; it is first at %(place)s.") % {
                    "what": self.label,
                    "key": self.key_of(item.data),
                    "place": f"{earlier.file}:{earlier.line}",
                }
                context.problems.append(item.problem("user", message))
                continue
            action: Action = "unchanged" if (user.pk, slug, role) in held else "create"
            data = {"user": user.pk, kind: slug, "role": role}
            changes.append(Change(self, self.key_of(item.data), action, item, fields=["role"], data=data))
        return changes

    def apply(self, change: Change, context: Context) -> None:
        user = User.objects.get(pk=change.data["user"])
        if "network" in change.data:
            network = Network.objects.get(slug=change.data["network"])
            services.network_coordinator_grant(user=user, network=network, acting_user=context.acting_user)
            return
        services.organization_role_grant(
            user=user,
            organization=Organization.objects.get(slug=change.data["organization"]),
            role=change.data["role"],
            acting_user=context.acting_user,
        )

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        return []  # see the module's docstring: accounts are not written to files
