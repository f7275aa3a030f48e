"""The Twilio SMS channel drives the real twilio client against a local Messages API stub."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.channels.base import ChannelError, OutboundMessage, SendResult
from bot.channels.twilio_sms import TwilioSmsChannel
from bot.models import ChannelKind
from bot.outbox import Option
from bot.settings import Settings
from tests.fakes._server import unused_local_url
from tests.fakes.twilio_stub import StubTwilioHttpClient, TwilioStub

NUMBER = "+4520123456"
BODY = "Er du syg i dag?"


def message(**overrides: object) -> OutboundMessage:
    """An SMS with two options."""
    values: dict[str, object] = {
        "id": 7,
        "channel": ChannelKind.SMS,
        "address": NUMBER,
        "body": BODY,
        "options": (Option("1", "Ja"), Option("2", "Nej")),
    }
    values.update(overrides)
    return OutboundMessage(**values)  # type: ignore[arg-type]


def send(channel: TwilioSmsChannel, msg: OutboundMessage) -> SendResult:
    """Run one send on a fresh event loop."""
    return asyncio.run(channel.send(msg))


def failure(channel: TwilioSmsChannel, msg: OutboundMessage) -> ChannelError:
    """The ChannelError a send raises."""
    with pytest.raises(ChannelError) as caught:
        send(channel, msg)
    return caught.value


@pytest.fixture
def channel(
    provider_settings: Settings, twilio_http_client: StubTwilioHttpClient
) -> TwilioSmsChannel:
    """The channel under test, talking to the stub."""
    return TwilioSmsChannel(provider_settings, http_client=twilio_http_client)


def test_send_posts_numbered_options_sender_and_status_callback(
    channel: TwilioSmsChannel, twilio_stub: TwilioStub
) -> None:
    """What Twilio receives: the number, the body with "1 - Ja" lines, our callback URL."""
    result = send(channel, message())

    (request,) = twilio_stub.messages
    assert request.form == {
        "To": NUMBER,
        "From": "+4570000000",
        "Body": "Er du syg i dag?\n\n1 - Ja\n2 - Nej",
        "StatusCallback": "https://makker.example.org/webhooks/twilio/status?outbox=7",
    }
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_id)


def test_messaging_service_is_used_instead_of_the_from_number(
    provider_settings: Settings, twilio_http_client: StubTwilioHttpClient, twilio_stub: TwilioStub
) -> None:
    """A Messaging Service picks the sender from its pool."""
    sid = "MG" + "1" * 32
    settings = provider_settings.model_copy(update={"twilio_messaging_service_sid": sid})
    send(TwilioSmsChannel(settings, http_client=twilio_http_client), message(options=()))

    (request,) = twilio_stub.messages
    assert request.form["MessagingServiceSid"] == sid
    assert "From" not in request.form
    assert request.form["Body"] == BODY


def test_rate_limit_is_retryable_and_honours_retry_after(
    channel: TwilioSmsChannel, twilio_stub: TwilioStub
) -> None:
    """429 → try again, no sooner than Twilio asked."""
    twilio_stub.fail_rate_limited(retry_after=7)
    error = failure(channel, message())
    assert error.retryable
    assert error.retry_after == 7.0
    assert "429" in error.reason and "20429" in error.reason


def test_rate_limit_without_retry_after(channel: TwilioSmsChannel, twilio_stub: TwilioStub) -> None:
    """No header → the dispatcher's own backoff decides."""
    twilio_stub.fail_rate_limited(retry_after=None)
    error = failure(channel, message())
    assert error.retryable and error.retry_after is None


def test_server_error_is_retryable(channel: TwilioSmsChannel, twilio_stub: TwilioStub) -> None:
    """5xx is Twilio's trouble, not ours."""
    twilio_stub.fail_server_error()
    error = failure(channel, message())
    assert error.retryable
    assert error.retry_after is None
    assert "500" in error.reason


def test_invalid_number_is_permanent_and_the_reason_has_no_number_or_body(
    channel: TwilioSmsChannel, twilio_stub: TwilioStub
) -> None:
    """21211 will never succeed; Twilio's message names the number, our reason must not."""
    twilio_stub.fail_invalid_number()
    error = failure(channel, message())
    assert not error.retryable
    assert error.reason == "twilio http 400 error 21211"
    assert error.extra == {"twilio_code": "21211"}
    assert "+45" not in str(error) and BODY not in str(error)


def test_unreachable_twilio_is_a_retryable_network_error(provider_settings: Settings) -> None:
    """Connection refused (nothing listening) → retry later."""
    client = StubTwilioHttpClient(unused_local_url())
    try:
        error = failure(TwilioSmsChannel(provider_settings, http_client=client), message())
    finally:
        client.session.close()
    assert error.retryable
    assert error.reason.startswith("twilio network error")


def test_refuses_to_start_without_credentials() -> None:
    """The registry falls back to the sandbox instead."""
    with pytest.raises(ValueError, match="not configured"):
        TwilioSmsChannel(Settings(_env_file=None))
