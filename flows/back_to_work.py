"""Back to work: "rask", "better", … closes the absence and tells employer and consultant.

```mermaid
flowchart TD
    R["RASK / better / iyiyim / menu 3"] --> O{"open absence?"}
    O -- no --> N["You are not registered as sick"]
    O -- yes --> T{"shift still ahead today?"}
    T -- yes --> Q["Back today or on the next work day? 1 · 2"] --> C
    T -- no --> C["Absence closed · employer and consultant told the day"]
```
"""

from __future__ import annotations

from datetime import date, datetime

from bot.clock import local
from bot.models import Citizen, MessageStatus
from flows.answers import pick
from flows.attendance import EVENING, next_work_day, shift_bounds, work_days_between, works_on
from flows.engine import Choice, Turn
from flows.people import PlacementView, consultant_of, current_placements, unique_contacts
from flows.sick_day import open_absence
from messages import TN, T, Text, plain

FLOW = "back_to_work"


def start(turn: Turn, citizen: Citizen) -> None:
    """Close the absence now, or ask which day when today's shift is still ahead."""
    absence = open_absence(turn.session, citizen)
    if absence is None:
        turn.reply(
            T("You are not registered as sick. Have a good day at work!"),
            kind="back_to_work.not_sick",
        )
        turn.finish()
        return
    today = local(turn.now).date()
    views = current_placements(turn.session, citizen, today)
    next_day = next_work_day(views, today)
    if not _today_still_possible(views, today, turn.now):
        close(turn, citizen, next_day)
        return
    turn.goto(FLOW, "ask_day", next_day=next_day.isoformat())
    turn.reply(
        T("Good to hear! When are you back at work?"),
        kind="back_to_work.ask_day",
        choices=_day_choices(today, next_day),
    )


def _day_choices(today: date, next_day: date) -> tuple[Choice, ...]:
    """Today or the next work day, by date."""
    return (Choice("1", T("Today, {day}", day=today)), Choice("2", plain(next_day)))


def _today_still_possible(views: list[PlacementView], today: date, now: datetime) -> bool:
    """Before today's shift ends (or, with no schedule, before evening on a work day)."""
    bounds = shift_bounds(views, today)
    if bounds is not None:
        return now < bounds[1]
    return works_on(views, today) and local(now).hour < EVENING


def handle(turn: Turn, citizen: Citizen, step: str) -> bool:
    """Take the answer to "which day"; False when not understood."""
    if step != "ask_day":
        return False
    value = pick(turn.text, {"1": 1, "2": 2})
    if value is None:
        return False
    today = local(turn.now).date()
    day = today if value == "1" else date.fromisoformat(turn.data["next_day"])
    close(turn, citizen, day)
    return True


def reprompt(turn: Turn, step: str) -> None:
    """Ask again which day."""
    today = local(turn.now).date()
    next_day = date.fromisoformat(turn.data["next_day"])
    turn.reply(
        T("Please answer 1 or 2."),
        kind="back_to_work.reprompt",
        choices=_day_choices(today, next_day),
    )


def close(turn: Turn, citizen: Citizen, day: date) -> None:
    """Close the absence and tell everyone who was told about it."""
    absence = open_absence(turn.session, citizen)
    if absence is None:
        turn.finish()
        return
    absence.closed_at = turn.now
    absence.return_day = day
    turn.session.add(absence)
    views = current_placements(turn.session, citizen, day)
    informed: list[Text] = []
    for view in unique_contacts(views):
        message = turn.tell(
            view.contact,
            T("{name} is back at work from {day}.", name=citizen.full_name, day=day),
            kind="back_to_work.employer_notice",
        )
        if message is not None and message.status != MessageStatus.SUPPRESSED:
            informed.append(
                T("{contact} at {employer}", contact=view.contact.name, employer=view.employer.name)
            )
    consultant = consultant_of(turn.session, citizen)
    if consultant is not None:
        last_sick_day = absence.last_reported_day or absence.first_day
        days = work_days_between(views, absence.first_day, max(last_sick_day, absence.first_day))
        message = turn.tell(
            consultant,
            TN(
                "{name} is back at work from {day}. Absent since {first} ({n} work day).",
                "{name} is back at work from {day}. Absent since {first} ({n} work days).",
                max(days, 1),
                name=citizen.full_name,
                day=day,
                first=absence.first_day,
            ),
            kind="back_to_work.consultant_notice",
        )
        if message is not None and message.status != MessageStatus.SUPPRESSED:
            informed.append(T("your consultant {name}", name=consultant.name))
    turn.reply(
        T("Welcome back! We have told {people}. Have a good day at work.", people=informed)
        if informed
        else T("Welcome back! Have a good day at work."),
        kind="back_to_work.confirm",
    )
    turn.finish()
