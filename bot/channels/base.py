"""The one interface every channel implements, and the errors the dispatcher understands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.models import ChannelKind
from bot.outbox import Option, render_sms

__all__ = [
    "Channel",
    "ChannelError",
    "OutboundMessage",
    "SendResult",
    "render_sms",
]


@dataclass(frozen=True)
class OutboundMessage:
    """What a channel needs to send one outbox row."""

    id: int
    channel: ChannelKind
    address: str
    body: str
    options: tuple[Option, ...] = ()
    idempotency_key: str | None = None


@dataclass(frozen=True)
class SendResult:
    """The provider's id for an accepted message."""

    provider_id: str


@dataclass
class ChannelError(Exception):
    """A provider refused or failed; retryable errors are tried again with backoff."""

    reason: str
    retryable: bool = True
    retry_after: float | None = None  # seconds the provider asked us to wait
    extra: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        """The reason, safe to log (never the message body)."""
        return self.reason


class Channel(Protocol):
    """Sends one message and returns the provider's id, or raises ChannelError."""

    name: str

    async def send(self, message: OutboundMessage) -> SendResult:
        """Hand one message to the provider."""
        ...
