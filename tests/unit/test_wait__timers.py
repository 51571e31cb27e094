"""WAIT parks a workflow until a duration passes, a moment arrives, or someone completes it.

CONDUCTOR.md §4 WAIT (`duration` / `until` / nothing; both → FAILED_WITH_TERMINAL_ERROR; bad date
→ FAILED_WITH_TERMINAL_ERROR; completes even while PAUSED), §6 (WAIT timers fire while paused),
test-harness #28 and #33 (engine side: completing a blocking WAIT).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orchestrator.systemtasks.wait import parse_duration, parse_until

from .harness import T0, Execution, node, simple, workflow


def wait_flow(**params: Any) -> dict:
    return workflow(node("WAIT", "w", inputParameters=params), simple("after", inputParameters={"w": "${w.output}"}))


def test_duration_completes_by_itself_and_asks_to_be_woken_at_the_deadline() -> None:
    ex = Execution(wait_flow(duration="10s"))
    assert ex.history() == [("w", "IN_PROGRESS")]
    assert ex.next_wakeup == T0 + timedelta(seconds=10)
    ex.advance(9)
    assert ex.decide().is_empty and ex.statuses()["w"] == "IN_PROGRESS"
    ex.advance(1)
    ex.decide()
    assert ex.history() == [("w", "COMPLETED"), ("after", "SCHEDULED")]
    assert ex.task("w").end_time == T0 + timedelta(seconds=10)


def test_until_completes_at_that_moment() -> None:
    ex = Execution(wait_flow(until="2026-01-01 02:30"))
    assert ex.next_wakeup == T0 + timedelta(hours=2, minutes=30)
    ex.advance(2 * 3600 + 30 * 60)
    ex.decide()
    assert ex.statuses() == {"w": "COMPLETED", "after": "SCHEDULED"}


def test_until_with_a_zone_offset() -> None:
    ex = Execution(wait_flow(until="2026-01-01 02:00 +0100"))
    assert ex.next_wakeup == T0 + timedelta(hours=1)
    ex.advance(3600)
    ex.decide()
    assert ex.statuses()["w"] == "COMPLETED"


def test_until_in_the_past_completes_at_once() -> None:
    ex = Execution(wait_flow(until="2025-12-24"))
    assert ex.history() == [("w", "COMPLETED"), ("after", "SCHEDULED")]


def test_duration_from_an_expression() -> None:
    ex = Execution(wait_flow(duration="${workflow.input.d}"), {"d": "1d 2h"})
    assert ex.next_wakeup == T0 + timedelta(days=1, hours=2)


def test_no_input_waits_until_completed_through_the_task_api() -> None:
    ex = Execution(wait_flow())
    assert ex.history() == [("w", "IN_PROGRESS")] and ex.next_wakeup is None
    ex.advance(365 * 86400)
    assert ex.decide().is_empty
    ex.complete("w", {"signal": "go"})
    assert ex.history() == [("w", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("after").input) == {"w": {"signal": "go"}}


def test_a_timed_wait_can_also_be_completed_early() -> None:
    ex = Execution(wait_flow(duration="1h"))
    ex.complete("w", {"early": True})
    assert ex.statuses() == {"w": "COMPLETED", "after": "SCHEDULED"}


def test_both_duration_and_until_fail_the_task_terminally() -> None:
    ex = Execution(wait_flow(duration="10s", until="2026-01-02"))
    assert ex.history() == [("w", "FAILED_WITH_TERMINAL_ERROR")]
    assert ex.task("w").reason == "WAIT takes either duration or until, not both"
    assert ex.status == "FAILED"


# Out of order or repeated units are refused at run time too, by the grammar validation uses
# (Conductor's WaitTask: days, hours, minutes, seconds, in that order, each at most once).
@pytest.mark.parametrize("params", [{"until": "tomorrow"}, {"duration": "10"}, {"duration": "5 fortnights"},
                                    {"duration": "2h 1d"}, {"duration": "1m 1m"}, {"duration": "3 days, 4 hrs"}])
def test_unparseable_input_fails_the_task_terminally(params: dict) -> None:
    ex = Execution(wait_flow(**params))
    assert ex.statuses() == {"w": "FAILED_WITH_TERMINAL_ERROR"} and ex.status == "FAILED"
    assert ex.task("w").output["error"] == ex.task("w").reason


def test_completes_while_paused_and_the_next_task_waits_for_resume() -> None:
    ex = Execution(wait_flow(duration="10s"))
    ex.pause()
    assert ex.decide().is_empty and ex.next_wakeup == T0 + timedelta(seconds=10)
    ex.advance(10)
    ex.decide()
    assert ex.status == "PAUSED" and ex.history() == [("w", "COMPLETED")]
    ex.resume()
    assert ex.history() == [("w", "COMPLETED"), ("after", "SCHEDULED")]


def test_each_loop_iteration_waits_from_its_own_start() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="$.loop['iteration'] < 2",
                        loopOver=[node("WAIT", "w", inputParameters={"duration": "30s"})]))
    ex = Execution(doc)
    ex.advance(30)
    ex.decide()
    assert ex.statuses() == {"loop": "IN_PROGRESS", "w__1": "COMPLETED", "w__2": "IN_PROGRESS"}
    assert ex.next_wakeup == T0 + timedelta(seconds=60)
    ex.advance(30)
    ex.decide()
    assert ex.status == "COMPLETED"


@pytest.mark.parametrize(("text", "seconds"), [
    ("10s", 10), ("2 minutes", 120), ("1d 2h", 93600), ("1h30m", 5400), ("3 days 4 hrs", 273600), ("1D 2H", 93600),
])
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


def test_parse_until_defaults_to_utc() -> None:
    assert parse_until("2026-03-04") == datetime(2026, 3, 4, tzinfo=UTC)
    assert parse_until("2026-03-04 05:06") == datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
