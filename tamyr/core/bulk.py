"""Bringing many generated rows to wanted values by a key, in a few bulk writes: the demo's generators.

Why not the services row by row: a generator makes thousands of rows (learners, enrollments, attendance), and a
second run of the demo must write nothing; so each table is read once, compared by a stable key (an e-mail, a
person and a group, an enrollment and a lesson) and written in bulk, with the audit rows the services would write.
Content that people write goes through the services instead (network files); this is only for what is generated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from tamyr.core import audit
from tamyr.core.models import AuditEntry


@dataclass
class Synced:
    """The rows by key after a sync, which keys were created and which changed (or removed), and the fields that
    changed on each changed row (for the audit rows, which name them)."""

    rows: dict[Any, Any]
    created: set[Any] = field(default_factory=set)
    changed: set[Any] = field(default_factory=set)
    fields: defaultdict[Any, set[str]] = field(default_factory=lambda: defaultdict(set))


def bulk_create(model: type[models.Model], rows: list[Any]) -> None:
    """`bulk_create`, keeping the moments a generator gave to `auto_now_add` fields (when someone enrolled)."""
    stamped = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    given = [{name: getattr(row, name) for name in stamped} for row in rows]
    model._default_manager.bulk_create(rows, batch_size=2000)
    fixed = []
    for row, values in zip(rows, given, strict=True):
        kept = {name: value for name, value in values.items() if value is not None}
        for name, value in kept.items():
            setattr(row, name, value)
        if kept:
            fixed.append(row)
    if fixed:
        model._default_manager.bulk_update(fixed, stamped, batch_size=2000)


def sync_keyed(
    model: type[models.Model],
    existing: Mapping[Any, Any],
    wanted: Mapping[Any, dict[str, Any]],
    make: Callable[[Any, dict[str, Any]], Any],
    *,
    remove_others: bool = False,
) -> Synced:
    """Bring the rows found by a key (`existing`) to the `wanted` values: create the missing ones with
    `make(key, values)`, update only the fields that differ, and with `remove_others` delete the rows no key wants.
    Writes nothing when nothing differs."""
    now = timezone.now()
    stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)  # bulk_update skips auto_now
    result = Synced({})
    new, changed, fields = [], [], set()
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            row = make(key, values)
            new.append(row)
            result.created.add(key)
        elif diff := [name for name, value in values.items() if getattr(row, name) != value]:
            for name in diff:
                setattr(row, name, values[name])
            if stamped:
                row.updated_at = now
            changed.append(row)
            result.changed.add(key)
            result.fields[key].update(diff)
            fields.update(diff)
        result.rows[key] = row
    if remove_others and (gone := {key: row.pk for key, row in existing.items() if key not in wanted}):
        model._default_manager.filter(pk__in=gone.values()).delete()
        result.changed |= set(gone)
    bulk_create(model, new)
    if changed:
        names = sorted(fields | ({"updated_at"} if stamped else set()))
        model._default_manager.bulk_update(changed, names, batch_size=2000)
    return result


def sync_children(
    model: type[models.Model],
    parent: str,
    fields: Sequence[str],
    wanted: Mapping[int, list[tuple[Any, ...]]],
    make: Callable[[int, tuple[Any, ...]], models.Model] | None = None,
) -> tuple[set[int], list[Any]]:
    """Replace the rows of `model` that hang on a parent (`parent` is the column, e.g. "person_id") only where they
    differ from the wanted ones, compared in the order of their ids; returns the parents whose rows were replaced
    and the rows created (`make(parent id, row)` builds one; by default the fields in order).

    Why replace and not match row by row: these rows (a person's name variants, languages, consents) have no key
    of their own; a second run finds them all equal and writes nothing, so they keep their ids."""
    build = make or (lambda pk, row: model(**{parent: pk}, **dict(zip(fields, row, strict=True))))
    current: defaultdict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = model._default_manager.filter(**{f"{parent}__in": list(wanted)}).order_by(parent, "id")
    for row in rows.values_list(parent, *fields):
        current[row[0]].append(tuple(row[1:]))
    stale = {pk for pk, want in wanted.items() if current.get(pk, []) != want}
    if not stale:
        return stale, []
    model._default_manager.filter(**{f"{parent}__in": stale}).delete()
    created = model._default_manager.bulk_create([build(pk, row) for pk in sorted(stale) for row in wanted[pk]])
    return stale, created


def audit_rows(action: str, rows: Iterable[models.Model], label: Callable[[Any], str], **data: Any) -> None:
    """The audit rows the services would write for `rows`, in one insert; the system acts. A callable in `data`
    is asked for each row's value."""
    AuditEntry.objects.bulk_create(
        audit.unsaved(None, action, row, label(row), **{k: v(row) if callable(v) else v for k, v in data.items()})
        for row in rows
    )
