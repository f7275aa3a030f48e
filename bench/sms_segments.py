"""How many SMS segments each message a citizen receives costs, per language (prints a table).

Run: `.venv/bin/python -m bench.sms_segments` (Markdown on stdout; docs/sms-cost.md holds it).

Each message is rendered as the SMS channel sends it: the reader's catalog, their locale's
dates, Unicode isolates around values in right-to-left languages, and the numbered option
lines that bot.channels.base.render_sms appends. A text of GSM 03.38 characters only (basic
set; extension-table characters count twice) is sent as GSM-7: one segment up to 160
characters, else 153 per part. Any other character switches the whole text to UCS-2:
70 UTF-16 code units in one segment, else 67 per part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.channels.base import render_sms
from bot.models import Citizen, Interview
from bot.outbox import Option
from bot.sms import cost
from flows import interview, wake_up_texts
from flows.engine import Choice
from flows.global_commands import CITIZEN_MENU
from flows.sick_day import RETURN_CHOICES, WHO_CHOICES, YES_NO
from messages import T, Text, plain, render
from messages.languages import LANGUAGES

MAX_SEGMENTS = 2

# Sample values: a Tuesday with a long-ish Danish name, an employer and a consultant.
DAY = date(2026, 11, 24)
NEXT_DAY = date(2026, 11, 25)
DAY_CHOICES = (Choice("1", T("Today, {day}", day=DAY)), Choice("2", plain(NEXT_DAY)))
FIRST_NAME = "Mohammed"
PLACE = "Bageriet Nørrebro ApS"  # the address is added on the placement's first day only
SHIFT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Copenhagen
INTERVIEW = Interview(
    jobcentre_id=1,
    citizen_id=1,
    starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),  # Thursday 10:00 in Copenhagen
    address="Nørrebrogade 120, 2200 København N",
    contact_name="Lars Holm",
)
CITIZEN = Citizen(jobcentre_id=1, first_name=FIRST_NAME, last_name="Ali", language="da")
TOLD = [
    T("{contact} at {employer}", contact="Mette Sørensen", employer="Bageriet Nørrebro ApS"),
    T("your consultant {name}", name="Lars Nielsen"),
]


@dataclass(frozen=True)
class Sample:
    """One message kind a citizen receives, with typical values and its options."""

    kind: str
    text: Text
    choices: tuple[Choice, ...] = ()
    bilingual: bool = False  # unknown_sender: Danish and English, whatever the language


def languages_menu() -> tuple[Choice, ...]:
    """The LANGUAGE menu: every language by its own name."""
    return tuple(Choice(str(n), plain(lang.native_name)) for n, lang in enumerate(LANGUAGES, 1))


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "help.menu",
        T(
            "Makker helps you with your job. Answer with a number. "
            "Write STOP to get no more messages."
        ),
        CITIZEN_MENU,
    ),
    Sample(
        "stop.confirm",
        T("You will get no more messages from Makker. Write START to turn them on again."),
    ),
    Sample(
        "start.confirm",
        T("Welcome back. Makker will send you messages again. Write HELP to see what I can do."),
    ),
    Sample(
        "language.menu",
        T("Which language do you want? Answer with a number."),
        languages_menu(),
    ),
    Sample("language.confirm", T("OK. I will write to you in English from now on.")),
    Sample(
        "sick_day.already_reported",
        T(
            "You have already reported sick for {day}. Write RASK when you are back at work.",
            day=DAY,
        ),
    ),
    Sample(
        "sick_day.ask_who",
        T("Sorry you are not well. Is it you or your child who is sick?"),
        WHO_CHOICES,
    ),
    Sample("sick_day.ask_return", T("When do you expect to be back at work?"), RETURN_CHOICES),
    Sample("sick_day.reprompt (1 or 2)", T("Please answer 1 or 2."), WHO_CHOICES),
    Sample("sick_day.reprompt (1, 2 or 3)", T("Please answer 1, 2 or 3."), RETURN_CHOICES),
    Sample(
        "sick_day.confirm (employer + consultant)",
        T(
            "Thank you. We have told {people}. Get well soon! Write RASK when you are back.",
            people=TOLD,
        ),
    ),
    Sample(
        "sick_day.confirm_nobody",
        T("We could not pass your message on to anyone. Please call your jobcentre."),
    ),
    Sample(
        "sick_day.ask_doctor_note",
        T("You have been sick for 3 work days. Do you have a doctor's note (lægeerklæring)?"),
        YES_NO,
    ),
    Sample("sick_day.doctor_note_thanks", T("Thank you. Your consultant knows now.")),
    Sample("back_to_work.not_sick", T("You are not registered as sick. Have a good day at work!")),
    Sample(
        "back_to_work.ask_day",
        T("Good to hear! When are you back at work?"),
        DAY_CHOICES,
    ),
    Sample("back_to_work.reprompt", T("Please answer 1 or 2."), DAY_CHOICES),
    Sample(
        "back_to_work.confirm (employer + consultant)",
        T("Welcome back! We have told {people}. Have a good day at work.", people=TOLD),
    ),
    Sample("back_to_work.confirm (nobody)", T("Welcome back! Have a good day at work.")),
    Sample(
        "wake_up.text",
        wake_up_texts.first_text(FIRST_NAME, PLACE, SHIFT),
        wake_up_texts.UP_OR_SICK,
    ),
    Sample(
        "wake_up.text (first day, with address)",
        wake_up_texts.first_text(FIRST_NAME, f"{PLACE}, Nørrebrogade 120", SHIFT),
        wake_up_texts.UP_OR_SICK,
    ),
    Sample(
        "wake_up.reminder",
        wake_up_texts.reminder_text(FIRST_NAME, PLACE, SHIFT),
        wake_up_texts.UP_OR_SICK,
    ),
    Sample("wake_up.call_notice", wake_up_texts.call_notice(), wake_up_texts.UP_OR_SICK),
    Sample(
        "wake_up.still_sick",
        wake_up_texts.still_sick_question(FIRST_NAME, SHIFT),
        wake_up_texts.STILL_SICK_CHOICES,
    ),
    Sample("wake_up.confirmed", wake_up_texts.CONFIRMED),
    Sample("wake_up.still_sick_thanks", wake_up_texts.still_sick_reply(TOLD[:1])),
    Sample("interview.booked", interview._booked_text(None, INTERVIEW, CITIZEN)),  # type: ignore[arg-type]
    Sample("interview.tips", interview._tips_text(INTERVIEW, CITIZEN)),
    Sample("interview.leave", interview._leave_text(INTERVIEW)),
    Sample(
        "unknown_sender (da + en, any number)",
        T(
            "This number is not registered with a jobcentre in Makker. "
            "Please contact your jobcentre."
        ),
        bilingual=True,
    ),
)


def sms_body(sample: Sample, lang: str) -> str:
    """The text the SMS channel sends for this sample in this language."""
    if sample.bilingual:
        return f"{render(sample.text, 'da')}\n\n{render(sample.text, 'en')}"
    options = tuple(Option(c.value, render(c.label, lang)) for c in sample.choices)
    return render_sms(render(sample.text, lang), options)


def segments(body: str) -> tuple[int, str, int]:
    """(segments, encoding, length in that encoding's units) of one SMS body."""
    found = cost(body)
    return found.segments, found.encoding, found.length


def table() -> str:
    """The Markdown table: one row per message kind, one column per language."""
    codes = [lang.code for lang in LANGUAGES]
    rows = [
        "| message kind | " + " | ".join(codes) + " |",
        "|---|" + "---|" * len(codes),
    ]
    for sample in SAMPLES:
        cells = []
        for code in codes:
            count, encoding, length = segments(sms_body(sample, code))
            mark = f"**{count}**" if count > MAX_SEGMENTS else str(count)
            cells.append(f"{mark} ({'G' if encoding == 'GSM' else 'U'}{length})")
        rows.append(f"| {sample.kind} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def over_limit() -> list[str]:
    """Every (kind, language) that needs more than two segments."""
    found = []
    for sample in SAMPLES:
        for lang in LANGUAGES:
            count, encoding, length = segments(sms_body(sample, lang.code))
            if count > MAX_SEGMENTS:
                where = f"{sample.kind}, {lang.code}"
                found.append(f"- {where}: {count} segments ({encoding}, {length})")
    return found


if __name__ == "__main__":
    print(table())
    print()
    print("Cells: segments (G = GSM-7 / U = UCS-2, then length in characters / code units).")
    print(f"Over {MAX_SEGMENTS} segments:")
    print("\n".join(over_limit()) or "- none")
