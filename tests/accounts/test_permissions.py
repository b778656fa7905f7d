"""`can(user, action, obj)`: every action against every role, on objects of the user's own and another organization."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tamyr.accounts import permissions
from tamyr.accounts.permissions import can, forget_roles, people_scope, people_write_scope, requires_mfa, roles_of
from tests.factories import (
    ROLE_NAMES,
    AffiliationFactory,
    PersonFactory,
    RoleWorld,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

Y, N = True, False

# fmt: off
# (action, object) -> allowed per role, in the order of ROLE_NAMES:
#  anonymous compatriot owner-of-A admin-A staff-A teacher-A reviewer-A admin-B coordinator-A coordinator-B platform
RULES: dict[tuple[str, str | None], tuple[bool, ...]] = {
    ("registry.view_people", None):               (N, N, N, Y, Y, N, N, Y, Y, Y, Y),
    ("registry.export_people", None):             (N, N, N, Y, Y, N, N, Y, Y, Y, Y),
    ("registry.add_person", None):                (N, N, N, Y, Y, N, N, Y, N, N, Y),
    ("registry.view_person", "person_a"):         (N, N, Y, Y, Y, N, N, N, Y, N, Y),
    ("registry.view_person", "person_b"):         (N, N, N, N, N, N, N, Y, N, Y, Y),
    ("registry.change_person", "person_a"):       (N, N, N, Y, Y, N, N, N, N, N, Y),
    ("registry.change_person", "person_b"):       (N, N, N, N, N, N, N, Y, N, N, Y),
    ("registry.erase_person", "person_a"):        (N, N, Y, Y, N, N, N, N, N, N, Y),
    ("registry.erase_person", "person_b"):        (N, N, N, N, N, N, N, Y, N, N, Y),
    ("registry.review_duplicates", None):         (N, N, N, Y, Y, N, N, Y, N, N, Y),
    ("registry.review_duplicates", "duplicate_a"): (N, N, N, Y, Y, N, N, N, N, N, Y),
    ("registry.merge_people", None):              (N, N, N, Y, Y, N, N, Y, N, N, Y),
    ("registry.merge_people", "merge_a"):         (N, N, N, Y, Y, N, N, N, N, N, Y),
    ("registry.import_people", None):             (N, N, N, Y, Y, N, N, Y, N, N, Y),
    ("registry.import_people", "org_a"):          (N, N, N, Y, Y, N, N, N, N, N, Y),
    ("registry.import_people", "org_b"):          (N, N, N, N, N, N, N, Y, N, N, Y),
    ("registry.view_import_file", "import_a"):    (N, N, N, Y, Y, N, N, N, N, N, Y),
    ("registry.add_organization", None):          (N, N, N, N, N, N, N, N, N, N, Y),
    ("registry.change_organization", "org_a"):    (N, N, N, Y, N, N, N, N, N, N, Y),
    ("registry.change_organization", "org_b"):    (N, N, N, N, N, N, N, Y, N, N, Y),
    ("registry.change_network", "network_a"):     (N, N, N, N, N, N, N, N, Y, N, Y),
    ("registry.change_network", "network_b"):     (N, N, N, N, N, N, N, N, N, Y, Y),
    ("registry.add_network_member", "network_a"): (N, N, N, N, N, N, N, N, N, N, Y),
    ("registry.add_network_member", "network_b"): (N, N, N, N, N, N, N, N, N, N, Y),
    ("accounts.manage_roles", "org_a"):           (N, N, N, Y, N, N, N, N, N, N, Y),
    ("accounts.manage_roles", "org_b"):           (N, N, N, N, N, N, N, Y, N, N, Y),
    ("core.view_audit", None):                    (N, N, N, N, N, N, N, N, N, N, Y),
    ("core.load_network_file", None):             (N, N, N, N, N, N, N, N, N, N, Y),
    ("core.dump_network_file", "network_a"):      (N, N, N, N, N, N, N, N, N, N, Y),
    ("privacy.own_data", None):                   (N, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y),
}
# fmt: on

CASES = [
    (action, target, role, allowed)
    for (action, target), row in RULES.items()
    for role, allowed in zip(ROLE_NAMES, row, strict=True)
]


@pytest.fixture(scope="module")
def _module_media_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _media_root(settings: Any, _module_media_root: str) -> None:
    """One media folder for the module instead of conftest's folder per test: this module runs many small tests."""
    settings.MEDIA_ROOT = _module_media_root
    settings.PRIVATE_MEDIA_ROOT = _module_media_root + "-private"


def _user(world: RoleWorld, role: str) -> Any:
    return world.users.get(role) or AnonymousUser()


def test_every_registry_accounts_and_privacy_rule_is_in_the_table() -> None:
    """Rules of the other apps (events, learning, ...) are tested beside those apps."""
    ours = {
        action for action in permissions.RULES if action.startswith(("registry.", "accounts.", "core.", "privacy."))
    }
    assert {action for action, _target in RULES} == ours


@pytest.mark.parametrize(("action", "target", "role", "allowed"), CASES)
def test_can_answers_each_role_as_the_table_says(
    role_world: RoleWorld, action: str, target: str | None, role: str, allowed: bool
) -> None:
    obj = getattr(role_world, target) if target else None
    assert can(_user(role_world, role), action, obj) is allowed


def test_unknown_action_raises_key_error(role_world: RoleWorld) -> None:
    with pytest.raises(KeyError, match="registry.fly"):
        can(role_world.users["platform_admin"], "registry.fly")


def test_unknown_action_raises_even_for_the_anonymous() -> None:
    with pytest.raises(KeyError):
        can(AnonymousUser(), "registry.no_such_action")


def test_no_user_is_refused() -> None:
    assert can(None, "registry.view_people") is False


@pytest.mark.parametrize("role", ["org_admin_a", "staff_a", "coordinator_a", "platform_admin"])
def test_inactive_user_is_refused_whatever_their_role(role_world: RoleWorld, role: str) -> None:
    user = role_world.users[role]
    user.is_active = False
    try:
        assert can(user, "registry.view_person", role_world.person_a) is False
        assert can(user, "registry.view_people") is False
    finally:
        user.is_active = True


def test_inactive_owner_cannot_read_their_own_record(role_world: RoleWorld) -> None:
    owner = role_world.users["person_owner"]
    owner.is_active = False
    try:
        assert can(owner, "registry.view_person", role_world.person_a) is False
    finally:
        owner.is_active = True


def test_inactive_superuser_is_not_a_platform_admin() -> None:
    user = UserFactory(is_superuser=True, is_active=False)
    assert roles_of(user).platform_admin is False


def test_staff_see_a_person_of_another_organization_affiliated_with_theirs(role_world: RoleWorld) -> None:
    AffiliationFactory(person=role_world.person_b, organization=role_world.org_a)
    assert can(role_world.users["staff_a"], "registry.view_person", role_world.person_b) is True


def test_erased_person_can_be_changed_by_nobody(role_world: RoleWorld) -> None:
    person = PersonFactory(registered_by=role_world.org_a, erased_at=timezone.now())
    assert can(role_world.users["org_admin_a"], "registry.change_person", person) is False
    assert can(role_world.users["platform_admin"], "registry.change_person", person) is False


def test_erased_person_cannot_be_erased_again(role_world: RoleWorld) -> None:
    person = PersonFactory(registered_by=role_world.org_a, erased_at=timezone.now())
    assert can(role_world.users["platform_admin"], "registry.erase_person", person) is False


def test_person_without_keeping_organization_is_seen_only_by_platform_admin(role_world: RoleWorld) -> None:
    person = PersonFactory(registered_by=None)
    assert can(role_world.users["org_admin_a"], "registry.view_person", person) is False
    assert can(role_world.users["platform_admin"], "registry.view_person", person) is True


def test_a_granted_role_counts_after_forget_roles(role_world: RoleWorld) -> None:
    user = UserFactory()
    assert can(user, "registry.view_people") is False
    grant(user, role_world.org_b, "staff")
    forget_roles(user)
    assert can(user, "registry.view_person", role_world.person_b) is True


def test_people_scope_is_everything_for_platform_admin(role_world: RoleWorld) -> None:
    assert people_scope(role_world.users["platform_admin"]) is None


def test_coordinator_scope_covers_the_network_but_write_scope_is_empty(role_world: RoleWorld) -> None:
    coordinator = role_world.users["coordinator_a"]
    assert people_scope(coordinator) == {role_world.org_a.pk}
    assert people_write_scope(coordinator) == set()


@pytest.mark.parametrize("role", ["teacher_a", "reviewer_a"])
def test_teachers_and_reviewers_have_no_people_scope(role_world: RoleWorld, role: str) -> None:
    assert people_scope(role_world.users[role]) == set()


@pytest.mark.parametrize(
    ("role", "needs_mfa"),
    [(role, role not in ("compatriot", "person_owner")) for role in ROLE_NAMES[1:]],
)
def test_every_role_but_the_compatriot_requires_mfa(role_world: RoleWorld, role: str, needs_mfa: bool) -> None:
    assert requires_mfa(role_world.users[role]) is needs_mfa


def test_django_staff_flag_alone_requires_mfa() -> None:
    assert requires_mfa(UserFactory(is_staff=True)) is True
