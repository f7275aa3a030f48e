"""The simulator's face: a progress bar while it runs, then tables that must add up."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scheduler.simulate import Result, simulate
from scheduler.simulate_interviews import book_interviews


def run_with_progress(citizens: int, days: int, seed_value: int) -> int:
    """Simulate and print; exit code 1 when a consistency check fails."""
    logging.getLogger().setLevel(logging.WARNING)  # per-message logs would drown the bar
    console = Console()
    started = time.monotonic()
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("day {task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("days", total=days)
        result = simulate(
            citizens,
            days,
            seed_value=seed_value,
            book_interviews=book_interviews,
            progress=lambda done, _total: bar.update(task, completed=done),
        )
    print_result(console, result, time.monotonic() - started)
    return 0 if all(ok for _, ok in result.checks) else 1


def _minutes(value: timedelta) -> str:
    """A lateness as minutes and seconds (negative: early)."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    return f"{sign}{abs(seconds) // 60} min {abs(seconds) % 60:02d} s"


def print_result(console: Console, result: Result, elapsed: float) -> None:
    """Summary tables: messages, wake-ups, sickness, alerts, interviews, check-ins, checks."""
    overview = Table(title=f"{result.citizens} citizens × {result.days} days", show_header=False)
    overview.add_row("clock steps", f"{result.steps:,}")
    overview.add_row("messages sent by Makker", f"{sum(result.messages_by_kind.values()):,}")
    overview.add_row("replies written by the cohort", f"{result.replies_sent:,}")
    overview.add_row("sick episodes / sick days", f"{result.sick_episodes} / {result.sick_days}")
    overview.add_row("worst wake-up text lateness", _minutes(result.worst_wake_up_lateness))
    overview.add_row("worst lateness of any message", _minutes(result.worst_lateness))
    overview.add_row("run time", f"{elapsed:.0f} s")
    console.print(overview)
    _counter(console, "Messages by kind", "kind", result.messages_by_kind)
    _counter(console, "Wake-ups", "status", result.wake_ups)
    alerts = Table(title="Alerts")
    alerts.add_column("kind")
    alerts.add_column("severity")
    alerts.add_column("count", justify="right")
    for (kind, severity), count in sorted(result.alerts.items()):
        alerts.add_row(kind, severity, str(count))
    alerts.add_row("total", "", str(sum(result.alerts.values())))
    console.print(alerts)
    _counter(console, "Interviews", "status/attendance", result.interviews)
    _counter(console, "Check-ins", "stage", result.check_ins)
    checks = Table(title="Consistency checks")
    checks.add_column("check")
    checks.add_column("result")
    for name, ok in result.checks:
        checks.add_row(name, "ok" if ok else "FAILED")
    console.print(checks)


def _counter(console: Console, title: str, label: str, counts: dict[str, int]) -> None:
    """One counter as a two-column table with a total."""
    table = Table(title=title)
    table.add_column(label)
    table.add_column("count", justify="right")
    for key, count in sorted(counts.items()):
        table.add_row(key, f"{count:,}")
    table.add_row("total", f"{sum(counts.values()):,}")
    console.print(table)
