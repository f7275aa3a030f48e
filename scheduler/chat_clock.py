"""Clock commands for `makker chat`: jump ahead in time and let the scheduler do its work."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine

from bot.clock import COPENHAGEN, at_local, local
from bot.dispatcher import Dispatcher
from bot.models import ChannelKind
from scheduler.virtual_time import VirtualClock, run_ticks

MAX_JUMP = timedelta(days=31)
HELP = "commands: /at HH:MM · /at YYYY-MM-DD HH:MM · /wait MINUTES · /press DIGIT · /time"


class ChatClockError(ValueError):
    """A clock command that cannot be done; the message says why."""


def parse_moment(text: str, now: datetime) -> datetime:
    """A Copenhagen wall-clock time: HH:MM (the next one from now) or YYYY-MM-DD HH:MM."""
    value = text.strip()
    try:
        if len(value) <= 5:
            wall = time.fromisoformat(value)
            today = local(now).date()
            moment = at_local(today, wall)
            return moment if moment > now else at_local(today + timedelta(days=1), wall)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ChatClockError(f"not a time: {value!r}; {HELP}") from None
    if parsed.tzinfo is None:
        return at_local(parsed.date(), parsed.time())
    return parsed.astimezone(COPENHAGEN)


def clock_command(
    line: str, engine: Engine, clock: VirtualClock, phone: str, dispatcher: Dispatcher
) -> str:
    """Do one command; returns what to print."""
    word, _, rest = line.partition(" ")
    if word == "/time":
        return f"clock: {_show(clock.now)}"
    if word == "/press":
        return _press(engine, phone, rest.strip())
    if word == "/at":
        target = parse_moment(rest, clock.now)
    elif word == "/wait":
        try:
            target = clock.now + timedelta(minutes=int(rest))
        except ValueError:
            raise ChatClockError(f"/wait takes whole minutes; {HELP}") from None
    else:
        raise ChatClockError(HELP)
    if target <= clock.now:
        raise ChatClockError("the clock only moves forward")
    if target - clock.now > MAX_JUMP:
        raise ChatClockError("jump at most 31 days at a time")
    run_ticks(engine, clock, target, after_step=lambda: asyncio.run(dispatcher.dispatch_once()))
    return f"clock: {_show(clock.now)}"


def _press(engine: Engine, phone: str, digit: str) -> str:
    """A key pressed in a wake-up call to this phone, as Twilio's gather webhook passes it."""
    from flows.inbox import Inbound, receive

    if len(digit) != 1 or not digit.isdigit():
        raise ChatClockError("/press takes one digit, e.g. /press 1")
    outcome = receive(
        engine,
        Inbound(
            channel=ChannelKind.VOICE,
            address=phone,
            text=digit,
            provider_id=f"chat-call-{uuid.uuid4()}",
        ),
    )
    return f"key {digit} pressed in the call: {outcome}"


def _show(moment: datetime) -> str:
    """A moment as a Copenhagen clock shows it."""
    return local(moment).strftime("%a %Y-%m-%d %H:%M")
