"""Danish working days: Monday–Friday minus public holidays (`holidays` package) and closures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _danish_holidays(year: int) -> frozenset[date]:
    """Public holidays for one year; cached because the calendar is asked every tick."""
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def is_public_holiday(day: date) -> bool:
    """Whether the day is a Danish public holiday (helligdag)."""
    return day in _danish_holidays(day.year)


def is_working_day(day: date, closures: Iterable[date] = ()) -> bool:
    """Whether people normally work that day: a weekday, no holiday, no jobcentre closure."""
    return day.weekday() < 5 and not is_public_holiday(day) and day not in set(closures)


def next_working_day(day: date, closures: Iterable[date] = ()) -> date:
    """The first working day strictly after `day`."""
    closed = set(closures)
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate, closed):
        candidate += timedelta(days=1)
    return candidate
