"""The Twilio voice channel drives the real twilio client against a local Calls API stub."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.channels.base import ChannelError, OutboundMessage
from bot.channels.twilio_voice import TwilioVoiceChannel
from bot.models import ChannelKind
from bot.settings import Settings
from tests.fakes.twilio_stub import StubTwilioHttpClient, TwilioStub

CALL = OutboundMessage(id=42, channel=ChannelKind.VOICE, address="+4520123456", body="Godmorgen")


@pytest.fixture
def channel(
    provider_settings: Settings, twilio_http_client: StubTwilioHttpClient
) -> TwilioVoiceChannel:
    """The channel under test, talking to the stub."""
    return TwilioVoiceChannel(provider_settings, http_client=twilio_http_client)


def test_call_asks_twilio_to_fetch_the_script_and_report_the_outcome(
    channel: TwilioVoiceChannel, twilio_stub: TwilioStub
) -> None:
    """Calls.json gets the number, our caller id, the script URL and the status callback."""
    result = asyncio.run(channel.send(CALL))
    (request,) = twilio_stub.calls
    assert request.form == {
        "To": "+4520123456",
        "From": "+4570000000",
        "Url": "https://makker.example.org/webhooks/twilio/voice?outbox=42",
        "Method": "POST",
        "StatusCallback": "https://makker.example.org/webhooks/twilio/voice/status?outbox=42",
        "StatusCallbackMethod": "POST",
        "Timeout": "30",
    }
    assert "Body" not in request.form  # the script is fetched, never sent to Twilio's API log
    assert re.fullmatch(r"CA[0-9a-f]{32}", result.provider_id)


def test_rate_limited_call_is_retryable(
    channel: TwilioVoiceChannel, twilio_stub: TwilioStub
) -> None:
    """A 429 from the Calls API is retried later, honouring Retry-After."""
    twilio_stub.fail_rate_limited(retry_after=3)
    with pytest.raises(ChannelError) as caught:
        asyncio.run(channel.send(CALL))
    assert caught.value.retryable and caught.value.retry_after == 3


def test_voice_needs_a_caller_number() -> None:
    """A messaging service cannot place calls; voice then stays in the sandbox."""
    with pytest.raises(ValueError):
        TwilioVoiceChannel(Settings(_env_file=None, demo_data=False))
