"""The scheduler starts and stops with the web app and registers its ticks."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine

from bot.settings import Settings
from scheduler.runtime import running


def test_running_registers_ticks_and_stops(engine: Engine, settings: Settings) -> None:
    """Dispatch, reconcile and the absence check are interval jobs; shutdown is clean."""

    async def scenario() -> tuple[set[str], bool, bool]:
        async with running(engine, settings) as scheduler:
            ids = {job.id for job in scheduler.get_jobs()}
            was_running = scheduler.running
        await asyncio.sleep(0)  # let the scheduler's shutdown callback run on this loop
        return ids, was_running, scheduler.running

    ids, was_running, still_running = asyncio.run(scenario())
    assert ids == {
        "dispatch",
        "reconcile",
        "absences",
        "stalled_reports",
        "deliveries",
        "alert_escalation",
        "alert_digests",
        "check_in_plan",
        "check_in_steps",
        "webhooks",
        "webhook_reconcile",
        "wake_up_plan",
        "wake_up_steps",
        "interview_steps",
    }
    assert was_running and not still_running
