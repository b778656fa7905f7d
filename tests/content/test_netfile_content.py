"""The `news` and `pages` sections of network files, and the demo's content file (the seeds as news items)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models.deletion import ProtectedError

from tamyr.content.models import Entry, EntryKind, EntryStatus
from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "tamyr" / "demo"

FILE = """\
version: 1
news:
  - slug: nf-news
    organization: nf-embassy
    status: published
    published: 2025-11-03 10:00
    source_language: hu
    fallback_language: en
    title: {hu: Ösztöndíj, en: Scholarship}
    body: {hu: "<p>Szöveg</p><script>alert(1)</script>", en: "<p>Text</p>"}
pages:
  - slug: nf-voting
    organization: nf-embassy
    parent: nf-consular
    title: {en: Voting abroad}
    status: published
    published: 2025-09-01 08:00
  - slug: nf-consular
    organization: nf-embassy
    title: {en: Consular services}
    status: published
    published: 2025-09-01 08:00
"""
load, problems = loader("content.yaml", FILE)


@pytest.fixture(autouse=True)
def _embassy(db):  # type: ignore[no-untyped-def]
    embassy = OrganizationFactory(slug="nf-embassy")
    NetworkMembershipFactory(network=NetworkFactory(slug="nf-net"), organization=embassy)


def test_news_and_pages_are_created_with_their_languages_and_tree() -> None:
    load()
    item = Entry.objects.get(kind=EntryKind.NEWS, slug="nf-news")
    assert item.languages == ["en", "hu"] and item.is_public() and "script" not in item.body["hu"]
    voting = Entry.objects.get(kind=EntryKind.PAGE, slug="nf-voting")
    assert voting.parent is not None and voting.parent.slug == "nf-consular"


def test_loading_the_same_file_again_changes_nothing() -> None:
    load()
    audit = AuditEntry.objects.count()
    plan = load()
    assert plan.counts == {"create": 0, "change": 0, "unchanged": 3}
    assert AuditEntry.objects.count() == audit


def test_a_changed_translation_is_planned_as_a_change_of_that_field() -> None:
    load()
    plan = load(FILE.replace("en: Scholarship", "en: State scholarship"), dry_run=True)
    changed = [change for change in plan.changes if change.action == "change"]
    assert [(change.key, change.fields) for change in changed] == [("nf-news", ["title"])]


def test_an_unknown_organization_is_named_with_its_line() -> None:
    found = problems(FILE.replace("organization: nf-embassy\n    status: published\n    published: 2025-11",
                                  "organization: nowhere\n    status: published\n    published: 2025-11"))  # fmt: skip
    assert any("content.yaml:4: news[0].organization" in problem for problem in found), found


def test_an_item_with_two_owners_is_refused_by_the_schema() -> None:
    assert problems(FILE.replace("    organization: nf-embassy\n    status", "    organization: nf-embassy\n"
                                 "    network: nf-net\n    status", 1))  # fmt: skip


def test_a_dump_loads_back_unchanged() -> None:
    load()
    text = netfiles.dump_text(netfiles.DumpScope(networks=["nf-net"]))
    assert "nf-news" in text and "nf-voting" in text
    plan = netfiles.load([("dump.yaml", text)], dry_run=True)
    assert plan.counts["create"] == 0 and plan.counts["change"] == 0


def test_a_dump_loaded_into_an_empty_database_makes_the_same_dump() -> None:
    load()
    scope = netfiles.DumpScope(networks=["nf-net"])
    first = netfiles.dump_text(scope)
    Entry.objects.filter(parent__isnull=False).delete()
    Entry.objects.all().delete()
    netfiles.load([("dump.yaml", first)])
    assert netfiles.dump_text(scope) == first


def test_the_demo_content_file_loads_after_the_demo_network_and_twice_changes_nothing() -> None:
    for name in ("network.yaml", "content.yaml"):
        netfiles.load([(name, (DEMO / name).read_text(encoding="utf-8"))])
    seeds = Entry.objects.filter(kind=EntryKind.NEWS)
    assert seeds.count() == 5 and all(len(item.languages) >= 4 for item in seeds)
    voting = Entry.objects.get(slug="hungary-astana-voting-abroad")
    assert voting.parent.slug == "hungary-astana-consular-services"  # type: ignore[union-attr]
    assert voting.status == EntryStatus.PUBLISHED
    plan = netfiles.load([("content.yaml", (DEMO / "content.yaml").read_text(encoding="utf-8"))])
    assert plan.counts["create"] == plan.counts["change"] == 0


def test_a_parent_page_cannot_be_deleted_from_under_its_children() -> None:
    load()
    with pytest.raises(ProtectedError):
        Entry.objects.get(slug="nf-consular").delete()
