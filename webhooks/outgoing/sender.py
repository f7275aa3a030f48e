"""Claim due deliveries, POST them signed, record every attempt and what happens next.

```mermaid
flowchart LR
    E["emit(): event + pending delivery (same transaction as the cause)"] --> C
    C["claim: due + pending → sending (commit)"] --> S["POST, signed (no transaction open)"]
    S -- 2xx --> D[delivered]
    S -- "410 Gone" --> G["dead; subscription switched off; alert"]
    S -- "other answer, timeout, refused" --> R{"attempts left?"}
    R -- yes --> P["pending, next attempt by the schedule (never before Retry-After)"]
    R -- no --> X["dead; alert (once a day per subscription)"]
    W["worker died while sending"] -. "reconcile after 5 min" .-> P
```

Delivery is at-least-once: a request whose outcome was lost (the worker died) is sent
again with the same `webhook-id`, which receivers use to drop duplicates.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.db.claim import claim_due
from bot.db.engine import write_scope
from bot.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from webhooks.outgoing import dead_letters, schedule
from webhooks.outgoing.signing import signed_headers

log = logging.getLogger(__name__)

USER_AGENT = "Makker-Webhooks/1.0"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # per network step
DEADLINE_SECONDS = 15.0  # for the whole attempt, so a trickling receiver cannot hold a worker
STALE_AFTER = timedelta(minutes=5)  # far beyond DEADLINE_SECONDS: only a dead worker is this slow
BATCH_SIZE = 100
CONCURRENCY = 10
MAX_ERROR_LENGTH = 200
LOST_IN_FLIGHT = "worker stopped while sending; outcome unknown"
# FOR NO KEY UPDATE on PostgreSQL: writers of one subscription take turns, but the foreign-key
# checks of new deliveries (FOR KEY SHARE, e.g. an alert's event for every subscription)
# never wait for it, so two workers settling different subscriptions cannot deadlock.
SUBSCRIPTION_LOCK: dict[str, Any] = {"key_share": True}


@dataclass(frozen=True)
class Job:
    """One claimed delivery: everything the request needs, read before the claim committed."""

    delivery_id: int
    subscription_id: int
    attempts: int  # attempts made before this one
    url: str
    secrets: tuple[str, ...]
    event_id: str  # the webhook-id header
    body: str


@dataclass(frozen=True)
class Outcome:
    """What one HTTP attempt got: a status code or a short error, never the response body."""

    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    retry_after: timedelta | None = None

    @property
    def delivered(self) -> bool:
        """The receiver took it (any 2xx)."""
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        """The receiver says this endpoint is gone for good."""
        return self.status_code == HTTPStatus.GONE


@dataclass
class DeliveryReport:
    """What one pass did."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def total(self) -> int:
        """Deliveries claimed and settled in the pass."""
        return self.delivered + self.retried + self.dead

    def count(self, status: DeliveryStatus | None) -> None:
        """Add one settled delivery."""
        if status == DeliveryStatus.DELIVERED:
            self.delivered += 1
        elif status == DeliveryStatus.PENDING:
            self.retried += 1
        elif status == DeliveryStatus.DEAD:
            self.dead += 1


def body_of(payload: dict[str, Any]) -> str:
    """The exact request body that is signed: compact JSON, ASCII only."""
    return json.dumps(payload, separators=(",", ":"))


def secrets_in_use(subscription: WebhookSubscription, now: datetime) -> tuple[str, ...]:
    """The current secret, and the previous one while a rotation's grace period lasts."""
    previous = subscription.previous_secret
    until = subscription.previous_secret_expires_at
    if previous and until is not None and until > now:
        return (subscription.secret, previous)
    return (subscription.secret,)


class WebhookSender:
    """Sends due deliveries; any number of senders may share one database."""

    def __init__(
        self,
        engine: Engine,
        *,
        rng: random.Random | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        deadline_seconds: float = DEADLINE_SECONDS,
        batch_size: int = BATCH_SIZE,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.engine = engine
        self.rng = rng or random.Random()
        self.timeout = timeout
        self.deadline_seconds = deadline_seconds
        self.batch_size = batch_size
        self.concurrency = concurrency

    async def deliver_due(self) -> DeliveryReport:
        """Claim one batch, send it concurrently, and record each attempt as it ends."""
        report = DeliveryReport()
        jobs = await asyncio.to_thread(self.claim, self.batch_size)
        if not jobs:
            return report
        semaphore = asyncio.Semaphore(self.concurrency)
        async with httpx.AsyncClient(
            timeout=self.timeout, follow_redirects=False, headers={"user-agent": USER_AGENT}
        ) as client:

            async def one(job: Job) -> None:
                async with semaphore:
                    outcome = await self.send(client, job)
                report.count(await asyncio.to_thread(self.settle, job, outcome))

            await asyncio.gather(*(one(job) for job in jobs))
        return report

    def claim(self, limit: int) -> list[Job]:
        """Mark up to `limit` due deliveries `sending` and commit; no delivery goes to two."""
        now = utcnow()
        with write_scope(self.engine) as session:
            active = select(WebhookSubscription.id).where(col(WebhookSubscription.active))
            rows = claim_due(
                session,
                WebhookDelivery,
                WebhookDelivery.next_attempt_at,
                now,
                col(WebhookDelivery.status) == DeliveryStatus.PENDING,
                col(WebhookDelivery.subscription_id).in_(active),
                limit=limit,
            )
            if not rows:
                return []
            events = _by_id(session, WebhookEvent, {r.event_id for r in rows})
            subscriptions = _by_id(session, WebhookSubscription, {r.subscription_id for r in rows})
            jobs: list[Job] = []
            for delivery in rows:
                assert delivery.id is not None
                event = events[delivery.event_id]
                subscription = subscriptions[delivery.subscription_id]
                delivery.status = DeliveryStatus.SENDING
                delivery.updated_at = now
                session.add(delivery)
                jobs.append(
                    Job(
                        delivery_id=delivery.id,
                        subscription_id=delivery.subscription_id,
                        attempts=delivery.attempts,
                        url=subscription.url,
                        secrets=secrets_in_use(subscription, now),
                        event_id=event.public_id,
                        body=body_of(event.payload),
                    )
                )
        return jobs

    async def send(self, client: httpx.AsyncClient, job: Job) -> Outcome:
        """POST one delivery, signed for this attempt; every failure becomes an Outcome."""
        started = utcnow()
        headers = {"content-type": "application/json"}
        headers |= signed_headers(
            event_id=job.event_id, body=job.body, moment=started, secrets_in_use=job.secrets
        )
        clock = time.perf_counter()

        def ended(**result: Any) -> Outcome:
            duration = round((time.perf_counter() - clock) * 1000)
            return Outcome(started_at=started, duration_ms=duration, **result)

        request = client.stream("POST", job.url, content=job.body.encode(), headers=headers)
        try:
            async with asyncio.timeout(self.deadline_seconds), request as answer:
                code = answer.status_code  # the body is never read: it may be huge, or personal
                wait = None
                if code in schedule.RETRY_AFTER_STATUSES:
                    wait = schedule.parse_retry_after(answer.headers.get("retry-after"), started)
        except (TimeoutError, httpx.TimeoutException):
            return ended(error="timed out")
        except httpx.ConnectError as exc:
            return ended(error=_short(f"could not connect: {exc}"))
        except httpx.HTTPError as exc:
            return ended(error=_short(f"HTTP error: {type(exc).__name__}"))
        except Exception as exc:  # a surprise must cost one attempt, not the whole batch
            log.warning("webhook delivery %s raised %s", job.delivery_id, type(exc).__name__)
            return ended(error=_short(f"unexpected {type(exc).__name__}"))
        return ended(status_code=code, error=_status_error(code), retry_after=wait)

    def settle(self, job: Job, outcome: Outcome) -> DeliveryStatus | None:
        """Record an outcome; if that fails the delivery stays `sending` for reconcile_stale."""
        try:
            return self.record(job, outcome)
        except Exception:
            log.exception("could not record the outcome of webhook delivery %s", job.delivery_id)
            return None

    def record(self, job: Job, outcome: Outcome) -> DeliveryStatus | None:
        """Log the attempt and move the delivery on; None when it had moved on already."""
        now = utcnow()
        with write_scope(self.engine) as session:
            session.add(
                WebhookAttempt(
                    delivery_id=job.delivery_id,
                    attempted_at=outcome.started_at,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    duration_ms=outcome.duration_ms,
                )
            )
            # Subscription first, then delivery: the order every writer of both takes.
            subscription = session.get_one(
                WebhookSubscription, job.subscription_id, with_for_update=SUBSCRIPTION_LOCK
            )
            delivery = session.get_one(WebhookDelivery, job.delivery_id, with_for_update=True)
            status = _apply(session, job, outcome, delivery, subscription, now, self.rng)
        log.info(
            "webhook delivery %s: %s (attempt %s, %s)",
            job.delivery_id,
            status or "left as it was",
            job.attempts + 1,
            outcome.status_code or outcome.error,
        )
        return status


def _apply(
    session: Session,
    job: Job,
    outcome: Outcome,
    delivery: WebhookDelivery,
    subscription: WebhookSubscription,
    now: datetime,
    rng: random.Random,
) -> DeliveryStatus | None:
    """The delivery's next state after one outcome (the caller's transaction writes it)."""
    ours = delivery.status == DeliveryStatus.SENDING and delivery.attempts == job.attempts
    if outcome.delivered:
        if delivery.status == DeliveryStatus.DELIVERED:
            return None
        # Even if reconcile or a 410 moved it meanwhile: the receiver has it, say so.
        _set(delivery, outcome, now, DeliveryStatus.DELIVERED, counted=ours)
        delivery.delivered_at = now
        return DeliveryStatus.DELIVERED
    if outcome.gone:
        if ours:
            _set(delivery, outcome, now, DeliveryStatus.DEAD)
        if subscription.active:
            dead_letters.disable_subscription(
                session, subscription, reason=dead_letters.GONE_REASON, now=now
            )
            dead_letters.alert_dead_letter(session, subscription, gone=True, now=now)
        return DeliveryStatus.DEAD if ours else None
    if not ours:
        return None
    if not subscription.active:
        _set(delivery, outcome, now, DeliveryStatus.DEAD)
        delivery.last_error = f"subscription switched off; last error: {outcome.error}"[:500]
        return DeliveryStatus.DEAD
    when = schedule.next_attempt_at(
        attempts=delivery.attempts + 1, now=now, rng=rng, retry_after=outcome.retry_after
    )
    if when is None:
        _set(delivery, outcome, now, DeliveryStatus.DEAD)
        dead_letters.alert_dead_letter(session, subscription, gone=False, now=now)
        return DeliveryStatus.DEAD
    _set(delivery, outcome, now, DeliveryStatus.PENDING)
    delivery.next_attempt_at = when
    return DeliveryStatus.PENDING


def _set(
    delivery: WebhookDelivery,
    outcome: Outcome,
    now: datetime,
    status: DeliveryStatus,
    *,
    counted: bool = True,
) -> None:
    """Write the fields every outcome sets (next_attempt_at is cleared; a retry sets it)."""
    delivery.status = status
    delivery.attempts += 1 if counted else 0
    delivery.next_attempt_at = None
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    delivery.updated_at = now


def reconcile_stale(session: Session, now: datetime) -> int:
    """Put deliveries a dead worker left `sending` back to pending; the lost attempt counts."""
    stale = session.exec(
        select(WebhookDelivery)
        .where(
            col(WebhookDelivery.status) == DeliveryStatus.SENDING,
            col(WebhookDelivery.updated_at) < now - STALE_AFTER,
        )
        .with_for_update(skip_locked=True)
    ).all()
    for delivery in stale:
        assert delivery.id is not None
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                attempted_at=delivery.updated_at,
                error=LOST_IN_FLIGHT,
                duration_ms=0,
            )
        )
        delivery.attempts += 1
        delivery.last_status_code = None
        delivery.last_error = LOST_IN_FLIGHT
        delivery.updated_at = now
        if delivery.attempts >= schedule.MAX_ATTEMPTS:  # it kills workers: stop trying
            delivery.status = DeliveryStatus.DEAD
            delivery.next_attempt_at = None
            subscription = session.get_one(WebhookSubscription, delivery.subscription_id)
            dead_letters.alert_dead_letter(session, subscription, gone=False, now=now)
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now
        session.add(delivery)
    if stale:
        log.warning("reconciled %s webhook deliveries left sending", len(stale))
    return len(stale)


def redeliver(delivery: WebhookDelivery, now: datetime) -> None:
    """Queue a delivered or dead delivery again, now, with a fresh retry schedule."""
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0  # the schedule starts over; the attempt log keeps every try
    delivery.next_attempt_at = now
    delivery.delivered_at = None
    delivery.updated_at = now


def deliver_due(engine: Engine) -> int:
    """One pass on its own event loop (scheduler ticks run in worker threads)."""
    return asyncio.run(WebhookSender(engine).deliver_due()).total


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    """Rows of a model by id, in one query."""
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids)))}


def _status_error(code: int) -> str | None:
    """A short reason for a non-2xx answer (the body is never kept)."""
    if 200 <= code < 300:
        return None
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "unknown status"
    if 300 <= code < 400:
        return f"HTTP {code} {phrase}: redirects are not followed; use the final URL"
    return f"HTTP {code} {phrase}"


def _short(text: str) -> str:
    """Errors are for people reading a log, not stack traces."""
    return text[:MAX_ERROR_LENGTH]
