"""Dates and times for the reader's locale, on the Danish wall clock, via Babel's CLDR data."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cache

from babel import Locale
from babel.dates import format_date, format_time, match_skeleton
from babel.lists import format_list

from bot.clock import COPENHAGEN
from messages.languages import language


@cache
def _day_pattern(locale: str) -> str:
    """CLDR's weekday-day-month pattern, with the weekday and month written out in full."""
    skeletons = Locale.parse(locale).datetime_skeletons
    pattern = str(skeletons[match_skeleton("MMMMEd", skeletons)].pattern)
    pattern = re.sub(r"E+", "EEEE", pattern)
    return re.sub(r"(?<![ML])([ML])\1{2}(?![ML])", r"\1\1\1\1", pattern)


def format_day(day: date, lang: str) -> str:
    """Weekday and date, e.g. "tirsdag 24. november" / "24 Kasım Salı"."""
    locale = language(lang).locale
    return str(format_date(day, _day_pattern(locale), locale=locale))


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
    if isinstance(value, list | tuple):
        items = [format_value(v, lang) for v in value]
        return str(format_list(items, locale=language(lang).locale))
    return str(value)
