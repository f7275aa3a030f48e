"""The offline channel: accepts every message, sends nothing; Makker runs without credentials."""

from __future__ import annotations

import logging
import uuid
from collections import deque

from bot.channels.base import OutboundMessage, SendResult

log = logging.getLogger(__name__)

RECENT_LIMIT = 200  # enough to show recent traffic without growing forever


class SandboxChannel:
    """Stores nothing new (the outbox row is the record) and hands out a fake provider id."""

    name = "sandbox"

    def __init__(self) -> None:
        self.recent: deque[OutboundMessage] = deque(maxlen=RECENT_LIMIT)

    async def send(self, message: OutboundMessage) -> SendResult:
        """Accept the message at once; the row in the message log is what people are shown."""
        self.recent.append(message)
        log.info("sandbox accepted outbox message %s (%s)", message.id, message.channel)
        return SendResult(provider_id=f"sandbox-{uuid.uuid4().hex}")
