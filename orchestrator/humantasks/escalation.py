"""Escalation, decided (pure; time is given, never read): what a human task's chain does next.

A row carries its chain (the steps and the exhaustion policy, as resolved when the task was
first seen), how many steps have been applied (`level`) and since when (`since`: the last step's
time, or when the task was scheduled). Step k applies `steps[k].after` after `since`; after the
last step its `after` elapses once more and then `onEscalationExhausted` applies, if set. A
claim does not stop the clock: "unassigned or undecided" both escalate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from orchestrator.systemtasks.human_timing import (
    DEFAULT_PRIORITY,
    Exhausted,
    Step,
    due_of,
    exhausted_of,
    priority_of,
    step_of,
)


@dataclass(frozen=True)
class Chain:
    steps: tuple[Step, ...]
    exhausted: Exhausted | None = None


@dataclass(frozen=True)
class RowState:
    """What the decision needs to know about a row."""

    open: bool  # OPEN or CLAIMED: nobody decided yet
    chain: Chain
    level: int  # steps applied so far
    since: datetime  # when the last step applied (or the task was scheduled)


@dataclass(frozen=True)
class Escalate:
    level: int  # the level after this step (1 = the first step applied)
    step: Step


@dataclass(frozen=True)
class Exhaust:
    policy: Exhausted


Action = Escalate | Exhaust


def due_at(state: RowState) -> datetime | None:
    """When the next step (or the exhaustion) is due; None when nothing more will happen."""
    steps = state.chain.steps
    if not state.open or not steps:
        return None
    if state.level < len(steps):
        return state.since + steps[state.level].after
    if state.chain.exhausted is not None and state.level == len(steps):
        return state.since + steps[-1].after
    return None


def next_escalation(state: RowState, now: datetime) -> Action | None:
    """The action due at `now`, or None. One action per call: a sweep that runs late applies the
    steps one by one (each from the time it applied), so a late sweep never skips a group."""
    at = due_at(state)
    if at is None or now < at:
        return None
    if state.level < len(state.chain.steps):
        return Escalate(state.level + 1, state.chain.steps[state.level])
    assert state.chain.exhausted is not None  # due_at returned a time
    return Exhaust(state.chain.exhausted)


def chain_of(inputs: Mapping[str, Any]) -> Chain:
    """The chain in a task's resolved input; unusable steps (a `${...}` that resolved to nothing)
    are dropped rather than failing the task."""
    raw = inputs.get("escalation")
    steps: list[Step] = []
    for spec in raw if isinstance(raw, list) else []:
        try:
            steps.append(step_of(spec))
        except ValueError:
            continue
    try:
        exhausted = exhausted_of(inputs["onEscalationExhausted"]) if "onEscalationExhausted" in inputs else None
    except ValueError:
        exhausted = None
    return Chain(tuple(steps), exhausted if steps else None)


def chain_to_json(chain: Chain) -> dict[str, Any]:
    """As stored on the row (JSON)."""
    steps = [{"after": s.after.total_seconds(), "assignees": list(s.users), "groups": list(s.groups)}
             for s in chain.steps]
    out: dict[str, Any] = {"steps": steps}
    if chain.exhausted is not None:
        out["onExhausted"] = {"action": chain.exhausted.action, "output": dict(chain.exhausted.output)}
    return out


def chain_from_json(value: Mapping[str, Any] | None) -> Chain:
    value = value or {}
    steps: Sequence[Mapping[str, Any]] = value.get("steps") or []
    parsed = tuple(Step(timedelta(seconds=float(s["after"])), tuple(s.get("assignees") or ()),
                        tuple(s.get("groups") or ())) for s in steps)
    policy = value.get("onExhausted")
    exhausted = Exhausted(policy["action"], policy.get("output") or {}) if policy else None
    return Chain(parsed, exhausted)


def row_fields(inputs: Mapping[str, Any], scheduled: datetime) -> dict[str, Any]:
    """The HumanTask fields a task's resolved input sets for due time, priority and escalation."""
    try:
        priority = priority_of(inputs.get("priority"))
    except ValueError:
        priority = DEFAULT_PRIORITY  # a `${...}` that resolved to something else
    chain = chain_of(inputs)
    return {"due_at": due_of(inputs, scheduled), "priority": priority, "escalation": chain_to_json(chain),
            "escalation_level": 0, "next_escalation_at": due_at(RowState(True, chain, 0, scheduled))}
