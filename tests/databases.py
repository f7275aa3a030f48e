"""Test databases: a migrated SQLite file per test, or a migrated PostgreSQL database per run."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.models import metadata

PG_ADMIN_URL = os.environ.get("MAKKER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_unavailable_reason() -> str | None:
    """None when PostgreSQL answers; otherwise why not (CI turns this into a failure)."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc}".strip()


def require_postgres() -> None:
    """Skip outside CI, fail loudly in CI, when PostgreSQL is not there."""
    reason = postgres_unavailable_reason()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true requires PostgreSQL: {reason}", pytrace=False)
    pytest.skip(reason)


class SqliteTemplate:
    """Migrate once, copy the file for each test: fresh and fast."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.template = directory / "template.db"
        engine = make_engine(f"sqlite:///{self.template}")
        upgrade(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()

    def fresh_engine(self) -> Engine:
        """A new database file with the migrated schema."""
        path = self.directory / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        return make_engine(f"sqlite:///{path}")


class PostgresDatabase:
    """One database created and migrated for the test run, emptied between tests."""

    def __init__(self) -> None:
        self.name = f"makker_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"
        self.engine = make_engine(self.url)
        upgrade(self.engine)

    def truncate(self) -> None:
        """Empty every table and restart ids, keeping the schema."""
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with self.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))

    def drop(self) -> None:
        """Remove the database at the end of the run."""
        self.engine.dispose()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
