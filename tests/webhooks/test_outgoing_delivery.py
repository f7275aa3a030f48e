"""Delivery to a real receiver on loopback: signed, retried on the schedule, dead-lettered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import utcnow
from bot.events import emit
from bot.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    DeliveryStatus,
    Jobcentre,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tests.factories import ident, make_jobcentre
from tests.fakes._server import unused_local_url
from tests.fakes.webhook_receiver import Answer, WebhookReceiver, silent_local_url
from tests.webhooks.webhook_builders import (
    ALERT_DATA,
    attempts_of,
    deliver,
    delivery_of,
    fresh,
    impatient_sender,
    raise_event,
    running_receiver,
    sender,
    subscribe,
)
from webhooks.outgoing.schedule import MAX_ATTEMPTS, RETRY_DELAYS
from webhooks.outgoing.sender import DeliveryReport

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


def test_an_event_arrives_signed_once_and_is_logged(
    engine: Engine, session: Session, jobcentre: Jobcentre, receiver: WebhookReceiver
) -> None:
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)

    assert deliver(sender(engine)) == DeliveryReport(delivered=1)

    [got] = receiver.received
    assert got.verified, got.verdict
    assert got.path == "/hooks/makker"
    assert got.webhook_id == event.public_id and event.public_id.startswith("msg_")
    assert got.headers["webhook-timestamp"] == str(int(utcnow().timestamp()))
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"].startswith("Makker-Webhooks/")
    assert got.event == {
        "type": "alert.created",
        "timestamp": "2026-11-24T06:30:00Z",
        "data": ALERT_DATA,
    }
    delivery = delivery_of(engine, event)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (1, 204, None)
    assert delivery.delivered_at == utcnow() and delivery.next_attempt_at is None
    [attempt] = attempts_of(engine, delivery)
    assert (attempt.status_code, attempt.error, attempt.attempted_at) == (204, None, utcnow())
    assert attempt.duration_ms >= 0

    assert deliver(sender(engine)) == DeliveryReport()
    assert len(receiver.received) == 1


def test_each_subscription_gets_its_own_signature_and_fate(
    engine: Engine, session: Session, jobcentre: Jobcentre, receiver: WebhookReceiver
) -> None:
    """One event, two case systems: one is down, the other still gets it at once."""
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    down = subscribe(session, jobcentre, url=unused_local_url() + "/hooks")
    event = raise_event(session, jobcentre)

    assert deliver(sender(engine)) == DeliveryReport(delivered=1, retried=1)

    assert [r.verified for r in receiver.received] == [True]
    statuses = {
        d.subscription_id: d.status
        for d in session.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id))
    }
    assert statuses[ident(down)] == DeliveryStatus.PENDING
    assert set(statuses.values()) == {DeliveryStatus.PENDING, DeliveryStatus.DELIVERED}


def test_only_the_kinds_asked_for_are_queued(
    engine: Engine, session: Session, jobcentre: Jobcentre, receiver: WebhookReceiver
) -> None:
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver, kinds=["absence.reported"])

    assert emit(session, jobcentre_id=ident(jobcentre), kind="alert.created", data={}) is None
    raise_event(session, jobcentre, "absence.reported", {"absence_id": 3})
    assert deliver(sender(engine)) == DeliveryReport(delivered=1)
    assert [r.event["type"] for r in receiver.received] == ["absence.reported"]


@dataclass(frozen=True)
class Failure:
    """A way a receiver can fail, and what the attempt log then says."""

    url: str
    status_code: int | None
    error: str
    patience: bool = False  # a silent receiver: wait only a fraction of a second


@pytest.fixture(params=["500", "timeout", "refused"])
def failing(request: pytest.FixtureRequest, receiver: WebhookReceiver) -> Iterator[Failure]:
    """A receiver that answers 500, never answers, or is not there at all."""
    if request.param == "500":
        receiver.script(Answer(500), times=MAX_ATTEMPTS)
        yield Failure(receiver.url, 500, "HTTP 500 Internal Server Error")
    elif request.param == "timeout":
        with silent_local_url() as url:
            yield Failure(url, None, "timed out", patience=True)
    else:
        yield Failure(unused_local_url() + "/hooks", None, "could not connect")


def test_failures_retry_on_the_schedule_then_dead_letter_with_one_alert(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    jobcentre: Jobcentre,
    receiver: WebhookReceiver,
    failing: Failure,
) -> None:
    """Ten attempts over about three days, never early, then dead and an attention alert."""
    subscription = subscribe(session, jobcentre, url=failing.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    worker = impatient_sender(engine) if failing.patience else sender(engine)
    first = utcnow()

    assert deliver(worker) == DeliveryReport(retried=1)
    for attempts, delay in enumerate(RETRY_DELAYS, start=1):
        waiting = delivery_of(engine, event)
        assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, attempts)
        assert waiting.next_attempt_at == utcnow() + delay  # the jitter is pinned to 1.0 here
        assert waiting.last_status_code == failing.status_code
        assert (waiting.last_error or "").startswith(failing.error)
        clock.move_to(utcnow() + delay - timedelta(seconds=1))
        assert deliver(worker) == DeliveryReport()  # not a second early
        clock.move_to(waiting.next_attempt_at)
        last = attempts == len(RETRY_DELAYS)
        assert deliver(worker) == (DeliveryReport(dead=1) if last else DeliveryReport(retried=1))

    dead = delivery_of(engine, event)
    assert dead.status == DeliveryStatus.DEAD and dead.next_attempt_at is None
    assert dead.attempts == MAX_ATTEMPTS == len(attempts_of(engine, dead))
    assert timedelta(days=3) < utcnow() - first < timedelta(days=3, hours=6)
    log = attempts_of(engine, dead)
    assert all(a.status_code == failing.status_code for a in log)
    assert all((a.error or "").startswith(failing.error) for a in log)
    if failing.status_code == 500:  # the same event, re-signed for every attempt
        assert len(receiver.received) == MAX_ATTEMPTS
        assert {r.webhook_id for r in receiver.received} == {event.public_id}
        assert len({r.headers["webhook-timestamp"] for r in receiver.received}) == MAX_ATTEMPTS
        assert all(r.verified for r in receiver.received)
    alert = session.exec(select(Alert).where(Alert.kind == AlertKind.WEBHOOK_DEAD_LETTER)).one()
    assert (alert.jobcentre_id, alert.citizen_id, alert.consultant_id) == (
        ident(jobcentre),
        None,
        None,
    )
    assert alert.severity == AlertSeverity.ATTENTION
    assert f"Webhook {subscription.id} (127.0.0.1)" in alert.summary
    # The alert is an event too (once a day at most, so a broken receiver cannot loop).
    announced = session.exec(select(WebhookEvent).where(WebhookEvent.id != event.id)).one()
    assert announced.payload["data"]["alert_id"] == alert.id
    assert fresh(engine, WebhookSubscription, subscription.id).active  # still on: not a 410


def _nearly_dead(engine: Engine, event: WebhookEvent) -> None:
    """Skip ahead to the last attempt of the event's deliveries."""
    with Session(engine) as session:
        for delivery in session.exec(
            select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
        ):
            delivery.attempts = MAX_ATTEMPTS - 1
            session.add(delivery)
        session.commit()


def test_the_dead_letter_alert_comes_once_a_day_per_subscription(
    engine: Engine, session: Session, clock: time_machine.Traveller, jobcentre: Jobcentre
) -> None:
    url = unused_local_url() + "/hooks"
    first, second = subscribe(session, jobcentre, url=url), subscribe(session, jobcentre, url=url)
    for _ in range(3):
        _nearly_dead(engine, raise_event(session, jobcentre))
    assert deliver(sender(engine)) == DeliveryReport(dead=6)

    def alerts() -> list[str]:
        query = select(Alert.dedupe_key).where(Alert.kind == AlertKind.WEBHOOK_DEAD_LETTER)
        return sorted(key or "" for key in session.exec(query).all())

    assert alerts() == [
        f"webhook_dead_letter:{first.id}:2026-11-24",
        f"webhook_dead_letter:{second.id}:2026-11-24",
    ]
    clock.shift(timedelta(days=1))
    _nearly_dead(engine, raise_event(session, jobcentre))
    assert deliver(sender(engine)).dead == 2  # (the alerts' own events are retried)
    assert len(alerts()) == 4


def test_410_gone_switches_the_subscription_off_and_dead_letters_the_rest(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    jobcentre: Jobcentre,
    receiver: WebhookReceiver,
) -> None:
    gone = subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    with running_receiver() as other_receiver:
        other = subscribe(session, jobcentre, url=other_receiver.url, receiver=other_receiver)
        waiting = raise_event(session, jobcentre)  # its delivery waits for a retry
        for delivery in session.exec(
            select(WebhookDelivery).where(WebhookDelivery.event_id == waiting.id)
        ):
            delivery.next_attempt_at = utcnow() + timedelta(hours=1)
            session.add(delivery)
        session.commit()
        event = raise_event(session, jobcentre)
        receiver.script(Answer(410))

        assert deliver(sender(engine)) == DeliveryReport(delivered=1, dead=1)

        off = fresh(engine, WebhookSubscription, gone.id)
        assert not off.active and off.disabled_at == utcnow()
        assert off.disabled_reason == "the receiver answered 410 Gone"
        statuses = {
            (d.event_id, d.subscription_id): (d.status, d.last_status_code, d.last_error)
            for d in session.exec(select(WebhookDelivery)).all()
        }
        assert statuses[(ident(event), ident(gone))] == (
            DeliveryStatus.DEAD,
            410,
            "HTTP 410 Gone",
        )
        assert statuses[(ident(waiting), ident(gone))][0] == DeliveryStatus.DEAD
        assert "410 Gone" in (statuses[(ident(waiting), ident(gone))][2] or "")
        alert = session.exec(select(Alert)).one()
        assert alert.kind == AlertKind.WEBHOOK_DEAD_LETTER and "410 Gone" in alert.summary

        clock.shift(timedelta(hours=2))
        # The other subscription gets the waiting event and the alert's own event.
        assert deliver(sender(engine)) == DeliveryReport(delivered=2)
        assert len(receiver.received) == 1
        assert [r.event["type"] for r in other_receiver.verified] == ["alert.created"] * 3
        assert fresh(engine, WebhookSubscription, other.id).active
        assert emit(session, jobcentre_id=ident(jobcentre), kind="alert.created", data={})
        session.commit()
        to_gone = select(WebhookDelivery).where(WebhookDelivery.subscription_id == gone.id)
        assert len(session.exec(to_gone).all()) == 2  # nothing new for a switched-off one


@pytest.mark.parametrize(
    ("status", "retry_after", "wait"),
    [
        (429, "120", timedelta(seconds=120)),
        (503, "Tue, 24 Nov 2026 08:30:00 GMT", timedelta(hours=2)),
        (429, None, RETRY_DELAYS[0]),  # no Retry-After: the schedule
        (500, "600", RETRY_DELAYS[0]),  # Retry-After counts for 429 and 503 only
    ],
)
def test_429_and_503_wait_as_long_as_retry_after_asks(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    jobcentre: Jobcentre,
    receiver: WebhookReceiver,
    status: int,
    retry_after: str | None,
    wait: timedelta,
) -> None:
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    receiver.script(Answer(status, {"Retry-After": retry_after} if retry_after else {}))
    worker = sender(engine)

    assert deliver(worker) == DeliveryReport(retried=1)
    assert delivery_of(engine, event).next_attempt_at == utcnow() + wait
    clock.shift(wait - timedelta(seconds=1))
    assert deliver(worker) == DeliveryReport()
    clock.shift(timedelta(seconds=1))
    assert deliver(worker) == DeliveryReport(delivered=1)
    assert [r.webhook_id for r in receiver.received] == [event.public_id] * 2


def test_retry_after_as_an_http_date_is_read_in_utc(
    engine: Engine, session: Session, jobcentre: Jobcentre, receiver: WebhookReceiver
) -> None:
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    later = utcnow() + timedelta(minutes=45)
    receiver.script(Answer(429, {"Retry-After": format_datetime(later, usegmt=True)}))

    deliver(sender(engine))

    assert delivery_of(engine, event).next_attempt_at == later


def test_redirects_are_not_followed(
    engine: Engine, session: Session, jobcentre: Jobcentre, receiver: WebhookReceiver
) -> None:
    """A 3xx is a failure to fix at the subscription, not a hop to wherever it points."""
    subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    receiver.script(Answer(302, {"Location": receiver.url + "/elsewhere"}))

    assert deliver(sender(engine)) == DeliveryReport(retried=1)

    assert [r.path for r in receiver.received] == ["/hooks/makker"]
    delivery = delivery_of(engine, event)
    assert delivery.last_status_code == 302
    assert "redirects are not followed" in (delivery.last_error or "")


def test_a_switched_off_subscription_is_not_sent_to(
    engine: Engine, session: Session, jobcentre: Jobcentre, receiver: WebhookReceiver
) -> None:
    subscription = subscribe(session, jobcentre, url=receiver.url, receiver=receiver)
    event = raise_event(session, jobcentre)
    subscription.active = False
    session.add(subscription)
    session.commit()

    assert deliver(sender(engine)) == DeliveryReport()
    assert receiver.received == []
    assert delivery_of(engine, event).status == DeliveryStatus.PENDING
