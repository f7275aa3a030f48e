"""The work each tick does; plain functions so tests call them with a controlled clock."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import utcnow
from bot.db.engine import write_scope
from flows import alerts, check_in, delivery_watch, interview, sick_day, wake_up, wake_up_plan
from webhooks.outgoing import sender as webhook_sender

log = logging.getLogger(__name__)

Planner = Callable[[Session, datetime], int]


def _run(engine: Engine, planner: Planner, what: str) -> int:
    """One planner pass in one transaction; logs how much it did (a count, never content)."""
    with write_scope(engine) as session:
        done = planner(session, utcnow())
    if done:
        log.info("%s: %s", what, done)
    return done


def complete_stalled_reports(engine: Engine) -> int:
    """Pass on sick reports whose follow-up questions went unanswered."""
    return _run(engine, sick_day.complete_stalled, "unanswered sick reports passed on")


def watch_deliveries(engine: Engine) -> int:
    """Tell consultants about employer notices that could not be delivered."""
    return _run(engine, delivery_watch.alert_undelivered_notices, "undelivered notices reported")


def check_absences(engine: Engine) -> int:
    """Raise third-day alerts for open absences (the citizen may not write every day)."""
    return _run(engine, sick_day.check_open_absences, "third-day sick alerts raised")


def escalate_alerts(engine: Engine) -> int:
    """Send urgent alerts nobody acknowledged in time on to the consultant's backup."""
    return _run(engine, alerts.escalate_unacknowledged, "unacknowledged urgent alerts escalated")


def send_alert_digests(engine: Engine) -> int:
    """Send each consultant their daily overview of info alerts (in office hours)."""
    return _run(engine, alerts.send_digests, "alert digests sent")


def plan_check_ins(engine: Engine) -> int:
    """Create the check-ins that fall due (first year of each placement); cancel ended ones."""
    return _run(engine, check_in.plan_check_ins, "check-ins planned")


def advance_check_ins(engine: Engine) -> int:
    """Ask, remind, or alert "no contact" for check-ins whose next step is due."""
    return _run(engine, check_in.advance_check_ins, "check-in steps taken")


def advance_interviews(engine: Engine) -> int:
    """Send interview reminders and questions that are due; alert on missing confirmations."""
    return _run(engine, interview.advance_interviews, "interview steps taken")


def deliver_webhooks(engine: Engine) -> int:
    """POST due webhook deliveries to case systems, signed; retry or dead-letter failures."""
    done = webhook_sender.deliver_due(engine)
    if done:
        log.info("webhook deliveries settled: %s", done)
    return done


def reconcile_webhooks(engine: Engine) -> int:
    """Put webhook deliveries a dead worker left 'sending' back in the queue."""
    return _run(engine, webhook_sender.reconcile_stale, "stale webhook deliveries requeued")


def plan_wake_ups(engine: Engine) -> int:
    """Create today's and tomorrow's wake-ups and time their texts for the rate limits."""
    return _run(engine, wake_up_plan.plan_wake_ups, "wake-ups planned")


def advance_wake_ups(engine: Engine, budget_seconds: float = 20.0) -> int:
    """Send due wake-up texts, reminders and calls; a big morning batch takes several passes."""
    done, started = 0, time.monotonic()
    while True:
        with write_scope(engine) as session:
            due = wake_up.advance_wake_ups(session, utcnow())
        done += due
        if due < wake_up.STEP_LIMIT or time.monotonic() - started > budget_seconds:
            break
    if done:
        log.info("wake-up steps taken: %s", done)
    return done
