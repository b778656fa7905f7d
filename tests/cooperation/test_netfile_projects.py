"""The `projects` and `practices` sections of a network file: joint projects and the practice library through the
services, dumped by `tamyr dump` and loaded back the same."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tamyr.cooperation.models import JointProject, LearnRequest, Practice, PracticeStatus
from tamyr.core import netfiles
from tamyr.core.netfiles.yamlfile import render
from tests.cooperation.test_netfile_plans import NETWORK, PLAN
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

NETWORK_WITH_NGO = (
    NETWORK.replace(
        "networks:\n",
        "  - slug: nf-ngo\n    kind: ngo\n    country: KZ\n    name: {en: An NGO}\nnetworks:\n",
    )
    + "      - organization: nf-ngo\n        role: member\n"
)

PROJECTS = """\
projects:
  - slug: nf-gala
    lead: nf-kz
    network: nf-net
    measure: {plan: nf-plan, code: "1.1"}
    kind: concert
    status: planned
    title: {en: Gala concert, kk: Гала-концерт}
    starts_on: 2026-01-13
    ends_on: 2026-01-13
    place: Vienna
    currency: EUR
    budget: "40000"
    public: true
    partners:
      - {organization: nf-kz, role: lead, contribution: "20000", role_note: Artists}
      - {organization: nf-az, role: partner, in_kind: Travel}
    media:
      - {kind: article, title: Programme, url: "https://example.org/gala"}
practices:
  - slug: nf-academy
    organization: nf-ngo
    network: nf-net
    theme: culture
    direction: {plan: nf-plan, code: "1"}
    contact_name: Ayan
    contact_email: academy@example.org
    title: {en: Open academy, ru: Открытая академия}
    status: accepted
    requests:
      - {organization: nf-az, message: "May we join?"}
  - slug: nf-waiting
    organization: nf-az
    network: nf-net
    contact_email: az@example.org
    title: {en: Waiting practice}
"""

load, problems = loader("projects.yaml", NETWORK_WITH_NGO + PLAN + PROJECTS)


def test_a_file_creates_a_joint_project_with_its_partners_and_media() -> None:
    load()
    gala = JointProject.objects.get(slug="nf-gala")
    contributions = {p.organization.slug: p.contribution for p in gala.partners.select_related("organization")}
    assert contributions == {"nf-kz": Decimal("20000.00"), "nf-az": None} and gala.measure.code == "1.1"
    assert gala.media.get().url == "https://example.org/gala"


def test_a_file_creates_practices_reviewed_as_it_says_with_their_requests() -> None:
    load()
    academy = Practice.objects.get(slug="nf-academy")
    assert academy.status == PracticeStatus.ACCEPTED and academy.direction.code == "1"
    assert Practice.objects.get(slug="nf-waiting").status == PracticeStatus.SUBMITTED
    assert LearnRequest.objects.get().organization.slug == "nf-az"


def test_loading_the_same_file_again_changes_nothing() -> None:
    load()
    plan = load()
    assert plan.counts["create"] == 0 and plan.counts["change"] == 0


def test_a_partner_left_out_of_a_written_list_leaves_the_project_but_the_lead_stays() -> None:
    load()
    load(
        NETWORK_WITH_NGO
        + PLAN
        + PROJECTS.replace("      - {organization: nf-az, role: partner, in_kind: Travel}\n", "")
    )
    assert list(JointProject.objects.get(slug="nf-gala").partners.values_list("organization__slug", flat=True)) == [
        "nf-kz"
    ]


def test_a_project_naming_an_unknown_measure_is_refused_at_its_line() -> None:
    found = problems(NETWORK_WITH_NGO + PLAN + PROJECTS.replace('code: "1.1"}', 'code: "9.9"}'))
    assert any("measure" in problem and "9.9" in problem for problem in found)


def test_the_schema_describes_projects_and_practices() -> None:
    schema = netfiles.schema()
    assert {"projects", "practices"} <= set(schema["properties"])


def test_dump_of_projects_and_practices_loads_back_the_same() -> None:
    load()
    scope = netfiles.DumpScope(networks=["nf-net"])
    first = netfiles.dump(scope)
    assert [p["slug"] for p in first["projects"]] == ["nf-gala"]
    assert [p["slug"] for p in first["practices"]] == ["nf-academy", "nf-waiting"]
    JointProject.objects.all().delete()
    Practice.objects.all().delete()
    netfiles.load([("dump.yaml", render(first))])
    assert netfiles.dump(netfiles.DumpScope(networks=["nf-net"])) == first
