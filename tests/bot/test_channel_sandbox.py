"""The sandbox accepts everything offline; the registry falls back to it without credentials."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from bot.channels.base import OutboundMessage
from bot.channels.registry import build_channels
from bot.channels.sandbox import SandboxChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.twilio_sms import TwilioSmsChannel
from bot.channels.twilio_voice import TwilioVoiceChannel
from bot.models import ChannelKind
from bot.outbox import Option
from bot.settings import Settings

SECRET_BODY = "Jeg har ondt i ryggen"
NUMBER = "+4520123456"


def test_sandbox_hands_out_unique_ids_and_keeps_recent_messages() -> None:
    """Every send "succeeds" with its own sandbox id; nothing leaves the machine."""
    sandbox = SandboxChannel()
    msg = OutboundMessage(1, ChannelKind.SMS, NUMBER, SECRET_BODY, (Option("1", "Ja"),))

    first = asyncio.run(sandbox.send(msg))
    second = asyncio.run(sandbox.send(msg))

    assert re.fullmatch(r"sandbox-[0-9a-f]{32}", first.provider_id)
    assert first.provider_id != second.provider_id
    assert list(sandbox.recent) == [msg, msg]


def test_sandbox_logs_ids_not_bodies_or_numbers(caplog: pytest.LogCaptureFixture) -> None:
    """Sick-day texts are health data: the log line names the outbox row only."""
    caplog.set_level(logging.DEBUG)
    asyncio.run(SandboxChannel().send(OutboundMessage(42, ChannelKind.SMS, NUMBER, SECRET_BODY)))
    assert "42" in caplog.text
    assert SECRET_BODY not in caplog.text and NUMBER not in caplog.text


def test_no_credentials_means_sandbox_everywhere() -> None:
    """The embedded default runs on a fresh machine."""
    channels = build_channels(Settings(_env_file=None))
    assert set(channels) == set(ChannelKind)
    assert all(isinstance(c, SandboxChannel) for c in channels.values())


def test_credentials_select_the_real_providers(provider_settings: Settings) -> None:
    """SMS → Twilio Messages, voice → Twilio Calls, Telegram → Bot API."""
    channels = build_channels(provider_settings)
    assert isinstance(channels[ChannelKind.SMS], TwilioSmsChannel)
    assert isinstance(channels[ChannelKind.TELEGRAM], TelegramChannel)
    assert isinstance(channels[ChannelKind.VOICE], TwilioVoiceChannel)
    asyncio.run(channels[ChannelKind.SMS].aclose())  # type: ignore[attr-defined]
    asyncio.run(channels[ChannelKind.VOICE].aclose())  # type: ignore[attr-defined]


def test_one_provider_configured_leaves_the_other_in_the_sandbox(
    provider_settings: Settings,
) -> None:
    """Telegram only: SMS is still shown, not sent."""
    settings = provider_settings.model_copy(
        update={"twilio_account_sid": None, "twilio_auth_token": None}
    )
    channels = build_channels(settings)
    assert isinstance(channels[ChannelKind.SMS], SandboxChannel)
    assert isinstance(channels[ChannelKind.TELEGRAM], TelegramChannel)
