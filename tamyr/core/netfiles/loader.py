"""Read, validate, plan, apply and dump network files; the sections themselves live in the apps' `netfile.py`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from tamyr.core import audit
from tamyr.core.errors import DomainError
from tamyr.core.netfiles.base import Change, Context, DumpScope, Item, NetfileError, Problem, Section
from tamyr.core.netfiles.yamlfile import LineDict, YamlProblem, parse, render

#: The format's version, written at the top of every file as `version: 1`. A change that would make an old file
#: mean something else raises it; adding an optional field or a section does not.
VERSION = 1

_registered: dict[str, Section] = {}
_discovered = False


def register(section_class: type[Section]) -> type[Section]:
    """Class decorator for an app's section, in the app's `netfile.py`."""
    section = section_class()
    if section.name in _registered and type(_registered[section.name]) is not section_class:
        raise ImproperlyConfigured(f"Two network-file sections are named {section.name}.")
    _registered[section.name] = section
    return section_class


def sections() -> list[Section]:
    """Every registered section, each after the sections it depends on."""
    global _discovered
    if not _discovered:
        autodiscover_modules("netfile")
        _discovered = True
    ordered: list[Section] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        section = _registered.get(name)
        if section is None:
            raise ImproperlyConfigured(f"A network-file section depends on {name}, which no app registers.")
        if section in ordered:
            return
        if name in visiting:
            raise ImproperlyConfigured(f"Network-file sections depend on each other in a circle through {name}.")
        visiting.add(name)
        for dependency in section.depends_on:
            visit(dependency)
        ordered.append(section)

    for name in _registered:
        visit(name)
    return ordered


def schema() -> dict[str, Any]:
    """The JSON Schema of the whole format, built from the sections' fragments; served at
    /api/v1/network-file/schema.json for editors and other tools."""
    languages = [code for code, _name in settings.LANGUAGES]
    properties: dict[str, Any] = {"version": {"const": VERSION, "description": "The format's version."}}
    for section in sections():
        properties[section.name] = {"type": "array", "items": section.item_schema()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Tamyr network file",
        "description": "Organizations, networks and roles (more sections as the apps add them), for `tamyr load`.",
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": properties,
        "$defs": {
            "translated": {
                "description": "A text in one or more languages: {language code: text}.",
                "type": "object",
                "propertyNames": {"enum": languages},
                "additionalProperties": {"type": "string"},
            }
        },
    }


# --- reading --------------------------------------------------------------------


def _field(path: Iterable[Any]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _line(document: Any, path: list[Any]) -> int:
    """The line of the deepest part of `path` that the file has (a key's line, a list item's first line); the first
    line for the document itself."""
    node, line = document, 1
    for step in path:
        line_of = getattr(node, "line_of", None)
        if line_of is not None:
            line = line_of(step)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _schema_problem(file: str, document: Any, error: ValidationError) -> Problem:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(str(key) for key in error.instance if key not in known)
        if extra:
            path = [*path, extra[0]]
            message = _("Unknown field %(field)s.") % {"field": extra[0]}
            return Problem(file, _line(document, path), _field(path), message)
    return Problem(file, _line(document, path), _field(path), error.message)


def read(sources: Iterable[tuple[str, str]]) -> dict[str, list[Item]]:
    """Parse and validate `(file name, text)` pairs; the items of every section, or NetfileError with every problem."""
    validator = Draft202012Validator(schema())
    problems: list[Problem] = []
    items: dict[str, list[Item]] = {}
    seen: dict[tuple[str, str], Item] = {}
    for file, text in sources:
        try:
            document = parse(text)
        except YamlProblem as error:
            problems.append(Problem(file, error.line, "", error.message))
            continue
        if document is None:
            document = LineDict()
        errors = sorted(validator.iter_errors(document), key=lambda e: _line(document, list(e.absolute_path)))
        if errors:
            problems.extend(_schema_problem(file, document, error) for error in errors)
            continue
        for section in sections():
            for index, data in enumerate(document.get(section.name, [])):
                item = Item(data=data, file=file, path=f"{section.name}[{index}]")
                key = section.key_of(data)
                first = seen.get((section.name, key))
                if first is not None:
                    place = f"{first.file}:{first.line}"
                    message = _("%(what)s %(key)s appears twice; it is first at %(place)s.") % {
                        "what": section.label,
                        "key": key,
                        "place": place,
                    }
                    problems.append(item.problem(section.key_field, message))
                    continue
                seen[(section.name, key)] = item
                items.setdefault(section.name, []).append(item)
    if problems:
        raise NetfileError(problems)
    return items


# --- planning and applying ----------------------------------------------------------


@dataclass
class Plan:
    """What loading the files does, change by change, in the order it will be done."""

    changes: list[Change]
    context: Context
    applied: bool = False
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.counts = {"create": 0, "change": 0, "unchanged": 0}
        for change in self.changes:
            self.counts[change.action] += 1

    @property
    def has_changes(self) -> bool:
        return bool(self.counts["create"] or self.counts["change"])

    def lines(self) -> list[str]:
        """The plan as Terraform prints one: + create, ~ change (with the fields), = unchanged (a count)."""
        result: list[str] = []
        for change in self.changes:
            values = {"what": change.section.label, "key": change.key, "fields": ", ".join(change.fields)}
            if change.action == "create":
                result.append(_("+ create %(what)s %(key)s") % values)
            elif change.action == "change":
                result.append(_("~ change %(what)s %(key)s: %(fields)s") % values)
        if self.counts["unchanged"]:
            result.append(_("= unchanged %(count)s") % {"count": self.counts["unchanged"]})
        result.append(
            _("Plan: %(create)s to create, %(change)s to change, %(unchanged)s unchanged.")
            % {"create": self.counts["create"], "change": self.counts["change"], "unchanged": self.counts["unchanged"]}
        )
        return result


def plan(items: dict[str, list[Item]], *, acting_user: Any = None) -> Plan:
    """Compare the files' items with the database, section after section; reads only."""
    context = Context(
        declared={
            section.name: {section.key_of(item.data): item for item in items.get(section.name, [])}
            for section in sections()
        },
        acting_user=acting_user,
    )
    changes: list[Change] = []
    for section in sections():
        changes.extend(section.plan(items.get(section.name, []), context))
    if context.problems:
        raise NetfileError(context.problems)
    return Plan(changes, context)


@transaction.atomic
def apply(plan: Plan) -> Plan:
    """Make every planned change through the sections (and so the apps' services), all or nothing."""
    done = 0
    for change in plan.changes:
        if change.action == "unchanged":
            continue
        try:
            change.section.apply(change, plan.context)
        except NetfileError:
            raise
        except DomainError as error:
            raise NetfileError([change.item.problem(error.field or "", error.message)]) from error
        done += 1
    if done:
        files = sorted({change.item.file for change in plan.changes})
        audit.record(
            plan.context.acting_user,
            "core.network_file_loaded",
            files=files,
            created=plan.counts["create"],
            changed=plan.counts["change"],
        )
    plan.applied = True
    return plan


def load(sources: Iterable[tuple[str, str]], *, dry_run: bool = False, acting_user: Any = None) -> Plan:
    """Read, validate and plan the files; unless `dry_run`, apply the plan. A bad file changes nothing."""
    items = read(sources)
    with transaction.atomic():
        result = plan(items, acting_user=acting_user)
        if not dry_run:
            apply(result)
    return result


def dump(scope: DumpScope) -> dict[str, Any]:
    """The network file of `scope` as data: every section's items, in the order a load needs them."""
    document: dict[str, Any] = {"version": VERSION}
    for section in sections():
        scope.people |= section.people_named(scope)
    for section in sections():
        scope.organizations |= section.organizations_named(scope)
    for section in sections():
        section_items = section.dump(scope)
        if section_items:
            document[section.name] = section_items
    return document


def dump_text(scope: DumpScope) -> str:
    """The network file of `scope`, as YAML to write to a file."""
    return render(dump(scope))
