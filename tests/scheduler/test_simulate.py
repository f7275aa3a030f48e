"""`makker simulate` runs the real flows for a small cohort, and its figures add up."""

from __future__ import annotations

from datetime import date

from scheduler.simulate import simulate


def test_a_small_cohort_through_two_working_days_adds_up() -> None:
    """Twelve citizens, Monday and Tuesday: every check passes and the counts agree."""
    result = simulate(12, 2, seed_value=3, start=date(2026, 11, 23))
    assert all(ok for _, ok in result.checks), result.checks
    # Monday and Tuesday mornings for twelve citizens (some placements have had their N days)
    first_texts = (
        result.messages_by_kind["wake_up.text"] + result.messages_by_kind["wake_up.still_sick"]
    )
    answered = result.wake_ups["confirmed"] + result.wake_ups["sick"] + result.wake_ups["missed"]
    assert first_texts >= answered > 0
    assert result.messages_by_kind["wake_up.confirmed"] <= result.wake_ups["confirmed"]
    missed_alerts = sum(n for (kind, _), n in result.alerts.items() if kind == "wakeup_missed")
    assert missed_alerts >= result.wake_ups["missed"]
    assert result.replies_sent > 0
    assert result.worst_wake_up_lateness.total_seconds() <= 120  # one-minute steps in the morning
