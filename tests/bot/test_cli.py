"""The `makker` command as a new user runs it: demo, chat, apikey, migrate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot import cli
from bot.db.engine import make_engine
from bot.demo import CONTACT_PHONE, TURKISH_CITIZEN_PHONE
from bot.models import Absence, ApiKey, Message, MessageStatus
from bot.settings import get_settings


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite file configured through DATABASE_URL, as a user would."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_demo_then_chat_as_the_turkish_citizen(
    database: str, capsys: pytest.CaptureFixture[str], clock: object
) -> None:
    """The README walk-through: report sick in Turkish, see the Danish employer message."""
    assert cli.main(["demo"]) == 0
    assert "API key (shown once): mk_" in capsys.readouterr().out
    assert cli.main(["chat", "--as", "20 12 34 04", "-m", "hastayım", "-m", "1", "-m", "1"]) == 0
    out = capsys.readouterr().out
    assert f"[to contact {CONTACT_PHONE} · da · sick_day.employer_notice · sent]" in out
    assert "Ayşe Yılmaz har meldt fravær" in out
    assert "sick_day.consultant_notice" in out
    assert "Haber verdik" in out  # the citizen's confirmation, in Turkish
    with Session(make_engine(database)) as session:
        assert len(session.exec(select(Absence)).all()) == 1
        to_employer = session.exec(select(Message).where(Message.address == CONTACT_PHONE)).one()
        assert to_employer.status == MessageStatus.SENT
        assert (to_employer.provider_id or "").startswith("sandbox-")


def test_chat_reads_lines_from_a_pipe(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without -m, lines come from standard input."""
    import io

    cli.main(["demo"])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("help\n"))
    assert cli.main(["chat", "--as", TURKISH_CITIZEN_PHONE]) == 0
    assert "1 - Hastayım" in capsys.readouterr().out


def test_chat_refuses_a_bad_number(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in --as is a clear error, not a stack trace."""
    assert cli.main(["chat", "--as", "12", "-m", "syg"]) == 2
    assert "--as" in capsys.readouterr().err


def test_demo_only_on_an_empty_database(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Running demo twice does not duplicate people."""
    assert cli.main(["demo"]) == 0
    assert cli.main(["demo"]) == 1
    assert "already has data" in capsys.readouterr().err


def test_apikey_for_existing_jobcentre_only(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new key is printed once and stored only as a hash."""
    cli.main(["demo"])
    capsys.readouterr()
    assert cli.main(["apikey", "--jobcentre", "1"]) == 0
    key = capsys.readouterr().out.strip()
    with Session(make_engine(database)) as session:
        hashes = [k.key_hash for k in session.exec(select(ApiKey)).all()]
    assert len(hashes) == 2 and key not in hashes
    assert cli.main(["apikey", "--jobcentre", "99"]) == 1


def test_migrate(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Migrate is idempotent."""
    assert cli.main(["migrate"]) == 0
    assert cli.main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
