"""The network-file mechanism: reading YAML with lines, validating against the schema, reporting where a mistake
is, and the `load` and `dump` commands. The registry's sections are the ones exercised (they are the real ones)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfiles.yamlfile import parse
from tamyr.registry.models import Network, Organization

GOOD = """\
version: 1
organizations:
  - slug: abai-uii
    kind: cultural_centre
    name: {kk: Абай үйі, en: Abai House}
    country: KZ
networks:
  - slug: centres
    name: {en: Cultural centres}
    members:
      - organization: abai-uii
"""


def problems_of(text: str, file: str = "net.yaml") -> list[str]:
    with pytest.raises(netfiles.NetfileError) as caught:
        netfiles.read([(file, text)])
    return [str(problem) for problem in caught.value.problems]


# --- reading ---------------------------------------------------------------------------------------------------


def test_every_mapping_knows_the_line_of_each_key() -> None:
    document = parse("version: 1\norganizations:\n  - slug: a\n    kind: ngo\n")
    item = document["organizations"][0]
    assert (document.line_of("organizations"), item.line, item.line_of("kind")) == (2, 3, 4)


def test_no_is_norway_and_not_false() -> None:
    assert parse("country: NO\nactive: true\n") == {"country": "NO", "active": True}


def test_dates_stay_text_for_the_sections_to_parse() -> None:
    assert parse("since: 2024-05-01\n") == {"since": "2024-05-01"}


def test_a_time_of_day_stays_text_and_is_not_a_base_60_number() -> None:
    assert parse("at: 19:00\nseats: 12\n") == {"at": "19:00", "seats": 12}


def test_a_key_written_twice_is_reported_at_its_second_line() -> None:
    assert problems_of("version: 1\nversion: 1\n") == ["net.yaml:2: The key version appears twice here."]


def test_broken_yaml_is_reported_with_its_line() -> None:
    [problem] = problems_of("version: 1\norganizations:\n  - slug: [a\n")
    assert problem.startswith("net.yaml:") and "This is not valid YAML" in problem


# --- the schema ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_kind_names_file_line_and_field() -> None:
    text = GOOD.replace("kind: cultural_centre", "kind: club")
    [problem] = problems_of(text)
    assert problem.startswith("net.yaml:4: organizations[0].kind: 'club' is not one of")


@pytest.mark.django_db
def test_an_unknown_field_is_reported_at_its_own_line() -> None:
    text = GOOD.replace("    country: KZ\n", "    country: KZ\n    nmae: {en: typo}\n")
    assert problems_of(text) == ["net.yaml:7: organizations[0].nmae: Unknown field nmae."]


@pytest.mark.django_db
def test_a_missing_required_field_is_reported_at_its_item() -> None:
    text = GOOD.replace("    kind: cultural_centre\n", "")
    assert problems_of(text) == ["net.yaml:3: organizations[0]: 'kind' is a required property"]


@pytest.mark.django_db
def test_an_unknown_language_in_a_translated_text_is_refused() -> None:
    [problem] = problems_of(GOOD.replace("en: Abai House", "xx: Abai House"))
    assert problem.startswith("net.yaml:5: organizations[0].name:")


@pytest.mark.django_db
def test_a_file_without_version_is_refused() -> None:
    assert problems_of("organizations: []\n") == ["net.yaml:1: 'version' is a required property"]


@pytest.mark.django_db
def test_an_item_declared_in_two_files_is_reported_with_both_places() -> None:
    with pytest.raises(netfiles.NetfileError) as caught:
        netfiles.read([("a.yaml", GOOD), ("b.yaml", GOOD)])
    assert "b.yaml:3: organizations[0].slug: organization abai-uii appears twice; it is first at a.yaml:3." in str(
        caught.value
    )


def test_sections_come_after_the_sections_they_depend_on() -> None:
    names = [section.name for section in netfiles.sections()]
    assert names.index("organizations") < names.index("networks")


@pytest.mark.django_db
def test_the_schema_is_served_at_a_stable_address(client: Client) -> None:
    response = client.get("/api/v1/network-file/schema.json")
    assert response.status_code == 200
    served = json.loads(response.content)
    assert served == json.loads(json.dumps(netfiles.schema()))
    assert set(served["properties"]) >= {"version", "organizations", "networks"}


# --- the commands ----------------------------------------------------------------------------------------------


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "network.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_dry_run_prints_the_plan_and_writes_nothing(good_file: Path) -> None:
    out = io.StringIO()
    call_command("load", str(good_file), dry_run=True, stdout=out)
    assert out.getvalue().splitlines()[:3] == [
        "+ create organization abai-uii",
        "+ create network centres",
        "Plan: 2 to create, 0 to change, 0 unchanged.",
    ]
    assert not Organization.objects.filter(slug="abai-uii").exists()
    assert not Network.objects.filter(slug="centres").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_load_applies_the_plan_it_prints(good_file: Path) -> None:
    out = io.StringIO()
    call_command("load", str(good_file), stdout=out)
    assert "+ create organization abai-uii" in out.getvalue()
    assert Network.objects.get(slug="centres").organizations.get().slug == "abai-uii"


@pytest.mark.django_db
def test_a_bad_file_stops_the_command_with_the_place_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("country: KZ", "country: kz"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.yaml:6: organizations\[0\]\.country: 'kz' does not match"):
        call_command("load", str(path), stdout=io.StringIO())
    assert not Organization.objects.filter(slug="abai-uii").exists()


@pytest.mark.django_db
def test_dump_writes_a_file_that_the_schema_accepts(good_file: Path, tmp_path: Path) -> None:
    call_command("load", str(good_file), stdout=io.StringIO())
    target = tmp_path / "out.yaml"
    call_command("dump", network=["centres"], output=str(target))
    items = netfiles.read([("out.yaml", target.read_text(encoding="utf-8"))])
    assert [item.data["slug"] for item in items["organizations"]] == ["abai-uii"]


@pytest.mark.django_db
def test_dump_of_an_unknown_network_says_so() -> None:
    with pytest.raises(CommandError, match="nowhere"):
        call_command("dump", network=["nowhere"], stdout=io.StringIO())


@pytest.mark.django_db
def test_the_example_in_the_docs_loads() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "network-files.md").read_text(encoding="utf-8")
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    plan = netfiles.load([("centres.yaml", example)])
    assert plan.counts == {"create": 4, "change": 0, "unchanged": 0}
    network = Network.objects.get(slug="kazakh-centres-europe")
    assert network.organizations.count() == 3


@pytest.mark.django_db
def test_a_wrong_value_under_a_block_mapping_is_reported_at_its_key() -> None:
    text = GOOD.replace("    name: {kk: Абай үйі, en: Abai House}\n", "    name:\n      kk: 12\n")
    assert problems_of(text) == ["net.yaml:6: organizations[0].name.kk: 12 is not of type 'string'"]


@pytest.mark.django_db
def test_members_that_are_not_a_list_are_reported_at_their_key() -> None:
    text = GOOD.replace(
        "    members:\n      - organization: abai-uii\n", "    members:\n      organization: abai-uii\n"
    )
    [problem] = problems_of(text)
    assert problem.startswith("net.yaml:10: networks[0].members: {'organization': 'abai-uii'} is not of type 'array'")
