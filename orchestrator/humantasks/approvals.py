"""N-of-M approvals, pure: the policy a HUMAN task's `approvals` input sets, what one more vote
does, and the output of the deciding vote.

    approvals: {"required": 2, "rejectionsToFail": 1}

The task completes with the `required`-th approval from distinct eligible users and fails with
the `rejectionsToFail`-th rejection (default 1); any vote before that is recorded and the task
goes back to OPEN for the next approver. Who may vote is the transition table's business
(transitions.ELIGIBLE: an earlier voter of the same task may not vote again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Policy:
    required: int = 1
    rejections_to_fail: int = 1


@dataclass(frozen=True)
class Vote:
    by: str
    at: str  # ISO-8601, as it goes into the task's output
    approve: bool
    data: Mapping[str, Any]
    reason: str = ""


class Outcome(Enum):
    PENDING = "PENDING"  # recorded; the task waits for the next approver
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"


def _count(value: Any, default: int) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return value if ok else default


def policy_of(task_input: Mapping[str, Any]) -> Policy | None:
    """The task's policy, or None for a task one decision settles (no `approvals` input). A
    malformed value (registration refuses it; an expression may still resolve to junk) counts
    as the default 1."""
    spec = task_input.get("approvals")
    if not isinstance(spec, Mapping):
        return None
    return Policy(_count(spec.get("required"), 1), _count(spec.get("rejectionsToFail"), 1))


def outcome(policy: Policy, earlier: Sequence[Vote], vote: Vote) -> Outcome:
    votes = [*earlier, vote]
    if not vote.approve:
        rejections = sum(1 for v in votes if not v.approve)
        return Outcome.FAIL if rejections >= policy.rejections_to_fail else Outcome.PENDING
    approvals = sum(1 for v in votes if v.approve)
    return Outcome.COMPLETE if approvals >= policy.required else Outcome.PENDING


def _entry(v: Vote) -> dict[str, Any]:
    return {"by": v.by, "at": v.at, "data": dict(v.data)}


def output(earlier: Sequence[Vote], vote: Vote) -> dict[str, Any]:
    """The task's output when `vote` decides: the last form data, every approval, the decider
    (and on a rejection the rejections with their reasons)."""
    votes = [*earlier, vote]
    out: dict[str, Any] = {**vote.data, "approvals": [_entry(v) for v in votes if v.approve],
                           "decidedBy": vote.by}
    if not vote.approve:
        out["rejections"] = [{**_entry(v), "reason": v.reason} for v in votes if not v.approve]
    return out


def progress(policy: Policy, votes: Sequence[Vote]) -> str:
    """The task page's line, e.g. "1 of 2 approvals"."""
    def counted(n: int, of: int, noun: str) -> str:
        return f"{n} of {of} {noun}{'s' if of != 1 else ''}"

    text = counted(sum(1 for v in votes if v.approve), policy.required, "approval")
    rejections = sum(1 for v in votes if not v.approve)
    if rejections:
        text += ", " + counted(rejections, policy.rejections_to_fail, "rejection")
    return text
