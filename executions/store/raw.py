"""Model instances from the store's hand-written SQL, with each statement's column plan made once.

Django's `Model.objects.raw()` works out, on every execution, which result column feeds which
field and which converters each needs (`resolve_model_init_order`, `get_converters`): a fifth of
the Python a task hop spends in its four raw statements (lock, focused load, history, claim),
which run with the same columns thousands of times a second. Here that plan is cached per
(model, columns, backend); the instances are built the way `RawModelIterable` builds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model
from django.db.models.sql import Query

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Plan:
    names: list[str]  # field attnames, in the order `from_db` gets them
    positions: list[int]  # the result column of each
    extras: list[tuple[str, int]]  # columns that are no field (an EXISTS, a count): set as attributes
    converters: list[tuple[int, list[Any], Any]]  # (column, converter functions, expression)


_PLANS: dict[tuple[type[Model], tuple[str, ...], str], _Plan] = {}


def fetch(model: type[M], sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[M]:
    """The rows of `sql` as `model` instances (extra columns become attributes)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = tuple(c[0] for c in cursor.description)
        rows = cursor.fetchall()
    if not rows:
        return []
    key = (model, columns, connection.vendor)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _plan(model, columns)
    out: list[M] = []
    for values in rows:
        if plan.converters:
            values = list(values)
            for pos, functions, expression in plan.converters:
                value = values[pos]
                for function in functions:
                    value = function(value, expression, connection)
                values[pos] = value
        instance = model.from_db(connection.alias, plan.names, [values[p] for p in plan.positions])
        for name, pos in plan.extras:
            setattr(instance, name, values[pos])
        out.append(instance)
    return out


def _plan(model: type[Model], columns: tuple[str, ...]) -> _Plan:
    convert = connection.introspection.identifier_converter
    by_column = {convert(str(f.column)): f for f in model._meta.concrete_fields}
    present = [f for f in model._meta.concrete_fields if convert(str(f.column)) in columns]
    if model._meta.pk not in present:
        raise ValueError(f"{model.__name__}: the statement must return the primary key")
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, connection.alias)
    # Django's own converters (a JSON column's decoding, SQLite's datetimes), as RawQuerySet gets them.
    cols: list[Any] = [by_column[c].get_col(model._meta.db_table) if c in by_column else None for c in columns]
    found = compiler.get_converters(cols)
    return _Plan(
        names=[f.attname for f in present],
        positions=[columns.index(convert(str(f.column))) for f in present],
        extras=[(c, pos) for pos, c in enumerate(columns) if c not in by_column],
        converters=[(pos, functions, expression) for pos, (functions, expression) in sorted(found.items())],
    )


# -- writes: INSERT and UPDATE compiled once per (model, columns) ------------------------------------------


def insert(objects: Sequence[Model]) -> None:
    """INSERT model instances of one class (every concrete column; an unset auto id is left to
    the database and not read back), one statement per row batch. The ORM's bulk_create would
    compile the statement and read the ids back on every call."""
    if not objects:
        return
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields
              if not (f.primary_key and getattr(objects[0], f.attname) is None)]
    sql = _sql(("insert", model, tuple(f.attname for f in fields)), lambda: (
        f"INSERT INTO {_quote(model._meta.db_table)} ({', '.join(_quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"))
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objects]
    _run(sql, params)


def update(model: type[Model], changes: Sequence[tuple[Any, Mapping[str, Any]]]) -> None:
    """UPDATE rows by primary key: (pk, {field name: value}); rows with the same fields share one
    statement, sent with executemany."""
    groups: dict[tuple[str, ...], list[tuple[Any, Mapping[str, Any]]]] = {}
    for pk, values in changes:
        groups.setdefault(tuple(values), []).append((pk, values))
    for names, rows in groups.items():
        fields = _fields(model, names)
        params = [[_prep(f, values[n]) for f, n in zip(fields, names, strict=True)] + [pk] for pk, values in rows]
        sql = _sql(("update", model, names), lambda fields=fields: (
            f"UPDATE {_quote(model._meta.db_table)} SET {', '.join(f'{_quote(str(f.column))} = %s' for f in fields)} "
            f"WHERE {_quote(str(model._meta.pk.column))} = %s"))
        _run(sql, params)


def _prep(field: Field[Any, Any], value: Any) -> Any:
    if field.remote_field is not None and isinstance(value, Model):
        value = value.prepare_database_save(field)  # a related row given as an instance: its key
    return field.get_db_prep_save(value, connection)


_SQL: dict[tuple[Any, ...], str] = {}
_FIELDS: dict[tuple[type[Model], tuple[str, ...]], list[Field[Any, Any]]] = {}


def _fields(model: type[Model], names: tuple[str, ...]) -> list[Field[Any, Any]]:
    found = _FIELDS.get((model, names))
    if found is None:
        found = [f for f in (model._meta.get_field(n) for n in names) if isinstance(f, Field)]
        if len(found) != len(names):
            raise ValueError(f"{model.__name__}: not all of {names} are columns")
        _FIELDS[(model, names)] = found
    return found


def _sql(key: tuple[Any, ...], build: Any) -> str:
    full = (*key, connection.vendor)
    sql = _SQL.get(full)
    if sql is None:
        sql = _SQL[full] = build()
    return sql


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _run(sql: str, params: list[list[Any]]) -> None:
    with connection.cursor() as cursor:
        if len(params) == 1:
            cursor.execute(sql, params[0])
        else:
            cursor.executemany(sql, params)
