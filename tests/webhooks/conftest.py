"""Fixtures for the webhook tests: the provider stubs."""

from tests.fakes.fixtures import (
    provider_settings,
    stub_settings,
    telegram_stub,
    twilio_http_client,
    twilio_stub,
)

__all__ = [
    "provider_settings",
    "stub_settings",
    "telegram_stub",
    "twilio_http_client",
    "twilio_stub",
]
