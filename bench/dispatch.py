"""Plan and dispatch due wake-ups to a null provider; APScheduler's job store as the baseline.

Run: `.venv/bin/python -m bench.dispatch [--messages 100000] [--skip-sqlite] [--skip-postgres]
[--skip-baseline] [--pg-url URL]`

Three runs on the same workload (N citizens whose 08:00 shift needs a wake-up text at 06:30),
one after another:

- **makker / sqlite** and **makker / postgres**: N citizens with placements are seeded
  (not timed). The rest is the real path on a virtual clock, on a Friday (so planning has
  no Saturday rows to add). *Plan*: `plan_wake_ups` at 05:00 writes one row per citizen
  with its send time. *Dispatch*: 06:30 as `makker worker` runs it, the wake-up step job
  (`scheduler.jobs.advance_wake_ups`, passes of 2,000 first texts into the outbox) in a
  thread while `Dispatcher.dispatch_once` sends what is written, until all N are sent, to
  a null channel that accepts every message at once. Rate limits are raised out of the
  way: this measures the engine (claim → send → record), not Twilio's 10 segments/s.
- **apscheduler / postgres** (the baseline): one APScheduler 3 job per message in a
  `SQLAlchemyJobStore` on PostgreSQL (a `date` trigger at the due time), run by a
  `BackgroundScheduler` with a thread pool; the job calls the same null send.

Each run prints the time to plan (write the rows / add the jobs), the time to dispatch (text
and send / run the jobs), and messages per second over both; then the ratio of
makker/postgres to the baseline. The process is pinned to one CPU core
(`os.sched_setaffinity`) unless `--all-cores`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
import time as timer
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bench.inbound import create_pg_database, drop_pg_database
from bot.channels.base import OutboundMessage, SendResult
from bot.clock import at_local, clock_source
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.dispatcher import Dispatcher
from bot.models import (
    ChannelKind,
    Citizen,
    Consultant,
    Employer,
    EmployerContact,
    Jobcentre,
    Message,
    MessageStatus,
    Placement,
)
from bot.settings import Settings
from flows.wake_up_plan import plan_wake_ups
from scheduler import jobs
from scheduler.virtual_time import VirtualClock

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PLAN_BATCH = 2000
IDLE_SECONDS = 0.01  # the dispatcher's pause when the step job has not written more yet
FAST: dict[str, Any] = {
    "sms_segments_per_second": 1e9,
    "telegram_messages_per_second": 1e9,
    "telegram_chat_messages_per_second": 1e9,
    "voice_calls_per_second": 1e9,
}


class NullChannel:
    """Accepts every message at once, like a provider with no latency."""

    name = "null"

    def __init__(self) -> None:
        self.count = 0

    async def send(self, message: OutboundMessage) -> SendResult:
        """Count and accept."""
        self.count += 1
        return SendResult(provider_id=f"null-{message.id}")


@dataclass(frozen=True)
class Run:
    """One target's figures."""

    target: str
    messages: int
    plan_seconds: float
    dispatch_seconds: float

    @property
    def rate(self) -> float:
        """Messages per second, planning and dispatch together."""
        return self.messages / (self.plan_seconds + self.dispatch_seconds)

    @property
    def dispatch_rate(self) -> float:
        """Messages per second of the dispatch alone."""
        return self.messages / self.dispatch_seconds


CITIZENS: Table = Citizen.__table__  # type: ignore[attr-defined]
PLACEMENTS: Table = Placement.__table__  # type: ignore[attr-defined]
# An ordinary working day (shifts at 08:00, texts due 06:30) before a weekend: its 05:00
# planning writes exactly the N rows of the workload. On other days it would also plan
# tomorrow's, which on every day but a placement's first are planned the evening before.
FRIDAY = date(2026, 11, 27)


def seed(engine: Engine, count: int) -> None:
    """`count` citizens with a placement starting today and wake-ups on (not timed)."""
    with Session(engine) as session:
        centre = Jobcentre(name="Bench")
        session.add(centre)
        session.flush()
        assert centre.id is not None
        consultant = Consultant(jobcentre_id=centre.id, name="K", phone="+4529999999")
        employer = Employer(jobcentre_id=centre.id, name="Bageriet Solsikken")
        session.add_all([consultant, employer])
        session.flush()
        assert employer.id is not None and consultant.id is not None
        contact = EmployerContact(
            jobcentre_id=centre.id, employer_id=employer.id, name="L", phone="+4529999998"
        )
        session.add(contact)
        session.flush()
        assert contact.id is not None
        shift = {"start": "08:00", "end": "15:30"}
        schedule = {d: shift for d in ("mon", "tue", "wed", "thu", "fri")}
        for first in range(0, count, PLAN_BATCH):
            numbers = range(first, min(count, first + PLAN_BATCH))
            ids = (
                session.execute(
                    insert(CITIZENS).returning(CITIZENS.c.id, sort_by_parameter_order=True),
                    [
                        {
                            "jobcentre_id": centre.id,
                            "consultant_id": consultant.id,
                            "first_name": f"Borger{n}",
                            "last_name": "Test",
                            "phone": f"+4530{n:06d}",
                            "language": "da",
                            "preferred_channel": "sms",
                            "active": True,
                            "created_at": datetime.now(UTC),
                        }
                        for n in numbers
                    ],
                )
                .scalars()
                .all()
            )
            session.execute(
                insert(PLACEMENTS),
                [
                    {
                        "jobcentre_id": centre.id,
                        "citizen_id": citizen_id,
                        "contact_id": contact.id,
                        "employer_id": employer.id,
                        "kind": "virksomhedspraktik",
                        "start_date": FRIDAY,
                        "schedule": schedule,
                        "active": True,
                        "wakeup_enabled": True,
                        "wakeup_days": 5,
                        "wakeup_lead_minutes": 90,
                        "wakeup_reply_minutes": 20,
                        "checkin_enabled": False,
                        "checkin_interval_days": 30,
                        "created_at": datetime.now(UTC),
                    }
                    for citizen_id in ids
                ],
            )
        session.commit()
    if engine.dialect.name == "postgresql":
        # Statistics as autovacuum keeps them: citizens are registered over months, not
        # the minute before the morning (a planner that thinks the table is empty would
        # scan it whole for every pass).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def plan(engine: Engine, settings: Settings, clock: VirtualClock) -> None:
    """The 05:00 planning run: one wake-up row per citizen, with its send time."""
    clock.now = at_local(FRIDAY, time(5, 0))
    with Session(engine) as session:
        plan_wake_ups(session, clock.now, settings)
        session.commit()


def morning(engine: Engine, settings: Settings, clock: VirtualClock, count: int) -> NullChannel:
    """06:30 as a worker runs it: the wake-up step job in a thread, the dispatcher beside it.

    scheduler.runtime runs both ticks in one process; the step job writes the first texts
    pass by pass while the dispatcher sends what is already written.
    """
    clock.now = at_local(FRIDAY, time(6, 30))
    channel = NullChannel()
    dispatcher = Dispatcher(engine, dict.fromkeys(ChannelKind, channel), settings, concurrency=200)

    def steps() -> None:
        while jobs.advance_wake_ups(engine):
            pass

    async def loop() -> None:
        stepper = asyncio.ensure_future(asyncio.to_thread(steps))
        while channel.count < count:
            report = await dispatcher.dispatch_once()
            if report.total == 0:
                if stepper.done():
                    break
                await asyncio.wait({stepper}, timeout=IDLE_SECONDS)  # the next pass is coming
        await stepper

    asyncio.run(loop())
    return channel


def run_makker(url: str, target: str, count: int, batch: int) -> Run:
    """Plan and dispatch on one database."""
    engine = make_engine(url, serve=True)  # as `makker worker` opens it
    upgrade(engine)
    settings = Settings(
        _env_file=None, database_url=url, demo_data=False, dispatch_batch_size=batch, **FAST
    )
    clock = VirtualClock(at_local(FRIDAY, time(4, 0)))
    with clock_source(clock):
        seed(engine, count)
        started = timer.perf_counter()
        plan(engine, settings, clock)
        planned = timer.perf_counter()
        channel = morning(engine, settings, clock, count)
        done = timer.perf_counter()
    with Session(engine) as session:
        sent = session.exec(
            select(func.count()).where(col(Message.status) == MessageStatus.SENT)
        ).one()
    engine.dispose()
    if sent != count or channel.count != count:
        raise SystemExit(f"{target}: {sent} rows sent, {channel.count} sends for {count}")
    return Run(target, count, planned - started, done - planned)


_done = threading.Event()
_counter = {"n": 0, "goal": 0}
_lock = threading.Lock()


def null_job(n: int) -> None:
    """The baseline's job: the same null send, counted."""
    with _lock:
        _counter["n"] += 1
        if _counter["n"] >= _counter["goal"]:
            _done.set()


def run_apscheduler(url: str, count: int) -> Run:
    """One APScheduler job per message in a SQLAlchemyJobStore; run until all executed."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    store_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    _counter.update(n=0, goal=count)
    _done.clear()
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=store_url)},
        executors={"default": ThreadPoolExecutor(20)},
        job_defaults={"misfire_grace_time": None, "coalesce": False},
        timezone=UTC,
    )
    scheduler.start(paused=True)
    due = datetime.now(UTC) + timedelta(seconds=1)
    started = timer.perf_counter()
    for n in range(count):
        scheduler.add_job(null_job, "date", run_date=due, args=[n], id=f"m{n}")
    planned = timer.perf_counter()
    scheduler.resume()
    _done.wait()
    done = timer.perf_counter()
    scheduler.shutdown(wait=True)
    return Run("apscheduler / postgres", count, planned - started, done - planned)


def main() -> None:
    """Run the targets and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="rows per dispatcher pass")
    parser.add_argument("--pg-url", default=os.environ.get("MAKKER_TEST_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one core")
    args = parser.parse_args()
    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    runs: list[Run] = []
    if not args.skip_sqlite:
        with TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            runs.append(run_makker(url, "makker / sqlite", args.messages, args.batch))
    if not args.skip_postgres:
        name, url = create_pg_database(args.pg_url)
        try:
            runs.append(run_makker(url, "makker / postgres", args.messages, args.batch))
        finally:
            drop_pg_database(args.pg_url, name)
        if not args.skip_baseline:
            name, url = create_pg_database(args.pg_url)
            try:
                runs.append(run_apscheduler(url, args.messages))
            finally:
                drop_pg_database(args.pg_url, name)
    cores = "all cores" if args.all_cores else "one core"
    print(f"\n{args.messages:,} due wake-up texts, null provider, {cores}\n")
    print(f"{'target':<24}{'plan s':>9}{'dispatch s':>12}{'msg/s':>10}{'dispatch msg/s':>16}")
    for run in runs:
        print(
            f"{run.target:<24}{run.plan_seconds:>9.1f}{run.dispatch_seconds:>12.1f}"
            f"{run.rate:>10,.0f}{run.dispatch_rate:>16,.0f}"
        )
    by_target = {run.target: run for run in runs}
    ours, base = by_target.get("makker / postgres"), by_target.get("apscheduler / postgres")
    if ours is not None and base is not None:
        print(f"\nmakker / postgres vs the APScheduler job store: {ours.rate / base.rate:.1f}×")


if __name__ == "__main__":
    main()
