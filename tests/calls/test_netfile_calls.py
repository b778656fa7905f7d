"""The calls section of a network file: calls with eligibility, quota groups, documents and form, through the
calls services; and the demo's calls file."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest

from tamyr.calls.models import Call, CallStatus, QuotaGroup
from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfiles.yamlfile import render
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

FILE = """\
version: 1
organizations:
  - slug: nf-fund
    kind: company
    name: {en: Fund}
    country: KZ
calls:
  - slug: nf-financing
    kind: financing
    status: published
    organization: nf-fund
    title: {en: Project financing, hu: Projektfinanszírozás}
    time_zone: Asia/Almaty
    opens: 2026-10-01 09:00
    closes: 2027-12-15 18:00
    currency: USD
    budget: 40000000
    award_min: 250000
    award_max: 5000000
    residence_countries: [KZ, HU]
    quota_groups:
      - {key: kz, name: {en: Kazakhstan}, places: 10, countries: [KZ]}
    documents:
      - {key: plan, name: {en: Business plan}, formats: [pdf, word], max_megabytes: 20}
    questions:
      - label: {en: Region}
        kind: text
        required: true
    review_phases:
      - {name: {en: Review}, starts: 2027-12-17 09:00, ends: 2028-01-31 18:00, sees_all: true}
    score_categories:
      - {key: viability, name: {en: Economic viability}, weight: 2}
      - {key: impact, name: {en: Impact}, weight: 1.5, max_value: 5}
"""

load, problems = loader("calls.yaml", FILE)


def test_a_call_is_created_with_its_groups_documents_and_form_through_the_services() -> None:
    load()
    call = Call.objects.get(slug="nf-financing")
    assert call.status == CallStatus.PUBLISHED
    assert call.budget == Decimal("40000000.00")
    assert call.closes_at.isoformat() == "2027-12-15T13:00:00+00:00"  # Kazakhstan is UTC+5
    assert sorted(c.code for c in call.residence_countries.all()) == ["HU", "KZ"]
    assert [c.code for c in call.quota_groups.get().countries.all()] == ["KZ"]
    assert call.required_documents.get().formats == ["pdf", "word"]
    assert call.questions.get().required
    assert AuditEntry.objects.filter(action="calls.call_created").exists()


def test_review_phases_and_score_categories_are_written_through_the_services() -> None:
    load()
    call = Call.objects.get(slug="nf-financing")
    phase = call.review_phases.get()
    assert (phase.starts_at.isoformat(), phase.sees_all, phase.blind) == ("2027-12-17T04:00:00+00:00", True, True)
    assert [(c.key, c.weight, c.max_value) for c in call.score_categories.all()] == [
        ("viability", Decimal("2.00"), 10),
        ("impact", Decimal("1.50"), 5),
    ]
    assert AuditEntry.objects.filter(action="calls.score_category_created").count() == 2
    plan = load(FILE.replace("weight: 1.5, max_value: 5", "weight: 1.5, max_value: 7"))
    change = next(c for c in plan.changes if c.section.name == "calls")
    assert change.fields == ["score_categories.impact.max_value"]


def test_a_review_phase_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(Exception, match="ends after it starts"):
        load(FILE.replace("ends: 2028-01-31 18:00", "ends: 2027-12-01 18:00"))
    assert not Call.objects.filter(slug="nf-financing").exists()


def test_a_relative_closing_time_counts_from_the_day_of_loading_and_reloads_unchanged() -> None:
    relative = FILE.replace("closes: 2027-12-15 18:00", "closes: '+30d 23:59'")
    load(relative)
    day = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Almaty")).date() + dt.timedelta(days=30)
    closes = Call.objects.get(slug="nf-financing").closes_at.astimezone(zoneinfo.ZoneInfo("Asia/Almaty"))
    assert (closes.date(), closes.strftime("%H:%M")) == (day, "23:59")
    plan = load(relative)
    assert {change.action for change in plan.changes if change.section.name == "calls"} == {"unchanged"}


def test_loading_the_same_file_again_changes_nothing() -> None:
    load()
    plan = load()
    assert {change.action for change in plan.changes if change.section.name == "calls"} == {"unchanged"}


def test_a_changed_group_is_changed_and_groups_left_out_stay() -> None:
    load()
    hungary = "      - {key: hu, name: {en: Hungary}, places: 3}\n"
    kazakhstan = "      - {key: kz, name: {en: Kazakhstan}, places: 10, countries: [KZ]}\n"
    load(FILE.replace(kazakhstan, hungary + kazakhstan.replace("places: 10", "places: 12")))
    call = Call.objects.get(slug="nf-financing")
    assert QuotaGroup.objects.get(call=call, key="kz").places == 12
    load(FILE.replace(kazakhstan, hungary))
    assert call.quota_groups.count() == 2


def test_a_questions_kind_does_not_change() -> None:
    load()
    assert any("kind" in problem for problem in problems(FILE.replace("kind: text", "kind: yes_no")))


def test_an_unknown_organization_is_named_with_its_line() -> None:
    found = problems(FILE.replace("organization: nf-fund", "organization: nowhere"))
    assert any("calls.yaml:" in problem and "nowhere" in problem for problem in found)


def test_a_dump_loads_back_unchanged() -> None:
    load()
    network = NetworkFactory(slug="nf-net")
    from tamyr.registry.models import Organization

    NetworkMembershipFactory(network=network, organization=Organization.objects.get(slug="nf-fund"))
    text = netfiles.dump_text(netfiles.DumpScope(networks=["nf-net"]))
    assert "review_phases:" in text and "score_categories:" in text
    plan = netfiles.load([("dump.yaml", text)], dry_run=True)
    assert {change.action for change in plan.changes if change.section.name == "calls"} == {"unchanged"}


def test_the_demo_calls_file_loads_after_the_demo_network() -> None:
    demo = Path(__file__).resolve().parents[2] / "tamyr" / "demo"
    netfiles.load([(str(demo / "network.yaml"), (demo / "network.yaml").read_text(encoding="utf-8"))])
    netfiles.load([(str(demo / "calls.yaml"), (demo / "calls.yaml").read_text(encoding="utf-8"))])
    assert Call.objects.count() == 4
    assert Call.objects.get(slug="hungary-scholarship-kazakhstan-2027").places == 200
    assert Call.objects.get(slug="joint-investment-fund-2027").budget == Decimal("40000000.00")
    assert Call.objects.get(slug="ots-youth-programme-2027").quota_groups.count() == 6
    assert render  # the YAML writer the dump uses
    assert OrganizationFactory  # factories stay importable for the section's other tests


def test_the_calls_example_in_the_docs_loads() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "network-files.md").read_text(encoding="utf-8")
    blocks = [block.split("```")[0] for block in page.split("```yaml\n")[1:]]
    example = next(block for block in blocks if "score_categories" in block)
    organization = "organizations:\n  - {slug: ots-secretariat, kind: ngo, name: {en: OTS}, country: TR}\n"
    load(f"version: 1\n{organization}{example}")
    call = Call.objects.get(slug="youth-programme-2027")
    assert (call.review_phases.count(), call.score_categories.get(key="plan").max_value) == (1, 5)
