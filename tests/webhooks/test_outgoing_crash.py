"""Events go out through the outbox: a crash at any point loses none, two workers share none."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.db.engine import session_scope
from bot.events import emit
from bot.models import (
    Alert,
    AlertKind,
    DeliveryStatus,
    Jobcentre,
    WebhookDelivery,
    WebhookEvent,
)
from scheduler import jobs
from tests.factories import ident, make_jobcentre
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.webhooks.webhook_builders import (
    attempts_of,
    deliver,
    delivery_of,
    raise_event,
    running_receiver,
    sender,
    subscribe,
)
from webhooks.outgoing.schedule import MAX_ATTEMPTS
from webhooks.outgoing.sender import (
    LOST_IN_FLIGHT,
    STALE_AFTER,
    DeliveryReport,
    Job,
    Outcome,
)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A case system's endpoint that checks signatures its own way."""
    with running_receiver() as started:
        yield started


@pytest.fixture
def jobcentre(session: Session) -> Jobcentre:
    """The tenant whose case system subscribes."""
    jobcentre = make_jobcentre(session)
    session.commit()
    return jobcentre


def test_an_event_is_written_with_its_cause_or_not_at_all(
    engine: Engine, session: Session, jobcentre: Jobcentre, receiver: WebhookReceiver
) -> None:
    """The cause's transaction fails: no event. It commits: the delivery waits, sent or not."""
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)

    with pytest.raises(RuntimeError), session_scope(engine) as failing:
        emit(failing, jobcentre_id=ident(jobcentre), kind="alert.created", data={"alert_id": 1})
        raise RuntimeError("the flow step failed after emitting")
    assert session.exec(select(WebhookEvent)).all() == []

    with session_scope(engine) as working:
        emit(working, jobcentre_id=ident(jobcentre), kind="alert.created", data={"alert_id": 2})
    waiting = session.exec(select(WebhookDelivery)).one()
    assert (waiting.status, waiting.next_attempt_at) == (DeliveryStatus.PENDING, utcnow())
    assert receiver.received == []  # nothing is sent inside the cause's transaction

    assert jobs.deliver_webhooks(engine) == 1  # the scheduler's tick
    assert [r.event["data"] for r in receiver.verified] == [{"alert_id": 2}]


def test_a_worker_that_dies_after_the_claim_loses_nothing(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    jobcentre: Jobcentre,
    receiver: WebhookReceiver,
) -> None:
    """Claimed and marked `sending`, then the process is gone: reconcile puts it back."""
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    [job] = sender(engine).claim(10)  # ... and the worker dies here
    assert delivery_of(engine, event).status == DeliveryStatus.SENDING
    assert deliver(sender(engine)) == DeliveryReport()  # nobody else takes it meanwhile

    clock.shift(STALE_AFTER - timedelta(seconds=1))
    assert jobs.reconcile_webhooks(engine) == 0
    clock.shift(timedelta(seconds=2))
    assert jobs.reconcile_webhooks(engine) == 1

    back = delivery_of(engine, event)
    assert (back.status, back.attempts, back.next_attempt_at) == (
        DeliveryStatus.PENDING,
        1,  # the lost attempt counts
        utcnow(),
    )
    assert [a.error for a in attempts_of(engine, back)] == [LOST_IN_FLIGHT]
    assert deliver(sender(engine)) == DeliveryReport(delivered=1)
    assert [r.webhook_id for r in receiver.verified] == [job.event_id]
    assert delivery_of(engine, event).attempts == 2


def test_a_worker_that_dies_after_sending_sends_again_with_the_same_id(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    jobcentre: Jobcentre,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The receiver got it but the outcome was never written: at-least-once, dedupe by id."""
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    crashing = sender(engine)

    def lost(job: Job, outcome: Outcome) -> Any:
        raise OperationalError("UPDATE webhook_delivery …", {}, Exception("connection lost"))

    monkeypatch.setattr(crashing, "record", lost)
    assert deliver(crashing) == DeliveryReport()
    assert len(receiver.verified) == 1
    assert delivery_of(engine, event).status == DeliveryStatus.SENDING

    clock.shift(STALE_AFTER + timedelta(seconds=1))
    assert jobs.reconcile_webhooks(engine) == 1
    assert deliver(sender(engine)) == DeliveryReport(delivered=1)

    first, second = receiver.verified
    assert first.webhook_id == second.webhook_id == event.public_id
    assert first.body == second.body
    assert first.headers["webhook-timestamp"] != second.headers["webhook-timestamp"]
    assert delivery_of(engine, event).status == DeliveryStatus.DELIVERED


def test_a_delivery_that_keeps_killing_workers_is_dead_lettered(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    jobcentre: Jobcentre,
    receiver: WebhookReceiver,
) -> None:
    """Lost in flight on every attempt: after the last one it stops, with the alert."""
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    for _ in range(MAX_ATTEMPTS):
        assert len(sender(engine).claim(10)) == 1
        clock.shift(STALE_AFTER + timedelta(seconds=1))
        assert jobs.reconcile_webhooks(engine) == 1

    dead = delivery_of(engine, event)
    assert (dead.status, dead.attempts) == (DeliveryStatus.DEAD, MAX_ATTEMPTS)
    assert sender(engine).claim(10) != []  # only the alert's own event is left to send
    assert session.exec(select(Alert)).one().kind == AlertKind.WEBHOOK_DEAD_LETTER


def test_two_workers_never_claim_the_same_delivery(
    engine: Engine, session: Session, jobcentre: Jobcentre
) -> None:
    """Two workers (threads with their own connections) race over 60 deliveries."""
    subscribe(session, jobcentre, url="https://sag.example.dk/hooks")
    ids = {ident(delivery_of(engine, raise_event(session, jobcentre))) for _ in range(60)}
    workers = [sender(engine), sender(engine)]
    claimed: list[list[int]] = [[], []]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait()
            while batch := workers[index].claim(3):
                claimed[index].extend(job.delivery_id for job in batch)
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
    statuses = session.exec(
        select(WebhookDelivery.status).where(col(WebhookDelivery.id).in_(ids))
    ).all()
    assert set(statuses) == {DeliveryStatus.SENDING}


def test_a_delivery_locked_by_another_worker_is_skipped_not_waited_for(
    engine: Engine, session: Session, jobcentre: Jobcentre
) -> None:
    """PostgreSQL: FOR UPDATE SKIP LOCKED hands the claimer the next free delivery at once."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level locking is PostgreSQL's; SQLite serialises claimers instead")
    subscribe(session, jobcentre, url="https://sag.example.dk/hooks")
    held = ident(delivery_of(engine, raise_event(session, jobcentre)))
    free = ident(delivery_of(engine, raise_event(session, jobcentre)))

    with Session(engine) as other:
        locked = other.exec(
            select(WebhookDelivery).where(col(WebhookDelivery.id) == held).with_for_update()
        ).one()
        assert locked.id == held
        assert [job.delivery_id for job in sender(engine).claim(10)] == [free]
        other.rollback()

    assert [job.delivery_id for job in sender(engine).claim(10)] == [held]
