"""Wake-up times on the Danish wall clock (DST), and send times that fit the rate limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import COPENHAGEN, local
from bot.models import AlertKind, Message, Placement, WakeUp
from bot.models.placement import Shift
from bot.settings import Settings
from bot.workdays import is_public_holiday
from flows import wake_up, wake_up_plan
from flows.wake_up_plan import Pending, morning_for, plan_wake_ups, schedule_backwards, wake_time
from scheduler import jobs
from tests.factories import make_citizen, make_placement, weekday_schedule
from tests.flows.checkin_builders import alerts, at, make_workplace


def last_sunday(year: int, month: int) -> date:
    """The EU clock change days: last Sunday of March and of October."""
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


CHANGE_DAYS = [last_sunday(y, m) for y in range(2025, 2036) for m in (3, 10)]
EVERY_DAY = {
    d: {"start": "08:00", "end": "15:00"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def once(wall: datetime) -> bool:
    """Whether a naive Copenhagen wall-clock time happens exactly once that day."""
    instants = {wall.replace(tzinfo=COPENHAGEN, fold=fold).astimezone(UTC) for fold in (0, 1)}
    round_trip = {i.astimezone(COPENHAGEN).replace(tzinfo=None) for i in instants}
    return len(instants) == 1 and round_trip == {wall}


@settings(max_examples=400, deadline=None)
@given(
    day=st.one_of(st.sampled_from(CHANGE_DAYS), st.dates(date(2025, 1, 1), date(2035, 12, 31))),
    start_minute=st.integers(0, 23 * 60 + 59),
    lead=st.integers(15, 240),
)
def test_wake_time_is_the_lead_before_the_shift_on_the_wall_clock(
    day: date, start_minute: int, lead: int
) -> None:
    """06:30 for an 08:00 shift with 90 minutes' lead on every day, DST days included."""
    start = time(start_minute // 60, start_minute % 60)
    end = time(23, 59)
    if start >= end:
        return
    shift_start, wake_at = wake_time(day, Shift(start=start, end=end), lead)
    wall = datetime.combine(day, start) - timedelta(minutes=lead)
    if once(wall):
        assert local(wake_at).replace(tzinfo=None) == wall
    else:  # skipped or repeated on the clock: the lead counts in real minutes
        assert wake_at == shift_start - timedelta(minutes=lead)
    assert wake_at < shift_start
    assert shift_start - wake_at <= timedelta(minutes=lead + 60)


@settings(max_examples=60, deadline=None)
@given(
    change=st.sampled_from(CHANGE_DAYS),
    start_minute=st.integers(0, 11 * 60),
    lead=st.integers(15, 240),
)
def test_exactly_one_morning_per_day_across_each_clock_change(
    change: date, start_minute: int, lead: int
) -> None:
    """Every day of the week around a change has one wake-up, in order, none twice."""
    start = time(start_minute // 60, start_minute % 60)
    schedule = {d: {"start": start.isoformat(), "end": "23:00"} for d in EVERY_DAY}
    placement = Placement(
        jobcentre_id=1,
        citizen_id=1,
        contact_id=1,
        employer_id=1,
        start_date=change - timedelta(days=3),
        schedule=schedule,
        wakeup_days=None,
    )
    days = [change + timedelta(days=n) for n in range(-3, 4)]
    mornings = [morning_for(placement, d, frozenset()) for d in days]
    working = [m for m in mornings if m is not None]
    assert [m.day for m in working] == [d for d in days if not is_public_holiday(d)]  # Easter
    instants = [m.wake_at for m in working]
    assert instants == sorted(set(instants))


def sweep(
    engine: Engine, clock: time_machine.Traveller, day: date, until: str, step: int = 2
) -> None:
    """Run the planner and the steps every `step` minutes from 00:00 (local) to `until`."""
    moment = datetime(day.year, day.month, day.day, tzinfo=COPENHAGEN).astimezone(UTC)
    end = at(day, until).astimezone(UTC)
    clock.move_to(moment - timedelta(days=1))
    jobs.plan_wake_ups(engine)
    while moment <= end:
        clock.move_to(moment)
        jobs.plan_wake_ups(engine)
        jobs.advance_wake_ups(engine)
        moment += timedelta(minutes=step)


def first_texts(session: Session) -> list[Message]:
    """Every first wake-up text."""
    session.expire_all()
    return list(
        session.exec(
            select(Message).where(Message.kind == wake_up.FIRST_TEXT).order_by(col(Message.id))
        ).all()
    )


def test_spring_and_autumn_change_days_each_get_one_text_at_0630(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """On 29 March and 25 October 2026 (Sundays) an 08:00 shift's text leaves once, at 06:30."""
    for change in (date(2026, 3, 29), date(2026, 10, 25)):
        clock.move_to(at(change - timedelta(days=2), "12:00"))
        make_workplace(
            session,
            ("Sam",),
            citizen_language="en",
            start_date=change,
            schedule=EVERY_DAY,
            wakeup_days=1,
        )
        sweep(engine, clock, change, "07:00")
    sent = first_texts(session)
    assert len(sent) == 2
    assert [local(m.next_attempt_at).strftime("%H:%M") for m in sent if m.next_attempt_at] == [
        "06:30",
        "06:30",
    ]


def test_a_wake_up_in_the_repeated_autumn_hour_happens_once(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """02:30 happens twice on 25 October 2026; the text goes at the first, and only once."""
    change = date(2026, 10, 25)
    clock.move_to(at(change - timedelta(days=1), "12:00"))
    night = {d: {"start": "03:30", "end": "11:00"} for d in EVERY_DAY}
    make_workplace(
        session,
        ("Sam",),
        citizen_language="en",
        start_date=change,
        schedule=night,
        wakeup_days=1,
        wakeup_lead_minutes=60,
    )
    sweep(engine, clock, change, "05:00", step=1)
    (text,) = first_texts(session)
    assert text.next_attempt_at is not None
    # 03:30 CET is 02:30 UTC; 60 real minutes before is 01:30 UTC, the second 02:30 (CET)
    assert text.next_attempt_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    session.expire_all()
    assert len(session.exec(select(WakeUp)).all()) == 1


def test_twenty_thousand_texts_start_about_35_minutes_early() -> None:
    """20,000 one-segment texts due 06:30 at 10 segments/s: the first leaves at 05:56:40."""
    due = datetime(2026, 11, 24, 5, 30, tzinfo=UTC)
    pending = [Pending(i, i, 1, date(2026, 11, 24), due, 0.1) for i in range(20_000)]
    timing = schedule_backwards(pending, due - timedelta(hours=3), timedelta(minutes=60))
    assert min(timing.starts.values()) == due - timedelta(seconds=2000)
    assert timing.late == []
    squeezed = schedule_backwards(pending, due - timedelta(hours=3), timedelta(minutes=20))
    # 20 minutes plus a minute's tolerance carry 12,600 of them; the other 7,400 are late
    assert len(squeezed.late) == 7_400


def test_spread_deadlines_start_only_as_early_as_needed() -> None:
    """Texts due at different times are not pulled earlier than the rate requires."""
    base = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    pending = [Pending(i, i, 1, base.date(), base + timedelta(minutes=i), 1.0) for i in range(10)]
    timing = schedule_backwards(pending, base - timedelta(hours=1), timedelta(minutes=60))
    assert all(
        timing.starts[i] == base + timedelta(minutes=i) - timedelta(seconds=1) for i in range(10)
    )


def test_a_shortfall_warns_each_consultant_once(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """At 0.02 segments/s 30 texts cannot all be out by 06:30 within 10 minutes' head start."""
    tuesday = date(2026, 11, 24)
    clock.move_to(at(tuesday - timedelta(days=1), "20:00"))
    place = make_workplace(
        session, ("A",), citizen_language="en", start_date=tuesday, wakeup_days=None
    )
    for n in range(29):
        citizen = make_citizen(
            session, place.jobcentre, place.consultant, first_name=f"C{n}", language="en"
        )
        make_placement(session, citizen, place.contact, start_date=tuesday, wakeup_days=None)
    session.commit()
    slow = Settings(
        _env_file=None, demo_data=False, sms_segments_per_second=0.02, wakeup_max_early_minutes=10
    )
    with Session(engine) as s:
        plan_wake_ups(s, datetime.now(UTC), slow)
        s.commit()
    with Session(engine) as s:
        plan_wake_ups(s, datetime.now(UTC), slow)
        s.commit()
    (alert,) = alerts(session, AlertKind.CAPACITY_SHORTFALL)
    assert alert.consultant_id == place.consultant.id
    assert "may arrive late" in alert.summary


def _kwargs(**values: Any) -> dict[str, Any]:
    """Keyword arguments, for readability above."""
    return values


def test_a_text_planned_after_its_time_is_no_capacity_shortfall() -> None:
    """A placement registered at 06:40 for a 08:00 shift: late, but not for lack of capacity."""
    now = datetime(2026, 11, 24, 5, 40, tzinfo=UTC)
    due = now - timedelta(minutes=10)
    timing = schedule_backwards([Pending(1, 1, 1, due.date(), due, 0.1)], now, timedelta(hours=1))
    assert timing.late == [] and timing.starts[1] == now


@pytest.mark.parametrize("per_statement", [1, 2000])
def test_two_placements_on_one_day_wake_for_the_earlier_shift(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
    per_statement: int,
) -> None:
    """One row per citizen and day, for the earlier shift, however the mornings are split."""
    monkeypatch.setattr(wake_up_plan, "MORNINGS_PER_STATEMENT", per_statement)
    tuesday = date(2026, 11, 24)
    place = make_workplace(
        session, ("Ali",), start_date=tuesday, wakeup_days=None, schedule=weekday_schedule()
    )
    citizen = place.citizens[0]
    for start in (time(10, 0), time(7, 0), time(9, 0)):  # a later one, the earliest, another
        make_placement(
            session,
            citizen,
            place.contact,
            start_date=tuesday,
            wakeup_days=None,
            schedule=weekday_schedule(start=start, end=time(15, 0)),
        )
    session.commit()
    clock.move_to(at(tuesday, "05:00"))
    assert jobs.plan_wake_ups(engine) == 2  # today and tomorrow, for Ali alone
    session.expire_all()
    rows = session.exec(select(WakeUp).where(WakeUp.citizen_id == citizen.id)).all()
    assert sorted(local(r.shift_start).strftime("%a %H:%M") for r in rows) == [
        "Tue 07:00",
        "Wed 07:00",
    ]
    assert jobs.plan_wake_ups(engine) == 0


def test_a_planning_tick_with_nothing_missing_writes_nothing(
    engine: Engine, session: Session, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every five minutes the planner runs; once the mornings are planned it sends no INSERT."""
    make_workplace(session, ("Ali", "Bo"), start_date=date(2026, 11, 24), wakeup_days=None)
    clock.move_to(at(date(2026, 11, 24), "05:00"))
    assert jobs.plan_wake_ups(engine) == 4
    statements: list[int] = []
    original = wake_up_plan._insert_mornings

    def counting(mornings: list[tuple[Any, ...]], *args: Any) -> Any:
        statements.append(len(mornings))
        return original(mornings, *args)

    monkeypatch.setattr(wake_up_plan, "_insert_mornings", counting)
    clock.move_to(at(date(2026, 11, 24), "05:05"))
    assert jobs.plan_wake_ups(engine) == 0
    assert statements == []
    make_workplace(session, ("Cem",), start_date=date(2026, 11, 25), wakeup_days=None)
    assert jobs.plan_wake_ups(engine) == 1  # Cem's first day, tomorrow
    assert statements == [1]
