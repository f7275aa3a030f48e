"""When check-ins fall due: every interval of the first year, moved off holidays (no database)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest

from bot.clock import local
from bot.hours import DEFAULT_HOURS
from bot.models import CheckIn, ParticipantKind, Placement
from bot.workdays import is_working_day
from flows.check_in import anniversary, current_number, due_day, in_first_year, send_time
from messages.report_words import HoursAnswer, paid_hours
from tests.factories import weekday_schedule


def _placement(start: date, interval: int = 30, **overrides: Any) -> Placement:
    """A placement that exists only in memory."""
    values: dict[str, Any] = {
        "jobcentre_id": 1,
        "citizen_id": 1,
        "contact_id": 1,
        "employer_id": 1,
        "start_date": start,
        "checkin_interval_days": interval,
        "schedule": weekday_schedule(),
        **overrides,
    }
    return Placement(**values)


@pytest.mark.parametrize("interval", [7, 30, 31, 92])
@pytest.mark.parametrize(
    "start", [date(2026, 1, 5), date(2025, 12, 1), date(2024, 2, 29), date(2026, 3, 28)]
)
def test_every_period_of_the_first_year_once_on_a_working_day(start: date, interval: int) -> None:
    """Walking every day of 14 months finds each period once, in order, never on a holiday."""
    placement = _placement(start, interval)
    closures = frozenset({start + timedelta(days=interval)})  # the first due day is closed
    created: list[int] = []
    for offset in range(430):
        today = start + timedelta(days=offset)
        number = current_number(placement, today, closures)
        if number is not None and (not created or number > created[-1]):
            created.append(number)
    expected = [
        n for n in range(1, 400 // interval + 2) if in_first_year(placement, n)
    ]  # start + n x interval before the anniversary
    assert created == expected
    days = [due_day(placement, n, closures) for n in created]
    assert all(is_working_day(d, closures) for d in days)
    assert days == sorted(set(days))
    assert all(
        start + timedelta(days=n * interval) <= d for n, d in zip(created, days, strict=True)
    )
    assert all(start + timedelta(days=n * interval) < anniversary(start) for n in created)


def test_a_christmas_due_day_moves_to_the_next_working_day() -> None:
    """25 November + 30 days is Christmas Day (Friday): Monday 28 December instead."""
    placement = _placement(date(2026, 11, 25))
    assert due_day(placement, 1, frozenset()) == date(2026, 12, 28)
    assert current_number(placement, date(2026, 12, 25), frozenset()) is None
    assert current_number(placement, date(2026, 12, 28), frozenset()) == 1


def test_send_times_follow_the_shift() -> None:
    """Employer at 10:30; the citizen half an hour after the shift, or before a late one."""
    day = date(2026, 11, 24)
    late = weekday_schedule(start=time(12, 0))
    late["tue"]["end"] = "21:00"
    cases = [
        (ParticipantKind.CONTACT, weekday_schedule(), "10:30"),
        (ParticipantKind.CITIZEN, weekday_schedule(), "16:00"),
        (ParticipantKind.CITIZEN, {}, "16:30"),
        (ParticipantKind.CITIZEN, late, "11:00"),
    ]
    for respondent, schedule, expected in cases:
        row = CheckIn(
            jobcentre_id=1,
            placement_id=1,
            citizen_id=1,
            number=1,
            period_start=day,
            respondent=respondent,
            respondent_id=1,
        )
        moment = send_time(row, _placement(day, schedule=schedule), day, DEFAULT_HOURS)
        assert local(moment).strftime("%H:%M") == expected, (respondent, schedule)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("30", 30.0),
        ("30,5", 30.5),
        ("30.5", 30.5),
        ("ca. 30 timer", 30.0),
        ("Cirka 30 timer i alt", 30.0),
        ("about 30 hours", 30.0),
        ("37½", 37.5),
        ("0", 0.0),
        ("ingen", 0.0),
        ("none", 0.0),
    ],
)
def test_paid_hours_are_read(text: str, hours: float) -> None:
    """Numbers written the Danish or the English way, with words around them."""
    assert paid_hours(text) == HoursAnswer(hours, known=True)


@pytest.mark.parametrize("text", ["ved ikke", "Det ved jeg ikke", "don't know", "not sure"])
def test_dont_know_is_an_answer(text: str) -> None:
    """An employer who does not know still answered."""
    assert paid_hours(text) == HoursAnswer(None, known=False)


@pytest.mark.parametrize(
    "text",
    ["mange", "lots", "30-35", "30 timer og 30 minutter", "999", "20 12 34 03", "", "🙂", "-5"],
)
def test_nonsense_hours_are_refused(text: str) -> None:
    """Ranges, impossible numbers, phone numbers and words without a number."""
    assert paid_hours(text) is None
