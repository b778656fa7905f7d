"""Plain-SQL reads and inserts of whole model rows, for the few requests that must be cheap.

Building an ORM query costs this process about as much processor time as answering a whole minimal request (about
0.9 ms against 0.2 ms for the same statement sent as SQL). A registration in a burst makes half a dozen of them, and
the burst is bound by the web processes' processors, not by the database. These helpers send fixed SQL and build
the same instances the ORM would: the column list and the value converters (JSON, dates on SQLite, …) are worked
out once per model and database, and applied as Django's compiler applies them; inserts run each field's
`pre_save` (defaults, `auto_now`) and `get_db_prep_save`, as `Model.save()` does.

What they skip: model signals (none of the models they are used for has receivers) and multi-table inheritance.
Use them only on a hot path whose behaviour tests cover on both databases; everywhere else, the ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models

__all__ = ["build", "columns", "insert", "insert_fields", "insert_sql", "load"]

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Shape:
    columns: str
    attnames: list[str]
    converters: list[tuple[int, list[Converter], Any]]


@functools.cache
def _shape(model: type[models.Model], alias: str) -> _Shape:
    connection = connections[alias]
    fields = list(model._meta.concrete_fields)
    table = model._meta.db_table
    quote = connection.ops.quote_name
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return _Shape(
        columns=", ".join(f"{quote(table)}.{quote(field.column)}" for field in fields),
        attnames=[field.attname for field in fields],
        converters=converters,
    )


def columns(model: type[models.Model], *, using: str = "default") -> tuple[str, int]:
    """The select list of every concrete column of `model` (qualified with its table's name) and how many there are:
    for a statement that reads it beside other tables, whose row part `build` then turns into an instance."""
    shape = _shape(model, using)
    return shape.columns, len(shape.attnames)


def build(model: type[M], row: Sequence[Any], *, using: str = "default") -> M:
    """An instance of `model` from the values of its `columns`, converted as the ORM converts them."""
    connection = connections[using]
    shape = _shape(model, using)
    values = list(row)
    for index, found, column in shape.converters:
        value = values[index]
        for converter in found:
            value = converter(value, column, connection)
        values[index] = value
    return model.from_db(using, shape.attnames, values)


def load(model: type[M], where: str, params: Sequence[Any], *, using: str = "default", lock: str = "") -> M | None:
    """The first row of `model` for which `where` (SQL over its table's columns, with `%s` placeholders) holds, as
    an instance with every concrete field loaded; None when there is none.

    `lock`, where the database has row locks: "update" (`FOR UPDATE`) or "no key update" (`FOR NO KEY UPDATE` on
    PostgreSQL, which excludes other writers but not the foreign-key checks of rows that point at this one;
    `FOR UPDATE` elsewhere)."""
    connection = connections[using]
    shape = _shape(model, using)
    suffix = ""
    if lock and connection.features.has_select_for_update:
        no_key = lock == "no key update" and connection.features.has_select_for_no_key_update
        suffix = " FOR NO KEY UPDATE" if no_key else " FOR UPDATE"
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {shape.columns} FROM {table} WHERE {where} LIMIT 1{suffix}", list(params))
        row = cursor.fetchone()
    if row is None:
        return None
    return build(model, row, using=using)


@functools.cache
def _insert_sql(model: type[models.Model], alias: str) -> tuple[str, list[models.Field[Any, Any]], bool]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    # an auto-incremented key is left to the database and read back, as `save()` does
    generated = getattr(pk, "db_returning", False)
    fields = [field for field in model._meta.concrete_fields if not (field.primary_key and generated)]
    returning = connection.features.can_return_columns_from_insert and generated
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
        f" RETURNING {quote(pk.column)}" if returning else "",
    )
    return sql, fields, returning


def insert_fields(model: type[models.Model], using: str = "default") -> list[models.Field[Any, Any]]:
    """The fields an insert of `model` writes, in the order `insert_sql` gives their values."""
    return _insert_sql(model, using)[1]


def insert_sql(
    instance: models.Model, *, using: str = "default"
) -> tuple[str, list[models.Field[Any, Any]], list[Any], bool]:
    """For an insert that adds to the plain one: its statement, the fields it writes (in its column order), their
    values prepared as `save()` prepares them, and whether the statement returns the new key."""
    connection = connections[using]
    sql, fields, returning = _insert_sql(type(instance), using)
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    return sql, fields, values, returning


def insert(instance: models.Model, *, using: str = "default") -> None:
    """Write a new `instance` as `save()` would (field defaults, `auto_now` and `auto_now_add` applied) and set its
    primary key."""
    connection = connections[using]
    model = type(instance)
    sql, _fields, values, returning = insert_sql(instance, using=using)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            new_pk = cursor.fetchone()[0]
        else:
            new_pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    instance.pk = new_pk
    instance._state.adding = False
    instance._state.db = using
