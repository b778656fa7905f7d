"""The seeds' events ship as a network file (`tamyr/demo/events.yaml`): it must stay a valid file of the published
schema, and the registrations generator may only name events the file declares."""

from __future__ import annotations

import jsonschema
import yaml

from tamyr.core import netfiles
from tamyr.events import demo


def test_the_shipped_events_file_validates_against_the_schema() -> None:
    text = demo.EVENTS_FILE.read_text(encoding="utf-8")
    jsonschema.validate(yaml.safe_load(text), netfiles.schema())
    items = netfiles.read([(demo.EVENTS_FILE.name, text)])  # the loader's own reading: schema, duplicate keys
    assert len(items["events"]) == 10


def test_the_generator_registers_people_only_for_events_of_the_file() -> None:
    items = netfiles.read([(demo.EVENTS_FILE.name, demo.EVENTS_FILE.read_text(encoding="utf-8"))])
    declared = [item.data["slug"] for item in items["events"]]
    assert [plan.slug for plan in demo.REGISTRATIONS] == declared
