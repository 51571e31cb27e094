"""Time arithmetic the evaluator needs: retry delays, deadlines and epoch milliseconds."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from .model import TaskDefinition

_INT_MAX = 2**31 - 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_ms(moment: datetime | None) -> int:
    """Conductor's wire times: epoch milliseconds, 0 for 'not yet'."""
    if moment is None:
        return 0
    return int((moment - EPOCH) / timedelta(milliseconds=1))


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def retry_delay_seconds(tdef: TaskDefinition, failed_retry_count: int, new_task_id: str) -> float:
    """Delay before the next attempt, as Conductor computes it, plus deterministic jitter.

    Jitter is derived from the new attempt's id rather than a random draw so that the
    evaluator stays a pure function of its inputs.
    """
    base = max(0, tdef.retry_delay_seconds)
    if tdef.retry_logic == "EXPONENTIAL_BACKOFF":
        delay = base * (2 ** min(failed_retry_count, 62))
    elif tdef.retry_logic == "LINEAR_BACKOFF":
        delay = base * max(1, tdef.backoff_scale_factor) * (failed_retry_count + 1)
    else:
        delay = base
    delay = min(delay, _INT_MAX)
    if tdef.max_retry_delay_seconds > 0:
        delay = min(delay, tdef.max_retry_delay_seconds)
    jitter = 0.0
    if tdef.backoff_jitter_ms > 0:
        digest = hashlib.blake2b(new_task_id.encode(), digest_size=4).digest()
        jitter = (int.from_bytes(digest, "big") % (tdef.backoff_jitter_ms + 1)) / 1000.0
    return float(delay) + jitter


def earliest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None
