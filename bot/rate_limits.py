"""Per-channel send rates shared by every dispatcher process: token buckets in the database.

Each limited channel has one `rate_bucket` row (SMS per sender number, Telegram overall,
voice calls). A claim locks every channel's row, then the chats' it needs (FOR UPDATE on
PostgreSQL; SQLite's write lock serialises claimers anyway), refills them for the time that
passed, and takes only the messages the tokens pay for: an SMS costs its segments, a
Telegram message or a call one.
Telegram also allows about one message per second per chat: each chat that has messages
waiting gets its own small bucket row (`telegram:chat:<id>`). A provider's 429 (Twilio's
Retry-After, Telegram's retry_after) empties the bucket below zero, which pauses the whole
channel for that long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from bot.models import ChannelKind, RateBucket
from bot.settings import Settings

BURST_SECONDS = 1.0  # a bucket holds one second of sending: no bursts above the rate


@dataclass(frozen=True)
class Limit:
    """One bucket: its row name and tokens per second."""

    name: str
    rate: float
    per_chat: bool = False

    @property
    def capacity(self) -> float:
        """The most a full bucket holds."""
        return self.rate * BURST_SECONDS


def limit_for(channel: ChannelKind, settings: Settings) -> Limit:
    """The bucket a channel's messages draw from."""
    if channel == ChannelKind.SMS:
        sender = (
            settings.twilio_from_number
            or settings.twilio_messaging_service_sid
            or ("twilio" if settings.twilio_enabled else "sandbox")
        )
        return Limit(f"sms:{sender}", settings.sms_segments_per_second)
    if channel == ChannelKind.TELEGRAM:
        return Limit("telegram", settings.telegram_messages_per_second)
    return Limit("voice", settings.voice_calls_per_second)


def cost_of(channel: ChannelKind, segments: int) -> float:
    """Tokens one message takes: SMS segments, else one."""
    return float(max(segments, 1)) if channel == ChannelKind.SMS else 1.0


def chat_limit(address: str, settings: Settings) -> Limit:
    """The per-chat bucket of one Telegram chat."""
    return Limit(
        f"telegram:chat:{address}", settings.telegram_chat_messages_per_second, per_chat=True
    )


@dataclass
class Allowance:
    """The tokens available in this claim, per bucket."""

    tokens: dict[str, float]
    limits: dict[str, Limit]
    spent: set[str] = field(default_factory=set)  # buckets this claim took tokens from
    by_channel: dict[str, Limit] = field(default_factory=dict)  # limit_for, once per channel

    def take(self, channel: ChannelKind, address: str, segments: int, settings: Settings) -> bool:
        """Spend tokens for one message if the channel's bucket (and the chat's) allow it."""
        limit = self.by_channel.get(channel)
        if limit is None:
            limit = self.by_channel[channel] = limit_for(channel, settings)
        needed = [(limit, cost_of(channel, segments))]
        if channel == ChannelKind.TELEGRAM:
            needed.append((chat_limit(address, settings), 1.0))
        # A message dearer than a full bucket may go once the bucket is full, or it never could.
        if any(self.tokens[limit.name] < min(cost, limit.capacity) for limit, cost in needed):
            return False
        for limit, cost in needed:
            self.tokens[limit.name] -= cost
            self.spent.add(limit.name)
        return True

    def can_pay_any(self) -> bool:
        """Whether some channel's bucket still pays for a message (the cheapest costs one)."""
        return any(
            self.tokens[name] >= min(1.0, limit.capacity)
            for name, limit in self.limits.items()
            if not limit.per_chat
        )


def open_allowance(
    conn: Connection,
    channels: set[ChannelKind],
    now: datetime,
    settings: Settings,
    chats: set[str] | None = None,
) -> Allowance:
    """Lock and refill the channels' buckets, then those of the Telegram chats waiting.

    Each statement locks in name order, and every channel's bucket is held before any
    chat's, so claims that add chats later (add_chats) never wait for each other in a ring.
    """
    allowance = Allowance({}, {})
    _lock(conn, allowance, [limit_for(c, settings) for c in sorted(channels)], now)
    add_chats(conn, allowance, chats or set(), now, settings)
    return allowance


def add_chats(
    conn: Connection, allowance: Allowance, chats: set[str], now: datetime, settings: Settings
) -> None:
    """Lock and refill the buckets of more Telegram chats, for rows the claim looks at later."""
    _lock(conn, allowance, [chat_limit(chat, settings) for chat in sorted(chats)], now)


def _lock(conn: Connection, allowance: Allowance, wanted: list[Limit], now: datetime) -> None:
    """Add these buckets to the allowance, locked, with the tokens refilled since last use."""
    limits = {limit.name: limit for limit in wanted if limit.name not in allowance.limits}
    if not limits:
        return
    _ensure_rows(conn, list(limits), now)
    rows = conn.execute(
        select(col(RateBucket.name), col(RateBucket.tokens), col(RateBucket.updated_at))
        .where(col(RateBucket.name).in_(list(limits)))
        .order_by(col(RateBucket.name))
        .with_for_update()
    ).all()
    for name, stored, updated_at in rows:
        limit = limits[name]
        elapsed = max((now - updated_at).total_seconds(), 0.0)
        allowance.tokens[name] = min(limit.capacity, stored + elapsed * limit.rate)
    allowance.limits.update(limits)


def save(conn: Connection, allowance: Allowance, now: datetime) -> None:
    """Write back the buckets the claim took from; the others refill from their stored state."""
    for name in sorted(allowance.spent):
        conn.execute(
            update(RateBucket)
            .where(col(RateBucket.name) == name)
            .values(tokens=allowance.tokens[name], updated_at=now)
        )


def pause(conn: Connection, limit: Limit, seconds: float, now: datetime) -> None:
    """A provider said "too many requests, wait N s": the bucket refills only after that."""
    _ensure_rows(conn, [limit.name], now)
    conn.execute(
        update(RateBucket)
        .where(col(RateBucket.name) == limit.name)
        .values(tokens=-limit.rate * seconds, updated_at=now)
    )


def _ensure_rows(conn: Connection, names: list[str], now: datetime) -> None:
    """Create missing bucket rows, full; two workers doing it at once is harmless."""
    table = RateBucket.__table__  # type: ignore[attr-defined]
    values = [
        {"name": name, "tokens": 0.0, "updated_at": now - timedelta(seconds=BURST_SECONDS)}
        for name in names
    ]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(table).values(values).on_conflict_do_nothing(index_elements=["name"]))
