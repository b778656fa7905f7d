"""The network of the seed pages: real institutions, the three networks they form, and the people named there.

Why real names: the demo is shown to the institutions themselves, and they should recognise their own network
(the file says at its top how it names them). The organizations, networks, memberships and the people the seeds
name are data, in the network file `tamyr/demo/network.yaml`, loaded through `tamyr.core.netfiles` as `tamyr load`
loads any institution's file, so the demo writes the same audit rows and search keys as the interface does.
"""

from __future__ import annotations

from tamyr.core.netfiles import shipped
from tamyr.registry.models import Network, Organization, Person

#: The seeds' organizations, networks, memberships and named people: a network file, loaded as `tamyr load` does.
NETWORK_FILE = shipped.DEMO_DIR / "network.yaml"


def load_network() -> tuple[dict[str, Organization], dict[str, Network], dict[str, Person]]:
    """Load the demo's network file through the network-file loader, acting as the system, as `tamyr load` does.

    Why a file and not Python: the same path an institution uses for its own network (plan by slug, apply through
    the registry services with their audit rows), and a second run changes nothing. Returns the file's
    organizations, networks and the people the seeds name, by key, in file order, for what hangs on them.
    """
    declared = shipped.declared(NETWORK_FILE.name)
    return (
        shipped.in_file_order(declared, "organizations", Organization),
        shipped.in_file_order(declared, "networks", Network),
        shipped.in_file_order(declared, "people", Person, key="key"),
    )
