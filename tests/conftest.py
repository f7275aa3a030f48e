"""Fixtures shared by the whole suite: databases on both backends, a clock, settings, builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.settings import Settings
from tests.databases import PostgresDatabase, SqliteTemplate, require_postgres
from webhooks.app import create_app

# Local stub servers of the Twilio and Telegram HTTP APIs, for every test that asks for them.
pytest_plugins = ["tests.fakes.fixtures"]

# Rate limits out of the way; tests of the limits themselves set their own.
UNLIMITED: dict[str, Any] = {
    "sms_segments_per_second": 10_000.0,
    "telegram_messages_per_second": 10_000.0,
    "telegram_chat_messages_per_second": 10_000.0,
    "voice_calls_per_second": 10_000.0,
}

# A Tuesday morning in Copenhagen (CET, UTC+1), an ordinary working day.
DEFAULT_NOW = "2026-11-24T06:30:00+00:00"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """The migrated SQLite schema, built once."""
    return SqliteTemplate(Path(tmp_path_factory.mktemp("sqlite")))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    """A migrated PostgreSQL database for this run (skipped or failed when unreachable)."""
    require_postgres()
    database = PostgresDatabase()
    yield database
    database.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, sqlite_template: SqliteTemplate) -> Iterator[Engine]:
    """A migrated, empty database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        sqlite_engine = sqlite_template.fresh_engine()
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    database: PostgresDatabase = request.getfixturevalue("postgres_database")
    database.truncate()
    yield database.engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for arranging and inspecting data (commit what the code under test must see)."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at DEFAULT_NOW until the test moves it."""
    with time_machine.travel(DEFAULT_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def settings(engine: Engine) -> Settings:
    """Settings for tests: the test database, Twilio and Telegram secrets known to the tests."""
    return Settings(
        _env_file=None,
        database_url=engine.url.render_as_string(hide_password=False),
        public_base_url="https://makker.example.org",
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="test-twilio-auth-token",
        twilio_from_number="+4570000000",
        telegram_bot_token="123456:TEST-TOKEN",
        telegram_webhook_secret="test-telegram-secret",
        demo_data=False,
        **UNLIMITED,
    )


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """An HTTP client for the whole app on the test database (no background scheduler)."""
    with TestClient(create_app(settings, engine), base_url=settings.public_base_url) as c:
        yield c
