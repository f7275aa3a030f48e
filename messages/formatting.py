"""Dates and times for the reader's locale, on the Danish wall clock, via Babel's CLDR data."""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_skeleton, format_time

from bot.clock import COPENHAGEN
from messages.languages import language


def format_day(day: date, lang: str) -> str:
    """Weekday and date, e.g. "mandag den 23. november" / "23 Kasım Pazartesi"."""
    return str(format_skeleton("MMMMEEEEd", day, locale=language(lang).locale))


def format_clock(moment: time | datetime, lang: str) -> str:
    """24-hour clock time on the Danish wall clock."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(COPENHAGEN).time()
    return str(format_time(moment, "HH:mm", locale=language(lang).locale))


def format_value(value: object, lang: str) -> str:
    """Any message parameter as the reader should see it."""
    if isinstance(value, datetime):
        local = value.astimezone(COPENHAGEN)
        return f"{format_day(local.date(), lang)} {format_clock(local, lang)}"
    if isinstance(value, date):
        return format_day(value, lang)
    if isinstance(value, time):
        return format_clock(value, lang)
    return str(value)
