"""An accidental call to the real Twilio or Telegram from the test suite fails at once.

pytest-socket (pyproject addopts) allows connections to loopback only. Name resolution is
pinned here so the outcome does not depend on whether this machine can resolve names: every
host resolves to 127.0.0.2, a loopback address that is NOT on the allow list. If the guard
ever stopped working, the connection would be refused on this machine, never leave it, and
these tests would fail with the wrong error.

pytest-socket warns before it raises, and this suite turns warnings into errors, so what a
blocked call raises here is that UserWarning; without `filterwarnings = error` it is
SocketConnectBlockedError. Either way the call fails loudly, and both count as blocked below.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_socket import SocketConnectBlockedError
from telegram import Bot
from telegram.error import NetworkError
from twilio.rest import Client

from bot.channels.base import ChannelError, OutboundMessage
from bot.channels.telegram import TelegramChannel
from bot.channels.twilio_sms import TwilioSmsChannel
from bot.models import ChannelKind
from bot.settings import Settings

NOT_ALLOWED = "127.0.0.2"
GUARD_MESSAGE = "A test tried to use socket.socket.connect()"
Blocked = (SocketConnectBlockedError, UserWarning)


@pytest.fixture(autouse=True)
def resolve_everything_off_the_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend DNS works (as on a laptop) and points outside the allowed hosts."""
    real = socket.getaddrinfo

    def pinned(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        return real(NOT_ALLOWED, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", pinned)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the members of exception groups."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)


def blocked(exc: BaseException) -> bool:
    """Whether pytest-socket's guard (its error, or its warning raised as one) stopped the call."""
    return any(
        isinstance(e, SocketConnectBlockedError)
        or (isinstance(e, UserWarning) and str(e).startswith(GUARD_MESSAGE))
        for e in causes(exc)
    )


def test_the_guard_blocks_a_plain_socket() -> None:
    """The mechanism itself: connecting anywhere but the allowed loopback hosts raises."""
    with pytest.raises(UserWarning, match=GUARD_MESSAGE):  # filterwarnings = error
        socket.create_connection(("api.twilio.com", 443), timeout=1)
    with pytest.warns(UserWarning, match=GUARD_MESSAGE), pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("api.twilio.com", 443), timeout=1)


def test_real_twilio_client_without_the_stub_is_blocked() -> None:
    """twilio.rest.Client with its default HTTP client goes nowhere."""
    client = Client("AC" + "0" * 32, "test-twilio-auth-token")
    with pytest.raises(Blocked) as caught:
        client.messages.create(to="+4520123456", from_="+4570000000", body="hej")
    client.http_client.session.close()
    assert blocked(caught.value)


def test_twilio_channel_without_the_stub_is_blocked(provider_settings: Settings) -> None:
    """Our channel built as in production does not map the guard's error away."""
    channel = TwilioSmsChannel(provider_settings)
    message = OutboundMessage(1, ChannelKind.SMS, "+4520123456", "hej")

    async def attempt() -> None:
        try:
            await channel.send(message)
        finally:
            await channel.aclose()

    with pytest.raises(Blocked) as caught:
        asyncio.run(attempt())
    assert blocked(caught.value)


def test_real_telegram_bot_with_the_default_base_url_is_blocked() -> None:
    """telegram.Bot pointed at api.telegram.org fails instead of sending."""

    async def attempt() -> None:
        async with Bot("123456:TEST-TOKEN") as bot:
            await bot.send_message(chat_id=5550001234, text="hej")

    with pytest.raises(NetworkError) as caught:
        asyncio.run(attempt())
    assert blocked(caught.value)


def test_telegram_channel_with_the_default_base_url_is_blocked(
    provider_settings: Settings,
) -> None:
    """Our channel surfaces it as a retryable ChannelError caused by the guard."""
    assert provider_settings.telegram_api_base_url == "https://api.telegram.org/bot"
    channel = TelegramChannel(provider_settings)
    message = OutboundMessage(1, ChannelKind.TELEGRAM, "5550001234", "hej")

    async def attempt() -> None:
        try:
            await channel.send(message)
        finally:
            await channel.aclose()

    with pytest.raises(ChannelError) as caught:
        asyncio.run(attempt())
    assert caught.value.retryable
    assert blocked(caught.value)
