"""Time in one place, so tests can move it (time-machine) and code never mixes zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


def local(moment: datetime, tz: ZoneInfo = COPENHAGEN) -> datetime:
    """The wall-clock time people in Denmark see for an instant."""
    return moment.astimezone(tz)


def local_today(moment: datetime | None = None, tz: ZoneInfo = COPENHAGEN) -> date:
    """Today's date on the Danish wall clock."""
    return local(moment or utcnow(), tz).date()
