"""APScheduler 3 set-up: the dispatcher and the planners as short ticks; rows hold what is due."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
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
ABSENCE_CHECK_SECONDS = 300
STALLED_REPORT_SECONDS = 60


def build_scheduler(engine: Engine, settings: Settings, dispatcher: Dispatcher) -> AsyncIOScheduler:
    """Register the ticks; none keeps state of its own, so any number of workers may run."""
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    scheduler.add_job(
        dispatcher.dispatch_once,
        "interval",
        seconds=settings.dispatch_interval_seconds,
        id="dispatch",
        **common,
    )
    scheduler.add_job(
        dispatcher.reconcile_stale, "interval", seconds=RECONCILE_SECONDS, id="reconcile", **common
    )
    scheduler.add_job(
        jobs.complete_stalled_reports,
        "interval",
        seconds=STALLED_REPORT_SECONDS,
        args=[engine],
        id="stalled_reports",
        **common,
    )
    scheduler.add_job(
        jobs.watch_deliveries,
        "interval",
        seconds=STALLED_REPORT_SECONDS,
        args=[engine],
        id="deliveries",
        **common,
    )
    scheduler.add_job(
        jobs.check_absences,
        "interval",
        seconds=ABSENCE_CHECK_SECONDS,
        args=[engine],
        id="absences",
        **common,
    )
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
