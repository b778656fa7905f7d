"""Network files: an institution's organizations and networks (later events, courses) as a YAML file that it can
keep in version control, load (with a plan first, as Terraform shows one) and dump back.

Each app registers the sections it owns in its `netfile.py` module (found the way the admin finds `admin.py`);
this package reads files with line numbers, validates them against the JSON Schema built from the sections'
fragments, plans by stable keys (slugs) and applies the plan through the apps' services in one transaction.
"""

from __future__ import annotations

from tamyr.core.netfiles.base import (
    DATE,
    SLUG,
    TRANSLATED,
    Action,
    Change,
    Context,
    DumpScope,
    Item,
    NetfileError,
    Problem,
    Section,
)
from tamyr.core.netfiles.loader import (
    VERSION,
    Plan,
    apply,
    dump,
    dump_text,
    load,
    plan,
    read,
    register,
    schema,
    sections,
)

__all__ = [
    "DATE",
    "SLUG",
    "TRANSLATED",
    "VERSION",
    "Action",
    "Change",
    "Context",
    "DumpScope",
    "Item",
    "NetfileError",
    "Plan",
    "Problem",
    "Section",
    "apply",
    "dump",
    "dump_text",
    "load",
    "plan",
    "read",
    "register",
    "schema",
    "sections",
]
