"""Which days a citizen works, from their placements' schedules and the Danish calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.clock import COPENHAGEN, local
from bot.workdays import is_public_holiday, is_working_day
from flows.people import PlacementView

LOOKAHEAD_DAYS = 14


def works_on(views: list[PlacementView], day: date) -> bool:
    """A shift day in any placement, or an ordinary working day when no schedule is known."""
    scheduled = [v for v in views if v.placement.schedule]
    if not scheduled:
        return is_working_day(day)
    if is_public_holiday(day):
        return False
    return any(
        v.placement.is_current(day) and v.placement.weekly_schedule.shift_on(day) is not None
        for v in scheduled
    )


def working_on(views: list[PlacementView], day: date) -> list[PlacementView]:
    """The placements that expect the citizen on `day` (no schedule: every current one)."""
    return [
        v
        for v in views
        if v.placement.is_current(day)
        and (not v.placement.schedule or v.placement.weekly_schedule.shift_on(day) is not None)
    ]


def shift_bounds(views: list[PlacementView], day: date) -> tuple[datetime, datetime] | None:
    """Earliest start and latest end of the day's shifts, Copenhagen time."""
    spans = []
    for view in views:
        shift = view.placement.weekly_schedule.shift_on(day) if view.placement.schedule else None
        if shift is not None and view.placement.is_current(day):
            spans.append(
                (
                    datetime.combine(day, shift.start, tzinfo=COPENHAGEN),
                    datetime.combine(day, shift.end, tzinfo=COPENHAGEN),
                )
            )
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


EVENING = 18  # without a schedule, a report from 18:00 is about the next working day


def absence_day(views: list[PlacementView], now: datetime) -> date:
    """The first day a sick report is about: today until today's shift ends, else the next."""
    today = local(now).date()
    bounds = shift_bounds(views, today)
    if bounds is not None and now < bounds[1]:
        return today
    if bounds is None and works_on(views, today) and local(now).hour < EVENING:
        return today
    return next_work_day(views, today)


def next_work_day(views: list[PlacementView], day: date) -> date:
    """The next day after `day` the citizen works (or the next working day)."""
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        candidate = day + timedelta(days=offset)
        if works_on(views, candidate):
            return candidate
    return day + timedelta(days=1)


def work_days_between(views: list[PlacementView], first: date, last: date) -> int:
    """How many work days lie in [first, last], both included."""
    count = 0
    day = first
    while day <= last:
        if works_on(views, day):
            count += 1
        day += timedelta(days=1)
    return count


def reported_after_start(views: list[PlacementView], day: date, now: datetime) -> bool:
    """Whether a report for `day` came after that day's shift had started."""
    bounds = shift_bounds(views, day)
    return bounds is not None and now > bounds[0]
