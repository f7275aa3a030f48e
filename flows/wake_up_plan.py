"""Plan each work morning's wake-ups, early enough that the rate limits let every text out in time.

A placement with wake-ups on gets one `wake_up` row per citizen and day with a shift that is
no Danish public holiday and no jobcentre closure day (the first N such days of the placement,
or every one). Rows are planned for today and tomorrow; whether the text is still wanted
(sick, on leave, opted out) is decided when it is due, in flows/wake_up.py, because those
things change overnight.

Each row's first step (`next_step_at`) is the moment its text is handed to the outbox. Texts
are sent earliest deadline first at the configured rate, so a morning where thousands are due
at 06:30 starts early: working back from the last deadline, each text gets the time its
segments cost at the SMS rate (Telegram has its own rate). If that would start more than
WAKEUP_MAX_EARLY_MINUTES early, the consultants of the citizens whose texts will be late are
warned once per day.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    Table,
    and_,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    update,
    values,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.clock import COPENHAGEN, at_local, local
from bot.db.bulk import analyze_if_grown, is_postgresql
from bot.db.types import UTCDateTime
from bot.hours import closure_days
from bot.models import (
    AlertKind,
    AlertSeverity,
    ChannelKind,
    Citizen,
    Consultant,
    Placement,
    WakeUp,
    WakeUpStage,
    WakeUpStatus,
)
from bot.models.placement import Shift, WeeklySchedule, runs_on
from bot.outbox import render_sms
from bot.settings import Settings, get_settings
from bot.sms import segments
from bot.workdays import is_public_holiday
from flows.alerts import raise_alert
from flows.engine import render_options
from flows.wake_up_texts import UP_OR_SICK, first_text
from messages import TN, Text, render

log = logging.getLogger(__name__)

PLAN_DAYS = 2  # today and tomorrow: the evening before, tomorrow's batch is known
MIN_NOTICE = timedelta(minutes=15)  # a shift closer than this gets no wake-up
LATE_TOLERANCE = timedelta(minutes=1)  # a text a few seconds after its time is not "late"
SAMPLE_SHIFT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # only its length matters
WAKE_UPS: Table = WakeUp.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Morning:
    """One planned wake-up: the shift and when its first text must be out (both UTC)."""

    day: date
    shift_start: datetime
    wake_at: datetime


def wake_time(day: date, shift: Shift, lead_minutes: int) -> tuple[datetime, datetime]:
    """The shift start and the wake-up time as instants; the lead is counted on the wall clock.

    "90 minutes before 08:00" is 06:30 on the Danish clock on every day of the year, also on
    the two days the clocks change. Only when that wall time is skipped (spring) or happens
    twice (autumn) is the lead counted in real minutes instead, so the text still comes
    exactly once and before the shift.
    """
    shift_start = at_local(day, shift.start)
    wall = datetime.combine(day, shift.start) - timedelta(minutes=lead_minutes)
    if _unambiguous(wall):
        return shift_start, at_local(wall.date(), wall.time())
    return shift_start, shift_start - timedelta(minutes=lead_minutes)


def _unambiguous(wall: datetime) -> bool:
    """Whether a Danish wall-clock time happens exactly once (not skipped, not repeated)."""
    first = wall.replace(tzinfo=COPENHAGEN, fold=0)
    second = wall.replace(tzinfo=COPENHAGEN, fold=1)
    return first.utcoffset() == second.utcoffset()  # they differ when skipped or repeated


def works(day: date, closures: frozenset[date]) -> bool:
    """A day a shift in the schedule is worked: not a public holiday, not a closure day.

    Weekends count when the schedule has a shift on them (shops, care, cleaning).
    """
    return not is_public_holiday(day) and day not in closures


@dataclass(frozen=True)
class Terms:
    """What planning reads of a placement; hashable, so placements on equal terms plan once."""

    active: bool
    start_date: date
    end_date: date | None
    wakeup_enabled: bool
    wakeup_days: int | None
    wakeup_lead_minutes: int
    schedule: str  # the weekly schedule as stored (JSON text)

    @property
    def weekly_schedule(self) -> WeeklySchedule:
        """The schedule, parsed once per distinct schedule."""
        return _parsed(self.schedule)

    def is_current(self, day: date) -> bool:
        """Placement.is_current on these terms."""
        return runs_on(day, active=self.active, start=self.start_date, end=self.end_date)


@lru_cache(maxsize=1024)
def _parsed(schedule: str) -> WeeklySchedule:
    """A stored schedule, parsed."""
    return WeeklySchedule.model_validate(json.loads(schedule))


@lru_cache(maxsize=65536)
def _morning(terms: Terms, day: date, closures: frozenset[date]) -> Morning | None:
    """morning_for, once per distinct (terms, day, closures): a cohort often shares them."""
    return morning_for(terms, day, closures)


def work_day_number(
    placement: Placement | Terms,
    day: date,
    closures: Iterable[date],
    stop: int,
    schedule: WeeklySchedule | None = None,
) -> int:
    """Which day with a shift `day` is in the placement (1 = first); stops counting past `stop`."""
    closed = frozenset(closures)
    schedule = schedule or placement.weekly_schedule
    number, current = 0, placement.start_date
    while current <= day and number <= stop:
        if works(current, closed) and schedule.shift_on(current) is not None:
            number += 1
        current += timedelta(days=1)
    return number


def morning_for(
    placement: Placement | Terms,
    day: date,
    closures: frozenset[date],
    schedule: WeeklySchedule | None = None,
) -> Morning | None:
    """The wake-up a placement wants on a day, or None (off, holiday, no shift, past day N)."""
    if not placement.wakeup_enabled or not placement.is_current(day):
        return None
    if not works(day, closures):
        return None
    shift = (schedule or placement.weekly_schedule).shift_on(day)
    if shift is None:
        return None
    limit = placement.wakeup_days
    if limit is not None and work_day_number(placement, day, closures, limit, schedule) > limit:
        return None
    shift_start, wake_at = wake_time(day, shift, placement.wakeup_lead_minutes)
    return Morning(day, shift_start, wake_at)


def plan_wake_ups(session: Session, now: datetime, settings: Settings | None = None) -> int:
    """Create today's and tomorrow's missing wake-up rows, then re-time the texts not yet sent.

    Placements on equal terms (a cohort that started together on one schedule) share one
    Morning: each distinct set of terms is read once and planned in Python (holidays, closure
    days, DST), and the database writes the rows from a table of those mornings, choosing
    the earlier shift when a citizen has two placements on one day.
    """
    today = local(now).date()
    days = [today + timedelta(days=n) for n in range(PLAN_DAYS)]
    # Whether some placement on these terms still lacks its citizen's row for each day: a
    # morning already planned is not sent again (every planning tick would otherwise
    # rebuild the whole table of mornings).
    missing = [
        ~exists()
        .where(col(WakeUp.citizen_id) == col(Placement.citizen_id), col(WakeUp.day) == day)
        .label(f"missing_{n}")
        for n, day in enumerate(days)
    ]
    terms = session.execute(
        sa_select(
            col(Placement.jobcentre_id),
            col(Placement.active),
            col(Placement.start_date),
            col(Placement.end_date),
            col(Placement.wakeup_enabled),
            col(Placement.wakeup_days),
            col(Placement.wakeup_lead_minutes),
            # As stored, unparsed: placements on one schedule share one parse (_parsed).
            _SCHEDULE.label("schedule"),
            *missing,
        )
        .where(col(Placement.active), col(Placement.wakeup_enabled))
        .distinct()
    ).all()
    closures: dict[int, frozenset[date]] = {}
    planned_mornings: dict[tuple[Any, ...], None] = {}  # (terms rows differ by their flags)
    for row in terms:
        if row.jobcentre_id not in closures:
            closures[row.jobcentre_id] = closure_days(session, row.jobcentre_id)
        fields, lacking = tuple(row)[: -len(days)], tuple(row)[-len(days) :]
        for day, lacks in zip(days, lacking, strict=True):
            if not lacks:
                continue
            morning = _morning(_terms(row), day, closures[row.jobcentre_id])
            if morning is None or morning.shift_start - MIN_NOTICE <= now:
                continue
            planned_mornings[(*fields, day, morning.shift_start, morning.wake_at)] = None
    mornings = list(planned_mornings)
    if not mornings:
        return 0
    # Counted from RETURNING: SQLite's driver reports no row count for a WITH … INSERT.
    # (Core rows, not ORM results: for 100,000 rows the ORM's result machinery costs a second.)
    written: set[int] = set()
    for first in range(0, len(mornings), MORNINGS_PER_STATEMENT):
        chunk = mornings[first : first + MORNINGS_PER_STATEMENT]
        insert = _insert_mornings(chunk, now, is_postgresql(session))
        written.update(session.connection().execute(insert).scalars().all())
    planned = len(written)
    if planned:
        analyze_if_grown(session, WAKE_UPS, planned)
        retime_texts(session, days, now, settings or get_settings())
    return planned


_SCHEDULE = cast(col(Placement.schedule), String)
# Nine bound values a morning: 2,000 stay well inside SQLite's 32,766 parameters and
# psycopg's 65,535, however many distinct terms (start dates, schedules) there are.
MORNINGS_PER_STATEMENT = 2000


def _insert_mornings(mornings: list[tuple[Any, ...]], now: datetime, on_postgresql: bool) -> Any:
    """INSERT … SELECT one row per citizen and day from the placements and these mornings.

    A citizen with two placements that day gets the earlier shift: within one statement by
    row_number(), across the statements of one run by replacing a row this run wrote with
    an earlier shift. A (citizen, day) planned before, or by another worker at the same
    time, is left as it is.
    """
    table = (
        values(
            column("jobcentre_id", Integer),
            column("active", Boolean),
            column("start_date", Date),
            column("end_date", Date),
            column("wakeup_enabled", Boolean),
            column("wakeup_days", Integer),
            column("wakeup_lead_minutes", Integer),
            column("schedule", String),
            column("day", Date),
            column("shift_start", UTCDateTime),
            column("wake_at", UTCDateTime),
            name="morning",
        )
        .data(mornings)
        .cte("morning")
    )
    taken = exists().where(  # planned before (a row of this run may still be replaced)
        col(WakeUp.citizen_id) == col(Placement.citizen_id),
        col(WakeUp.day) == table.c.day,
        col(WakeUp.created_at) != now,
    )
    earliest = func.row_number().over(
        partition_by=(col(Placement.citizen_id), table.c.day),
        order_by=(table.c.shift_start, col(Placement.id)),
    )
    candidates = (
        sa_select(
            col(Placement.jobcentre_id),
            col(Placement.citizen_id),
            col(Placement.id).label("placement_id"),
            table.c.day,
            table.c.shift_start,
            table.c.wake_at,
            earliest.label("rank"),
        )
        .join(
            table,
            and_(
                table.c.jobcentre_id == col(Placement.jobcentre_id),
                table.c.active == col(Placement.active),
                table.c.start_date == col(Placement.start_date),
                # (a NULL in VALUES has no type on PostgreSQL: the casts give it one)
                cast(table.c.end_date, Date).is_not_distinct_from(col(Placement.end_date)),
                table.c.wakeup_enabled == col(Placement.wakeup_enabled),
                cast(table.c.wakeup_days, Integer).is_not_distinct_from(col(Placement.wakeup_days)),
                table.c.wakeup_lead_minutes == col(Placement.wakeup_lead_minutes),
                table.c.schedule == _SCHEDULE,
            ),
        )
        .where(col(Placement.active), col(Placement.wakeup_enabled), ~taken)
        .subquery()
    )
    wake_at = candidates.c.wake_at
    rows = sa_select(
        candidates.c.jobcentre_id,
        candidates.c.citizen_id,
        candidates.c.placement_id,
        candidates.c.day,
        candidates.c.shift_start,
        wake_at,
        literal(WakeUpStatus.OPEN.value),
        literal(WakeUpStage.PLANNED.value),
        case((wake_at > now, wake_at), else_=literal(now, UTCDateTime)),
        literal(now, UTCDateTime),
        literal(now, UTCDateTime),
    ).where(candidates.c.rank == 1)
    names = ["jobcentre_id", "citizen_id", "placement_id", "day", "shift_start", "wake_at"]
    names += ["status", "stage", "next_step_at", "created_at", "updated_at"]
    upsert = (postgresql.insert if on_postgresql else sqlite.insert)(WAKE_UPS)
    statement = upsert.from_select(names, rows)
    proposed = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["citizen_id", "day"],
        set_={
            name: proposed[name]
            for name in ("jobcentre_id", "placement_id", "shift_start", "wake_at", "next_step_at")
        },
        where=and_(
            WAKE_UPS.c.created_at == now,  # written by this run, in an earlier statement
            WAKE_UPS.c.stage == WakeUpStage.PLANNED.value,
            proposed.shift_start < WAKE_UPS.c.shift_start,
        ),
    ).returning(col(WakeUp.id))


def _terms(row: Any) -> Terms:
    """The planning terms of a selected placement row."""
    return Terms(
        active=row.active,
        start_date=row.start_date,
        end_date=row.end_date,
        wakeup_enabled=row.wakeup_enabled,
        wakeup_days=row.wakeup_days,
        wakeup_lead_minutes=row.wakeup_lead_minutes,
        schedule=row.schedule or "{}",
    )


@dataclass(frozen=True)
class Pending:
    """A planned text not yet handed to the outbox, with what sending it costs."""

    wake_up_id: int
    citizen_id: int
    jobcentre_id: int
    day: date
    wake_at: datetime
    seconds: float  # how long the channel's rate limit needs for it


@dataclass(frozen=True)
class Timing:
    """When each text starts, and which ones will be late even at the earliest allowed start."""

    starts: dict[int, datetime]
    late: list[Pending]


def schedule_backwards(pending: Sequence[Pending], now: datetime, max_early: timedelta) -> Timing:
    """Latest start for each text so all are out by their deadlines, sent one after another.

    Working from the last deadline back, each text must start its own cost before the next
    one's start (or its own deadline, if that is earlier). A start is never before `now` nor
    more than `max_early` before its deadline. Then the texts are played forward in deadline
    order at the rate: those that would finish after their deadline are late.
    """
    starts: dict[int, datetime] = {}
    following: datetime | None = None
    ordered = sorted(pending, key=lambda p: (p.wake_at, p.wake_up_id))
    for item in reversed(ordered):
        finish = item.wake_at if following is None else min(item.wake_at, following)
        start = max(finish - timedelta(seconds=item.seconds), now, item.wake_at - max_early)
        starts[item.wake_up_id] = start
        following = start
    late: list[Pending] = []
    clock: datetime | None = None
    for item in ordered:
        begin = starts[item.wake_up_id] if clock is None else max(clock, starts[item.wake_up_id])
        clock = begin + timedelta(seconds=item.seconds)
        if clock > item.wake_at + LATE_TOLERANCE and item.wake_at > now + LATE_TOLERANCE:
            late.append(item)  # (one whose time had passed when planned is no capacity issue)
    return Timing(starts, late)


def text_seconds(channel: ChannelKind, language: str, settings: Settings) -> float:
    """Seconds of rate-limit capacity one wake-up text takes on its channel."""
    if channel == ChannelKind.TELEGRAM:
        return 1.0 / settings.telegram_messages_per_second
    return _typical_segments(language) / settings.sms_segments_per_second


def _typical_segments(language: str) -> int:
    """Segments a typical first wake-up text costs in a language (names vary a little)."""
    text = first_text("Mohammed", "Netto, Vesterbrogade 120", SAMPLE_SHIFT)
    return segments(render_sms(render(text, language), render_options(UP_OR_SICK, language)))


def retime_texts(session: Session, days: Sequence[date], now: datetime, settings: Settings) -> int:
    """Set the start of every planned text of these days; warn consultants of late ones."""
    query = (
        sa_select(
            col(WakeUp.id),
            col(WakeUp.citizen_id),
            col(WakeUp.jobcentre_id),
            col(WakeUp.day),
            col(WakeUp.wake_at),
            col(WakeUp.next_step_at),
            col(Citizen.preferred_channel),
            col(Citizen.telegram_chat_id),
            col(Citizen.language),
        )
        .join(Citizen, col(Citizen.id) == col(WakeUp.citizen_id))
        .where(
            col(WakeUp.day).in_(days),
            col(WakeUp.status) == WakeUpStatus.OPEN,
            col(WakeUp.stage) == WakeUpStage.PLANNED,
        )
    )
    pools: dict[ChannelKind, list[Pending]] = defaultdict(list)
    cache: dict[tuple[ChannelKind, str], float] = {}
    current: dict[int, datetime | None] = {}
    rows: Sequence[Any] = session.connection().execute(query).all()  # Core rows: no ORM work
    for row in rows:
        (
            wake_up_id,
            citizen_id,
            jobcentre_id,
            day,
            wake_at,
            step_at,
            preferred,
            chat_id,
            language,
        ) = row
        current[wake_up_id] = step_at
        channel = (
            ChannelKind.TELEGRAM
            if preferred == ChannelKind.TELEGRAM and chat_id is not None
            else ChannelKind.SMS
        )
        if (channel, language) not in cache:
            cache[(channel, language)] = text_seconds(channel, language, settings)
        pools[channel].append(
            Pending(wake_up_id, citizen_id, jobcentre_id, day, wake_at, cache[(channel, language)])
        )
    max_early = timedelta(minutes=settings.wakeup_max_early_minutes)
    late: list[Pending] = []
    updates: list[dict[str, object]] = []
    for pool in pools.values():
        timing = schedule_backwards(pool, now, max_early)
        late.extend(timing.late)
        updates.extend(
            {"id": i, "next_step_at": start}
            for i, start in timing.starts.items()
            if (old := current.get(i)) is None or abs((old - start).total_seconds()) >= 1.0
        )
    if updates:
        session.execute(update(WakeUp), updates)
    if late:
        _warn_shortfall(session, late, settings, now)
    return len(updates)


def _warn_shortfall(
    session: Session, late: list[Pending], settings: Settings, now: datetime
) -> None:
    """One attention alert per consultant and day: some of their citizens' texts will be late."""
    by_consultant: dict[tuple[int, date], list[Pending]] = defaultdict(list)
    citizens = {
        c.id: c
        for c in session.exec(
            select(Citizen).where(col(Citizen.id).in_({p.citizen_id for p in late}))
        ).all()
    }
    for item in late:
        citizen = citizens.get(item.citizen_id)
        if citizen is not None and citizen.consultant_id is not None:
            by_consultant[(citizen.consultant_id, item.day)].append(item)
    for (consultant_id, day), items in by_consultant.items():
        consultant = session.get(Consultant, consultant_id)
        if consultant is None:
            continue
        worst = max(item.wake_at for item in items)
        minutes = math.ceil(sum(item.seconds for item in late) / 60)
        raise_alert(
            session,
            citizen=None,
            consultant=consultant,
            jobcentre_id=consultant.jobcentre_id,
            kind=AlertKind.CAPACITY_SHORTFALL,
            severity=AlertSeverity.ATTENTION,
            summary=_shortfall_text(len(items), day, minutes, settings),
            key=f"capacity:{day.isoformat()}:{consultant_id}",
            details={"day": day.isoformat(), "late": len(items), "latest": worst.isoformat()},
            now=now,
        )
    log.warning("wake-up capacity shortfall: %s texts cannot be out in time", len(late))


def _shortfall_text(count: int, day: date, minutes: int, settings: Settings) -> Text:
    """The consultant's words for a shortfall."""
    return TN(
        "Wake-ups on {day}: {n} text to your citizens may arrive late. Sending all of them "
        "takes about {minutes} minutes at {rate} SMS segments a second. Ask IT to raise the limit.",
        "Wake-ups on {day}: {n} texts to your citizens may arrive late. Sending all of them "
        "takes about {minutes} minutes at {rate} SMS segments a second. Ask IT to raise the limit.",
        count,
        day=day,
        minutes=minutes,
        rate=settings.sms_segments_per_second,
    )
