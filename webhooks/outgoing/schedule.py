"""When a failed delivery is tried again: a fixed backoff over about three days, jittered.

| after attempt | 1   | 2     | 3      | 4   | 5   | 6    | 7    | 8    | 9    |
|---------------|-----|-------|--------|-----|-----|------|------|------|------|
| wait (±20 %)  | 5 s | 5 min | 30 min | 2 h | 5 h | 10 h | 14 h | 20 h | 24 h |

Ten attempts in all, the last about 75 hours (3 days) after the first; if it fails too the
delivery is dead-lettered. A 429 or 503 with Retry-After never comes back sooner than asked.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.2  # ±20 %, so retries after a receiver's outage do not arrive in one burst
MAX_RETRY_AFTER = timedelta(hours=24)  # a receiver cannot park its events for longer
RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_delay(attempts: int, rng: random.Random) -> timedelta | None:
    """How long to wait after `attempts` failed attempts; None when it is time to give up."""
    if attempts < 1:
        raise ValueError("a retry follows at least one attempt")
    if attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[attempts - 1] * rng.uniform(1 - JITTER, 1 + JITTER)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds, or an HTTP date) as a wait from now, capped at a day."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        wait = timedelta(seconds=int(text[:9]))  # 9 digits are years; the cap applies anyway
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            return None
        wait = when - now
    return max(timedelta(0), min(wait, MAX_RETRY_AFTER))


def next_attempt_at(
    *, attempts: int, now: datetime, rng: random.Random, retry_after: timedelta | None = None
) -> datetime | None:
    """When to try again after `attempts` failures (never before Retry-After); None: give up."""
    delay = retry_delay(attempts, rng)
    if delay is None:
        return None
    return now + max(delay, retry_after or timedelta(0))
