"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from bot.models import metadata


def test_migrations_match_models(engine: Engine) -> None:
    """A model change without a migration fails here."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_database_errors_do_not_show_stored_values(engine: Engine) -> None:
    """An error's text (which may be logged) hides bound parameters such as message bodies."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    with engine.connect() as conn, pytest.raises(SQLAlchemyError) as caught:
        conn.execute(
            text("SELECT * FROM no_such_table WHERE x = :secret"), {"secret": "jeg er syg"}
        )
    assert "jeg er syg" not in str(caught.value)
