"""A jobcentre's clock: quiet hours (no non-urgent texts), office hours, closures and leave.

All rules are Danish wall-clock times; instants go in and come out as UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.clock import at_local, local
from bot.models import ClosureDay, Jobcentre, Leave, ParticipantKind
from bot.models.jobcentre import JobcentreHours
from bot.workdays import is_working_day

DEFAULT_HOURS = JobcentreHours()
MAX_OFFICE_DAYS = 60  # an acknowledgement window never reaches further than this


def jobcentre_hours(session: Session, jobcentre_id: int | None) -> JobcentreHours:
    """The jobcentre's hours (the defaults for a message that belongs to none)."""
    jobcentre = session.get(Jobcentre, jobcentre_id) if jobcentre_id is not None else None
    return jobcentre if jobcentre is not None else DEFAULT_HOURS


def is_quiet(hours: JobcentreHours, moment: datetime) -> bool:
    """Whether the moment falls in quiet hours (which may run past midnight)."""
    start, end = hours.quiet_start, hours.quiet_end
    if start == end:
        return False
    wall = local(moment).time()
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def after_quiet(hours: JobcentreHours, moment: datetime) -> datetime:
    """The moment itself, or the end of the quiet hours it falls in."""
    if not is_quiet(hours, moment):
        return moment
    wall = local(moment)
    day = wall.date()
    if hours.quiet_start > hours.quiet_end and wall.time() >= hours.quiet_start:
        day += timedelta(days=1)  # evening part: quiet ends tomorrow morning
    return at_local(day, hours.quiet_end)


def closure_days(session: Session, jobcentre_id: int, since: date | None = None) -> frozenset[date]:
    """The jobcentre's own closure days (public holidays come from the calendar)."""
    query = select(col(ClosureDay.day)).where(ClosureDay.jobcentre_id == jobcentre_id)
    if since is not None:
        query = query.where(col(ClosureDay.day) >= since)
    return frozenset(session.exec(query).all())


def is_office_time(hours: JobcentreHours, moment: datetime, closures: Iterable[date] = ()) -> bool:
    """Whether consultants are at work: office hours on a working day that is not closed."""
    wall = local(moment)
    if not is_working_day(wall.date(), closures):
        return False
    return hours.office_open <= wall.time() < hours.office_close


def add_office_minutes(
    hours: JobcentreHours, start: datetime, minutes: int, closures: Iterable[date] = ()
) -> datetime:
    """The instant `minutes` of office time after `start` (time outside office hours is skipped).

    An urgent alert at 06:10 with 60 minutes to be acknowledged is due at 09:00; one at 15:30
    on a Friday is due at 08:30 on Monday.
    """
    closed = frozenset(closures)
    remaining = timedelta(minutes=minutes)
    day = local(start).date()
    for _ in range(MAX_OFFICE_DAYS):
        if is_working_day(day, closed) and hours.office_open < hours.office_close:
            opens = at_local(day, hours.office_open)
            closes = at_local(day, hours.office_close)
            begin = max(opens, start)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    return start + timedelta(minutes=minutes)  # no office hours configured: plain minutes


def on_leave(
    session: Session, kind: ParticipantKind, person_id: int | None, day: date
) -> Leave | None:
    """The leave that covers the day for this person, if any."""
    if person_id is None:
        return None
    query = select(Leave).where(
        Leave.participant_kind == kind,
        Leave.participant_id == person_id,
        col(Leave.first_day) <= day,
        col(Leave.last_day) >= day,
    )
    return session.exec(query).first()
