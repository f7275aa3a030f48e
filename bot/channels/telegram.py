"""Telegram through python-telegram-bot's Bot: one initialised Bot per event loop, reused."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest

from bot.channels.base import ChannelError, OutboundMessage, SendResult
from bot.outbox import Option
from bot.settings import Settings

log = logging.getLogger(__name__)

# PTB 22.2+ deprecates int durations (RetryAfter warns on every flood-control answer) and
# takes timedelta when this is set; opting in now is what PTB asks and what PTB 23 will do.
os.environ.setdefault("PTB_TIMEDELTA", "true")

MAX_REASON = 200
CHAT_ID = re.compile(r"-?\d{1,20}")  # private chats positive, groups and channels negative


class TelegramChannel:
    """Sends with Bot.send_message; options become inline keyboard buttons."""

    name = "telegram"

    def __init__(self, settings: Settings, request: BaseRequest | None = None) -> None:
        if not settings.telegram_bot_token:
            raise ValueError("Telegram is not configured (TELEGRAM_BOT_TOKEN)")
        self._token = settings.telegram_bot_token
        self._base_url = settings.telegram_api_base_url
        self._request = request
        self._bot: Bot | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send one text, with buttons for the options; errors become ChannelError."""
        if not CHAT_ID.fullmatch(message.address):
            raise ChannelError("telegram address is not a chat id", retryable=False)
        chat_id = int(message.address)
        try:
            bot = await self._ready_bot()
            sent = await bot.send_message(
                chat_id=chat_id, text=message.body, reply_markup=keyboard(message.options)
            )
        except TelegramError as exc:
            raise self._error(exc) from exc
        return SendResult(provider_id=f"{sent.chat_id}:{sent.message_id}")

    async def aclose(self) -> None:
        """Shut the Bot's HTTP connections down (call it on the loop that used them)."""
        bot, self._bot, self._loop, self._lock = self._bot, None, None, None
        if bot is not None:
            await bot.shutdown()

    async def _ready_bot(self) -> Bot:
        """The initialised Bot for the running loop; PTB's HTTP pool cannot cross loops."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._lock is None:
            # A new loop (e.g. asyncio.run per tick): the old pool died with its loop.
            self._bot, self._loop, self._lock = None, loop, asyncio.Lock()
        async with self._lock:
            if self._bot is None:
                bot = Bot(self._token, base_url=self._base_url, request=self._request)
                await bot.initialize()  # PTB 20+: sets up the request objects and calls getMe
                self._bot = bot
            return self._bot

    def _error(self, exc: TelegramError) -> ChannelError:
        """Map PTB's errors: flood control and network trouble retry, refusals do not."""
        reason = f"telegram {type(exc).__name__}: {exc.message}".replace(self._token, "<token>")
        reason = reason[:MAX_REASON]
        if isinstance(exc, RetryAfter):
            return ChannelError(reason, retryable=True, retry_after=retry_after_seconds(exc))
        if isinstance(exc, Forbidden | BadRequest | ChatMigrated):
            return ChannelError(reason, retryable=False)  # BadRequest is a NetworkError: first
        if isinstance(exc, TimedOut | NetworkError):
            return ChannelError(reason, retryable=True)
        return ChannelError(reason, retryable=True)


def keyboard(options: tuple[Option, ...]) -> InlineKeyboardMarkup | None:
    """One button per row, so long labels in any language stay readable on a phone."""
    if not options:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text=o.label, callback_data=o.value)] for o in options]
    )


def retry_after_seconds(exc: RetryAfter) -> float:
    """Seconds to wait: a timedelta with PTB_TIMEDELTA (and in PTB 23), else an int."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
