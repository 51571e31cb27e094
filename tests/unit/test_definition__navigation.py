"""`definition.parse`: the node index and `next_after`, which the evaluator walks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestrator.engine.definition import END, WorkflowDefinition
from orchestrator.engine.definition import parse as parse_with
from orchestrator.systemtasks.registry import REGISTRY

from .harness import fork, join, node, simple, switch, workflow


def parse(raw: Mapping[str, Any]) -> WorkflowDefinition:
    return parse_with(raw, REGISTRY)


def doc() -> dict:
    return workflow(
        simple("a"),
        switch("sw", {"x": [simple("x1"), simple("x2")]}, [simple("d1")]),
        fork("f", [simple("b1"), switch("inner", {"y": [simple("y1")]})], [simple("c1")]),
        join("j", "inner", "c1"),
        node("DO_WHILE", "loop", loopCondition="false", loopOver=[simple("l1"), simple("l2")]),
        simple("z", "z_def", type="CUSTOM"),
        name="nav", version=3, timeoutSeconds=9, timeoutPolicy="TIME_OUT_WF", failureWorkflow="fw",
        outputParameters={"o": 1},
    )


def test_every_node_in_the_tree_is_indexed_by_ref() -> None:
    d = parse(doc())
    assert set(d.index) == {"a", "sw", "x1", "x2", "d1", "f", "b1", "inner", "y1", "c1", "j", "loop", "l1", "l2", "z"}
    assert [n.ref for n in d.tasks] == ["a", "sw", "f", "j", "loop", "z"]
    assert d.node("z").type == "CUSTOM" and d.node("z").name == "z_def"
    assert {n.ref for n in d.walk()} == set(d.index)


def test_next_after_follows_lists_and_climbs_out_of_containers() -> None:
    d = parse(doc())

    def after(ref: str) -> str | None:
        nxt = d.next_after(ref)
        return nxt.node.ref if nxt.node is not None else None

    assert after("a") == "sw"
    assert after("x1") == "x2"
    assert after("x2") == "f" and after("d1") == "f"  # end of a case → after the SWITCH
    assert after("y1") == "j" and after("c1") == "j"  # end of a branch (even inside a case) → the JOIN
    assert d.next_after("l2").loop_end == "loop"
    assert d.next_after("z") == END and END.is_end


def test_loop_of_finds_the_enclosing_do_while() -> None:
    d = parse(doc())
    assert d.loop_of("l1") == "loop" and d.loop_of("a") is None and d.loop_of("y1") is None


def test_case_and_branch_helpers() -> None:
    d = parse(doc())
    sw = d.node("sw")
    assert [n.ref for n in d.case_nodes(sw, "x")] == ["x1", "x2"]
    assert [n.ref for n in d.case_nodes(sw, None)] == ["d1"]
    assert d.case_nodes(sw, "nope") == () and d.has_case(sw, "x") and not d.has_case(sw, "nope")
    assert [[n.ref for n in b] for b in d.fork_branches(d.node("f"))] == [["b1", "inner"], ["c1"]]
    assert [n.ref for n in d.loop_body(d.node("loop"))] == ["l1", "l2"]


def test_workflow_level_settings_and_defaults() -> None:
    d = parse(doc())
    assert (d.name, d.version, d.timeout_seconds, d.timeout_policy, d.failure_workflow) == ("nav", 3, 9, "TIME_OUT_WF", "fw")
    assert dict(d.output_parameters) == {"o": 1}
    e = parse({"name": "e", "tasks": []})
    assert (e.version, e.timeout_seconds, e.timeout_policy, e.failure_workflow, e.first()) == (1, 0, "ALERT_ONLY", None, None)
    assert dict(e.output_parameters) == {}


def test_node_flags() -> None:
    n = parse(workflow(simple("a", optional=True, permissive=True, inputParameters={"k": 1}))).node("a")
    assert n.optional and n.permissive and dict(n.input_parameters) == {"k": 1} and n.get("missing", 5) == 5
    m = parse(workflow(simple("b", optional="yes", inputParameters="bad"))).node("b")
    assert not m.optional and dict(m.input_parameters) == {}
