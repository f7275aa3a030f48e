"""Settings refuse mistakes at start-up rather than at the first message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def make(**values: object) -> Settings:
    """Settings from explicit values only (no .env, no environment)."""
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_defaults_need_no_credentials() -> None:
    """The embedded default: SQLite and the sandbox."""
    settings = make()
    assert settings.database_url.startswith("sqlite")
    assert not settings.twilio_enabled and not settings.telegram_enabled


def test_placeholder_secrets_are_refused() -> None:
    """A secret copied from an example file is an error."""
    with pytest.raises(ValidationError, match="placeholder"):
        make(twilio_account_sid="AC1", twilio_auth_token="changeme", twilio_from_number="+45")


def test_half_a_twilio_configuration_is_refused() -> None:
    """A SID without a token would fail at the first send."""
    with pytest.raises(ValidationError, match="TWILIO_AUTH_TOKEN"):
        make(twilio_account_sid="AC123")


def test_telegram_needs_a_webhook_secret() -> None:
    """Without the secret anybody could post updates."""
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        make(telegram_bot_token="1:abc")


def test_readme_documents_every_setting() -> None:
    """The README's settings table names every environment variable."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    expected = {name.upper() for name in Settings.model_fields}
    assert expected - documented == set(), "add these to the README settings table"
