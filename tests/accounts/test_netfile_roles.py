"""The `roles` section of a network file: roles at organizations for accounts that already exist."""

from __future__ import annotations

import pytest

from tamyr.accounts.models import NetworkCoordinator, OrganizationRole
from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

FILE = """\
version: 1
organizations:
  - slug: nf-centre
    kind: cultural_centre
    name: {en: Centre}
roles:
  - user: Aigerim@Example.org
    organization: nf-centre
    role: admin
  - user: teacher1
    organization: nf-elsewhere
    role: teacher
"""


@pytest.fixture
def accounts() -> None:
    UserFactory(username="aigerim", email="aigerim@example.org")
    UserFactory(username="teacher1", email="t1@example.org")
    OrganizationFactory(slug="nf-elsewhere")


def load(text: str = FILE, *, dry_run: bool = False) -> netfiles.Plan:
    return netfiles.load([("roles.yaml", text)], dry_run=dry_run)


def test_roles_are_granted_to_accounts_found_by_e_mail_or_username(accounts: None) -> None:
    plan = load()
    assert plan.lines()[1] == "+ create organization role aigerim@example.org @ nf-centre: admin"
    held = set(OrganizationRole.objects.values_list("user__username", "organization__slug", "role"))
    assert held == {("aigerim", "nf-centre", "admin"), ("teacher1", "nf-elsewhere", "teacher")}
    assert AuditEntry.objects.filter(action="accounts.role_granted").count() == 2


def test_a_second_load_grants_nothing(accounts: None) -> None:
    load()
    rows = AuditEntry.objects.count()
    assert load().counts == {"create": 0, "change": 0, "unchanged": 3}
    assert AuditEntry.objects.count() == rows


def test_an_account_that_does_not_exist_is_reported_and_nothing_is_written(accounts: None) -> None:
    with pytest.raises(netfiles.NetfileError) as caught:
        load(FILE.replace("user: teacher1", "user: nobody"))
    assert [str(p) for p in caught.value.problems] == [
        "roles.yaml:10: roles[1].user: There is no account nobody: the person signs up first, then you load the "
        "file again."
    ]
    assert not OrganizationRole.objects.exists()


def test_a_role_written_twice_is_reported(accounts: None) -> None:
    text = FILE + "  - user: teacher1\n    organization: nf-elsewhere\n    role: teacher\n"
    with pytest.raises(netfiles.NetfileError, match=r"roles.yaml:13: roles\[2\].user: organization role teacher1"):
        load(text)


def test_one_account_named_by_username_and_by_e_mail_is_one_role(accounts: None) -> None:
    text = FILE + "  - user: aigerim\n    organization: nf-centre\n    role: admin\n"
    with pytest.raises(netfiles.NetfileError, match=r"roles.yaml:13: roles\[2\].user: .* first at roles.yaml:7"):
        load(text)


def test_roles_are_not_dumped(accounts: None) -> None:
    load()
    assert "roles" not in netfiles.dump(netfiles.DumpScope(networks=[]))


COORDINATOR_FILE = """\
version: 1
networks:
  - slug: nf-network
    name: {en: Network}
roles:
  - user: aigerim
    network: nf-network
    role: coordinator
"""


def test_a_network_coordinator_is_granted_once(accounts: None) -> None:
    load(COORDINATOR_FILE)
    second = load(COORDINATOR_FILE)
    assert list(NetworkCoordinator.objects.values_list("user__username", "network__slug")) == [
        ("aigerim", "nf-network")
    ]
    assert second.counts["create"] == 0
    assert AuditEntry.objects.filter(action="accounts.coordinator_granted").count() == 1


def test_coordinator_is_a_role_of_networks_only(accounts: None) -> None:
    text = FILE.replace("role: admin", "role: coordinator")
    with pytest.raises(netfiles.NetfileError):
        load(text)
    assert not OrganizationRole.objects.exists()


def test_an_unknown_network_is_reported(accounts: None) -> None:
    text = COORDINATOR_FILE.replace("network: nf-network", "network: nf-nowhere")
    with pytest.raises(netfiles.NetfileError, match="There is no network nf-nowhere"):
        load(text)
