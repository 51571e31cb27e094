"""A permissive task's failure stops nothing: what follows it runs, sibling branches go on, and
the workflow fails at the end with its reason (a JOIN on it fails once all it joins have ended).

CONDUCTOR.md §2 `permissive`, §6 (RUNNING → FAILED: "a permissive failure at the end") and
test-harness #10, #21.
"""

from __future__ import annotations

from .harness import Execution, fork, join, node, simple, workflow

DEFS = {"p": {"name": "p", "retryCount": 0}}


def reason_of(ex: Execution, ref: str, text: str) -> str:
    return f"Task {ex.task(ref).task_id} failed with status: FAILED and reason: '{text}'"


def test_following_task_runs_and_the_workflow_fails_at_the_end_with_its_reason() -> None:
    doc = workflow(simple("p", permissive=True), simple("next", inputParameters={"p": "${p.status}"}),
                   outputParameters={"p": "${p.output.err}", "next": "${next.output.v}"})
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "permissive broke", output={"err": 1})
    assert ex.status == "RUNNING" and ex.scheduled() == ["next"]
    assert dict(ex.task("next").input) == {"p": "FAILED"}
    ex.complete("next", {"v": 2})
    assert ex.status == "FAILED"
    assert ex.wf.reason == reason_of(ex, "p", "permissive broke")
    assert dict(ex.wf.output) == {"p": 1, "next": 2}
    assert ex.failed_refs == ["p"] and ex.failed_task_names == ["p"]
    assert ex.last.workflow is not None and ex.last.workflow.failed_refs == ()


def test_retries_come_first() -> None:
    doc = workflow(simple("p", permissive=True), simple("next"))
    ex = Execution(doc, {}, {"p": {"name": "p", "retryCount": 1, "retryDelaySeconds": 0}})
    ex.fail("p", "once")
    assert ex.scheduled() == ["p"]
    ex.fail("p", "twice")
    assert ex.scheduled() == ["next"]
    ex.complete("next")
    assert ex.status == "FAILED" and ex.wf.reason == reason_of(ex, "p", "twice")


def test_permissive_and_optional_behaves_like_optional() -> None:
    doc = workflow(simple("p", permissive=True, optional=True), simple("next"))
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "meh")
    assert ex.statuses()["p"] == "COMPLETED_WITH_ERRORS"
    ex.complete("next")
    assert ex.status == "COMPLETED" and ex.failed_refs == ["p"]


def test_a_permissive_last_task_fails_the_workflow_at_once() -> None:
    ex = Execution(workflow(simple("a"), simple("p", permissive=True)), {}, DEFS)
    ex.complete("a")
    ex.fail("p", "last")
    assert ex.status == "FAILED" and ex.wf.reason == reason_of(ex, "p", "last")


def test_a_later_ordinary_failure_ends_the_workflow_with_its_own_reason() -> None:
    doc = workflow(simple("p", permissive=True), simple("q"))
    ex = Execution(doc, {}, {**DEFS, "q": {"name": "q", "retryCount": 0}})
    ex.fail("p", "first")
    ex.fail("q", "second")
    assert ex.status == "FAILED" and ex.wf.reason == reason_of(ex, "q", "second")
    assert ex.failed_refs == ["p", "q"]


def test_two_permissive_failures_are_both_reported() -> None:
    doc = workflow(simple("p", permissive=True), simple("p2", "p", permissive=True), simple("z"))
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "one")
    ex.fail("p2", "two")
    ex.complete("z")
    assert ex.wf.reason == f"{reason_of(ex, 'p', 'one')}. {reason_of(ex, 'p2', 'two')}"


def test_failure_workflow_is_started_for_a_permissive_failure() -> None:
    doc = workflow(simple("p", permissive=True), simple("z"), failureWorkflow="cleanup")
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "x")
    ex.complete("z")
    assert ex.last.workflow is not None and ex.last.workflow.start_failure_workflow


def test_permissive_branch_does_not_stop_siblings_and_the_join_fails_once_all_ended() -> None:
    doc = workflow(
        fork("f", [simple("p", permissive=True), simple("p_next")], [simple("b1"), simple("b2")]),
        join("j", "p_next", "b2"),
        simple("after"),
    )
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "branch broke")
    assert set(ex.scheduled()) == {"p_next", "b1"}
    ex.complete("b1")
    ex.complete("p_next")
    assert ex.statuses()["j"] == "IN_PROGRESS" and ex.status == "RUNNING"
    ex.complete("b2")
    # Every joined task succeeded: the JOIN completes, and the failure surfaces at the end.
    assert ex.statuses()["j"] == "COMPLETED" and ex.scheduled() == ["after"]
    ex.complete("after")
    assert ex.status == "FAILED" and ex.wf.reason == reason_of(ex, "p", "branch broke")


def test_join_on_a_failed_permissive_task_fails_only_once_all_joined_tasks_ended() -> None:
    doc = workflow(fork("f", [simple("p", permissive=True)], [simple("b1"), simple("b2")]),
                   join("j", "p", "b2"), simple("after"))
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "broke")
    assert ex.statuses()["j"] == "IN_PROGRESS" and ex.scheduled() == ["b1"]
    ex.complete("b1")
    assert ex.statuses()["j"] == "IN_PROGRESS"
    ex.complete("b2", {"b": 2})
    assert ex.statuses()["j"] == "FAILED" and ex.status == "FAILED"
    assert ex.task("j").reason == "p: broke"
    assert dict(ex.task("j").output) == {"b2": {"b": 2}}
    assert "after" not in ex.statuses()


def test_nested_forks_with_a_permissive_branch() -> None:
    doc = workflow(
        fork("outer", [fork("inner", [simple("p", permissive=True)], [simple("i2")]), join("ij", "p", "i2")],
             [simple("o2")]),
        join("oj", "ij", "o2"),
    )
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "deep")
    ex.complete("o2")
    assert ex.status == "RUNNING" and ex.statuses()["ij"] == "IN_PROGRESS"
    ex.complete("i2")
    assert ex.statuses()["ij"] == "FAILED" and ex.status == "FAILED"
    assert ex.statuses()["oj"] == "CANCELED"


def test_permissive_sub_workflow_in_a_fork() -> None:
    doc = workflow(fork("f", [node("SUB_WORKFLOW", "child", permissive=True, subWorkflowParam={"name": "c"})],
                        [simple("b")]), join("j", "b"), simple("after"))
    ex = Execution(doc)
    ex.fail("child", "child failed")
    ex.complete("b")
    ex.complete("after")
    assert ex.status == "FAILED" and ex.wf.reason == reason_of(ex, "child", "child failed")


def test_permissive_failure_in_a_loop_fails_the_loop_at_the_end_of_the_iteration() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="true", loopOver=[simple("p", permissive=True),
                                                                             simple("rest")]), simple("after"))
    ex = Execution(doc, {}, DEFS)
    ex.complete("p__1")
    ex.complete("rest__1")
    ex.fail("p__2", "in loop")
    assert ex.scheduled() == ["rest__2"]
    ex.complete("rest__2")
    assert ex.statuses()["loop"] == "FAILED" and ex.task("loop").reason == "in loop"
    assert ex.status == "FAILED" and "after" not in ex.statuses()


def test_retry_after_a_permissive_failure_completes_the_workflow() -> None:
    doc = workflow(simple("p", permissive=True), simple("next"))
    ex = Execution(doc, {}, DEFS)
    ex.fail("p", "x")
    ex.complete("next")
    assert ex.status == "FAILED"
    ex.retry()
    assert ex.scheduled() == ["p"]
    ex.complete("p")
    assert ex.status == "COMPLETED"


def test_permissive_definitions_cost_one_batched_lookup_at_completion_only() -> None:
    doc = workflow(simple("p", permissive=True), *[simple(f"t{i}") for i in range(20)])
    ex = Execution(doc)
    for ref in ["p"] + [f"t{i}" for i in range(20)]:
        ex.complete(ref)
    assert ex.status == "COMPLETED"
    assert max(ex.lookups[1:-1]) <= 1 and ex.lookups[-1] <= 2


def test_retry_after_a_permissive_failure_in_a_loop_resumes_the_loop() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="$.loop['iteration'] < 3",
                        loopOver=[simple("p", permissive=True), simple("rest")]), simple("after"))
    ex = Execution(doc, {}, DEFS)
    ex.complete("p__1")
    ex.complete("rest__1")
    ex.fail("p__2", "in loop")
    ex.complete("rest__2")
    assert ex.status == "FAILED" and ex.statuses()["loop"] == "FAILED"
    ex.retry()
    assert ex.statuses()["loop"] == "IN_PROGRESS" and ex.scheduled() == ["p__2"]
    ex.fail("p__2", "again")  # still permissive: the loop fails again, at once
    assert ex.status == "FAILED" and ex.task("loop").reason == "again"
    ex.retry()
    ex.complete("p__2", {"ok": True})
    assert ex.scheduled() == ["p__3"] and ex.task("loop").output["2"]["p"] == {"ok": True}
    ex.complete("p__3")
    ex.complete("rest__3")
    ex.complete("after")
    assert ex.status == "COMPLETED"
