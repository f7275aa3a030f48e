"""Kill -9 the dispatcher at random moments during a batch; count lost and duplicated sends.

Run: `.venv/bin/python -m bench.crash [--messages 10000] [--kills 10] [--sqlite] [--pg-url URL]`

10,000 due outbox rows are written to a fresh database (PostgreSQL by default). A worker
subprocess runs the real `Dispatcher` (reconcile on start, then `dispatch_once` until the
outbox is empty) with a channel that appends each message id to a file *before* returning
success — the provider "has" the message at that moment. The parent kills the worker with
SIGKILL at ten random points of the batch (once the provider has had a random number of
sends, so every kill lands mid-batch however fast the worker is), notes the rows left
`sending` (the sends in flight: the only ones that may be sent twice), and starts a new
worker; after the last kill a worker runs to the end. Then it prints:

- lost: rows not `sent` at the end, or never handed to the provider — must be 0;
- duplicated: ids the provider got more than once — must not exceed the rows in flight.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import IO

from sqlmodel import Session, col, func, select

from bench.dispatch import DEFAULT_PG_URL
from bench.inbound import create_pg_database, drop_pg_database
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.models import ChannelKind, Message, MessageStatus, ParticipantKind
from bot.outbox import insert_many, outbox_values
from bot.recipients import Recipient

WORKER = r"""
import asyncio, os, sys
from bot.channels.base import SendResult
from bot.db.engine import make_engine
from bot.dispatcher import Dispatcher
from bot.models import ChannelKind
from bot.settings import Settings
from bench.dispatch import FAST

url, sends = sys.argv[1], sys.argv[2]

class Recording:
    name = "recording"
    def __init__(self):
        self.file = open(sends, "a", buffering=1)
    async def send(self, message):
        self.file.write(f"{message.id}\n")  # the provider has it now
        self.file.flush()
        os.fsync(self.file.fileno())
        return SendResult(provider_id=f"rec-{message.id}")

settings = Settings(_env_file=None, database_url=url, demo_data=False,
                    dispatch_batch_size=200, dispatch_stale_after_seconds=0.001, **FAST)
engine = make_engine(url)
dispatcher = Dispatcher(engine, dict.fromkeys(ChannelKind, Recording()), settings)
dispatcher.reconcile_stale()

async def run():
    while (await dispatcher.dispatch_once()).total:
        pass

asyncio.run(run())
"""


def seed(url: str, count: int) -> None:
    """`count` due SMS rows."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        rows = [
            outbox_values(
                recipient=Recipient(
                    kind=ParticipantKind.CITIZEN,
                    id=None,
                    channel=ChannelKind.SMS,
                    address=f"+4530{n:06d}",
                    language="da",
                    jobcentre_id=None,
                    opted_out=False,
                ),
                body="Godmorgen! Er du oppe?",
                kind="wake_up.text",
                idempotency_key=f"crash:{n}",
            )
            for n in range(count)
        ]
        for start in range(0, count, 2000):
            insert_many(session, rows[start : start + 2000])
        session.commit()
    engine.dispose()


def sending(url: str) -> set[int]:
    """Ids of the rows a killed worker left `sending`."""
    engine = make_engine(url)
    with Session(engine) as session:
        found = session.exec(
            select(Message.id).where(col(Message.status) == MessageStatus.SENDING)
        ).all()
    engine.dispose()
    return {row_id for row_id in found if row_id is not None}


def start_worker(url: str, sends: Path, log: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """A dispatcher process, as `makker worker` would run it."""
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, str(sends)],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def reached(sends: Path, count: int, worker: subprocess.Popen[bytes]) -> bool:
    """Wait until the provider has had `count` sends; False if the worker ended first."""
    while worker.poll() is None:
        if sends.exists() and sends.read_bytes().count(b"\n") >= count:
            return True
        time.sleep(POLL_SECONDS)
    return False


POLL_SECONDS = 0.002  # a kill lands within a few sends of its point


def main() -> None:
    """Seed, kill, restart, count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--pg-url", default=os.environ.get("MAKKER_TEST_PG_URL", DEFAULT_PG_URL))
    args = parser.parse_args()
    if not 0 < args.kills < args.messages:
        parser.error("--kills must be at least 1 and fewer than --messages")
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="makker-crash-"))
    name = None
    if args.sqlite:
        url = f"sqlite:///{workdir / 'crash.db'}"
    else:
        name, url = create_pg_database(args.pg_url)
    try:
        seed(url, args.messages)
        sends = workdir / "sends.txt"
        in_flight: set[int] = set()
        points = sorted(rng.sample(range(1, args.messages), args.kills))
        for kill, point in enumerate(points, start=1):
            worker = start_worker(url, sends)
            if not reached(sends, point, worker):
                if worker.returncode != 0:
                    raise SystemExit(
                        f"kill {kill}: the worker failed on its own (exit {worker.returncode})"
                    )
                print(f"kill {kill}: the worker had already finished")
                break
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            left = sending(url)
            in_flight |= left
            done = len(sends.read_text().splitlines()) if sends.exists() else 0
            print(f"kill {kill:>2}: {done:>6} sends so far, {len(left):>4} rows left 'sending'")
        with (workdir / "last-worker.log").open("wb") as log:
            worker = start_worker(url, sends, log)
            if worker.wait(timeout=600) != 0:
                raise SystemExit(f"the last worker failed; see {workdir / 'last-worker.log'}")
        sent_ids = [int(line) for line in sends.read_text().splitlines()]
        counts = Counter(sent_ids)
        engine = make_engine(url)
        with Session(engine) as session:
            ids = set(session.exec(select(Message.id)).all())
            not_sent = session.exec(
                select(func.count()).where(col(Message.status) != MessageStatus.SENT)
            ).one()
        engine.dispose()
        lost = len(ids - set(counts)) + int(not_sent)
        duplicated = sum(n - 1 for n in counts.values() if n > 1)
        backend = "sqlite" if args.sqlite else "postgres"
        print(
            f"\n{args.messages:,} messages on {backend}, {args.kills} kills: "
            f"lost {lost}, duplicated {duplicated} "
            f"(distinct rows in flight at the kills: {len(in_flight)})"
        )
        if lost or duplicated > len(in_flight):
            raise SystemExit(1)
    finally:
        if name is not None:
            drop_pg_database(args.pg_url, name)


if __name__ == "__main__":
    main()
