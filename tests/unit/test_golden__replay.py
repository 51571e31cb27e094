"""Replays every decider case in tests/golden/*.json through the in-memory harness.

A case is a Conductor workflow definition, its input, task definitions and a list of steps; the
expected end state (and optionally the state after a step) pins the decider's behaviour:

    {"description": "...", "definition": {WorkflowDef}, "input": {...}, "taskDefs": [{TaskDef}],
     "schemas": [{"name": "order", "version": 1, "data": {JSON Schema}}],
     "steps": [{"action": "complete", "ref": "t1", "output": {...}},
               {"action": "fail", "ref": "t1", "reason": "...", "terminal": false, "output": {...}},
               {"action": "report", "ref": "t1", "status": "IN_PROGRESS", "callbackAfterSeconds": 5},
               {"action": "poll", "ref": "t1"}, {"action": "advance", "seconds": 10},
               {"action": "decide"}, {"action": "pause"}, {"action": "resume"}],
     "expect": {"status": "COMPLETED", "output": {...}, "tasks": {"t1": "COMPLETED"}}}

`tasks` maps each ref to the status of its latest attempt and must list every ref. Optional
expectations: `history` (every attempt as [ref, status], in creation order), `reason`,
`failedReferenceTaskNames`, `variables`, `pollable` (refs a worker could poll now).
Any step may carry its own `expect` with the same keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orchestrator.engine.schemas import SchemaRef
from orchestrator.schemas.validation import CachedSchemas

from .harness import Execution

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = sorted(GOLDEN.glob("*.json"))
ACTIONS = {"complete", "fail", "report", "poll", "advance", "decide", "pause", "resume"}
EXPECT_KEYS = {"status", "output", "tasks", "history", "reason", "failedReferenceTaskNames", "variables", "pollable"}


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path) -> None:
    case = json.loads(path.read_text())
    assert {"description", "definition", "steps", "expect"} <= set(case), f"{path.name}: missing keys"
    defs = {d["name"]: d for d in case.get("taskDefs") or []}
    ex = Execution(case["definition"], case.get("input") or {}, defs, schemas=registered(case.get("schemas") or []))
    for number, step in enumerate(case["steps"], 1):
        where = f"{path.name} step {number} {step}"
        run_step(ex, step, where)
        if "expect" in step:
            check(ex, step["expect"], where)
    check(ex, case["expect"], f"{path.name} final state")


def registered(docs: list[dict[str, Any]]) -> CachedSchemas:
    """The case's schemas as the engine's registry, each also its name's latest version."""
    by_ref: dict[SchemaRef, Any] = {}
    for doc in sorted(docs, key=lambda d: d.get("version", 1)):
        by_ref[SchemaRef(doc["name"], doc.get("version", 1))] = by_ref[SchemaRef(doc["name"])] = doc["data"]

    def load(ref: SchemaRef) -> tuple[Any, Any] | None:
        return (1, by_ref[ref]) if ref in by_ref else None

    return CachedSchemas(load)


def run_step(ex: Execution, step: dict[str, Any], where: str) -> None:
    action = step.get("action")
    assert action in ACTIONS, f"{where}: unknown action"
    if action == "complete":
        ex.complete(step["ref"], step.get("output") or {})
    elif action == "fail":
        ex.fail(step["ref"], step.get("reason", "boom"), bool(step.get("terminal")), step.get("output"))
    elif action == "report":
        ex.report(step["ref"], step["status"], step.get("output"), step.get("reason"),
                  step.get("callbackAfterSeconds", 0))
    elif action == "poll":
        ex.poll(step["ref"])
    elif action == "advance":
        ex.advance(step["seconds"])
    elif action == "decide":
        ex.decide()
    elif action == "pause":
        ex.pause()
    else:
        ex.resume()


def check(ex: Execution, expect: dict[str, Any], where: str) -> None:
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"{where}: unknown expectations {unknown}"
    if "status" in expect:
        assert ex.status == expect["status"], where
    if "tasks" in expect:
        assert ex.statuses() == expect["tasks"], where
    if "history" in expect:
        assert [list(h) for h in ex.history()] == expect["history"], where
    if "output" in expect:
        assert dict(ex.wf.output) == expect["output"], where
    if "reason" in expect:
        assert ex.wf.reason == expect["reason"], where
    if "failedReferenceTaskNames" in expect:
        assert ex.failed_refs == expect["failedReferenceTaskNames"], where
    if "variables" in expect:
        assert dict(ex.wf.variables) == expect["variables"], where
    if "pollable" in expect:
        open_refs = {t.ref for t in ex.tasks if t.status.value == "SCHEDULED"}
        assert sorted(r for r in open_refs if ex.pollable(r)) == sorted(expect["pollable"]), where
