"""Pytest fixtures that start the provider stubs and point the real clients at them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.settings import Settings
from tests.fakes.telegram_stub import TelegramStub
from tests.fakes.twilio_stub import StubTwilioHttpClient, TwilioStub

# The same secrets as tests/conftest.py's `settings`, for tests that need no database.
PROVIDER_SECRETS: dict[str, Any] = {
    "public_base_url": "https://makker.example.org",
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "test-twilio-auth-token",
    "twilio_from_number": "+4570000000",
    "telegram_bot_token": "123456:TEST-TOKEN",
    "telegram_webhook_secret": "test-telegram-secret",
}


@pytest.fixture
def provider_settings() -> Settings:
    """Settings with provider credentials but no database, for channel tests."""
    return Settings(_env_file=None, demo_data=False, **PROVIDER_SECRETS)


@pytest.fixture
def twilio_stub(provider_settings: Settings) -> Iterator[TwilioStub]:
    """A running Twilio Messages API stub that accepts the test account's credentials."""
    assert provider_settings.twilio_account_sid and provider_settings.twilio_auth_token
    stub = TwilioStub(provider_settings.twilio_account_sid, provider_settings.twilio_auth_token)
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture
def twilio_http_client(twilio_stub: TwilioStub) -> Iterator[StubTwilioHttpClient]:
    """The real twilio HTTP client, rewritten to the stub."""
    client = StubTwilioHttpClient(twilio_stub.url)
    yield client
    client.session.close()


@pytest.fixture
def telegram_stub(provider_settings: Settings) -> Iterator[TelegramStub]:
    """A running Bot API stub for the test bot token."""
    assert provider_settings.telegram_bot_token
    stub = TelegramStub(provider_settings.telegram_bot_token)
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture
def stub_settings(provider_settings: Settings, telegram_stub: TelegramStub) -> Settings:
    """Provider settings whose Telegram base URL is the stub's."""
    return provider_settings.model_copy(update={"telegram_api_base_url": telegram_stub.base_url})
