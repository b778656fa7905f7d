"""The network of the seed pages: real institutions, the three networks they form, and the people named there.

Why real names: the demo is shown to the institutions themselves, and they should recognise their own network.
Names are given in the interface languages only where the translation is the institution's own or a plain
rendering of a descriptive name; where the native name of a small NGO is not known to us it stays English only
(the interface falls back to English) rather than inventing one. The Kazakh cultural centres abroad that the
seeds mention only by country get plain descriptive names, never made-up proper names.

The organizations, networks, memberships and the people the seeds name are data, in the network file
`tamyr/demo/network.yaml`, loaded through `tamyr.core.netfiles` as `tamyr load` loads any institution's file, so
the demo writes the same audit rows and search keys as the interface does.
"""

from __future__ import annotations

from typing import Any

from tamyr.core.netfiles import shipped
from tamyr.core.netfiles.yamlfile import parse
from tamyr.registry.models import Network, Organization, Person

# --- organizations and networks ---------------------------------------------------------------------------------

#: The seeds' organizations, networks and memberships: a network file, loaded the way `tamyr load` loads one.
NETWORK_FILE = shipped.DEMO_DIR / "network.yaml"


def load_network() -> tuple[dict[str, Organization], dict[str, Network]]:
    """Load the demo's network file through the network-file loader, acting as the system, as `tamyr load` does.

    Why a file and not Python: the same path an institution uses for its own network (plan by slug, apply through
    the registry services with their audit rows), and a second run changes nothing. Returns the file's organizations
    and networks by slug, in file order, for the people and logins that hang on them.
    """
    declared = shipped.declared(NETWORK_FILE.name)
    organizations = Organization.objects.in_bulk(list(declared.get("organizations", {})), field_name="slug")
    networks = Network.objects.in_bulk(list(declared.get("networks", {})), field_name="slug")
    return (
        {slug: organizations[slug] for slug in declared.get("organizations", {})},
        {slug: networks[slug] for slug in declared.get("networks", {})},
    )


def load_named_people() -> list[Person]:
    """The people the seeds name, loaded with the network file (its `people` section), in file order."""
    keys = [str(item["key"]) for item in file_items("people")]
    found = {person.key: person for person in Person.objects.filter(key__in=keys)}
    return [found[key] for key in keys]


def file_items(section: str) -> list[dict[str, Any]]:
    """One section of the demo's network file as data, for the tests that compare the demo with its file."""
    document = parse(NETWORK_FILE.read_text(encoding="utf-8")) or {}
    return list(document.get(section, []))
