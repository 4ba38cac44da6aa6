"""Fixed SQL for the point of sale's hottest requests: paying and closing a check.

Why: on these 2-core machines an ORM query costs about 1 ms of CPU before the database sees
it (building the query, compiling it, converting the row), and a card payment that closes a
check used to run about thirty of them; the database itself answers each in tens of
microseconds. bench/pos_bench.py compares that request with an authenticated no-op (GET /ping)
and the ORM's compile time was most of the difference. So the paying path reads and writes
its rows with fixed statements here, the way ledger/services/store.py does for post_entry:
same connection, same transaction, same constraints and triggers; values go through the model
fields' own `get_db_prep_value`, so they are stored exactly as the ORM stores them.

Everything else in the point of sale keeps using the ORM.

Statements run on `ledger.driver.driver_cursor`: while Django records statements (DEBUG,
CaptureQueriesContext: the statement-count tests and the benchmark's counts) or wraps them
(connection.execute_wrapper), they go through Django's cursor and are counted like any other;
otherwise through the driver's cursor, which skips Django's per-call wrappers (and, on SQLite,
the %s-to-? rewrite) but still turns the driver's errors into Django's (an IntegrityError stays
an IntegrityError) and refuses to run in a transaction that is already broken.
"""

import datetime
import decimal
import functools
import json
import uuid
from collections.abc import Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils import timezone

from ledger.driver import driver_cursor

M = TypeVar("M", bound=Model)
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def db() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def rows(sql: str, params: Sequence = ()) -> list[tuple]:
    """Run a SELECT; return all its rows."""
    with driver_cursor(db()) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence = ()) -> int:
    """Run an INSERT or UPDATE; return how many rows it touched."""
    with driver_cursor(db()) as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def for_update(db: BaseDatabaseWrapper, clause: str = "FOR UPDATE") -> str:
    """The row-lock clause on PostgreSQL; nothing on SQLite (its IMMEDIATE transactions hold
    the database's one write lock from BEGIN, which is what select_for_update amounts to)."""
    return f" {clause}" if db.features.has_select_for_update else ""


def param(field: Field, value) -> object:
    """A value as the ORM would send it for this model field (uuid, datetime, JSON...)."""
    return field.get_db_prep_value(value, db(), prepared=False)


def as_uuid(value) -> uuid.UUID | None:
    """Read a UUID column: SQLite returns 32 hex digits, PostgreSQL a UUID."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)


def as_decimal(value, places: int) -> decimal.Decimal | None:
    """Read a decimal column: SQLite stores a REAL (or INTEGER) with the decimal's digits."""
    if value is None or isinstance(value, decimal.Decimal):
        return value
    return decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-places))


def as_datetime(value) -> datetime.datetime | None:
    """Read a datetime column: SQLite returns it naive (UTC, Django's storage), PostgreSQL aware."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def as_date(value) -> datetime.date | None:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def as_json(value):
    """Read a JSON column: text on both backends (Django loads jsonb as text), or parsed."""
    return json.loads(value) if isinstance(value, str) else value


# --- model rows by fixed statements --------------------------------------------------------
# select/insert/update build their statement once per model (and set of columns), then only
# bind values: each column is read back with the converter of its field's type and written
# with the field's own get_db_prep_save. Models with auto_now fields or custom field types
# are not handled (none of the paying path's models has one).

_READERS = {
    "UUIDField": as_uuid,
    "DateTimeField": as_datetime,
    "DateField": as_date,
    "JSONField": as_json,
    "BooleanField": lambda value: value if value is None else bool(value),
}


def _reader(field: Field):
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind == "DecimalField":
        return lambda value: as_decimal(value, field.decimal_places)
    return _READERS.get(kind)


@functools.cache
def _select_of(model: type[Model]) -> tuple[str, list[str], list]:
    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{field.column}"' for field in fields)
    select_sql = f'SELECT {columns} FROM "{model._meta.db_table}"'  # noqa: S608 (model names)
    return select_sql, [f.attname for f in fields], [_reader(f) for f in fields]


def select(model: type[M], where: str, params: Sequence = (), *, lock: str = "") -> list[M]:
    """The model's rows WHERE `where` (with %s marks), as instances, every column loaded.

    lock: "FOR UPDATE" or "FOR NO KEY UPDATE", taken on PostgreSQL only (see for_update).
    """
    params = bindable(params)
    if params is None:
        return []  # no row has such an id; the ORM answers the same (and the driver would fail)
    database = db()
    select_sql, _, _ = _select_of(model)
    statement = f"{select_sql} WHERE {where}{for_update(database, lock) if lock else ''}"
    with driver_cursor(database) as cursor:
        cursor.execute(statement, params)
        return [instance(model, row) for row in cursor.fetchall()]


def bindable(params: Sequence) -> list | None:
    """The parameters as the database takes them (UUIDs as 32 hex digits on SQLite); None when
    an integer is beyond any bigint id, which no row can match."""
    if any(isinstance(value, int) and not BIGINT_MIN <= value <= BIGINT_MAX for value in params):
        return None
    if db().features.has_native_uuid_field:
        return list(params)
    return [value.hex if isinstance(value, uuid.UUID) else value for value in params]


def instance(model: type[M], values: Sequence) -> M:
    """A model instance from its concrete columns' values, in field order (as stored)."""
    _, attnames, readers = _select_of(model)
    return model.from_db(
        DEFAULT_DB_ALIAS,
        attnames,
        [read(value) if read else value for read, value in zip(readers, values, strict=True)],
    )


# --- rows as JSON, for one statement that reads several tables -----------------------------
# A correlated subquery returns its rows as one JSON array of arrays (text), so that a single
# statement can bring a row with its children (pos.services.checkout.reading). Values arrive
# as JSON renders them (numbers, strings: ISO datetimes, UUIDs) and are read back with the
# same converters as the columns of `select`.


def columns(model: type[Model], alias: str) -> list[str]:
    """The model's concrete columns, qualified by alias, in field order (see `instance`)."""
    return [f'{alias}."{field.column}"' for field in model._meta.concrete_fields]


def json_row(expressions: Sequence[str]) -> str:
    """SQL: these expressions as one JSON array."""
    function = "json_build_array" if db().vendor == "postgresql" else "json_array"
    return f"{function}({', '.join(expressions)})"


def json_rows(expressions: Sequence[str], from_where: str) -> str:
    """SQL: a scalar subquery, each row FROM ... WHERE ... as a JSON array, all in one array
    (text; SQLite answers [] for no rows, PostgreSQL NULL: `from_json` reads both)."""
    if db().vendor == "postgresql":
        return f"(SELECT json_agg({json_row(expressions)})::text FROM {from_where})"  # noqa: S608
    return f"(SELECT json_group_array({json_row(expressions)}) FROM {from_where})"  # noqa: S608


def from_json(text: str | None) -> list:
    """Decode what json_row or json_rows returned; decimals stay exact."""
    return json.loads(text, parse_float=decimal.Decimal) if text else []


def insert(
    objs: Sequence[Model], *, on_conflict_update: Sequence[str] = (), on_conflict_skip=False
) -> int:
    """INSERT the instances (one model, primary keys set or auto) in one statement, as they are.

    Where a row with the primary key exists: on_conflict_update sets these fields (names) from
    the instance instead (an upsert), on_conflict_skip leaves it be; both in one statement on
    both vendors. Return how many rows were written. An auto primary key is not read back: the
    caller does not need it.
    """
    model = type(objs[0])
    meta = model._meta
    auto_pk = objs[0].pk is None
    fields = [f for f in meta.concrete_fields if not (f.primary_key and auto_pk)]
    database = db()
    columns = ", ".join(f'"{field.column}"' for field in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = [f.get_db_prep_save(getattr(obj, f.attname), database) for obj in objs for f in fields]
    table, rows_sql = meta.db_table, ", ".join([marks] * len(objs))
    statement = f'INSERT INTO "{table}" ({columns}) VALUES {rows_sql}'  # noqa: S608 (names)
    if on_conflict_update:
        updated = [meta.get_field(name).column for name in on_conflict_update]
        assignments = ", ".join(f'"{column}" = excluded."{column}"' for column in updated)
        statement += f' ON CONFLICT ("{meta.pk.column}") DO UPDATE SET {assignments}'
    elif on_conflict_skip:
        statement += f' ON CONFLICT ("{meta.pk.column}") DO NOTHING'
    written = execute(statement, values)
    for obj in objs:
        obj._state.adding, obj._state.db = False, database.alias
    return written


def update(obj: Model, fields: Sequence[str]) -> None:
    """UPDATE the instance's row: these fields (names or attnames) as the instance holds them."""
    chosen = [obj._meta.get_field(name) for name in fields]
    values = {field: getattr(obj, field.attname) for field in chosen}
    statement, params = _update_statement(obj._meta, obj.pk, values)
    execute(statement, params)


def update_returning(model: type[M], pk, **values) -> M | None:
    """UPDATE the row of this primary key with these field values, and return it as it now is
    (None if there is no such row): one statement where a locked read and an update were two.

    A relation field takes an instance or None (its key is stored).
    """
    meta = model._meta
    chosen = {
        field: getattr(value, "pk", value) if field.is_relation else value
        for field, value in ((meta.get_field(name), value) for name, value in values.items())
    }
    statement, params = _update_statement(meta, pk, chosen)
    returning = ", ".join(f'"{field.column}"' for field in meta.concrete_fields)
    with driver_cursor(db()) as cursor:
        cursor.execute(f"{statement} RETURNING {returning}", params)
        found = cursor.fetchall()
    return instance(model, found[0]) if found else None


def _update_statement(meta, pk, values: dict) -> tuple[str, list]:
    """UPDATE of the row of this key: each field (a model field) to its value, prepared."""
    database = db()
    assignments = ", ".join(f'"{field.column}" = %s' for field in values)
    params = [field.get_db_prep_save(value, database) for field, value in values.items()]
    statement = f'UPDATE "{meta.db_table}" SET {assignments} WHERE "{meta.pk.column}" = %s'  # noqa: S608 (model names)
    return statement, [*params, meta.pk.get_db_prep_value(pk, database)]
