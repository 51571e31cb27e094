"""`timing.retry_delay_seconds` and the small time helpers (CONDUCTOR.md §3 retryLogic)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchestrator.engine.model import TaskDefinition
from orchestrator.engine.timing import EPOCH, earliest, from_ms, retry_delay_seconds, to_ms

INT_MAX = 2**31 - 1


def tdef(**kw: object) -> TaskDefinition:
    return TaskDefinition(name="t", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("failed_retry_count", [0, 1, 5])
def test_fixed_is_always_the_base_delay(failed_retry_count: int) -> None:
    assert retry_delay_seconds(tdef(retry_delay_seconds=7), failed_retry_count, "id") == 7.0


def test_default_delay_is_sixty_seconds() -> None:
    assert retry_delay_seconds(tdef(), 0, "id") == 60.0


@pytest.mark.parametrize(("count", "expected"), [(0, 6), (1, 12), (2, 18)])
def test_linear_backoff_is_base_times_scale_times_attempt(count: int, expected: int) -> None:
    assert retry_delay_seconds(tdef(retry_logic="LINEAR_BACKOFF", retry_delay_seconds=3, backoff_scale_factor=2),
                               count, "id") == expected


def test_linear_backoff_scale_below_one_counts_as_one() -> None:
    d = tdef(retry_logic="LINEAR_BACKOFF", retry_delay_seconds=3, backoff_scale_factor=0)
    assert retry_delay_seconds(d, 1, "id") == 6


@pytest.mark.parametrize(("count", "expected"), [(0, 5), (1, 10), (2, 20), (3, 40)])
def test_exponential_backoff_doubles(count: int, expected: int) -> None:
    assert retry_delay_seconds(tdef(retry_logic="EXPONENTIAL_BACKOFF", retry_delay_seconds=5), count, "id") == expected


def test_overflow_clamps_to_int_max() -> None:
    assert retry_delay_seconds(tdef(retry_logic="EXPONENTIAL_BACKOFF", retry_delay_seconds=60), 40, "id") == INT_MAX
    assert retry_delay_seconds(tdef(retry_logic="EXPONENTIAL_BACKOFF", retry_delay_seconds=60), 10_000, "id") == INT_MAX
    big = tdef(retry_logic="LINEAR_BACKOFF", retry_delay_seconds=INT_MAX, backoff_scale_factor=INT_MAX)
    assert retry_delay_seconds(big, 3, "id") == INT_MAX


def test_max_retry_delay_caps_the_computed_delay() -> None:
    d = tdef(retry_logic="EXPONENTIAL_BACKOFF", retry_delay_seconds=5, max_retry_delay_seconds=12)
    assert [retry_delay_seconds(d, n, "id") for n in range(4)] == [5, 10, 12, 12]


def test_zero_or_negative_base_means_no_delay() -> None:
    assert retry_delay_seconds(tdef(retry_delay_seconds=0), 3, "id") == 0
    assert retry_delay_seconds(tdef(retry_delay_seconds=-5, retry_logic="EXPONENTIAL_BACKOFF"), 3, "id") == 0


def test_jitter_is_added_after_the_cap_and_depends_only_on_the_task_id() -> None:
    d = tdef(retry_delay_seconds=10, max_retry_delay_seconds=10, backoff_jitter_ms=500)
    values = {task_id: retry_delay_seconds(d, 0, task_id) for task_id in ("a", "b", "c", "d", "e")}
    assert all(10.0 <= v <= 10.5 for v in values.values())
    assert len(set(values.values())) > 1
    assert values == {task_id: retry_delay_seconds(d, 0, task_id) for task_id in values}


def test_no_jitter_by_default() -> None:
    assert retry_delay_seconds(tdef(retry_delay_seconds=1), 0, "anything") == 1.0


def test_epoch_milliseconds_round_trip() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    assert from_ms(to_ms(moment)) == moment
    assert to_ms(None) == 0 and to_ms(EPOCH) == 0
    assert to_ms(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)) == 1000


def test_earliest_ignores_missing_moments() -> None:
    a = datetime(2026, 1, 1, tzinfo=UTC)
    b = datetime(2026, 1, 2, tzinfo=UTC)
    assert earliest(None, b, a, None) == a
    assert earliest() is None and earliest(None) is None
