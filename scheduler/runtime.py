"""APScheduler 3 set-up: the dispatcher and the planners as short ticks; rows hold what is due."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from bot.channels.registry import build_channels
from bot.dispatcher import Dispatcher
from bot.settings import Settings
from scheduler import jobs

log = logging.getLogger(__name__)

RECONCILE_SECONDS = 60
STALLED_REPORT_SECONDS = 60  # a lone SYG reaches people at most a minute after its deadline
DELIVERY_WATCH_SECONDS = 60
ABSENCE_CHECK_SECONDS = 300
ALERT_ESCALATION_SECONDS = 60
ALERT_DIGEST_SECONDS = 300  # the digest goes out within 5 minutes of office opening
CHECKIN_PLAN_SECONDS = 600  # periods fall due on a day; their send times come later
CHECKIN_STEP_SECONDS = 60
INTERVIEW_STEP_SECONDS = 60
WEBHOOK_SECONDS = 2  # events reach case systems within seconds; first retry after 5 s
WEBHOOK_RECONCILE_SECONDS = 60
WAKEUP_PLAN_SECONDS = 300  # tomorrow's batch is planned the day before; new placements soon
WAKEUP_STEP_SECONDS = 20  # a reminder or call is at most this late

# Planner ticks: (job id, function taking the engine, interval in seconds).
PLANNERS: tuple[tuple[str, Callable[[Engine], int], int], ...] = (
    ("stalled_reports", jobs.complete_stalled_reports, STALLED_REPORT_SECONDS),
    ("deliveries", jobs.watch_deliveries, DELIVERY_WATCH_SECONDS),
    ("absences", jobs.check_absences, ABSENCE_CHECK_SECONDS),
    ("alert_escalation", jobs.escalate_alerts, ALERT_ESCALATION_SECONDS),
    ("alert_digests", jobs.send_alert_digests, ALERT_DIGEST_SECONDS),
    ("check_in_plan", jobs.plan_check_ins, CHECKIN_PLAN_SECONDS),
    ("check_in_steps", jobs.advance_check_ins, CHECKIN_STEP_SECONDS),
    ("webhooks", jobs.deliver_webhooks, WEBHOOK_SECONDS),
    ("webhook_reconcile", jobs.reconcile_webhooks, WEBHOOK_RECONCILE_SECONDS),
    ("wake_up_plan", jobs.plan_wake_ups, WAKEUP_PLAN_SECONDS),
    ("wake_up_steps", jobs.advance_wake_ups, WAKEUP_STEP_SECONDS),
    ("interview_steps", jobs.advance_interviews, INTERVIEW_STEP_SECONDS),
)


def build_scheduler(engine: Engine, settings: Settings, dispatcher: Dispatcher) -> AsyncIOScheduler:
    """Register the ticks; none keeps state of its own, so any number of workers may run."""
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    interval = settings.dispatch_interval_seconds
    scheduler.add_job(
        dispatcher.dispatch_once, "interval", seconds=interval, id="dispatch", **common
    )
    scheduler.add_job(
        dispatcher.reconcile_stale, "interval", seconds=RECONCILE_SECONDS, id="reconcile", **common
    )
    for job_id, planner, seconds in PLANNERS:
        scheduler.add_job(planner, "interval", seconds=seconds, args=[engine], id=job_id, **common)
    return scheduler


@asynccontextmanager
async def running(engine: Engine, settings: Settings) -> AsyncIterator[AsyncIOScheduler]:
    """Run the ticks for as long as the context is open (the web app's lifespan or a worker)."""
    dispatcher = Dispatcher(engine, build_channels(settings), settings)
    dispatcher.reconcile_stale()  # rows a crashed worker left 'sending'
    scheduler = build_scheduler(engine, settings, dispatcher)
    scheduler.start()
    log.info("scheduler started")
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
        await dispatcher.aclose()
        log.info("scheduler stopped")
