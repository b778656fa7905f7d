"""Reading a network file: YAML that remembers, for every mapping and list and key, the line it stood on.

Why our own loader: a person who wrote the file wants "network.yaml:14: organizations[2].kind" and not a Python
traceback, so each mapping keeps the line of each of its keys. And YAML 1.1 has two traps for people who write
country codes, dates and times by hand: `NO` (Norway) reads as false, `2024-05-01` as a date object that no JSON
Schema accepts as text, and `19:00` as the number 1140. This loader reads only true/false as booleans and keeps dates
and times of day as text; the sections parse them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from django.utils.translation import gettext as _


class LineDict(dict[str, Any]):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: object) -> int:
        return self.key_lines.get(str(key), self.line) if hasattr(self, "key_lines") else self.line


class LineList(list[Any]):
    """A list that knows the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: object) -> int:
        if isinstance(index, int) and 0 <= index < len(getattr(self, "item_lines", [])):
            return self.item_lines[index]
        return self.line


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    pass


# Only true/false are booleans: `country: NO` is Norway, `yes`/`on` are words.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# A time of day such as 19:00 is text, not YAML 1.1's base-60 number 1140: checked ahead of the number resolvers.
for _digit in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_digit, []).insert(
        0, ("tag:yaml.org,2002:str", re.compile(r"^[0-9]{1,2}:[0-5][0-9](?::[0-5][0-9])?$"))
    )


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise YamlProblem(line, _("The key %(key)s appears twice here.") % {"key": key})
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)  # type: ignore[arg-type]
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)  # type: ignore[arg-type]
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)  # type: ignore[type-var]


def parse(text: str) -> Any:
    """The document in `text`, its mappings and lists knowing their lines; YamlProblem when it is not YAML."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: plain data only
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(line, _("This is not valid YAML: %(error)s") % {"error": error.problem or error}) from error
    except yaml.YAMLError as error:
        raise YamlProblem(0, _("This is not valid YAML: %(error)s") % {"error": error}) from error


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as people write them; long texts folded only where they already break."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
