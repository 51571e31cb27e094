"""DO_WHILE runs its body again while `loopCondition` holds, or once per item of `items`.

CONDUCTOR.md §4 DO_WHILE and test-harness #23 (2 iterations over several tasks, counter in the
output, single iteration, multiple loops, loop inside a fork, SWITCH / SET_VARIABLE in the body,
`$.loopRef['iteration']` in the condition), #25 (TERMINATE inside a DO_WHILE).
"""

from __future__ import annotations

from typing import Any

from .harness import Execution, fork, join, node, simple, switch, workflow


def loop(ref: str, body: list[dict[str, Any]], condition: str = "", **extra: Any) -> dict[str, Any]:
    return node("DO_WHILE", ref, loopCondition=condition, loopOver=body, **extra)


def inline(ref: str, expression: str, **params: Any) -> dict[str, Any]:
    return node("INLINE", ref, inputParameters={"expression": expression, "evaluatorType": "graaljs", **params})


def test_two_iterations_over_several_tasks_suffix_refs_and_collect_outputs() -> None:
    doc = workflow(
        loop("loop", [simple("a"), simple("b"), simple("c")], "$.loop['iteration'] < 2"),
        simple("after", inputParameters={"n": "${loop.output.iteration}", "all": "${loop.output}"}),
    )
    ex = Execution(doc)
    assert ex.history() == [("loop", "IN_PROGRESS"), ("a__1", "SCHEDULED")]
    for n in (1, 2):
        for ref in ("a", "b", "c"):
            ex.complete(f"{ref}__{n}", {ref: n})
    assert ex.history() == [
        ("loop", "COMPLETED"),
        ("a__1", "COMPLETED"), ("b__1", "COMPLETED"), ("c__1", "COMPLETED"),
        ("a__2", "COMPLETED"), ("b__2", "COMPLETED"), ("c__2", "COMPLETED"),
        ("after", "SCHEDULED"),
    ]
    assert [(t.ref, t.node_ref, t.iteration) for t in ex.tasks if t.node_ref == "b"] == [("b__1", "b", 1), ("b__2", "b", 2)]
    expected = {"iteration": 2, "1": {"a": {"a": 1}, "b": {"b": 1}, "c": {"c": 1}},
                "2": {"a": {"a": 2}, "b": {"b": 2}, "c": {"c": 2}}}
    assert dict(ex.task("loop").output) == expected
    assert dict(ex.task("after").input) == {"n": 2, "all": expected}
    assert ex.task("loop").iteration == 2


def test_single_iteration_when_the_condition_is_false_at_once() -> None:
    ex = Execution(workflow(loop("loop", [simple("a")], "false"), simple("after")))
    ex.complete("a__1", {"x": 1})
    assert ex.history() == [("loop", "COMPLETED"), ("a__1", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("loop").output) == {"iteration": 1, "1": {"a": {"x": 1}}}


def test_condition_sees_the_loop_input_and_the_body_outputs() -> None:
    doc = workflow(loop("loop", [simple("poll")], "$.poll['status'] != $.wanted && $.loop['iteration'] < 10",
                        inputParameters={"wanted": "${workflow.input.wanted}"}))
    ex = Execution(doc, {"wanted": "DONE"})
    ex.complete("poll__1", {"status": "PENDING"})
    ex.complete("poll__2", {"status": "PENDING"})
    ex.complete("poll__3", {"status": "DONE"})
    assert ex.status == "COMPLETED" and ex.task("loop").output["iteration"] == 3


def test_body_refs_resolve_to_the_latest_iteration() -> None:
    doc = workflow(
        loop("loop", [simple("a"), simple("b", inputParameters={"prev": "${a.output.v}", "first": "${a__1.output.v}",
                                                               "it": "${a.iteration}"})],
             "$.loop['iteration'] < 3"),
        simple("after", inputParameters={"last": "${a.output.v}", "ref": "${b.referenceTaskName}"}),
    )
    ex = Execution(doc)
    for n in (1, 2, 3):
        ex.complete(f"a__{n}", {"v": n * 10})
        assert dict(ex.task(f"b__{n}").input) == {"prev": n * 10, "first": 10, "it": n}
        ex.complete(f"b__{n}")
    assert dict(ex.task("after").input) == {"last": 30, "ref": "b__3"}


def test_a_counter_kept_in_workflow_variables_by_a_system_task_body() -> None:
    doc = workflow(
        node("SET_VARIABLE", "init", inputParameters={"count": 0}),
        loop("loop", [
            inline("inc", "$.count + 1", count="${workflow.variables.count}"),
            node("SET_VARIABLE", "store", inputParameters={"count": "${inc.output.result}"}),
        ], "$.loop['iteration'] < 5"),
        simple("after", inputParameters={"count": "${workflow.variables.count}"}),
    )
    ex = Execution(doc)
    assert ex.task("after").input["count"] == 5
    assert dict(ex.wf.variables) == {"count": 5}
    assert [ex.task(f"inc__{n}").output["result"] for n in range(1, 6)] == [1, 2, 3, 4, 5]


def test_keep_last_n_trims_old_iterations_from_the_output() -> None:
    doc = workflow(loop("loop", [inline("x", "$.i", i="${loop.output.iteration}")], "$.loop['iteration'] < 5",
                        inputParameters={"keepLastN": 2}))
    ex = Execution(doc)
    assert ex.status == "COMPLETED"
    assert dict(ex.task("loop").output) == {"iteration": 5, "4": {"x": {"result": 4}}, "5": {"x": {"result": 5}}}


def test_for_each_items_exposes_loop_item_and_index() -> None:
    doc = workflow(
        loop("loop", [inline("x", "$.item + '@' + $.index", item="${loop.output.loopItem}",
                             index="${loop.output.loopIndex}")], items="${workflow.input.items}"),
        simple("after"),
    )
    ex = Execution(doc, {"items": ["a", "b", "c"]})
    assert [ex.task(f"x__{n}").output["result"] for n in (1, 2, 3)] == ["a@0", "b@1", "c@2"]
    assert ex.task("loop").output["iteration"] == 3 and ex.scheduled() == ["after"]


def test_for_each_over_the_items_input_key() -> None:
    doc = workflow(loop("loop", [inline("x", "$.item", item="${loop.output.loopItem}")],
                        inputParameters={"_items": [1, 2]}))
    ex = Execution(doc)
    assert ex.status == "COMPLETED" and [ex.task(f"x__{n}").output["result"] for n in (1, 2)] == [1, 2]


def test_for_each_over_an_empty_list_completes_with_iteration_zero() -> None:
    doc = workflow(loop("loop", [simple("a")], items="${workflow.input.items}"), simple("after"))
    ex = Execution(doc, {"items": []})
    assert ex.history() == [("loop", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("loop").output) == {"iteration": 0}


def test_switch_inside_the_body_picks_a_case_per_iteration() -> None:
    doc = workflow(
        loop("loop", [switch("sw", {"1": [simple("one")], "2": [simple("two")]}, [simple("other")],
                             value="${loop.output.iteration}"), simple("z")], "$.loop['iteration'] < 3"),
        simple("after"),
    )
    ex = Execution(doc)
    ex.complete("one__1")
    ex.complete("z__1")
    ex.complete("two__2")
    ex.complete("z__2")
    ex.complete("other__3")
    ex.complete("z__3")
    assert ex.history() == [
        ("loop", "COMPLETED"), ("sw__1", "COMPLETED"), ("one__1", "COMPLETED"), ("z__1", "COMPLETED"),
        ("sw__2", "COMPLETED"), ("two__2", "COMPLETED"), ("z__2", "COMPLETED"),
        ("sw__3", "COMPLETED"), ("other__3", "COMPLETED"), ("z__3", "COMPLETED"), ("after", "SCHEDULED"),
    ]
    assert [ex.task(f"sw__{n}").output["selectedCase"] for n in (1, 2, 3)] == ["1", "2", "3"]


def test_fork_inside_the_body_joins_each_iteration() -> None:
    doc = workflow(loop("loop", [fork("f", [simple("a")], [simple("b")]), join("j", "a", "b")],
                        "$.loop['iteration'] < 2"))
    ex = Execution(doc)
    ex.complete("b__1", {"b": 1})
    ex.complete("a__1", {"a": 1})
    assert ex.statuses()["j__1"] == "COMPLETED" and set(ex.scheduled()) == {"a__2", "b__2"}
    ex.complete("a__2", {"a": 2})
    ex.complete("b__2", {"b": 2})
    assert ex.status == "COMPLETED"
    assert dict(ex.task("j__2").output) == {"a__2": {"a": 2}, "b__2": {"b": 2}}


def test_loop_inside_a_fork_branch() -> None:
    doc = workflow(
        fork("f", [loop("loop", [simple("t")], "$.loop['iteration'] < 2")], [simple("b")]),
        join("j", "loop", "b"),
        simple("after", inputParameters={"j": "${j.output}"}),
    )
    ex = Execution(doc)
    ex.complete("t__1", {"x": 1})
    ex.complete("b", {"b": 1})
    assert ex.statuses()["j"] == "IN_PROGRESS"
    ex.complete("t__2", {"x": 2})
    assert ex.statuses()["j"] == "COMPLETED"
    assert ex.task("after").input["j"] == {"loop": {"iteration": 2, "1": {"t": {"x": 1}}, "2": {"t": {"x": 2}}},
                                           "b": {"b": 1}}


def test_two_loops_in_a_row_each_count_from_one() -> None:
    doc = workflow(loop("l1", [simple("a")], "$.l1['iteration'] < 2"), loop("l2", [simple("b")], "$.l2['iteration'] < 2"))
    ex = Execution(doc)
    for ref in ("a__1", "a__2", "b__1", "b__2"):
        ex.complete(ref)
    assert ex.status == "COMPLETED"
    assert [ref for ref, _ in ex.history()] == ["l1", "a__1", "a__2", "l2", "b__1", "b__2"]


def test_terminate_inside_the_body_ends_the_workflow_and_cancels_the_loop() -> None:
    doc = workflow(
        loop("loop", [simple("a"), switch("sw", {"stop": [node("TERMINATE", "end", inputParameters={
            "terminationStatus": "TERMINATED", "workflowOutput": {"at": "${loop.output.iteration}"}})]},
            value="${a.output.next}")], "true"),
        simple("after"),
    )
    ex = Execution(doc)
    ex.complete("a__1", {"next": "go"})
    ex.complete("a__2", {"next": "stop"})
    assert ex.status == "TERMINATED" and dict(ex.wf.output) == {"at": 2}
    assert ex.statuses()["loop"] == "CANCELED" and "after" not in ex.statuses()


def test_condition_inputs_are_resolved_again_for_every_iteration() -> None:
    doc = workflow(
        node("SET_VARIABLE", "init", inputParameters={"count": 0}),
        loop("loop", [
            inline("inc", "$.c + 1", c="${workflow.variables.count}"),
            node("SET_VARIABLE", "store", inputParameters={"count": "${inc.output.result}"}),
        ], "$.count < 3 && $.seen == $.loop['iteration']",
            inputParameters={"count": "${workflow.variables.count}", "seen": "${loop.output.iteration}"}),
    )
    ex = Execution(doc)
    assert ex.status == "COMPLETED" and ex.task("loop").output["iteration"] == 3


def test_a_branch_the_join_does_not_wait_for_stays_in_its_own_iteration() -> None:
    doc = workflow(loop("loop", [fork("f", [simple("a"), simple("a2")], [simple("b")]), join("j", "b")],
                        "$.loop['iteration'] < 2"))
    ex = Execution(doc)
    ex.complete("b__1")
    assert set(ex.scheduled()) == {"a__1", "a__2", "b__2"}
    ex.complete("a__1")
    assert "a2__1" in ex.scheduled() and "a2__2" not in ex.statuses()
    ex.complete("a__2")
    assert {"a2__1", "a2__2"} <= set(ex.scheduled())
