"""What a section of a network file is: the contract every app's section keeps, and the values they pass around.

A section (organizations, networks, later events and courses) belongs to the app that owns those objects; core only
orders the sections, validates, plans, applies in one transaction and dumps. Why here and not in each app: the demo
of every domain and every institution's own network go through one loader with one file format, one schema and one
way of reporting mistakes (see docs/decisions/0013-network-files.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from django.utils.functional import Promise

from tamyr.core.errors import DomainError

Action = Literal["create", "change", "unchanged"]

#: The JSON Schema of translated text, `{language: text}`; sections refer to it with TRANSLATED.
TRANSLATED: dict[str, Any] = {"$ref": "#/$defs/translated"}
#: A slug: the stable key that objects are matched by, never a database id.
SLUG: dict[str, Any] = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 120}
#: A date written as YYYY-MM-DD (the loader keeps YAML dates as text).
DATE: dict[str, Any] = {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


@dataclass(frozen=True)
class Problem:
    """One mistake in a file, where a person can find it."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"


class NetfileError(DomainError):
    """A file that cannot be loaded; it carries every problem found, each with file, line and field."""

    code = "invalid_network_file"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class Item:
    """One entry of a section as the file wrote it, with where it stands."""

    data: dict[str, Any]
    file: str
    path: str  # e.g. organizations[2]

    @property
    def line(self) -> int:
        return int(getattr(self.data, "line", 0))

    def line_of(self, name: str) -> int:
        line_of = getattr(self.data, "line_of", None)
        return int(line_of(name)) if line_of else self.line

    def problem(self, name: str, message: str | Promise, *, line: int | None = None) -> Problem:
        return Problem(
            self.file, line or self.line_of(name), f"{self.path}.{name}" if name else self.path, str(message)
        )


@dataclass
class Change:
    """What loading one item does: create it, change some of its fields, or nothing."""

    section: Section
    key: str
    action: Action
    item: Item
    fields: list[str] = field(default_factory=list)
    #: what the section's `apply` needs, prepared by its `plan`
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What a plan knows beyond one section: every key the files declare, and the acting user for the services."""

    declared: dict[str, dict[str, Item]]
    acting_user: Any = None
    problems: list[Problem] = field(default_factory=list)

    def declares(self, section: str, key: str) -> bool:
        return key in self.declared.get(section, {})


@dataclass
class DumpScope:
    """What to write back: for now, networks by slug and what they need (their member organizations)."""

    networks: list[str]
    #: organizations that other sections' items name (an event's co-organizer outside the network): written too,
    #: so that the file loads on another installation; filled by the loader from `Section.organizations_named`
    organizations: set[str] = field(default_factory=set)
    #: keys of people that other sections' items name (an event's speakers) or that work for the networks' members;
    #: the people section writes those with a public-profile consent (`Section.people_named`)
    people: set[str] = field(default_factory=set)


class Section(ABC):
    """One top-level key of a network file, owned by one app."""

    #: the key in the file, e.g. "organizations"
    name: ClassVar[str]
    #: what one item is called in a plan, e.g. gettext_lazy("organization")
    label: ClassVar[str | Promise]
    #: sections whose items this one refers to: they are planned and applied first
    depends_on: ClassVar[tuple[str, ...]] = ()
    #: the field that holds an item's stable key (where a duplicate is reported)
    key_field: ClassVar[str] = "slug"

    @abstractmethod
    def item_schema(self) -> dict[str, Any]:
        """The JSON Schema fragment of one item; `TRANSLATED`, `SLUG` and `DATE` are there to use."""

    @abstractmethod
    def plan(self, items: list[Item], context: Context) -> list[Change]:
        """Compare the items with the database by their stable keys; append to `context.problems` what is wrong.

        Only reads. The changes come back in the order they must be applied."""

    @abstractmethod
    def apply(self, change: Change, context: Context) -> None:
        """Make one planned create or change through the app's services (never by writing rows)."""

    @abstractmethod
    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        """The items in `scope`, in the file format, so that loading them elsewhere reproduces them."""

    def people_named(self, scope: DumpScope) -> set[str]:
        """The keys of people this section's dumped items refer to; the people section writes them."""
        return set()

    def organizations_named(self, scope: DumpScope) -> set[str]:
        """The slugs of organizations this section's dumped items refer to; the organizations section writes them."""
        return set()

    def key_of(self, data: dict[str, Any]) -> str:
        """The item's stable key: what it is matched by, and what two items of the files may not share."""
        return str(data.get(self.key_field, ""))
