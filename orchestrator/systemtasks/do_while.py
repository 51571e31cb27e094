"""DO_WHILE: run `loopOver` again while `loopCondition` holds (or once per item of `items`).

Body tasks get the runtime ref `<ref>__<iteration>`; the DO_WHILE task carries the current
iteration in its `iteration` field and collects each iteration's body outputs in its output
(`{"iteration": n, "1": {ref: output}, ...}`), trimmed to the last `keepLastN` when given.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from orchestrator.engine.definition import LOOP, Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, is_text, join, must, required
from orchestrator.engine.run import runtime_ref
from orchestrator.engine.scripts import ScriptError
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, RunView, TaskType

MAX_ITERATIONS = 10_000  # a loop that never ends fails clearly instead of growing forever


class DoWhile(TaskType):
    type_name = "DO_WHILE"
    nests = LOOP
    is_container = True
    is_loop = True
    waits_on_others = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        out: list[Problem] = []
        condition = task.get("loopCondition")
        if not (is_text(condition) or (condition is None and task.get("items") is not None)):
            what = "a script string, unless items is given (for-each mode)"
            out.append(required("WF.E036", join(path, "loopCondition"), what, ref, condition))
        body = task.get("loopOver")
        if not isinstance(body, list) or not body:
            out.append(must("WF.E037", join(path, "loopOver"), "a non-empty list of tasks", ref, body))
        return out

    def nested(self, task: dict[str, Any], path: str) -> list[tuple[Any, str]]:
        return [(task.get("loopOver"), join(path, "loopOver"))]

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        items = self.items(run, task, node)
        if items is not None and not items:
            return run.finish(task, TaskStatus.COMPLETED, {"iteration": 0})
        output: dict[str, Any] = {"iteration": 1}
        if items is not None:
            output.update(loopIndex=0, loopItem=items[0])
        task = run.put(replace(task, status=TaskStatus.IN_PROGRESS, start_time=run.now, iteration=1, output=output))
        return self.begin_iteration(run, task, node)

    def items(self, run: RunView, task: TaskState, node: Node) -> list[Any] | None:
        # `items` on the node (Conductor), or in its inputParameters (the SDK's ForEachTask).
        if node.get("items") is None and "_items" not in task.input and "items" not in task.input:
            return None
        if node.get("items") is not None:
            value = run.resolve(node.get("items"))
        else:
            value = task.input.get("_items", task.input.get("items"))
        return list(value) if isinstance(value, list) else []

    def begin_iteration(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        body = run.defn.loop_body(node)
        if not body:
            return run.finish(task, TaskStatus.COMPLETED, dict(task.output))
        run.begin_iteration(node.ref, task.iteration)
        run.schedule(body[0], task.iteration)
        return run.task(task.task_id)

    def check(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        """Close an iteration that already ended once, if the loop was re-opened since.

        A loop that failed at the end of an iteration (a permissive body task failed, the
        condition broke, too many iterations) and was re-opened by a retry has that iteration
        in its output already; its body tasks have all run, so nothing leads to the body's end
        again. It is closed once every retried body task has finished.
        """
        if str(task.iteration) not in task.output:
            return task
        refs = [runtime_ref(ref, task.iteration) for ref in body_refs(run, node)]
        latest = run.latest_many(refs).values()
        if any(not t.is_terminal or (not t.status.is_successful and not t.processed) for t in latest):
            return task
        self.on_body_end(run, task, node)
        return run.task(task.task_id)

    def on_body_end(self, run: RunOps, task: TaskState, node: Node) -> None:
        n = task.iteration
        members = body_refs(run, node)
        latest = run.latest_many([runtime_ref(ref, n) for ref in members])
        this_iteration = {ref: dict(latest[runtime_ref(ref, n)].output) for ref in members
                          if runtime_ref(ref, n) in latest}
        output = dict(task.output)
        output[str(n)] = this_iteration
        output["iteration"] = n
        keep = _int(task.input.get("keepLastN"))
        if keep > 0:
            for key in [k for k in output if k.isdigit() and int(k) <= n - keep]:
                del output[key]
        failed = [t for t in latest.values() if not t.status.is_successful]
        if failed:
            # Only a permissive body task gets here failed (any other failure ended the workflow
            # already): as Conductor's DoWhile does, the loop fails at the end of the iteration.
            reason = " ".join(t.reason or t.status.value for t in sorted(failed, key=lambda t: t.seq))
            run.finish(task, TaskStatus.FAILED, output, reason=reason)
            return
        task = run.put(replace(task, output=output))
        try:
            again = self.should_continue(run, task, node, output, this_iteration)
        except ScriptError as exc:
            reason = f"loopCondition failed: {exc}"
            run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, output, reason=reason)
            return
        if not again:
            run.finish(task, TaskStatus.COMPLETED, output)
            return
        limit = _int(task.input.get("maxIterations")) or MAX_ITERATIONS
        if n >= limit:
            run.finish(task, TaskStatus.FAILED, output, reason=f"max iterations exceeded ({limit})")
            return
        items = self.items(run, task, node)
        if items is not None:
            output.update(loopIndex=n, loopItem=items[n])
        output["iteration"] = n + 1
        task = run.put(replace(task, iteration=n + 1, output=output, update_time=run.now))
        self.begin_iteration(run, task, node)

    def should_continue(self, run: RunView, task: TaskState, node: Node, output: dict[str, Any],
                        this_iteration: dict[str, Any]) -> bool:
        items = self.items(run, task, node)
        if items is not None:
            return task.iteration < len(items)
        condition = node.get("loopCondition")
        if not isinstance(condition, str) or not condition.strip():
            return False
        # As in Conductor, the loop's inputParameters are resolved again for every evaluation, so
        # `${workflow.variables.x}` or another task's output read there is current.
        params = run.resolve_map(node.input_parameters, task_id=task.task_id)
        bindings = {**params, node.ref: output, **this_iteration}
        return bool(run.scripts.eval_js(condition, bindings))


def body_refs(run: RunView, node: Node) -> list[str]:
    """Every node nested in this loop's body (directly or inside SWITCH/FORK)."""
    return [n.ref for n in run.defn.walk() if run.defn.loop_of(n.ref) == node.ref]


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
