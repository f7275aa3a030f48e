"""Claim due outbox rows atomically, send them through their channel, record what happened.

Delivery is at-least-once: a row is marked `sending` before the provider is called and its
outcome recorded after. If a worker dies in between, `reconcile_stale` puts the row back to
`pending`, so a message whose provider call was in flight at that moment may be sent twice;
no other path sends a row twice, and no row is ever lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Table,
    Text,
    any_,
    bindparam,
    cast,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot import rate_limits
from bot.channels.base import Channel, ChannelError, OutboundMessage, SendResult
from bot.clock import utcnow
from bot.db.bulk import is_postgresql, update_rows
from bot.db.engine import is_sqlite
from bot.models import ChannelKind, Direction, Message, MessageStatus
from bot.outbox import Option
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 3600.0
JITTER = 0.2  # ±20 %, so retries after an outage do not arrive in one burst
DEFAULT_CONCURRENCY = 10
MAX_ERROR_LENGTH = 500  # Message.last_error column size
MESSAGES: Table = Message.__table__  # type: ignore[attr-defined]
CANDIDATES_PER_SLOT = 3  # due rows a pass may look at per row: a paused channel starves none


NOT_SENT = ChannelError("not sent", retryable=True)  # placeholder until a sender fills it in
# Statuses a provider callback may have set before the send itself was recorded.
AFTER_SENT = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.UNDELIVERED,
    MessageStatus.FAILED,
)


@dataclass
class DispatchReport:
    """What one dispatcher pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        """Rows claimed and settled in the pass."""
        return self.sent + self.retried + self.failed


@dataclass(frozen=True)
class _Claimed:
    """A claimed row: what the channel needs, and the attempts made before this one."""

    message: OutboundMessage
    attempts: int


class Dispatcher:
    """Sends due outbox rows; several dispatchers may share one database safely."""

    def __init__(
        self,
        engine: Engine,
        channels: Mapping[ChannelKind, Channel],
        settings: Settings,
        rng: random.Random | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.engine = engine
        self.channels = dict(channels)
        self.settings = settings
        self.rng = rng or random.Random()
        self.concurrency = concurrency

    def claim(self, limit: int) -> list[OutboundMessage]:
        """Mark up to `limit` due rows `sending` and return them; no row goes to two callers."""
        return [c.message for c in self._claim(limit)]

    async def dispatch_once(self) -> DispatchReport:
        """Claim one batch, send it concurrently, and record each row's outcome."""
        # Database work runs in threads: on SQLite a claim may wait for the write lock, and
        # this coroutine usually shares its event loop with the web app.
        report = DispatchReport()
        claimed = await asyncio.to_thread(self._claim, self.settings.dispatch_batch_size)
        if not claimed:
            return report
        outcomes: list[SendResult | ChannelError] = [NOT_SENT] * len(claimed)
        queue = iter(enumerate(claimed))

        async def sender() -> None:
            # `concurrency` senders share one queue: no task per message for a big batch.
            for index, row in queue:
                outcomes[index] = await self._send(row.message)

        await asyncio.gather(*(sender() for _ in range(min(self.concurrency, len(claimed)))))
        statuses = await asyncio.to_thread(
            self._settle_batch, list(zip(claimed, outcomes, strict=True))
        )
        for status in statuses:
            if status == MessageStatus.SENT:
                report.sent += 1
            elif status == MessageStatus.PENDING:
                report.retried += 1
            elif status == MessageStatus.FAILED:
                report.failed += 1
        return report

    def reconcile_stale(self) -> int:
        """Put rows stuck in `sending` (their worker died) back to `pending`; returns how many."""
        now = utcnow()
        cutoff = now - timedelta(seconds=self.settings.dispatch_stale_after_seconds)
        stale = (
            (col(Message.direction) == Direction.OUTBOUND)
            & (col(Message.status) == MessageStatus.SENDING)
            & (col(Message.updated_at) < cutoff)
        )
        exhausted = col(Message.attempts) + 1 >= self.settings.dispatch_max_attempts
        with _write_transaction(self.engine) as conn:
            # The lost attempt counts, so a message that kills its worker cannot loop forever.
            gave_up = conn.execute(
                update(Message)
                .where(stale & exhausted)
                .values(
                    status=MessageStatus.FAILED,
                    attempts=col(Message.attempts) + 1,
                    next_attempt_at=None,
                    last_error="worker stopped while sending; gave up",
                    updated_at=now,
                )
            ).rowcount
            retried = conn.execute(
                update(Message)
                .where(stale)
                .values(
                    status=MessageStatus.PENDING,
                    attempts=col(Message.attempts) + 1,
                    next_attempt_at=now,
                    last_error="worker stopped while sending",
                    updated_at=now,
                )
            ).rowcount
        if gave_up or retried:
            log.warning("reconciled stale outbox rows: %s retried, %s failed", retried, gave_up)
        return int(gave_up + retried)

    async def aclose(self) -> None:
        """Release the channels' connections (call on the loop that dispatched)."""
        for channel in {id(c): c for c in self.channels.values()}.values():
            closer = getattr(channel, "aclose", None)
            if closer is not None:
                await closer()

    def backoff(self, attempts: int) -> float:
        """Seconds before retry number `attempts`: doubling, jittered, capped at an hour."""
        base = self.settings.dispatch_backoff_seconds * 2 ** (attempts - 1)
        jittered: float = base * self.rng.uniform(1 - JITTER, 1 + JITTER)
        return min(jittered, MAX_BACKOFF_SECONDS)

    def _claim(self, limit: int) -> list[_Claimed]:
        """Pick due rows, then flip the ones the rate limits allow to `sending`, in one transaction.

        The first `limit` due rows are looked at; only when the rate limits turned some of
        them away does the claim look further (up to CANDIDATES_PER_SLOT × limit in all), so
        one paused channel cannot hold up the others, and a free-flowing batch locks no row
        it does not send. Candidates are read without their bodies; only the rows taken come
        back whole, from the UPDATE that claims them.
        """
        now = utcnow()
        with _write_transaction(self.engine) as conn:
            candidates = conn.execute(_due(now, limit)).all()
            if not candidates:
                return []
            # Every channel's bucket, in one fixed order, before any chat's: a claim that
            # looks further below never waits for a bucket while holding a later one.
            allowance = rate_limits.open_allowance(
                conn, set(ChannelKind), now, self.settings, chats=_chats(candidates)
            )
            order = self._take(allowance, candidates, limit, [])
            refused = len(order) < len(candidates)
            if refused and len(order) < limit == len(candidates) and allowance.can_pay_any():
                last = candidates[-1]
                further = conn.execute(
                    _due(now, limit * (CANDIDATES_PER_SLOT - 1), after=(last.deadline, last.id))
                ).all()
                rate_limits.add_chats(conn, allowance, _chats(further), now, self.settings)
                order = self._take(allowance, further, limit, order)
            rate_limits.save(conn, allowance, now)
            if not order:
                return []
            taken = {
                row.id: row
                for row in conn.execute(
                    update(Message)
                    .where(
                        _id_among(conn, order),
                        col(Message.status) == MessageStatus.PENDING,
                    )
                    .values(status=MessageStatus.SENDING, updated_at=now)
                    .returning(
                        col(Message.id),
                        col(Message.channel),
                        col(Message.address),
                        col(Message.body),
                        # As stored: a batch shares a few distinct option lists (_options).
                        cast(col(Message.options), Text).label("options"),
                        col(Message.idempotency_key),
                        col(Message.attempts),
                    )
                ).all()
            }
        return [_claimed(taken[row_id]) for row_id in order if row_id in taken]

    def _take(
        self,
        allowance: rate_limits.Allowance,
        candidates: Sequence[Any],
        limit: int,
        order: list[int],
    ) -> list[int]:
        """Add the candidates the buckets pay for to `order`, in their order, up to `limit`."""
        take, settings = allowance.take, self.settings
        for row_id, channel, address, segments, _deadline in candidates:
            if len(order) == limit:
                break  # no capacity is spent on rows this pass does not send
            if take(channel, address, segments, settings):
                order.append(row_id)
        return order

    async def _send(self, message: OutboundMessage) -> SendResult | ChannelError:
        """Hand one message to its channel; every failure becomes a ChannelError value."""
        channel = self.channels.get(message.channel)
        if channel is None:
            return ChannelError(f"no channel for {message.channel}", retryable=False)
        try:
            return await channel.send(message)
        except ChannelError as exc:
            return exc
        except Exception as exc:  # a bug or surprise in a channel must not stall the batch
            log.warning(
                "channel %s raised %s for outbox message %s",
                channel.name,
                type(exc).__name__,
                message.id,
            )
            log.debug("channel failure detail", exc_info=exc)
            return ChannelError(f"unexpected {type(exc).__name__}", retryable=True)

    def _settle_batch(
        self, results: list[tuple[_Claimed, SendResult | ChannelError]]
    ) -> list[MessageStatus | None]:
        """Record a pass: every success in one statement, anything unusual row by row."""
        sent = [(row, outcome) for row, outcome in results if isinstance(outcome, SendResult)]
        recorded: set[int] = set()
        if sent:
            try:
                recorded = self._record_sent_bulk(sent)
            except Exception:
                log.exception(
                    "could not record a batch of %s sends; recording one by one", len(sent)
                )
        statuses: list[MessageStatus | None] = []
        for row, outcome in results:
            if row.message.id in recorded:
                statuses.append(MessageStatus.SENT)
            else:
                statuses.append(self._settle(row, outcome))
        if recorded:
            log.info("outbox: %s message(s) sent", len(recorded))
        return statuses

    def _record_sent_bulk(self, sent: list[tuple[_Claimed, SendResult]]) -> set[int]:
        """Mark successes `sent` in one statement; returns the ids it changed.

        A row that moved on meanwhile (a delivery report got there first) is left for the
        row-by-row path, which keeps the provider's later status.
        """
        now = utcnow()
        rows = [
            {"id": row.message.id, "provider_id": outcome.provider_id, "attempts": row.attempts + 1}
            for row, outcome in sent
        ]
        with _write_transaction(self.engine) as conn:
            return update_rows(
                conn,
                MESSAGES,
                rows,
                same={
                    "status": MessageStatus.SENT,
                    "sent_at": now,
                    "next_attempt_at": None,
                    "updated_at": now,
                },
                only_if={"status": [MessageStatus.SENDING, MessageStatus.PENDING]},
            )

    def _settle(self, row: _Claimed, outcome: SendResult | ChannelError) -> MessageStatus | None:
        """Record one outcome; a failure to record leaves the row to reconcile_stale."""
        try:
            return self._record(row, outcome)
        except Exception:
            log.exception("could not record the outcome of outbox message %s", row.message.id)
            return None

    def _record(self, row: _Claimed, outcome: SendResult | ChannelError) -> MessageStatus | None:
        """Write the outcome; returns the new status, or None when the row had moved on."""
        now = utcnow()
        attempts = row.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "updated_at": now}
        pause: rate_limits.Limit | None = None
        # A row reconciled back to pending while we were slow is still ours to settle.
        settleable = [MessageStatus.SENDING, MessageStatus.PENDING]
        if isinstance(outcome, SendResult):
            status = MessageStatus.SENT
            values |= {"provider_id": outcome.provider_id, "sent_at": now, "next_attempt_at": None}
        elif outcome.retryable and outcome.retry_after is not None:
            # "Too many requests, wait N s": the channel pauses; not the message's fault, so
            # the attempt does not count towards DISPATCH_MAX_ATTEMPTS.
            status = MessageStatus.PENDING
            values |= {
                "attempts": row.attempts,
                "next_attempt_at": now + timedelta(seconds=outcome.retry_after),
                "last_error": outcome.reason[:MAX_ERROR_LENGTH],
            }
            settleable = [MessageStatus.SENDING]
            pause = rate_limits.limit_for(row.message.channel, self.settings)
        elif outcome.retryable and attempts < self.settings.dispatch_max_attempts:
            status = MessageStatus.PENDING
            delay = self.backoff(attempts)
            values |= {"next_attempt_at": now + timedelta(seconds=delay)}
            values |= {"last_error": outcome.reason[:MAX_ERROR_LENGTH]}
            settleable = [MessageStatus.SENDING]
        else:
            status = MessageStatus.FAILED
            values |= {"next_attempt_at": None, "last_error": outcome.reason[:MAX_ERROR_LENGTH]}
            settleable = [MessageStatus.SENDING]
        with _write_transaction(self.engine) as conn:
            if pause is not None and isinstance(outcome, ChannelError):
                rate_limits.pause(conn, pause, outcome.retry_after or 0.0, now)
            changed = conn.execute(
                update(Message)
                .where(col(Message.id) == row.message.id, col(Message.status).in_(settleable))
                .values(status=status, **values)
            ).rowcount
            if not changed and isinstance(outcome, SendResult):
                # Twilio's status callback got here first; keep its (later) status.
                values.pop("sent_at")
                changed = conn.execute(
                    update(Message)
                    .where(col(Message.id) == row.message.id, col(Message.status).in_(AFTER_SENT))
                    .values(**values)
                ).rowcount
                status = MessageStatus.SENT if changed else status
        if not changed:
            log.warning("outbox message %s changed while sending; left as it is", row.message.id)
            return None
        log.info(
            "outbox message %s: %s (attempt %s)%s",
            row.message.id,
            status,
            attempts,
            "" if isinstance(outcome, SendResult) else f": {outcome.reason}",
        )
        return status


def _due(now: datetime, limit: int, after: tuple[datetime | None, int] | None = None) -> Any:
    """Due outbound rows without their bodies, earliest deadline first, locked for this claim.

    `after` continues behind the (deadline, id) of the last row already looked at.
    """
    query = (
        select(
            col(Message.id),
            col(Message.channel),
            col(Message.address),
            col(Message.segments),
            col(Message.deadline),
        )
        .where(
            col(Message.direction) == Direction.OUTBOUND,
            col(Message.status) == MessageStatus.PENDING,
            col(Message.next_attempt_at) <= now,
        )
        # Earliest deadline first: a wake-up due at 06:30 goes before a digest due at 06:00
        # whose deadline is later. Every outbound row has one (bot.outbox.outbox_values;
        # migration 0005 gave older rows their due time), so ix_message_deadline serves it.
        .order_by(col(Message.deadline), col(Message.id))
        .limit(limit)
        # PostgreSQL: rows another worker is claiming right now are skipped, not waited
        # for. SQLite ignores this; its BEGIN IMMEDIATE serialises claimers instead.
        .with_for_update(skip_locked=True)
    )
    if after is not None:
        query = query.where(tuple_(col(Message.deadline), col(Message.id)) > tuple_(*after))
    return query


def _chats(candidates: Sequence[Any]) -> set[str]:
    """The Telegram chats among the candidates (each has a bucket of its own)."""
    return {r.address for r in candidates if r.channel == ChannelKind.TELEGRAM}


def _id_among(conn: Connection, ids: list[int]) -> Any:
    """`id = ANY(array)` on PostgreSQL (one short statement for any count), IN (…) elsewhere."""
    if is_postgresql(conn):
        return col(Message.id) == any_(bindparam("claim_ids", ids, type_=ARRAY(Integer)))
    return col(Message.id).in_(ids)


def _claimed(row: Any) -> _Claimed:
    """Turn a selected row into the channel-neutral message a channel sends."""
    row_id, channel, address, body, options, idempotency_key, attempts = row  # (a batch: fast)
    message = OutboundMessage(
        id=row_id,
        channel=_CHANNELS[channel],
        address=address,
        body=body,
        options=_options(options),
        idempotency_key=idempotency_key,
    )
    return _Claimed(message=message, attempts=attempts)


_CHANNELS = {kind.value: kind for kind in ChannelKind}  # a dict lookup, not an Enum() call


@lru_cache(maxsize=1024)
def _options(stored: str | None) -> tuple[Option, ...]:
    """Options as bot.outbox stores them (a JSON list of value/label objects), parsed once."""
    return tuple(
        Option(value=str(o["value"]), label=str(o["label"])) for o in json.loads(stored or "[]")
    )


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement on SQLite.

    SQLite in WAL mode upgrades a deferred (read) transaction to a writer only if no one
    committed in between, failing with "database is locked" otherwise; BEGIN IMMEDIATE takes
    the write lock up front (waiting up to busy_timeout) so the claim reads what it updates.
    """
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
