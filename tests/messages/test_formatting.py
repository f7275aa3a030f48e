"""Dates, times and lists as each reader expects them, and how Text is put together."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from messages import TN, T, lines, plain, render
from messages.formatting import format_clock, format_day, format_value

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("da", "tirsdag 24. november"),
        ("en", "Tuesday 24 November"),  # CLDR 47 (Babel 2.19), pinned in constraints.txt
        ("tr", "24 Kasım Salı"),
        ("ar", "الثلاثاء، 24 نوفمبر"),
        ("so", "Talaado, Noofeembar 24"),
        ("ur", "منگل، 24 نومبر"),
        ("uk", "вівторок, 24 листопада"),
        ("fa", "سه\u200cشنبه 24 نوامبر"),
    ],
)
def test_weekday_and_date_per_locale(lang: str, expected: str) -> None:
    """Readers see the weekday and month written out, in their own word order."""
    assert format_day(TUESDAY, lang) == expected


def test_date_parameter_is_formatted_per_reader() -> None:
    """A date passed to T() becomes each reader's own weekday and month names."""
    assert format_value(TUESDAY, "da") == "tirsdag 24. november"
    assert format_value(TUESDAY, "tr") == "24 Kasım Salı"


def test_unknown_language_falls_back_to_danish() -> None:
    """A code without a catalog or locale gets Danish, the default, never an error."""
    assert format_day(TUESDAY, "xx") == "tirsdag 24. november"


@pytest.mark.parametrize("lang", ["da", "en", "tr"])
def test_clock_is_24_hour(lang: str) -> None:
    """Shift times read the same way everywhere in Denmark: 24-hour, zero-padded."""
    assert format_clock(time(7, 5), lang) == "07:05"
    assert format_clock(time(17, 45), lang) == "17:45"


@pytest.mark.parametrize(
    ("utc", "wall_clock"),
    [
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "01:30"),  # still CET (UTC+1)
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "03:30"),  # CEST (UTC+2) from 01:00 UTC
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "02:30"),  # still CEST
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "02:30"),  # CET again: 02:30 twice
    ],
)
def test_clock_is_copenhagen_wall_time_across_dst(utc: datetime, wall_clock: str) -> None:
    """An aware UTC instant is shown as the time on a Danish clock, summer and winter."""
    assert format_clock(utc, "da") == wall_clock


def test_datetime_parameter_uses_the_copenhagen_date() -> None:
    """Late evening UTC is already the next day in Copenhagen; the weekday must follow."""
    moment = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert format_value(moment, "da") == "søndag 29. marts 00:30"
    assert format_value(moment, "tr") == "29 Mart Pazar 00:30"


@pytest.mark.parametrize(
    ("lang", "two", "three"),
    [
        ("da", "A og B", "A, B og C"),
        ("en", "A and B", "A, B and C"),
        ("tr", "A ve B", "A, B ve C"),
    ],
)
def test_lists_are_joined_per_locale(lang: str, two: str, three: str) -> None:
    """The list in "we have told A and B" uses the reader's own word for "and" and comma rules."""
    assert format_value(["A", "B"], lang) == two
    assert format_value(("A", "B", "C"), lang) == three
    assert format_value(["A"], lang) == "A"


def test_list_parameter_in_a_message() -> None:
    """A list passed to T() is joined in the reader's language inside the sentence."""
    text = T("Welcome back! We have told {people}. Have a good day at work.", people=["A", "B"])
    assert "A og B" in render(text, "da")
    assert "A ve B" in render(text, "tr")
    assert render(text, "en") == "Welcome back! We have told A and B. Have a good day at work."


def test_list_of_texts_is_rendered_per_reader() -> None:
    """The people told about an absence are Texts themselves and must be translated too."""
    people = [
        T("{contact} at {employer}", contact="Lars Holm", employer="Bageriet"),
        T("your consultant {name}", name="Mette"),
    ]
    text = T("Welcome back! We have told {people}. Have a good day at work.", people=people)
    assert "Lars Holm hos Bageriet og din jobkonsulent Mette" in render(text, "da")


def test_plain_is_shown_as_is_in_every_language() -> None:
    """Names are never translated, and braces in them are not read as placeholders."""
    for lang in ("da", "en", "tr"):
        assert render(plain("Dansk"), lang) == "Dansk"
        assert render(plain("Ali {Bey}"), lang) == "Ali {Bey}"


def test_plain_date_is_still_formatted_per_reader() -> None:
    """plain() skips translation, not locale formatting: a date keeps the reader's names."""
    assert render(plain(TUESDAY), "da") == "tirsdag 24. november"
    assert render(plain(TUESDAY), "tr") == "24 Kasım Salı"


def test_lines_joins_texts_and_drops_none() -> None:
    """Optional lines (no note, no flags) simply disappear from a multi-line message."""
    message = lines(T("Yes"), None, plain("Lars"), T("No"))
    assert render(message, "en") == "Yes\nLars\nNo"
    assert render(message, "da") == "Ja\nLars\nNej"


def test_lines_of_nothing_is_empty() -> None:
    """A message whose every line was left out must not leak the catalog's header."""
    assert render(lines(None), "da") == ""


def test_lines_render_each_part_in_the_readers_language() -> None:
    """Every line of a consultant notice is translated, parameters included."""
    message = lines(T("Today, {day}", day=TUESDAY), T("No"))
    assert render(message, "tr") == "Bugün, 24 Kasım Salı\nHayır"


@pytest.mark.parametrize(("n", "expected"), [(0, "0 cats"), (1, "1 cat"), (2, "2 cats")])
def test_plural_form_follows_n_in_source_language(n: int, expected: str) -> None:
    """Without a catalog (English), ngettext still picks singular or plural by n."""
    assert render(TN("{n} cat", "{n} cats", n), "en") == expected


@pytest.mark.parametrize(("n", "word"), [(1, "gang "), (2, "gange"), (0, "gange")])
def test_plural_form_follows_n_in_danish(n: int, word: str) -> None:
    """Danish has one form for exactly 1 and another for everything else, 0 included."""
    text = TN(
        "⚠ {name} has been sick {n} time in 30 days.",
        "⚠ {name} has been sick {n} times in 30 days.",
        n,
        name="Ali",
    )
    rendered = render(text, "da")
    assert f"{n} {word}" in rendered
    assert "Ali" in rendered
