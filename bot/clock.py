"""Time in one place, so tests (time-machine) and `makker simulate` can move it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _system_now() -> datetime:
    """The machine's clock, timezone-aware in UTC."""
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (from the clock source in use)."""
    return _source()


@contextmanager
def clock_source(source: Callable[[], datetime]) -> Iterator[None]:
    """Read time from `source` inside the block (the simulator's accelerated clock)."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous


def local(moment: datetime, tz: ZoneInfo = COPENHAGEN) -> datetime:
    """The wall-clock time people in Denmark see for an instant."""
    return moment.astimezone(tz)


def local_today(moment: datetime | None = None, tz: ZoneInfo = COPENHAGEN) -> date:
    """Today's date on the Danish wall clock."""
    return local(moment or utcnow(), tz).date()


def at_local(day: date, wall: time, tz: ZoneInfo = COPENHAGEN) -> datetime:
    """The instant a Danish wall-clock time happens on a day, as UTC.

    A time that does not exist (the hour skipped in spring) is read with the offset before
    the change, so 02:30 on the last Sunday of March is 03:30 summer time; a time that
    happens twice (the hour repeated in autumn) is its first occurrence.
    """
    return datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=tz).astimezone(UTC)
