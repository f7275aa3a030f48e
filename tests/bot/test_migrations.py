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


def test_a_citizen_has_at_most_one_open_absence(engine: Engine) -> None:
    """The database refuses a second open episode, whatever race the application loses."""
    from datetime import date

    import pytest
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import Session

    from bot.models import Absence
    from tests.factories import make_world

    with Session(engine) as session:
        world = make_world(session)
        for _ in range(2):
            session.add(
                Absence(
                    jobcentre_id=world.jobcentre.id or 0,
                    citizen_id=world.citizen.id or 0,
                    first_day=date(2026, 11, 24),
                )
            )
        with pytest.raises(IntegrityError):
            session.commit()


def test_upgrade_closes_duplicate_open_absences_first(tmp_path: object) -> None:
    """Data written before 0002 with two open episodes migrates; the newest stays open."""
    from pathlib import Path

    from sqlalchemy import text

    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    engine = make_engine(f"sqlite:///{Path(str(tmp_path)) / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO jobcentre (id, name, default_language, created_at) "
                "VALUES (1, 'J', 'da', '2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO citizen (id, jobcentre_id, first_name, last_name, language, "
                "preferred_channel, active, created_at) VALUES "
                "(1, 1, 'A', '', 'da', 'sms', 1, '2026-11-01 00:00:00')"
            )
        )
        for absence_id in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO absence (id, jobcentre_id, citizen_id, reason, first_day, "
                    "expected_return, reported_at, reported_after_shift_start, "
                    "third_day_alerted) VALUES (:id, 1, 1, 'own_illness', '2026-11-24', "
                    "'unknown', '2026-11-24 06:00:00', 0, 0)"
                ),
                {"id": absence_id},
            )
    upgrade(engine)
    with engine.connect() as conn:
        open_ids = conn.execute(text("SELECT id FROM absence WHERE closed_at IS NULL")).all()
    assert [row.id for row in open_ids] == [2]
    engine.dispose()
