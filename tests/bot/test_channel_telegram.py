"""The Telegram channel drives python-telegram-bot's real Bot against a local Bot API stub."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from bot.channels.base import ChannelError, OutboundMessage, SendResult
from bot.channels.telegram import TelegramChannel
from bot.models import ChannelKind
from bot.outbox import Option
from bot.settings import Settings
from tests.fakes._server import unused_local_url
from tests.fakes.telegram_stub import TelegramStub

T = TypeVar("T")
CHAT_ID = 5550001234
BODY = "Hej Ayşe! Er du på vej på arbejde?"


def message(**overrides: object) -> OutboundMessage:
    """A Telegram message with two options."""
    values: dict[str, object] = {
        "id": 3,
        "channel": ChannelKind.TELEGRAM,
        "address": str(CHAT_ID),
        "body": BODY,
        "options": (Option("1", "Ja, jeg kommer"), Option("2", "Nej, jeg er syg")),
    }
    values.update(overrides)
    return OutboundMessage(**values)  # type: ignore[arg-type]


def using(channel: TelegramChannel, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` on one event loop and shut the Bot down on that same loop afterwards."""

    async def scenario() -> T:
        try:
            return await work()
        finally:
            await channel.aclose()

    return asyncio.run(scenario())


def failure(channel: TelegramChannel, msg: OutboundMessage) -> ChannelError:
    """The ChannelError one send raises."""
    with pytest.raises(ChannelError) as caught:
        using(channel, lambda: channel.send(msg))
    return caught.value


@pytest.fixture
def channel(stub_settings: Settings) -> TelegramChannel:
    """The channel under test, talking to the stub."""
    return TelegramChannel(stub_settings)


def test_options_become_inline_keyboard_buttons(
    channel: TelegramChannel, telegram_stub: TelegramStub
) -> None:
    """One button per option (label shown, value sent back); the text has no numbered lines."""
    result = using(channel, lambda: channel.send(message()))

    (request,) = telegram_stub.sent
    assert request.path == "/bot123456:TEST-TOKEN/sendMessage"
    assert request.form["chat_id"] == str(CHAT_ID)
    assert request.form["text"] == BODY
    assert json.loads(request.form["reply_markup"]) == {
        "inline_keyboard": [
            [{"text": "Ja, jeg kommer", "callback_data": "1"}],
            [{"text": "Nej, jeg er syg", "callback_data": "2"}],
        ]
    }
    assert result.provider_id == f"{CHAT_ID}:1000"


def test_no_options_no_keyboard(channel: TelegramChannel, telegram_stub: TelegramStub) -> None:
    """A plain text stays plain."""
    using(channel, lambda: channel.send(message(options=())))
    (request,) = telegram_stub.sent
    assert "reply_markup" not in request.form


def test_bot_is_initialised_once_and_reused(
    channel: TelegramChannel, telegram_stub: TelegramStub
) -> None:
    """Bot.initialize() (one getMe) on first use; later sends, even concurrent, reuse it."""

    async def three() -> list[SendResult]:
        first = await channel.send(message())
        rest = await asyncio.gather(channel.send(message()), channel.send(message()))
        return [first, *rest]

    results = using(channel, three)

    paths = [r.path.rsplit("/", 1)[1] for r in telegram_stub.requests]
    assert paths == ["getMe", "sendMessage", "sendMessage", "sendMessage"]
    assert len({r.provider_id for r in results}) == 3


def test_a_new_event_loop_gets_a_fresh_bot(
    channel: TelegramChannel, telegram_stub: TelegramStub
) -> None:
    """asyncio.run per tick must work: PTB's connection pool cannot cross loops."""
    asyncio.run(channel.send(message()))  # no aclose: the loop ends with the Bot still open
    using(channel, lambda: channel.send(message()))
    paths = [r.path.rsplit("/", 1)[1] for r in telegram_stub.requests]
    assert paths == ["getMe", "sendMessage", "getMe", "sendMessage"]


def test_flood_control_is_retryable_after_the_given_seconds(
    channel: TelegramChannel, telegram_stub: TelegramStub
) -> None:
    """429 with parameters.retry_after → RetryAfter → retry no sooner than that."""
    telegram_stub.fail_flood(retry_after=3)
    error = failure(channel, message())
    assert error.retryable
    assert error.retry_after == 3.0
    assert error.reason.startswith("telegram RetryAfter")


def test_blocked_by_the_user_is_permanent(
    channel: TelegramChannel, telegram_stub: TelegramStub
) -> None:
    """403: the user blocked the bot; retrying cannot help."""
    telegram_stub.fail_blocked()
    error = failure(channel, message())
    assert not error.retryable
    assert error.reason == "telegram Forbidden: Forbidden: bot was blocked by the user"


def test_bad_request_is_permanent(channel: TelegramChannel, telegram_stub: TelegramStub) -> None:
    """400 (e.g. chat not found) will fail the same way next time."""
    telegram_stub.fail_chat_not_found()
    error = failure(channel, message())
    assert not error.retryable
    assert "chat not found" in error.reason.lower()
    assert BODY not in error.reason and str(CHAT_ID) not in error.reason


def test_bad_gateway_is_retryable(channel: TelegramChannel, telegram_stub: TelegramStub) -> None:
    """5xx from Telegram is a NetworkError: try again."""
    telegram_stub.fail_server_error()
    assert failure(channel, message()).retryable


def test_unreachable_api_is_retryable(stub_settings: Settings) -> None:
    """Connection refused → NetworkError → retry later."""
    dead = unused_local_url() + "/bot"
    settings = stub_settings.model_copy(update={"telegram_api_base_url": dead})
    error = failure(TelegramChannel(settings), message())
    assert error.retryable
    assert "TEST-TOKEN" not in error.reason


def test_rejected_token_is_not_leaked_into_the_reason(
    stub_settings: Settings, telegram_stub: TelegramStub
) -> None:
    """InvalidToken's message quotes the token; last_error must not."""
    settings = stub_settings.model_copy(update={"telegram_bot_token": "999:WRONG-TOKEN"})
    error = failure(TelegramChannel(settings), message())
    assert "WRONG-TOKEN" not in error.reason
    assert error.reason.startswith("telegram InvalidToken")


def test_address_that_is_not_a_chat_id_fails_without_a_request(
    channel: TelegramChannel, telegram_stub: TelegramStub
) -> None:
    """A phone number in a Telegram row is a bug upstream; it cannot succeed later."""
    error = failure(channel, message(address="+4520123456"))
    assert not error.retryable
    assert telegram_stub.requests == []
