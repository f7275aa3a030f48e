"""Send rates shared through the database: SMS segments, Telegram overall and per chat, 429s."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import dispatcher as dispatcher_module
from bot.channels.base import ChannelError, OutboundMessage, SendResult
from bot.clock import utcnow
from bot.dispatcher import Dispatcher
from bot.models import ChannelKind, Message, MessageStatus
from bot.outbox import Option
from bot.settings import Settings
from tests.bot.test_dispatcher import queue, row

LIMITED = {
    "sms_segments_per_second": 10.0,
    "telegram_messages_per_second": 30.0,
    "telegram_chat_messages_per_second": 1.0,
    "voice_calls_per_second": 1.0,
    "dispatch_batch_size": 100,
}


class Recording:
    """A channel that accepts everything and remembers the order; optionally a 429 first."""

    name = "recording"

    def __init__(self, fail_first_with: float | None = None) -> None:
        self.sent: list[OutboundMessage] = []
        self.fail_first_with = fail_first_with

    async def send(self, message: OutboundMessage) -> SendResult:
        """Accept, or refuse the very first message with "wait N seconds"."""
        if self.fail_first_with is not None:
            wait, self.fail_first_with = self.fail_first_with, None
            raise ChannelError("http 429 error 20429", retryable=True, retry_after=wait)
        self.sent.append(message)
        return SendResult(provider_id=f"rec-{message.id}")


def limited(settings: Settings, **extra: float) -> Settings:
    """The test settings with real rate limits."""
    return settings.model_copy(update={**LIMITED, **extra})


def dispatcher(engine: Engine, settings: Settings, channel: Recording) -> Dispatcher:
    """A dispatcher whose every channel is the recording one."""
    return Dispatcher(engine, dict.fromkeys(ChannelKind, channel), settings)


def run(d: Dispatcher) -> int:
    """One pass; how many were sent."""
    return asyncio.run(d.dispatch_once()).sent


def test_sms_goes_out_at_ten_segments_a_second(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """25 one-segment texts at 10/s: 10 now, none again this second, 10 a second later, 5."""
    for _ in range(25):
        queue(session, options=())
    channel = Recording()
    d = dispatcher(engine, limited(settings), channel)
    assert run(d) == 10
    assert run(d) == 0
    clock.shift(timedelta(seconds=1))
    assert run(d) == 10
    clock.shift(timedelta(seconds=1))
    assert run(d) == 5


def test_a_pass_spends_capacity_only_on_what_it_sends(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """A batch of 4 with 10 tokens: the 6 tokens left are there for the next pass at once."""
    for _ in range(12):
        queue(session, options=())
    d = dispatcher(engine, limited(settings, dispatch_batch_size=4), Recording())
    assert run(d) == 4
    assert run(d) == 4
    assert run(d) == 2  # 10 tokens a second: used up, not wasted on candidates not sent
    clock.shift(timedelta(seconds=1))
    assert run(d) == 2


def test_long_texts_cost_their_segments(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """A three-segment text takes three of the ten tokens: three texts a second."""
    long_body = "Husk: " + "x" * 400  # 3 GSM-7 segments
    for _ in range(5):
        message_id = queue(session, options=())
        with Session(engine) as s:
            stored = s.get_one(Message, message_id)
            stored.body, stored.segments = long_body, 3
            s.add(stored)
            s.commit()
    d = dispatcher(engine, limited(settings), Recording())
    assert run(d) == 3
    clock.shift(timedelta(seconds=1))
    assert run(d) == 2


def test_two_dispatchers_share_one_bucket(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """Two workers in the same second send ten between them, not ten each."""
    for _ in range(30):
        queue(session, options=())
    first = dispatcher(engine, limited(settings), Recording())
    second = dispatcher(engine, limited(settings), Recording())
    assert run(first) + run(second) == 10


def test_telegram_sends_one_message_a_second_per_chat(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """Three to one chat and one to another: one each now, the next to the first chat later."""
    for _ in range(3):
        queue(session, channel=ChannelKind.TELEGRAM, address="1001", options=())
    queue(session, channel=ChannelKind.TELEGRAM, address="1002", options=())
    channel = Recording()
    d = dispatcher(engine, limited(settings), channel)
    assert run(d) == 2
    assert sorted(m.address for m in channel.sent) == ["1001", "1002"]
    clock.shift(timedelta(milliseconds=500))
    assert run(d) == 0
    clock.shift(timedelta(milliseconds=600))
    assert run(d) == 1


def test_a_429_pauses_the_channel_and_is_not_a_failed_attempt(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """Retry-After 7 s: that text waits 7 s without losing an attempt; the channel rests too."""
    first = queue(session, options=())
    channel = Recording(fail_first_with=7.0)
    d = dispatcher(engine, limited(settings, dispatch_batch_size=1), channel)
    assert run(d) == 0
    paused = row(engine, first)
    assert paused.status == MessageStatus.PENDING and paused.attempts == 0
    assert paused.next_attempt_at == utcnow() + timedelta(seconds=7)
    queue(session, options=())  # due now, but the channel is paused
    clock.shift(timedelta(seconds=3))
    assert run(d) == 0
    clock.shift(timedelta(seconds=5))
    assert run(d) == 1  # the bucket refilled; one per pass with a batch of one
    assert run(d) == 1
    assert {m.id for m in channel.sent} >= {first}


def test_due_messages_go_earliest_deadline_first(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """A wake-up due by 06:30 overtakes a digest queued earlier with a later deadline."""
    ids = [queue(session, options=()) for _ in range(3)]
    deadlines = [utcnow() + timedelta(minutes=m) for m in (30, 10, 20)]
    with Session(engine) as s:
        for message_id, deadline in zip(ids, deadlines, strict=True):
            stored = s.get_one(Message, message_id)
            stored.deadline = deadline
            s.add(stored)
        s.commit()
    channel = Recording()
    d = dispatcher(engine, limited(settings, dispatch_batch_size=1), channel)
    for _ in range(3):
        run(d)
    assert [m.id for m in channel.sent] == [ids[1], ids[2], ids[0]]


def test_a_paused_channel_does_not_hold_up_the_others(
    engine: Engine, session: Session, settings: Settings, clock: time_machine.Traveller
) -> None:
    """SMS out of tokens; the Telegram messages behind them still go."""
    for _ in range(12):
        queue(session, options=())
    queue(session, channel=ChannelKind.TELEGRAM, address="2001", options=(Option("1", "Ja"),))
    channel = Recording()
    d = dispatcher(engine, limited(settings, dispatch_batch_size=11), channel)
    run(d)
    kinds = [m.channel for m in channel.sent]
    assert kinds.count(ChannelKind.SMS) == 10 and ChannelKind.TELEGRAM in kinds
    with Session(engine) as s:
        waiting = s.exec(select(Message).where(col(Message.status) == MessageStatus.PENDING)).all()
    assert len(waiting) == 2


def test_a_pass_looks_further_only_when_the_limits_turned_rows_away(
    engine: Engine,
    session: Session,
    settings: Settings,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Free-flowing: one window of `batch` rows. SMS out of tokens: a second, wider one."""
    for _ in range(40):
        queue(session, options=())
    windows: list[tuple[int, bool]] = []
    real = dispatcher_module._due

    def spy(now: datetime, limit: int, after: tuple[datetime | None, int] | None = None) -> Any:
        windows.append((limit, after is not None))
        return real(now, limit, after)

    monkeypatch.setattr(dispatcher_module, "_due", spy)
    fast = dispatcher(engine, limited(settings, sms_segments_per_second=1000.0), Recording())
    assert run(fast) == 40  # batch 100: all of them, from one window
    assert windows == [(100, False)]

    for _ in range(40):
        queue(session, options=())
    windows.clear()
    slow = dispatcher(engine, limited(settings, dispatch_batch_size=15), Recording())
    assert run(slow) == 10  # 15 looked at, 10 paid for, 5 turned away: look behind them
    assert windows == [(15, False), (30, True)]
