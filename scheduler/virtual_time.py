"""Run the scheduler's ticks on a clock that jumps ahead (for `makker chat` and `simulate`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from scheduler.runtime import PLANNERS


@dataclass
class VirtualClock:
    """A clock the caller moves; hand it to bot.clock.clock_source."""

    now: datetime
    last_run: dict[str, datetime] = field(default_factory=dict)

    def __call__(self) -> datetime:
        """The virtual instant."""
        return self.now


def run_ticks(
    engine: Engine,
    clock: VirtualClock,
    until: datetime,
    *,
    step: Callable[[datetime], timedelta] = lambda _: timedelta(minutes=1),
    after_step: Callable[[], object] | None = None,
) -> int:
    """Move the clock to `until`, running each planner whenever its interval has passed.

    `step` says how far one jump goes from a given instant (the simulator jumps further at
    night); `after_step` runs after the planners of each jump (usually one dispatch pass).
    Returns how many jumps were made.
    """
    jumps = 0
    while clock.now < until:
        clock.now = min(clock.now + step(clock.now), until)
        for job_id, planner, seconds in PLANNERS:
            previous = clock.last_run.get(job_id)
            if previous is None or (clock.now - previous).total_seconds() >= seconds:
                planner(engine)
                clock.last_run[job_id] = clock.now
        if after_step is not None:
            after_step()
        jumps += 1
    return jumps
