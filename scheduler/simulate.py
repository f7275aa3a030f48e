"""`makker simulate`: a synthetic cohort lives through the real flows on an accelerated clock.

Everything runs for real — planners, dispatcher (sandbox channel), router, flows — on a
throw-away SQLite database; only the people are scripted. Each citizen has a persona:

- reliable: answers the wake-up text within minutes;
- sleepy: sleeps through the first text, answers the reminder or the call;
- fragile: reports sick now and then (SYG), is asked "still sick?" and comes back;
- unreliable: often answers nothing at all (the consultant is alerted).

Employer contacts answer check-ins and report no-shows; consultants acknowledge alerts with
"OK A12"; interviews are booked for some citizens and some are declined or missed.
"""

from __future__ import annotations

import asyncio
import random
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.channels.sandbox import SandboxChannel
from bot.clock import at_local, clock_source, local
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.dispatcher import Dispatcher
from bot.models import (
    Absence,
    Alert,
    ChannelKind,
    CheckIn,
    Citizen,
    Consultant,
    Direction,
    Employer,
    EmployerContact,
    Interview,
    Jobcentre,
    Message,
    MessageStatus,
    ParticipantKind,
    Placement,
    WakeUp,
    WakeUpStatus,
)
from bot.settings import Settings
from flows import wake_up
from flows.inbox import Inbound, receive
from messages.languages import LANGUAGES
from scheduler.virtual_time import VirtualClock, run_ticks

PERSONAS = ("reliable", "reliable", "reliable", "sleepy", "fragile", "unreliable")
CITIZENS_PER_CONSULTANT = 25
CITIZENS_PER_CONTACT = 4
REF = re.compile(r"\[(A\d+)\]")
PASSES_PER_STEP = 60  # real dispatcher passes a one-minute simulation step stands for
Booker = Callable[[Engine, "Cohort", datetime, random.Random], int]


@dataclass
class Person:
    """A scripted person: where they are reached and how they behave."""

    kind: ParticipantKind
    id: int
    phone: str
    persona: str = "reliable"
    first_name: str = ""
    sick_until: date | None = None


@dataclass
class Cohort:
    """Who was created, by phone number."""

    people: dict[str, Person] = field(default_factory=dict)
    citizen_ids: list[int] = field(default_factory=list)


@dataclass(order=True)
class _Reply:
    """Something a person will write (or press) at a virtual time."""

    at: datetime
    seq: int
    phone: str = field(compare=False)
    text: str = field(compare=False)
    channel: ChannelKind = field(compare=False, default=ChannelKind.SMS)


@dataclass
class Result:
    """The figures `makker simulate` prints."""

    citizens: int
    days: int
    steps: int
    messages_by_kind: Counter[str]
    wake_ups: Counter[str]
    sick_episodes: int
    sick_days: int
    alerts: Counter[tuple[str, str]]
    interviews: Counter[str]
    check_ins: Counter[str]
    worst_wake_up_lateness: timedelta
    worst_lateness: timedelta
    replies_sent: int
    checks: list[tuple[str, bool]]


def step_size(moment: datetime) -> timedelta:
    """Fine steps in the morning rush, coarse at night."""
    wall = local(moment).time()
    if time(4, 30) <= wall < time(10, 0):
        return timedelta(minutes=1)
    if time(10, 0) <= wall < time(21, 30):
        return timedelta(minutes=3)
    return timedelta(minutes=15)


def seed(engine: Engine, citizens: int, start: date, rng: random.Random) -> Cohort:
    """One jobcentre, consultants, employers and placements; personas spread over languages."""
    cohort = Cohort()
    phones = iter(f"+4530{n:06d}" for n in range(1, 10**6))
    with Session(engine) as session:
        centre = Jobcentre(name="Jobcenter Simulation")
        session.add(centre)
        session.flush()
        assert centre.id is not None
        consultants: list[Consultant] = []
        contacts: list[EmployerContact] = []
        for n in range(citizens):
            if n % CITIZENS_PER_CONSULTANT == 0:
                consultant = Consultant(
                    jobcentre_id=centre.id,
                    name=f"Konsulent {len(consultants) + 1}",
                    phone=next(phones),
                    language="da",
                )
                session.add(consultant)
                consultants.append(consultant)
            if n % CITIZENS_PER_CONTACT == 0:
                employer = Employer(jobcentre_id=centre.id, name=f"Virksomhed {len(contacts) + 1}")
                session.add(employer)
                session.flush()
                assert employer.id is not None
                contact = EmployerContact(
                    jobcentre_id=centre.id,
                    employer_id=employer.id,
                    name=f"Leder {len(contacts) + 1}",
                    phone=next(phones),
                    language="da",
                )
                session.add(contact)
                contacts.append(contact)
            session.flush()
            lang = LANGUAGES[n % len(LANGUAGES)].code
            citizen = Citizen(
                jobcentre_id=centre.id,
                consultant_id=consultants[-1].id,
                first_name=f"Borger{n + 1}",
                last_name="Test",
                phone=next(phones),
                language=lang,
            )
            session.add(citizen)
            session.flush()
            assert citizen.id is not None and contacts[-1].id is not None
            hour = rng.choice((6, 7, 7, 8, 8, 8, 9))
            shift = {"start": f"{hour:02d}:00", "end": f"{hour + 7:02d}:30"}
            session.add(
                Placement(
                    jobcentre_id=centre.id,
                    citizen_id=citizen.id,
                    contact_id=contacts[-1].id,
                    employer_id=contacts[-1].employer_id,
                    start_date=start - timedelta(days=rng.randrange(0, 45)),
                    schedule={d: shift for d in ("mon", "tue", "wed", "thu", "fri")},
                    wakeup_days=rng.choice((None, 10, 20)),
                    workplace_address=f"Hovedgaden {n + 1}",
                )
            )
            persona = PERSONAS[n % len(PERSONAS)]
            cohort.people[citizen.phone or ""] = Person(
                ParticipantKind.CITIZEN,
                citizen.id,
                citizen.phone or "",
                persona,
                citizen.first_name,
            )
            cohort.citizen_ids.append(citizen.id)
        session.flush()
        for consultant in consultants:
            assert consultant.id is not None and consultant.phone
            cohort.people[consultant.phone] = Person(
                ParticipantKind.CONSULTANT, consultant.id, consultant.phone
            )
        for contact in contacts:
            assert contact.id is not None and contact.phone
            cohort.people[contact.phone] = Person(
                ParticipantKind.CONTACT, contact.id, contact.phone
            )
        session.commit()
    return cohort


class Behaviour:
    """Reads what Makker sent and schedules what each scripted person writes back."""

    def __init__(self, cohort: Cohort, rng: random.Random) -> None:
        self.cohort = cohort
        self.rng = rng
        self.queue: list[_Reply] = []
        self.seq = 0
        self.seen = 0
        self.replies = 0

    def later(
        self,
        now: datetime,
        minutes: tuple[int, int],
        phone: str,
        text: str,
        channel: ChannelKind = ChannelKind.SMS,
    ) -> None:
        """Write `text` a random number of minutes from now."""
        self.seq += 1
        delay = timedelta(minutes=self.rng.randint(*minutes))
        self.queue.append(_Reply(now + delay, self.seq, phone, text, channel))

    def observe(self, engine: Engine, now: datetime) -> None:
        """React to every outbound message written since the last look."""
        with Session(engine) as session:
            new = session.exec(
                select(Message)
                .where(col(Message.id) > self.seen, Message.direction == Direction.OUTBOUND)
                .order_by(col(Message.id))
            ).all()
        for message in new:
            self.seen = max(self.seen, message.id or 0)
            person = self.cohort.people.get(message.address)
            if person is not None and message.status != MessageStatus.SUPPRESSED:
                self._react(engine, person, message, now)

    def _react(self, engine: Engine, person: Person, message: Message, now: datetime) -> None:
        """One person's scripted answer to one message."""
        kind, rng = message.kind, self.rng
        if person.kind == ParticipantKind.CONSULTANT:
            found = REF.search(message.body)
            if found and "OK" in message.body and rng.random() < 0.9:
                self.later(now, (3, 40), person.phone, f"OK {found.group(1)}")
            return
        if person.kind == ParticipantKind.CONTACT:
            if message.options and rng.random() < 0.85:
                self.later(now, (5, 120), person.phone, rng.choice(("1", "1", "2")))
            elif "hours" in kind or kind.endswith("ask_hours"):
                self.later(now, (5, 120), person.phone, str(rng.choice((30, 37, 20))))
            return
        self._citizen(engine, person, message, now)

    def _citizen(self, engine: Engine, person: Person, message: Message, now: datetime) -> None:
        """Citizens by persona."""
        kind, rng, phone = message.kind, self.rng, person.phone
        today = local(now).date()
        if kind == wake_up.FIRST_TEXT:
            if person.persona == "fragile" and rng.random() < 0.08:
                person.sick_until = today + timedelta(days=rng.randint(0, 3))
                self.later(now, (1, 10), phone, "syg")
            elif person.persona == "reliable" or (
                person.persona == "fragile" and rng.random() < 0.9
            ):
                self.later(now, (1, 12), phone, rng.choice(("1", "1", "ok", "👍")))
            elif person.persona == "unreliable" and rng.random() < 0.4:
                self.later(now, (1, 15), phone, "1")
            return
        if kind == "wake_up.reminder":
            if person.persona == "sleepy" and rng.random() < 0.6:
                self.later(now, (1, 15), phone, "1")
            return
        if kind == wake_up.CALL:
            answered = person.persona == "sleepy" and rng.random() < 0.7
            if answered:
                self.later(now, (1, 1), phone, "1", ChannelKind.VOICE)
            else:
                self._call_unanswered(engine, message, now)
            return
        if kind == wake_up.STILL_SICK:
            still = person.sick_until is not None and person.sick_until >= today
            self.later(now, (2, 20), phone, "1" if still else "2")
            return
        if kind.startswith("sick_day.") and message.options:
            self.later(now, (1, 5), phone, "1")
            return
        if kind.startswith(("check_in", "interview")) and message.options:
            if person.persona != "unreliable" or rng.random() < 0.5:
                self.later(
                    now,
                    (5, 180),
                    phone,
                    rng.choice(("1", "1", "2", "3"))
                    if "check_in" in kind
                    else rng.choice(("1", "1", "1", "1", "2")),
                )
            return
        if message.options and person.persona != "unreliable":
            self.later(now, (2, 30), phone, "1")

    def _call_unanswered(self, engine: Engine, message: Message, now: datetime) -> None:
        """Twilio would call back "no-answer" about half a minute later."""
        with Session(engine) as session:
            wake_up.record_call_status(
                session, message.id or 0, self.rng.choice(("no-answer", "busy")), now
            )
            session.commit()

    def deliver_due(self, engine: Engine, now: datetime) -> None:
        """Send every reply whose time has come, oldest first."""
        due = sorted(r for r in self.queue if r.at <= now)
        self.queue = [r for r in self.queue if r.at > now]
        for reply in due:
            receive(
                engine,
                Inbound(
                    channel=reply.channel,
                    address=reply.phone,
                    text=reply.text,
                    provider_id=f"sim-{uuid.uuid4().hex}",
                ),
            )
            self.replies += 1


def simulate(
    citizens: int,
    days: int,
    *,
    seed_value: int = 7,
    start: date | None = None,
    database_url: str | None = None,
    book_interviews: Booker | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Run the cohort for `days` from `start` (next Monday by default); returns the figures."""
    rng = random.Random(seed_value)
    first_day = start or _next_monday(date.today())
    workdir = Path(tempfile.mkdtemp(prefix="makker-sim-"))
    url = database_url or f"sqlite:///{workdir / 'simulation.db'}"
    engine = make_engine(url)
    upgrade(engine)
    # One dispatcher pass per virtual minute stands for the sixty passes a real worker makes
    # (DISPATCH_INTERVAL_SECONDS = 1), so each pass may spend a minute's worth of tokens.
    real = Settings(_env_file=None, database_url=url, demo_data=False)
    settings = real.model_copy(
        update={
            "sms_segments_per_second": real.sms_segments_per_second * PASSES_PER_STEP,
            "telegram_messages_per_second": real.telegram_messages_per_second * PASSES_PER_STEP,
            "voice_calls_per_second": real.voice_calls_per_second * PASSES_PER_STEP,
            "dispatch_batch_size": 1000,
        }
    )
    clock = VirtualClock(at_local(first_day - timedelta(days=1), time(12, 0)))
    with clock_source(clock):
        cohort = seed(engine, citizens, first_day, rng)
        behaviour = Behaviour(cohort, rng)
        dispatcher = Dispatcher(engine, dict.fromkeys(ChannelKind, SandboxChannel()), settings)
        steps = 0
        for day in range(days):
            if book_interviews is not None:
                book_interviews(engine, cohort, clock.now, rng)
            end = at_local(first_day + timedelta(days=day), time(12, 0))

            def after_step() -> None:
                asyncio.run(dispatcher.dispatch_once())
                behaviour.observe(engine, clock.now)
                behaviour.deliver_due(engine, clock.now)
                asyncio.run(dispatcher.dispatch_once())

            steps += run_ticks(engine, clock, end, step=step_size, after_step=after_step)
            if progress is not None:
                progress(day + 1, days)
        asyncio.run(dispatcher.aclose())
    return _figures(engine, citizens, days, steps, behaviour.replies, clock.now)


def _next_monday(today: date) -> date:
    """Simulations start on a Monday, so the first week is a full one."""
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _figures(
    engine: Engine, citizens: int, days: int, steps: int, replies: int, end: datetime
) -> Result:
    """Count what happened, and check the counts agree with each other."""
    with Session(engine) as session:
        outbound = session.exec(
            select(Message).where(Message.direction == Direction.OUTBOUND)
        ).all()
        kinds = Counter(m.kind for m in outbound)
        wake_rows = session.exec(select(WakeUp)).all()
        statuses = Counter(str(w.status) for w in wake_rows)
        absences = session.exec(select(Absence)).all()
        sick_days = sum(((a.return_day or local(end).date()) - a.first_day).days for a in absences)
        alert_rows = session.exec(select(Alert)).all()
        alert_counts = Counter((str(a.kind), str(a.severity)) for a in alert_rows)
        check_ins = Counter(str(c.stage) for c in session.exec(select(CheckIn)).all())
        interviews = Counter(
            f"{i.status}/{i.attendance}" for i in session.exec(select(Interview)).all()
        )
        texts = {m.id: m for m in outbound}
        wake_lateness = [
            texts[w.message_id].sent_at - w.wake_at  # type: ignore[operator]
            for w in wake_rows
            if w.message_id in texts
            and texts[w.message_id].sent_at is not None
            and texts[w.message_id].kind == wake_up.FIRST_TEXT
        ]
        lateness = [
            m.sent_at - m.deadline
            for m in outbound
            if m.sent_at is not None and m.deadline is not None
        ]
        pending_overdue = session.exec(
            select(func.count()).where(
                Message.direction == Direction.OUTBOUND,
                col(Message.status).in_([MessageStatus.PENDING, MessageStatus.SENDING]),
                col(Message.next_attempt_at) <= end - timedelta(minutes=5),
            )
        ).one()
        missed_alerts = alert_counts.get(("wakeup_missed", "urgent"), 0)
        checks = [
            (
                "every wake-up answered, missed, cancelled or still to come",
                not any(w.status == WakeUpStatus.OPEN and w.shift_start <= end for w in wake_rows),
            ),
            (
                "one missed-wake-up alert per missed wake-up (late answers included)",
                missed_alerts == sum(1 for w in wake_rows if w.alert_id is not None),
            ),
            (
                "every first wake-up text went out",
                all(
                    w.message_id is not None
                    for w in wake_rows
                    if w.status in (WakeUpStatus.CONFIRMED, WakeUpStatus.MISSED)
                ),
            ),
            ("nothing overdue left in the outbox", int(pending_overdue) == 0),
            (
                "confirmations match confirmed wake-ups",
                kinds.get("wake_up.confirmed", 0) + kinds.get("back_to_work.confirm", 0)
                >= statuses.get("confirmed", 0),
            ),
        ]
    return Result(
        citizens=citizens,
        days=days,
        steps=steps,
        messages_by_kind=kinds,
        wake_ups=statuses,
        sick_episodes=len(absences),
        sick_days=sick_days,
        alerts=alert_counts,
        interviews=interviews,
        check_ins=check_ins,
        worst_wake_up_lateness=max(wake_lateness, default=timedelta(0)),
        worst_lateness=max(lateness, default=timedelta(0)),
        replies_sent=replies,
        checks=checks,
    )
