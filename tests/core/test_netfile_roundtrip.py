"""`tamyr dump` then `tamyr load` into an empty database reproduces the demo's network: its organizations,
networks, the people named in public, the events, and (through the commands) the courses, calls, plans, projects,
news and pages of its networks' members, as the network-file promise of issue 11 says."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError

from tamyr.accounts.models import User
from tamyr.core import netfiles
from tamyr.core.netfiles import shipped
from tamyr.core.netfiles.yamlfile import render
from tamyr.events import demo as events_demo
from tamyr.events.models import Event, Venue
from tamyr.registry.demo import network
from tamyr.registry.models import Network, NetworkMembership, Organization, Person

pytestmark = pytest.mark.django_db

NETWORKS = ["abai-uii-network", "ots-diaspora", "ots-ngo-solidarity"]


def _demo_files() -> list[tuple[str, str]]:
    return [(path.name, path.read_text(encoding="utf-8")) for path in (network.NETWORK_FILE, events_demo.EVENTS_FILE)]


def _empty_the_database() -> None:
    Event.objects.all().delete()
    Venue.objects.all().delete()
    Person.objects.all().delete()
    NetworkMembership.objects.all().delete()
    Network.objects.all().delete()
    while Organization.objects.exists():  # children before their parents
        Organization.objects.filter(children__isnull=True).delete()


def test_dump_of_the_demo_network_loads_into_an_empty_database_and_dumps_the_same() -> None:
    netfiles.load(_demo_files())
    scope = netfiles.DumpScope(networks=NETWORKS)
    first = netfiles.dump(scope)
    organized_by_members = Event.objects.filter(organizer__network_memberships__network__slug__in=NETWORKS)
    assert {e["slug"] for e in first["events"]} == set(organized_by_members.values_list("slug", flat=True))
    assert len(first["events"]) >= 6 and len(first["people"]) >= 10

    _empty_the_database()
    assert not Organization.objects.exists()
    plan = netfiles.load([("dump.yaml", render(first))])

    assert plan.counts["change"] == 0 and plan.counts["unchanged"] == 0
    assert netfiles.dump(netfiles.DumpScope(networks=NETWORKS)) == first


# --- through the commands, with every network file of the demo ----------------------------------------------------

#: The demo's network files, and the one with the roles of the accounts they name (a course's teacher, a case's
#: worker). Accounts belong to an installation: a network file names them, never creates them, and a dump never
#: writes roles, so the empty database gets its accounts and roles.yaml again before it loads the dump.
SHIPPED = ("network", "events", "courses", "calls", "plan", "projects", "content", "mailings", "cases", "estimates")
ROLES = shipped.DEMO_DIR / "roles.yaml"


def _accounts() -> None:
    for grant in yaml.safe_load(ROLES.read_text(encoding="utf-8"))["roles"]:
        User.objects.create(username=grant["user"], email=f"demo.{grant['user']}@example.org")


def _rows() -> dict[type[models.Model], set[Any]]:
    return {model: set(model._default_manager.values_list("pk", flat=True)) for model in django_apps.get_models()}


def _delete_all_but(kept: dict[type[models.Model], set[Any]]) -> None:
    """Delete every row written since `kept` (the reference tables the migrations fill stay): children first, so
    whatever a protected key still holds is tried again on the next pass."""
    refused = (ProtectedError, RestrictedError, IntegrityError)
    for _attempt in range(20):
        left = {}
        for model in django_apps.get_models():
            extra = model._default_manager.exclude(pk__in=list(kept.get(model, ())))  # a list: composite keys need one
            try:
                with transaction.atomic():
                    extra.delete()
            except refused as error:  # a tree (a page's children protect it): row by row, leaves first
                left[model.__name__] = error
                for row in extra:
                    with contextlib.suppress(*refused), transaction.atomic():
                        row.delete()
        if not left:
            return
    raise AssertionError(f"rows written by the files could not be deleted: {left}")


@pytest.mark.django_db
def test_tamyr_dump_then_tamyr_load_into_an_empty_database_reproduces_the_networks(tmp_path: Path) -> None:
    before = _rows()
    _accounts()
    shipped.load_demo("network.yaml", "roles.yaml")
    for name in SHIPPED:
        shipped.load_demo(f"{name}.yaml")
    dumped = tmp_path / "networks.yaml"
    call_command("dump", *[f"--network={slug}" for slug in NETWORKS], output=str(dumped))
    text = dumped.read_text(encoding="utf-8")
    sections = set(yaml.safe_load(text))
    assert {"organizations", "networks", "people", "events", "courses", "calls", "plans"} <= sections

    _delete_all_but(before)
    assert not Organization.objects.exists() and not Event.objects.exists() and not User.objects.exists()
    _accounts()
    out = io.StringIO()
    call_command("load", str(ROLES), str(dumped), stdout=out)

    assert "Done" in out.getvalue()
    again = tmp_path / "again.yaml"
    call_command("dump", *[f"--network={slug}" for slug in NETWORKS], output=str(again))
    assert again.read_text(encoding="utf-8") == text
    assert not netfiles.load([("networks.yaml", text)], dry_run=True).has_changes
