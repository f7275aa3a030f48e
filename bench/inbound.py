"""Benchmark signed Twilio SMS webhooks through the full sick-day path against a bare endpoint.

Not a test: run it by hand, read the table, put the figures in docs/benchmarks.md.

    .venv/bin/python bench/inbound.py [--requests 6000] [--concurrency 16] [--rate 100]
        [--seconds 10] [--skip-postgres] [--pg-url URL] [--client raw|httpx]

Each target is a real uvicorn server (one worker, a subprocess pinned to one core when the OS
allows it); the asyncio load generator runs in this process on the other core. Its default
client writes pre-encoded HTTP/1.1 on keep-alive connections, because httpx costs about 1.4 ms
of CPU a request and would cap the bare endpoint near 700 req/s (`--client httpx` shows that).

- bare: a FastAPI app whose one POST endpoint parses the same form and returns the same TwiML.
- sqlite / postgres: `webhooks.app.create_app` on a fresh, migrated database, seeded with
  citizens who each walk through "syg" → "1" → "1" (the third message records the absence and
  writes the employer, consultant and citizen outbox rows). No dispatcher, no scheduler.

Two measurements per target: a closed loop at fixed concurrency (max throughput) and an open
loop at a fixed rate (latency measured from each request's scheduled send time).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
from fastapi import FastAPI, Request, Response

SMS_PATH = "/webhooks/twilio/sms"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
TEXTS = ("syg", "1", "1")  # sick → "it is me" → "back tomorrow": the third one records it
FROM_NUMBER = "+4570000000"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SERVER_CPU = 0
LOADGEN_CPU = 1
CITIZENS_PER_CONSULTANT = 25
OUTBOX_ROWS_PER_CONVERSATION = 5  # two questions; employer, consultant and citizen at the end
TARGET_RATIO = 0.30
TARGET_P99_MS = 50.0
READY_TIMEOUT = 30.0
REQUEST_TIMEOUT = 30.0
OPEN_LOOP_CONNECTIONS = 100
KEEP_ALIVE_SECONDS = 60  # uvicorn's default 5 s would close idle open-loop connections
SATURATED = 0.9  # a closed loop measures the server only if it keeps the server's core this busy
NOISE_WARNING = 0.15  # CPU share of other processes (of one core) that spoils a measurement
STEP_SPACING_SECONDS = 0.5  # open loop: a citizen's next answer comes this long after the last


# --------------------------------------------------------------------------- server side


def _serve(args: argparse.Namespace) -> None:
    """Child process: build the requested app and run it on one uvicorn worker."""
    import uvicorn

    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    app: Any
    if args.serve == "bare":
        app = _bare_app()
    else:
        from bot.db.engine import make_engine
        from bot.settings import Settings
        from webhooks.app import create_app

        settings = Settings(
            database_url=args.db_url,
            public_base_url=args.base_url,
            demo_data=False,
            twilio_account_sid=args.account_sid,
            twilio_auth_token=args.token,
            twilio_from_number=FROM_NUMBER,
        )
        engine = make_engine(
            settings.database_url, serve=True, pool_size=settings.database_pool_size
        )
        app = create_app(settings, engine)  # the engine `makker serve` builds
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def _bare_app() -> FastAPI:
    """The reference: same route, same form parsing, same empty TwiML, nothing else."""
    app = FastAPI()

    @app.post(SMS_PATH, response_class=Response)
    async def inbound_sms(request: Request) -> Response:
        """Parse the form as the real webhook does, and answer with empty TwiML."""
        form = await request.form()
        if not form.get("MessageSid"):
            return Response(status_code=400)
        return Response(content=EMPTY_TWIML, media_type="application/xml")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Readiness probe for the benchmark."""
        return {"status": "ok"}

    return app


@dataclass
class Server:
    """A uvicorn subprocess and where it listens."""

    process: subprocess.Popen[bytes]
    base_url: str

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far (all its threads)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Ask uvicorn to shut down; kill it if it does not."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (0 where /proc/stat is missing)."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU seconds used by PostgreSQL: running processes, and backends that have exited."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(") ", 1)
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if name == "postgres":
            fields = rest.split()  # utime, stime, then cutime, cstime of reaped children
            total += sum(int(ticks) for ticks in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    """A port nobody listens on right now (the child binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    kind: str, *, pin: bool, db_url: str = "", token: str = "", sid: str = ""
) -> Server:
    """Start one uvicorn worker for `kind` and wait until it answers."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, __file__, "--serve", kind, "--port", str(port)]
    command += ["--base-url", base_url, "--db-url", db_url, "--token", token, "--account-sid", sid]
    if pin:
        command += ["--cpu", str(SERVER_CPU)]
    server = Server(subprocess.Popen(command), base_url)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{kind} server exited with {server.process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise SystemExit(f"{kind} server did not become ready in {READY_TIMEOUT:.0f} s")


# --------------------------------------------------------------------------- databases


def _valid_phones(first: int) -> Iterator[str]:
    """Danish numbers from `first` upwards that phonenumbers accepts (the webhook normalises)."""
    from bot.phones import try_normalise_phone

    number = first
    while True:
        phone = f"+45{number}"
        if try_normalise_phone(phone, "DK") == phone:
            yield phone
        number += 1


def seed(db_url: str, conversations: int) -> list[str]:
    """Migrate a fresh database and add one placed citizen per conversation; their phones."""
    from bot.clock import local_today
    from bot.db.engine import make_engine, session_scope
    from bot.db.migrate import upgrade
    from bot.models import (
        Citizen,
        Consultant,
        Employer,
        EmployerContact,
        Jobcentre,
        Placement,
        PlacementKind,
        Shift,
        WeeklySchedule,
    )

    engine = make_engine(db_url)
    upgrade(engine)
    shift = Shift(start=clock_time(8, 0), end=clock_time(15, 30))
    schedule = WeeklySchedule(mon=shift, tue=shift, wed=shift, thu=shift, fri=shift).to_json()
    start = local_today() - timedelta(days=30)
    citizen_phones, contact_phones = _valid_phones(26_00_00_00), _valid_phones(28_00_00_00)
    consultant_phones = _valid_phones(40_10_00_00)
    phones: list[str] = []
    with session_scope(engine) as session:
        jobcentre = Jobcentre(name="Jobcenter Benchmark")
        session.add(jobcentre)
        session.flush()
        assert jobcentre.id is not None
        consultants = [
            Consultant(
                jobcentre_id=jobcentre.id,
                name=f"Konsulent {n}",
                phone=next(consultant_phones),
                language="da",
            )
            for n in range(math.ceil(conversations / CITIZENS_PER_CONSULTANT))
        ]
        session.add_all(consultants)
        session.flush()
        for n in range(conversations):
            employer = Employer(jobcentre_id=jobcentre.id, name=f"Virksomhed {n} ApS")
            session.add(employer)
            session.flush()
            assert employer.id is not None
            contact = EmployerContact(
                jobcentre_id=jobcentre.id,
                employer_id=employer.id,
                name=f"Kontakt {n}",
                phone=next(contact_phones),
                language="da",
            )
            citizen = Citizen(
                jobcentre_id=jobcentre.id,
                consultant_id=consultants[n // CITIZENS_PER_CONSULTANT].id,
                first_name="Borger",
                last_name=str(n),
                phone=next(citizen_phones),
                language="da",
            )
            session.add_all([contact, citizen])
            session.flush()
            assert citizen.id is not None and contact.id is not None
            session.add(
                Placement(
                    jobcentre_id=jobcentre.id,
                    citizen_id=citizen.id,
                    contact_id=contact.id,
                    employer_id=employer.id,
                    kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
                    start_date=start,
                    schedule=schedule,
                )
            )
            phones.append(citizen.phone or "")
    # Start measuring from a settled database: planner statistics in place (so autovacuum's
    # ANALYZE does not land mid-run on PostgreSQL) and SQLite's write-ahead log checkpointed.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return phones


@dataclass(frozen=True)
class DbCheck:
    """What the database holds after a run, to prove the full path ran."""

    absences: int
    inbound: int
    inbound_not_handled: int
    outbound: int


def check_database(db_url: str) -> DbCheck:
    """Count absences and messages written by the server."""
    from sqlmodel import Session, col, func, select

    from bot.db.engine import make_engine
    from bot.models import Absence, Direction, Message, MessageStatus

    engine = make_engine(db_url)
    with Session(engine) as session:

        def count(*where: Any) -> int:
            """Rows of `message` matching `where`."""
            return int(session.exec(select(func.count()).select_from(Message).where(*where)).one())

        result = DbCheck(
            absences=int(session.exec(select(func.count()).select_from(Absence)).one()),
            inbound=count(Message.direction == Direction.INBOUND),
            inbound_not_handled=count(
                Message.direction == Direction.INBOUND,
                col(Message.status) != MessageStatus.HANDLED,
            ),
            outbound=count(Message.direction == Direction.OUTBOUND),
        )
    engine.dispose()
    return result


def create_pg_database(admin_url: str) -> tuple[str, str]:
    """A fresh PostgreSQL database for this run: (name, SQLAlchemy URL)."""
    import psycopg

    name = f"makker_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {admin_url} is not usable ({exc}); try --skip-postgres"
        raise SystemExit(message) from None
    return name, f"{admin_url.rsplit('/', 1)[0]}/{name}"


def drop_pg_database(admin_url: str, name: str) -> None:
    """Remove the run's database, even if a connection lingers."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- load generator


@dataclass(frozen=True)
class Webhook:
    """One pre-signed delivery, encoded for both clients before the clock starts."""

    body: bytes
    headers: dict[str, str]
    wire: bytes  # the whole HTTP/1.1 request, for the raw client


Conversation = tuple[Webhook, Webhook, Webhook]


def build_conversations(
    base_url: str, token: str, account_sid: str, phones: Sequence[str]
) -> list[Conversation]:
    """Three signed Twilio-shaped SMS webhooks per phone, each with its own MessageSid."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(token or "unsigned")
    url = base_url + SMS_PATH
    host = urllib.parse.urlsplit(base_url).netloc
    conversations = []
    for phone in phones:
        webhooks = []
        for text in TEXTS:
            sid = f"SM{uuid.uuid4().hex}"
            params = {
                "ToCountry": "DK",
                "ToState": "",
                "SmsMessageSid": sid,
                "NumMedia": "0",
                "ToCity": "",
                "FromZip": "",
                "SmsSid": sid,
                "FromState": "",
                "SmsStatus": "received",
                "FromCity": "",
                "Body": text,
                "FromCountry": "DK",
                "To": FROM_NUMBER,
                "ToZip": "",
                "NumSegments": "1",
                "MessageSid": sid,
                "AccountSid": account_sid,
                "From": phone,
                "ApiVersion": "2010-04-01",
            }
            body = urllib.parse.urlencode(params).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": validator.compute_signature(url, params),
            }
            head = f"POST {SMS_PATH} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: TwilioProxy/1.1\r\n"
            head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            head += f"Content-Length: {len(body)}\r\n\r\n"
            webhooks.append(Webhook(body, headers, head.encode() + body))
        conversations.append((webhooks[0], webhooks[1], webhooks[2]))
    return conversations


class Sender(Protocol):
    """Posts one webhook and says what went wrong, if anything."""

    async def send(self, webhook: Webhook) -> str | None:
        """None on a 2xx answer, otherwise a short description of the failure."""

    async def aclose(self) -> None:
        """Close every connection."""


class HttpxSender:
    """httpx.AsyncClient with keep-alive connections (about 1.4 ms of client CPU a request)."""

    def __init__(self, base_url: str, connections: int) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT)

    async def send(self, webhook: Webhook) -> str | None:
        """POST through httpx."""
        try:
            response = await self.client.post(
                SMS_PATH, content=webhook.body, headers=webhook.headers
            )
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}: {response.text[:200]}"

    async def aclose(self) -> None:
        """Close the client's pool."""
        await self.client.aclose()


class RawSender:
    """Pre-encoded HTTP/1.1 over keep-alive asyncio streams: about 30 µs of client CPU a request."""

    def __init__(self, base_url: str, connections: int) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(connections)

    async def send(self, webhook: Webhook) -> str | None:
        """Write the request on an idle connection (or a new one) and read one response."""
        async with self.slots:
            while self.idle and self.idle[-1][0].at_eof():
                self.idle.pop()[1].close()  # the server closed it while it sat idle
            stream = self.idle.pop() if self.idle else None
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    if stream is None:
                        stream = await asyncio.open_connection(self.host, self.port)
                    reader, writer = stream
                    writer.write(webhook.wire)
                    head = await reader.readuntil(b"\r\n\r\n")
                    status = int(head[9:12])
                    length = _content_length(head)
                    body = await reader.readexactly(length) if length else b""
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                if stream is not None:
                    stream[1].close()
                return f"{type(exc).__name__}: {exc}"
            self.idle.append(stream)
        if 200 <= status < 300:
            return None
        return f"HTTP {status}: {body[:200].decode(errors='replace')}"

    async def aclose(self) -> None:
        """Close the idle connections (all of them, once the load has finished)."""
        while self.idle:
            self.idle.pop()[1].close()


def _content_length(head: bytes) -> int:
    """The Content-Length of a response head (uvicorn always sends one here)."""
    for line in head.lower().split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    raise ValueError("response without Content-Length")


def make_sender(client: str, base_url: str, connections: int) -> Sender:
    """The chosen HTTP client."""
    if client == "httpx":
        return HttpxSender(base_url, connections)
    return RawSender(base_url, connections)


@dataclass
class Phase:
    """Latencies and failures of one measurement."""

    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # fraction of one core
    loadgen_cpu: float = 0.0
    db_cpu: float = 0.0  # PostgreSQL processes (whoever they work for)
    other_cpu: float = 0.0  # everything else on the machine: noise if it is not near 0

    @property
    def rate(self) -> float:
        """Completed requests per second of wall time."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        """Nearest-rank percentile of latency, in milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


@dataclass
class CpuMeter:
    """CPU used by the server, this process, PostgreSQL and the rest of the machine."""

    server: Server
    readings: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0)

    def _read(self) -> tuple[float, float, float, float, float]:
        """Server, own, PostgreSQL and whole-machine CPU seconds, and the wall clock."""
        return (
            self.server.cpu_seconds(),
            time.process_time(),
            postgres_cpu_seconds(),
            machine_busy_seconds(),
            time.perf_counter(),
        )

    def start(self) -> None:
        """Take the first readings."""
        self.readings = self._read()

    def stop(self, phase: Phase) -> None:
        """Store each share, as a fraction of one core, in the phase."""
        server, own, db, machine, wall = (
            now - then for now, then in zip(self._read(), self.readings, strict=True)
        )
        phase.server_cpu, phase.loadgen_cpu, phase.db_cpu = server / wall, own / wall, db / wall
        phase.other_cpu = max(0.0, machine - server - own - db) / wall


async def _send(sender: Sender, webhook: Webhook, since: float, phase: Phase) -> None:
    """Post one webhook; its latency counts from `since` (start, or the scheduled time)."""
    error = await sender.send(webhook)
    phase.latencies.append(time.perf_counter() - since)
    if error is not None:
        phase.errors.append(error)


async def closed_loop(
    server: Server, conversations: Sequence[Conversation], concurrency: int, client: str
) -> Phase:
    """`concurrency` workers, each walking citizens through their conversation back to back."""
    phase = Phase(requests=3 * len(conversations))
    pending = iter(conversations)
    sender = make_sender(client, server.base_url, concurrency)

    async def worker() -> None:
        """Take the next citizen; send their three messages, each after the last answer."""
        for conversation in pending:
            for webhook in conversation:
                await _send(sender, webhook, time.perf_counter(), phase)

    meter = CpuMeter(server)
    meter.start()
    wall = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.seconds = time.perf_counter() - wall
    meter.stop(phase)
    await sender.aclose()
    return phase


async def open_loop(
    server: Server, conversations: Sequence[Conversation], rate: float, client: str
) -> Phase:
    """Send at `rate` per second on a fixed schedule, whatever the server's pace."""
    phase = Phase(requests=3 * len(conversations))
    # Slots go to blocks of citizens step by step, so one citizen's answers are spaced
    # STEP_SPACING_SECONDS apart and each arrives after the previous one was answered.
    group = max(1, min(len(conversations), round(rate * STEP_SPACING_SECONDS)))
    offsets = [[0.0, 0.0, 0.0] for _ in conversations]
    slot = 0
    for first in range(0, len(conversations), group):
        for step in range(3):
            for index in range(first, min(first + group, len(conversations))):
                offsets[index][step] = slot / rate
                slot += 1
    sender = make_sender(client, server.base_url, OPEN_LOOP_CONNECTIONS)

    async def citizen(index: int) -> None:
        """Send one citizen's messages at their scheduled times (never before the last reply)."""
        for step, webhook in enumerate(conversations[index]):
            scheduled = start + offsets[index][step]
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await _send(sender, webhook, scheduled, phase)

    meter = CpuMeter(server)
    meter.start()
    start = time.perf_counter() + 0.1
    await asyncio.gather(*(citizen(i) for i in range(len(conversations))))
    phase.seconds = time.perf_counter() - start
    meter.stop(phase)
    await sender.aclose()
    return phase


# --------------------------------------------------------------------------- orchestration


@dataclass
class Result:
    """Both measurements for one target, and the database check when there is a database."""

    target: str
    closed: Phase
    fixed: Phase
    expected_conversations: int = 0
    check: DbCheck | None = None

    def problems(self) -> list[str]:
        """Everything that makes this run's figures untrustworthy."""
        found = [f"{self.target}: {e}" for e in (self.closed.errors + self.fixed.errors)[:5]]
        errors = len(self.closed.errors) + len(self.fixed.errors)
        if errors:
            found.append(f"{self.target}: {errors} requests failed in total")
        if self.check is not None:
            n = self.expected_conversations
            if self.check.absences != n:
                found.append(f"{self.target}: {self.check.absences} absences, expected {n}")
            if self.check.outbound != OUTBOX_ROWS_PER_CONVERSATION * n:
                found.append(
                    f"{self.target}: {self.check.outbound} outbox rows, "
                    f"expected {OUTBOX_ROWS_PER_CONVERSATION * n}"
                )
            if self.check.inbound != 3 * n or self.check.inbound_not_handled:
                found.append(
                    f"{self.target}: {self.check.inbound} inbound rows (expected {3 * n}), "
                    f"{self.check.inbound_not_handled} not handled"
                )
        return found


@dataclass(frozen=True)
class Plan:
    """How many conversations each phase uses."""

    warmup: int
    closed: int
    fixed: int
    concurrency: int
    rate: float
    client: str

    @property
    def total(self) -> int:
        """Citizens to seed: every conversation uses its own."""
        return self.warmup + self.closed + self.fixed


def run_target(target: str, plan: Plan, *, pin: bool, db_url: str = "") -> Result:
    """Seed (if needed), start the server, warm up, measure twice, stop, check the database."""
    token, account_sid = secrets.token_hex(16), f"AC{secrets.token_hex(16)}"
    if db_url:
        print(f"  {target}: migrating and seeding {plan.total} citizens …", flush=True)
        phones = seed(db_url, plan.total)
    else:
        phones = [f"+4526{n:06d}" for n in range(plan.total)]
    server = start_server(target, pin=pin, db_url=db_url, token=token, sid=account_sid)
    try:
        conversations = build_conversations(server.base_url, token, account_sid, phones)
        warm = conversations[: plan.warmup]
        closed = conversations[plan.warmup : plan.warmup + plan.closed]
        fixed = conversations[plan.warmup + plan.closed :]
        print(f"  {target}: warm-up, closed loop, {plan.rate:g}/s …", flush=True)
        warmup = asyncio.run(closed_loop(server, warm, plan.concurrency, plan.client))
        closed_phase = asyncio.run(closed_loop(server, closed, plan.concurrency, plan.client))
        time.sleep(1)  # let the server drain before the rate test
        fixed_phase = asyncio.run(open_loop(server, fixed, plan.rate, plan.client))
        closed_phase.errors[:0] = warmup.errors
    finally:
        server.stop()
    result = Result(target, closed_phase, fixed_phase, expected_conversations=plan.total)
    if db_url:
        result.check = check_database(db_url)
    return result


def print_table(results: Sequence[Result], plan: Plan, pinned: bool) -> bool:
    """The compact summary; True when every target was met."""
    rate = f"{plan.rate:g}/s"
    print()
    print(
        f"closed loop: {3 * plan.closed} requests, concurrency {plan.concurrency}; "
        f"open loop: {3 * plan.fixed} requests at {rate}"
    )
    print(
        f"{'target':<9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>6}"
        f" {'server':>6} {'loadgen':>7} {'pg':>4} {'other':>5}"
        f" | {rate + ' p50':>10} {'p99':>6} {'got/s':>6} {'other':>5} | {'errors':>6}"
    )
    for r in results:
        c, f = r.closed, r.fixed
        cpu_ms = c.server_cpu / c.rate * 1000 if c.rate else math.nan
        print(
            f"{r.target:<9} {c.rate:>7.1f} {c.percentile_ms(50):>7.1f} {c.percentile_ms(99):>7.1f}"
            f" {cpu_ms:>6.2f} {c.server_cpu:>6.0%} {c.loadgen_cpu:>7.0%} {c.db_cpu:>4.0%}"
            f" {c.other_cpu:>5.0%} | {f.percentile_ms(50):>10.1f} {f.percentile_ms(99):>6.1f}"
            f" {f.rate:>6.1f} {f.other_cpu:>5.0%} | {len(c.errors) + len(f.errors):>6}"
        )
    print(
        "cpu ms = server CPU time per request; server/loadgen/pg/other = share of one core"
        " (other: the rest of the machine, kernel included)"
    )
    print(
        f"server: one uvicorn worker{' pinned to CPU ' + str(SERVER_CPU) if pinned else ''}; "
        f"load generator ({plan.client} client){' on CPU ' + str(LOADGEN_CPU) if pinned else ''}"
    )
    for r in results:
        if r.closed.server_cpu < SATURATED:
            print(
                f"WARNING: the {r.target} server used only {r.closed.server_cpu:.0%} of its core "
                f"in the closed loop (load generator: {r.closed.loadgen_cpu:.0%}); its req/s is "
                "not the server's maximum"
            )
        for label, phase in (("closed loop", r.closed), (rate, r.fixed)):
            noise = phase.other_cpu + (phase.db_cpu if r.target != "postgres" else 0.0)
            if noise > NOISE_WARNING:
                print(
                    f"WARNING: other processes used {noise:.0%} of a core during {r.target} "
                    f"{label}; rerun on a quiet machine before trusting these figures"
                )
    bare = next((r for r in results if r.target == "bare"), None)
    ok = True
    for r in results:
        if r is bare or bare is None:
            continue
        ratio = r.closed.rate / bare.closed.rate if bare.closed.rate else 0.0
        p99 = r.fixed.percentile_ms(99)
        ratio_ok, p99_ok = ratio >= TARGET_RATIO, p99 < TARGET_P99_MS
        ok = ok and ratio_ok and p99_ok
        if r.check is not None:
            check = r.check
            print(
                f"{r.target}: database holds {check.absences} absences for "
                f"{r.expected_conversations} conversations, {check.inbound} inbound "
                f"({check.inbound_not_handled} not handled), {check.outbound} outbox rows"
            )
        print(
            f"{r.target}: full/bare throughput {ratio:.1%} (target ≥ {TARGET_RATIO:.0%}) "
            f"{'PASS' if ratio_ok else 'FAIL'}; p99 at {rate} {p99:.1f} ms "
            f"(target < {TARGET_P99_MS:.0f} ms) {'PASS' if p99_ok else 'FAIL'}"
        )
    return ok


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options (the --serve group is how the benchmark starts its servers)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=6000, help="closed-loop requests/target")
    parser.add_argument("--concurrency", type=int, default=16, help="closed-loop connections")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop requests/second")
    parser.add_argument("--seconds", type=float, default=10.0, help="open-loop duration")
    parser.add_argument("--skip-postgres", action="store_true", help="bare and SQLite only")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL admin URL")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="load generator HTTP client (httpx saturates its core near 700 req/s)",
    )
    hidden = argparse.SUPPRESS
    parser.add_argument("--serve", choices=("bare", "sqlite", "postgres"), help=hidden)
    parser.add_argument("--port", type=int, help=hidden)
    parser.add_argument("--cpu", type=int, help=hidden)
    parser.add_argument("--base-url", default="", help=hidden)
    parser.add_argument("--db-url", default="", help=hidden)
    parser.add_argument("--token", default="", help=hidden)
    parser.add_argument("--account-sid", default="", help=hidden)
    args = parser.parse_args(argv)
    if args.requests < 3 or args.concurrency < 1 or args.rate <= 0 or args.seconds <= 0:
        parser.error("--requests ≥ 3, --concurrency ≥ 1, --rate > 0 and --seconds > 0, please")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every target, print the table, and fail loudly on any error."""
    args = _arguments(argv)
    if args.serve:
        _serve(args)
        return 0
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    pin = hasattr(os, "sched_setaffinity") and {SERVER_CPU, LOADGEN_CPU} <= cpus
    if pin:
        os.sched_setaffinity(0, {LOADGEN_CPU})
    print(
        "pinning: server → CPU 0, load generator → CPU 1"
        if pin
        else "pinning: not available here; server and load generator share the CPUs"
    )
    plan = Plan(
        warmup=args.concurrency,
        closed=math.ceil(args.requests / 3),
        fixed=math.ceil(args.rate * args.seconds / 3),
        concurrency=args.concurrency,
        rate=args.rate,
        client=args.client,
    )
    pg_name, pg_url = ("", "") if args.skip_postgres else create_pg_database(args.pg_url)
    workdir = Path(tempfile.mkdtemp(prefix="makker-bench-"))
    try:
        results = [run_target("bare", plan, pin=pin)]
        results.append(run_target("sqlite", plan, pin=pin, db_url=f"sqlite:///{workdir}/b.db"))
        if pg_url:
            results.append(run_target("postgres", plan, pin=pin, db_url=pg_url))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if pg_name:
            drop_pg_database(args.pg_url, pg_name)
    met = print_table(results, plan, pin)
    problems = [p for r in results for p in r.problems()]
    if problems:
        print("\nBENCHMARK INVALID:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    print(f"\ntargets {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
