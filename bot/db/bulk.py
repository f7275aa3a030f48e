"""Write thousands of rows in one short statement: PostgreSQL arrays, executemany elsewhere.

A multi-row INSERT … VALUES for 2,000 rows is a long statement, different for every batch
size, that psycopg parses on the client each time (it caches only short ones): for a
morning's wake-ups that parsing cost more than the database work, and array parameters
(`unnest`) still cost a regular-expression escape per value. On PostgreSQL rows therefore
stream through COPY, psycopg's C row writer: straight into the table (ids drawn from the
sequence first), or into a temporary table that one short statement then inserts from (ON
CONFLICT DO NOTHING) or updates from (`UPDATE … FROM`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from enum import Enum
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import JSON, Connection, Table, bindparam, insert, select, text
from sqlalchemy.engine import Dialect
from sqlmodel import Session

Executor = Connection | Session
ANALYZE_AFTER_ROWS = 1000  # smaller writes never need fresh statistics
GROWTH_TO_ANALYZE = 0.5  # … nor do writes that add less than half the rows already there
SQLITE_CHUNK = 5000  # keys per IN (…); SQLite allows 32,766 parameters


def dialect_of(executor: Executor) -> Dialect:
    """The dialect behind a connection or session."""
    if isinstance(executor, Session):
        return executor.get_bind().dialect
    return executor.dialect


def is_postgresql(executor: Executor) -> bool:
    """Whether array parameters (unnest, = ANY) are available."""
    return dialect_of(executor).name == "postgresql"


def insert_rows(
    executor: Executor,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    returning_ids: bool = False,
    skip_conflicts_on: Sequence[str] = (),
) -> list[int]:
    """Insert rows that share their keys; with `returning_ids`, their new ids in row order.

    `skip_conflicts_on` names a unique key: a row that would break it is skipped (ON CONFLICT
    DO NOTHING), as when two workers plan the same morning.
    """
    if not rows:
        return []
    dialect = dialect_of(executor)
    if dialect.name != "postgresql":
        return _insert_rows_executemany(executor, table, rows, returning_ids, skip_conflicts_on)
    given = list(rows[0])
    defaults = _scalar_defaults(table, set(given))
    names = [*given, *defaults]
    ids: list[int] = []
    if returning_ids:
        # Ids taken from the sequence first, so each row's id is known without relying on
        # the order RETURNING happens to produce.
        ids = list(
            executor.execute(
                text(
                    f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": len(rows)},
            )
            .scalars()
            .all()
        )
    columns = _column_values(dialect, table, given, rows)
    columns += [[_plain(table.c[n].type, dialect, v)] * len(rows) for n, v in defaults.items()]
    if ids:
        names, columns = ["id", *names], [ids, *columns]
    quote = dialect.identifier_preparer.quote
    if not skip_conflicts_on:
        _copy(executor, quote(table.name), names, columns)
    else:
        _insert_staged(executor, table, names, columns, skip_conflicts_on)
    analyze_if_grown(executor, table, len(rows))
    return ids


def _insert_staged(
    executor: Executor,
    table: Table,
    names: Sequence[str],
    columns: list[list[Any]],
    skip_conflicts_on: Sequence[str],
) -> None:
    """INSERT … SELECT from the staged rows, skipping those that break the unique key."""
    quote = dialect_of(executor).identifier_preparer.quote
    stage = _stage(executor, table, names, columns)
    listed = ", ".join(quote(name) for name in names)
    conflict = ", ".join(quote(name) for name in skip_conflicts_on)
    executor.execute(
        text(
            f"INSERT INTO {quote(table.name)} ({listed}) SELECT {listed} FROM {stage} "
            f"ON CONFLICT ({conflict}) DO NOTHING"
        )
    )


def analyze_if_grown(executor: Executor, table: Table, added: int) -> None:
    """Refresh the planner's statistics when a write grew the table by half or more.

    Autovacuum gets there within a minute or so, but until then a table that just grew from
    nothing to 100,000 rows is planned as empty: each claim of the morning's batch would
    then sort every due row instead of reading the first few from its index. PostgreSQL
    only: SQLite's planner does without (and has no pg_class).
    """
    if added < ANALYZE_AFTER_ROWS or not is_postgresql(executor):
        return
    known = executor.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
        {"name": table.name},
    ).scalar()
    if added >= GROWTH_TO_ANALYZE * max(float(known or 0.0), 0.0):
        quote = dialect_of(executor).identifier_preparer.quote
        executor.execute(text(f"ANALYZE {quote(table.name)}"))


def _driver(executor: Executor) -> Any:
    """The psycopg connection under the caller's, in the same transaction."""
    connection = executor.connection() if isinstance(executor, Session) else executor
    driver = connection.connection.driver_connection
    assert driver is not None
    return driver


def _copy(executor: Executor, target: str, names: Sequence[str], columns: list[list[Any]]) -> None:
    """COPY … FROM STDIN on the caller's connection and transaction (psycopg's C row writer)."""
    quote = dialect_of(executor).identifier_preparer.quote
    statement = f"COPY {target} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    try:
        with _driver(executor).cursor() as cursor, cursor.copy(statement) as copy:
            for values in zip(*columns, strict=True):
                copy.write_row(values)
    except psycopg.Error as exc:
        # PostgreSQL's COPY errors quote the offending value (a message body, a phone
        # number); only the kind of error may reach the logs, as with hide_parameters.
        raise BulkWriteError(
            f"COPY into {target} failed: {exc.sqlstate or type(exc).__name__}"
        ) from None


class BulkWriteError(Exception):
    """A bulk write failed; the message names the table and error code, never a value."""


def _stage(executor: Executor, table: Table, names: Sequence[str], columns: list[list[Any]]) -> str:
    """COPY the values into an empty temporary table of these columns; returns its name.

    The table is made once per database connection (same column types as `table`, no
    constraints) and emptied at every commit, so it never holds another batch's rows.
    """
    quote = dialect_of(executor).identifier_preparer.quote
    stage = f"bulk_{table.name}_{zlib.crc32(','.join(names).encode()):08x}"
    listed = ", ".join(quote(name) for name in names)
    _driver(executor).execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
        f"SELECT {listed} FROM {quote(table.name)} WITH NO DATA; TRUNCATE {stage}"
    )
    _copy(executor, stage, names, columns)
    return stage


def _scalar_defaults(table: Table, given: set[str]) -> dict[str, Any]:
    """Column defaults SQLAlchemy would fill in for the columns a row leaves out."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or column.primary_key or default is None:
            continue
        if not getattr(default, "is_scalar", False):
            raise ValueError(f"{table.name}.{column.name}: give a value (its default is computed)")
        defaults[column.name] = getattr(default, "arg", None)
    return defaults


def update_rows(
    executor: Executor,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: str = "id",
    same: Mapping[str, Any] | None = None,
    only_if: Mapping[str, Sequence[Any]] | None = None,
) -> set[Any]:
    """Set each row's values where its `key` matches (and `only_if` holds); returns keys changed.

    `same` holds values every row gets (a status, the time); `only_if` maps a column to the
    values it must still have, so a row that moved on meanwhile (a delivery report got there
    first) is left alone and not returned.
    """
    if not rows:
        return set()
    names = list(rows[0])
    dialect = dialect_of(executor)
    common = dict(same or {})
    conditions = dict(only_if or {})
    if dialect.name != "postgresql":
        return _update_rows_executemany(executor, table, rows, key, common, conditions)
    stage = _stage(executor, table, names, _column_values(dialect, table, names, rows))
    # The keys again as an array: the rows are found by their primary key whatever the
    # statistics say (a table that grew by 100,000 rows a minute ago looks empty).
    params: dict[str, Any] = {"keys": [row[key] for row in rows]}
    for column, value in common.items():
        params[f"same_{column}"] = _plain(table.c[column].type, dialect, value)
    for column, allowed in conditions.items():
        params[f"only_{column}"] = [_plain(table.c[column].type, dialect, v) for v in allowed]
    sql = _update_sql(dialect, table, stage, key, tuple(names), tuple(common), tuple(conditions))
    return set(executor.execute(text(sql), params).scalars().all())


def _column_values(
    dialect: Dialect, table: Table, names: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> list[list[Any]]:
    """One list per column, each value converted as the column's type would bind it."""
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        first = values[0]
        if all(value is first for value in values):  # a status, the time: convert it once
            columns.append([_plain(table.c[name].type, dialect, first)] * len(values))
            continue
        processor = _processor(table.c[name].type, dialect)
        if processor is not None and isinstance(table.c[name].type, JSON):
            # Rows often share one object (a message's answer options): encode it once.
            encoded: dict[int, Any] = {}
            for value in values:
                if id(value) not in encoded:
                    encoded[id(value)] = processor(value)
            values = [encoded[id(value)] for value in values]
        elif processor is not None:
            values = [processor(value) for value in values]
        columns.append([v.value if isinstance(v, Enum) else v for v in values])
    return columns


def _plain(column_type: Any, dialect: Dialect, value: Any) -> Any:
    """A value as the driver should see it (UTC-naive instants, JSON as text, enum values)."""
    processor = _processor(column_type, dialect)
    if processor is not None:
        value = processor(value)
    if isinstance(value, Enum):
        return value.value
    return value


_processors: dict[tuple[int, str], Any] = {}


def _processor(column_type: Any, dialect: Dialect) -> Any:
    """The column type's bind processor (TypeDecorators included), looked up once."""
    cache_key = (id(column_type), dialect.name)
    if cache_key not in _processors:
        if isinstance(column_type, JSON):  # as text: COPY hands it to the json column
            _processors[cache_key] = lambda value: None if value is None else json.dumps(value)
        else:
            _processors[cache_key] = column_type.bind_processor(dialect)
    return _processors[cache_key]


@cache
def _update_sql(
    dialect: Dialect,
    table: Table,
    stage: str,
    key: str,
    names: tuple[str, ...],
    common: tuple[str, ...],
    conditions: tuple[str, ...],
) -> str:
    """The UPDATE … FROM the staged rows (built once per table, columns and conditions)."""
    quote = dialect.identifier_preparer.quote
    target = quote(table.name)
    assignments = [f"{quote(n)} = v.{quote(n)}" for n in names if n != key]
    assignments += [f"{quote(n)} = :same_{n}" for n in common]
    key_type = table.c[key].type.compile(dialect=dialect)
    where = [
        f"{target}.{quote(key)} = ANY(CAST(:keys AS {key_type}[]))",
        f"{target}.{quote(key)} = v.{quote(key)}",
    ]
    for column in conditions:
        sql_type = table.c[column].type.compile(dialect=dialect)
        where.append(f"{target}.{quote(column)} = ANY(CAST(:only_{column} AS {sql_type}[]))")
    return (
        f"UPDATE {target} SET {', '.join(assignments)} FROM {stage} AS v "
        f"WHERE {' AND '.join(where)} RETURNING {target}.{quote(key)}"
    )


def _insert_rows_executemany(
    executor: Executor,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    returning_ids: bool,
    skip_conflicts_on: Sequence[str],
) -> list[int]:
    """SQLite: SQLAlchemy's own multi-row insert (parsing is in-process and cheap there)."""
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    statement: Any = insert(table)
    if skip_conflicts_on:
        statement = sqlite_insert(table).on_conflict_do_nothing(index_elements=skip_conflicts_on)
    if not returning_ids:
        executor.execute(statement, list(rows))
        return []
    result = executor.execute(
        statement.returning(table.c.id, sort_by_parameter_order=True), list(rows)
    )
    return [row_id for (row_id,) in result.all()]


def _update_rows_executemany(
    executor: Executor,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: str,
    common: Mapping[str, Any],
    conditions: Mapping[str, Sequence[Any]],
) -> set[Any]:
    """SQLite: pick the rows that qualify, then one executemany for them.

    Safe without row locks because an SQLite writer holds the database's only write lock
    (bot.db.engine.write_scope) from the select to the commit.
    """
    key_column = table.c[key]
    wanted = [row[key] for row in rows]
    changed: set[Any] = set()
    for first in range(0, len(wanted), SQLITE_CHUNK):
        chunk = wanted[first : first + SQLITE_CHUNK]
        changed.update(
            executor.execute(
                select(key_column).where(
                    key_column.in_(chunk), *(table.c[c].in_(v) for c, v in conditions.items())
                )
            ).scalars()
        )
    names = [name for name in rows[0] if name != key]
    statement = (
        table.update()
        .where(key_column == bindparam("row_key"))
        .values({**{name: bindparam(f"new_{name}") for name in names}, **common})
    )
    params = [
        {"row_key": row[key], **{f"new_{name}": row[name] for name in names}}
        for row in rows
        if row[key] in changed
    ]
    if params:
        executor.execute(statement, params)
    return changed
