"""The dispatcher claims due outbox rows once, sends them through real clients, records outcomes."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from bot.channels.base import Channel, ChannelError, OutboundMessage, SendResult
from bot.channels.registry import build_channels
from bot.channels.sandbox import SandboxChannel
from bot.clock import utcnow
from bot.dispatcher import Dispatcher, DispatchReport
from bot.models import ChannelKind, Message, MessageStatus, ParticipantKind
from bot.outbox import Option, enqueue
from bot.recipients import Recipient
from bot.settings import Settings
from tests.factories import next_phone
from tests.fakes.telegram_stub import TelegramStub
from tests.fakes.twilio_stub import StubTwilioHttpClient, TwilioStub

BODY = "Husk: du møder kl. 8 i morgen"


class MidpointRng(random.Random):
    """Jitter factor exactly 1.0, so delays in tests are the plain doubling."""

    def uniform(self, a: float, b: float) -> float:
        """The middle of the range."""
        return (a + b) / 2


@pytest.fixture
def dispatch_settings(settings: Settings, telegram_stub: TelegramStub) -> Settings:
    """Test settings with the Telegram stub, 5 s first backoff and 3 attempts."""
    return settings.model_copy(
        update={
            "telegram_api_base_url": telegram_stub.base_url,
            "dispatch_backoff_seconds": 5.0,
            "dispatch_max_attempts": 3,
        }
    )


@pytest.fixture
def dispatcher(
    engine: Engine,
    dispatch_settings: Settings,
    twilio_http_client: StubTwilioHttpClient,
    clock: time_machine.Traveller,
) -> Dispatcher:
    """A dispatcher with the real Twilio and Telegram channels, pointed at the stubs."""
    channels = build_channels(dispatch_settings, twilio_http_client=twilio_http_client)
    return Dispatcher(engine, channels, dispatch_settings, rng=MidpointRng())


def run(dispatcher: Dispatcher) -> DispatchReport:
    """One dispatcher pass on its own event loop, closing the channels on that loop."""

    async def one_pass() -> DispatchReport:
        try:
            return await dispatcher.dispatch_once()
        finally:
            await dispatcher.aclose()

    return asyncio.run(one_pass())


def queue(
    session: Session,
    *,
    channel: ChannelKind = ChannelKind.SMS,
    address: str | None = None,
    opted_out: bool = False,
    allow_opted_out: bool = False,
    delay: timedelta | None = None,
    options: tuple[Option, ...] = (Option("1", "Ja"), Option("2", "Nej")),
) -> int:
    """Enqueue and commit one outbound message; returns its id."""
    if address is None:
        address = next_phone() if channel != ChannelKind.TELEGRAM else "5550001234"
    recipient = Recipient(
        kind=ParticipantKind.CITIZEN,
        id=None,
        channel=channel,
        address=address,
        language="da",
        jobcentre_id=None,
        opted_out=opted_out,
    )
    message = enqueue(
        session,
        recipient=recipient,
        body=BODY,
        kind="test.reminder",
        options=options,
        not_before=utcnow() + delay if delay else None,
        allow_opted_out=allow_opted_out,
    )
    session.commit()
    assert message.id is not None
    return message.id


def row(engine: Engine, message_id: int) -> Message:
    """A fresh copy of the row, as the database has it now."""
    with Session(engine) as s:
        return s.get_one(Message, message_id)


def test_success_records_provider_id_sent_at_and_attempt(
    dispatcher: Dispatcher, engine: Engine, session: Session, twilio_stub: TwilioStub
) -> None:
    """The row becomes `sent` with Twilio's sid; Twilio got the numbered options."""
    message_id = queue(session, address="+4520123456")

    report = run(dispatcher)

    assert report == DispatchReport(sent=1)
    sent = row(engine, message_id)
    assert sent.status == MessageStatus.SENT
    assert sent.provider_id is not None and re.fullmatch(r"SM[0-9a-f]{32}", sent.provider_id)
    assert sent.sent_at == utcnow()
    assert sent.attempts == 1
    assert sent.next_attempt_at is None
    (request,) = twilio_stub.messages
    assert request.form["To"] == "+4520123456"
    assert request.form["Body"] == f"{BODY}\n\n1 - Ja\n2 - Nej"


def test_telegram_rows_go_to_the_bot_api_with_buttons(
    dispatcher: Dispatcher, engine: Engine, session: Session, telegram_stub: TelegramStub
) -> None:
    """Each row goes to the channel of its kind."""
    message_id = queue(session, channel=ChannelKind.TELEGRAM, address="5550001234")

    assert run(dispatcher) == DispatchReport(sent=1)

    assert row(engine, message_id).provider_id == "5550001234:1000"
    (request,) = telegram_stub.sent
    assert request.form["text"] == BODY
    assert '"callback_data": "1"' in request.form["reply_markup"]


def test_rows_not_yet_due_wait(
    dispatcher: Dispatcher,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    twilio_stub: TwilioStub,
) -> None:
    """`not_before` in the future: nothing is claimed until the clock gets there."""
    message_id = queue(session, delay=timedelta(minutes=10))

    assert run(dispatcher) == DispatchReport()
    clock.shift(timedelta(minutes=10))
    assert run(dispatcher) == DispatchReport(sent=1)
    assert row(engine, message_id).status == MessageStatus.SENT


def test_retryable_error_backs_off_then_succeeds(
    dispatcher: Dispatcher,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    twilio_stub: TwilioStub,
) -> None:
    """A 500 puts the row back to pending for 5 s; 4 s later it is not due, at 5 s it goes."""
    message_id = queue(session)
    twilio_stub.fail_server_error()
    start = utcnow()

    assert run(dispatcher) == DispatchReport(retried=1)
    waiting = row(engine, message_id)
    assert waiting.status == MessageStatus.PENDING
    assert waiting.attempts == 1
    assert waiting.next_attempt_at == start + timedelta(seconds=5)
    assert waiting.last_error == "twilio http 500 error 20500"

    clock.shift(timedelta(seconds=4))
    assert run(dispatcher) == DispatchReport()
    clock.shift(timedelta(seconds=1))
    assert run(dispatcher) == DispatchReport(sent=1)
    done = row(engine, message_id)
    assert done.status == MessageStatus.SENT
    assert done.attempts == 2
    assert len(twilio_stub.messages) == 2


def test_backoff_doubles_per_attempt(
    dispatcher: Dispatcher,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    twilio_stub: TwilioStub,
) -> None:
    """Second failure waits 10 s (5 · 2¹)."""
    message_id = queue(session)
    twilio_stub.fail_server_error()
    twilio_stub.fail_server_error()

    run(dispatcher)
    clock.shift(timedelta(seconds=5))
    run(dispatcher)

    waiting = row(engine, message_id)
    assert waiting.attempts == 2
    assert waiting.next_attempt_at == utcnow() + timedelta(seconds=10)


def test_backoff_jitter_stays_within_20_percent_and_an_hour(
    dispatch_settings: Settings, engine: Engine
) -> None:
    """±20 % around base · 2^(n-1), never more than an hour."""
    dispatcher = Dispatcher(engine, {}, dispatch_settings, rng=random.Random(7))
    for attempts in range(1, 30):
        base = 5.0 * 2 ** (attempts - 1)
        delay = dispatcher.backoff(attempts)
        assert min(base * 0.8, 3600) <= delay <= min(base * 1.2, 3600)
    assert dispatcher.backoff(20) == 3600
    assert len({dispatcher.backoff(3) for _ in range(20)}) > 1  # it really jitters


def test_provider_retry_after_wins_over_a_shorter_backoff(
    dispatcher: Dispatcher, engine: Engine, session: Session, twilio_stub: TwilioStub
) -> None:
    """Twilio said Retry-After: 120; our 5 s backoff must not hammer it sooner."""
    message_id = queue(session)
    twilio_stub.fail_rate_limited(retry_after=120)

    assert run(dispatcher) == DispatchReport(retried=1)
    assert row(engine, message_id).next_attempt_at == utcnow() + timedelta(seconds=120)


def test_telegram_flood_control_retry_after_is_honoured(
    engine: Engine,
    dispatch_settings: Settings,
    session: Session,
    telegram_stub: TelegramStub,
    clock: time_machine.Traveller,
) -> None:
    """RetryAfter(30) from the Bot API beats a 1 s backoff."""
    settings = dispatch_settings.model_copy(update={"dispatch_backoff_seconds": 1.0})
    dispatcher = Dispatcher(engine, build_channels(settings), settings, rng=MidpointRng())
    message_id = queue(session, channel=ChannelKind.TELEGRAM)
    telegram_stub.fail_flood(retry_after=30)

    assert run(dispatcher) == DispatchReport(retried=1)
    assert row(engine, message_id).next_attempt_at == utcnow() + timedelta(seconds=30)


def test_gives_up_after_max_attempts(
    dispatcher: Dispatcher,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    twilio_stub: TwilioStub,
) -> None:
    """Three failures with max_attempts=3: failed, not retried again."""
    message_id = queue(session)
    for _ in range(3):
        twilio_stub.fail_server_error()

    assert run(dispatcher) == DispatchReport(retried=1)
    clock.shift(timedelta(seconds=5))
    assert run(dispatcher) == DispatchReport(retried=1)
    clock.shift(timedelta(seconds=10))
    assert run(dispatcher) == DispatchReport(failed=1)

    failed = row(engine, message_id)
    assert failed.status == MessageStatus.FAILED
    assert failed.attempts == 3
    assert failed.next_attempt_at is None
    assert failed.last_error == "twilio http 500 error 20500"
    clock.shift(timedelta(hours=2))
    assert run(dispatcher) == DispatchReport()
    assert len(twilio_stub.messages) == 3


def test_permanent_error_fails_at_once_with_a_safe_reason(
    dispatcher: Dispatcher,
    engine: Engine,
    session: Session,
    twilio_stub: TwilioStub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """21211 (invalid number): failed after one attempt; no number or body stored or logged."""
    caplog.set_level(logging.DEBUG)
    message_id = queue(session, address="+4520000000")
    twilio_stub.fail_invalid_number()

    assert run(dispatcher) == DispatchReport(failed=1)

    failed = row(engine, message_id)
    assert failed.status == MessageStatus.FAILED
    assert failed.attempts == 1
    assert failed.last_error == "twilio http 400 error 21211"
    assert "+4520000000" not in caplog.text and BODY not in caplog.text


def test_blocked_telegram_user_fails_at_once(
    dispatcher: Dispatcher, engine: Engine, session: Session, telegram_stub: TelegramStub
) -> None:
    """403 from Telegram: the user blocked the bot."""
    message_id = queue(session, channel=ChannelKind.TELEGRAM)
    telegram_stub.fail_blocked()

    assert run(dispatcher) == DispatchReport(failed=1)
    assert row(engine, message_id).status == MessageStatus.FAILED


def test_suppressed_rows_are_never_sent(
    dispatcher: Dispatcher,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    twilio_stub: TwilioStub,
) -> None:
    """Opted-out recipients: the row stays `suppressed` and Twilio hears nothing."""
    suppressed = queue(session, opted_out=True)
    confirmation = queue(session, opted_out=True, allow_opted_out=True)  # e.g. "you are out"

    assert run(dispatcher) == DispatchReport(sent=1)
    clock.shift(timedelta(days=1))
    assert run(dispatcher) == DispatchReport()

    assert row(engine, suppressed).status == MessageStatus.SUPPRESSED
    assert row(engine, confirmation).status == MessageStatus.SENT
    assert len(twilio_stub.messages) == 1


class ExplodingChannel:
    """A channel with a bug for one address, and a provider refusal for another."""

    name = "exploding"

    def __init__(self, explode_for: str, refuse_for: str) -> None:
        self.explode_for = explode_for
        self.refuse_for = refuse_for
        self.sandbox = SandboxChannel()

    async def send(self, message: OutboundMessage) -> SendResult:
        """Raise for the chosen addresses, accept the rest."""
        if message.address == self.explode_for:
            raise RuntimeError("boom " + message.body)
        if message.address == self.refuse_for:
            raise ChannelError("refused", retryable=False)
        return await self.sandbox.send(message)


def test_a_failing_row_does_not_block_or_lose_the_others(
    engine: Engine,
    dispatch_settings: Settings,
    session: Session,
    clock: time_machine.Traveller,
) -> None:
    """An unexpected exception is a retryable failure of that row only."""
    bad, refused = next_phone(), next_phone()
    ids = [queue(session), queue(session, address=bad), queue(session, address=refused)]
    ids.append(queue(session))
    channels: dict[ChannelKind, Channel] = {ChannelKind.SMS: ExplodingChannel(bad, refused)}
    dispatcher = Dispatcher(engine, channels, dispatch_settings, rng=MidpointRng())

    assert run(dispatcher) == DispatchReport(sent=2, retried=1, failed=1)

    statuses = [row(engine, i).status for i in ids]
    assert statuses == [
        MessageStatus.SENT,
        MessageStatus.PENDING,
        MessageStatus.FAILED,
        MessageStatus.SENT,
    ]
    exploded = row(engine, ids[1])
    assert exploded.last_error == "unexpected RuntimeError"  # not the exception text
    assert exploded.next_attempt_at == utcnow() + timedelta(seconds=5)


def test_an_outcome_that_cannot_be_recorded_is_left_for_reconcile(
    engine: Engine,
    dispatch_settings: Settings,
    session: Session,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database hiccups for one row: the others are recorded, that one is not lost."""
    unlucky, fine = queue(session), queue(session)
    dispatcher = Dispatcher(engine, {ChannelKind.SMS: SandboxChannel()}, dispatch_settings)
    record = dispatcher._record

    def flaky(row: Any, outcome: Any) -> MessageStatus | None:
        if row.message.id == unlucky:
            raise OperationalError("UPDATE message …", {}, Exception("connection lost"))
        return record(row, outcome)

    def bulk_fails(sent: Any) -> set[int]:
        raise OperationalError("UPDATE message …", {}, Exception("connection lost"))

    monkeypatch.setattr(dispatcher, "_record", flaky)
    monkeypatch.setattr(dispatcher, "_record_sent_bulk", bulk_fails)  # then row by row
    assert run(dispatcher) == DispatchReport(sent=1)
    assert row(engine, fine).status == MessageStatus.SENT
    assert row(engine, unlucky).status == MessageStatus.SENDING

    clock.shift(timedelta(seconds=dispatch_settings.dispatch_stale_after_seconds + 1))
    assert dispatcher.reconcile_stale() == 1
    assert row(engine, unlucky).status == MessageStatus.PENDING


def test_a_channel_kind_without_a_channel_fails_the_row(
    engine: Engine, dispatch_settings: Settings, session: Session, clock: time_machine.Traveller
) -> None:
    """Misconfiguration is visible on the row instead of a crash."""
    message_id = queue(session, channel=ChannelKind.TELEGRAM)
    dispatcher = Dispatcher(engine, {ChannelKind.SMS: SandboxChannel()}, dispatch_settings)

    assert run(dispatcher) == DispatchReport(failed=1)
    assert row(engine, message_id).last_error == "no channel for telegram"


def test_claim_marks_rows_sending_in_due_order_up_to_the_limit(
    dispatcher: Dispatcher, engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Oldest due first (then id); claimed rows are not claimed again."""
    later = queue(session)
    clock.shift(timedelta(seconds=-30))
    earlier = queue(session)
    clock.shift(timedelta(seconds=30))
    third = queue(session)

    first_two = dispatcher.claim(2)
    assert [m.id for m in first_two] == [earlier, later]
    assert first_two[0].options == (Option("1", "Ja"), Option("2", "Nej"))
    assert first_two[0].body == BODY
    assert row(engine, earlier).status == MessageStatus.SENDING
    assert row(engine, earlier).updated_at == utcnow()
    assert [m.id for m in dispatcher.claim(10)] == [third]
    assert dispatcher.claim(10) == []


def test_reconcile_puts_stale_sending_rows_back(
    dispatcher: Dispatcher,
    dispatch_settings: Settings,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    twilio_stub: TwilioStub,
) -> None:
    """A worker died after claiming: after stale_after the row is pending again and sent."""
    message_id = queue(session)
    dispatcher.claim(10)  # ... and the worker dies here

    clock.shift(timedelta(seconds=dispatch_settings.dispatch_stale_after_seconds - 1))
    assert dispatcher.reconcile_stale() == 0
    clock.shift(timedelta(seconds=2))
    assert dispatcher.reconcile_stale() == 1

    back = row(engine, message_id)
    assert back.status == MessageStatus.PENDING
    assert back.attempts == 1  # the lost attempt counts
    assert back.next_attempt_at == utcnow()
    assert run(dispatcher) == DispatchReport(sent=1)
    assert row(engine, message_id).attempts == 2


def test_reconcile_gives_up_on_a_row_that_keeps_killing_workers(
    dispatcher: Dispatcher,
    dispatch_settings: Settings,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
) -> None:
    """After max attempts lost in flight, the row fails instead of looping forever."""
    message_id = queue(session)
    stale = timedelta(seconds=dispatch_settings.dispatch_stale_after_seconds + 1)
    for _ in range(dispatch_settings.dispatch_max_attempts):
        assert [m.id for m in dispatcher.claim(10)] == [message_id]
        clock.shift(stale)
        assert dispatcher.reconcile_stale() == 1

    gave_up = row(engine, message_id)
    assert gave_up.status == MessageStatus.FAILED
    assert gave_up.attempts == dispatch_settings.dispatch_max_attempts
    assert dispatcher.claim(10) == []


def test_concurrent_dispatchers_never_claim_the_same_row(
    engine: Engine, dispatch_settings: Settings, session: Session, clock: time_machine.Traveller
) -> None:
    """Two workers (threads, own connections) race over 60 rows; each row is claimed once."""
    ids = {queue(session) for _ in range(60)}
    workers = [Dispatcher(engine, {}, dispatch_settings) for _ in range(2)]
    claimed: list[list[int]] = [[], []]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait()
            while batch := workers[index].claim(3):
                claimed[index].extend(m.id for m in batch)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    everything = claimed[0] + claimed[1]
    assert len(everything) == len(set(everything)) == 60
    assert set(everything) == ids
    with Session(engine) as s:
        statuses = set(s.exec(select(Message.status).where(col(Message.id).in_(ids))).all())
    assert statuses == {MessageStatus.SENDING}


@pytest.fixture
def postgres_only(engine: Engine) -> Engine:
    """Row locks exist only on PostgreSQL; SQLite locks the whole file instead."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level locking is PostgreSQL's")
    return engine


def test_rows_locked_by_another_worker_are_skipped_not_waited_for(
    postgres_only: Engine,
    dispatch_settings: Settings,
    session: Session,
    clock: time_machine.Traveller,
) -> None:
    """While another transaction holds a row (FOR UPDATE), claim takes the next one at once."""
    engine = postgres_only
    held, free = queue(session), queue(session)
    dispatcher = Dispatcher(engine, {}, dispatch_settings)

    with Session(engine) as other:
        locked = other.exec(select(Message).where(col(Message.id) == held).with_for_update()).one()
        assert locked.id == held
        assert [m.id for m in dispatcher.claim(10)] == [free]
        other.rollback()

    assert [m.id for m in dispatcher.claim(10)] == [held]


class CallbackFirstChannel:
    """A provider whose delivery report arrives before `send` has even returned."""

    name = "callback_first"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def send(self, message: OutboundMessage) -> SendResult:
        """Let the status webhook run first, then report success."""
        from bot.delivery import apply_twilio_status

        with Session(self.engine) as s:
            apply_twilio_status(
                s, message_sid="SM" + "9" * 32, status="delivered", outbox_id=message.id
            )
            s.commit()
        return SendResult(provider_id="SM" + "9" * 32)


def test_a_delivery_report_that_beats_the_send_record_is_kept(
    engine: Engine, dispatch_settings: Settings, session: Session, clock: time_machine.Traveller
) -> None:
    """Recording `sent` after Twilio already said `delivered` does not move the row back."""
    message_id = queue(session, address="+4520123456")
    channel = CallbackFirstChannel(engine)
    dispatcher = Dispatcher(engine, dict.fromkeys(ChannelKind, channel), dispatch_settings)

    report = asyncio.run(dispatcher.dispatch_once())

    assert report.sent == 1
    stored = row(engine, message_id)
    assert stored.status == MessageStatus.DELIVERED
    assert stored.provider_id == "SM" + "9" * 32 and stored.attempts == 1
