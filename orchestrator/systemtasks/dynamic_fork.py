"""FORK_JOIN_DYNAMIC and DYNAMIC: tasks chosen at run time from the task's input.

FORK_JOIN_DYNAMIC (runtime type FORK) completes at once and starts one task per entry of its
dynamic list; the JOIN after it waits for exactly those refs (its input `joinOn`). DYNAMIC turns
into the worker task named by an input parameter, in its own place. Both store the WorkflowTask
JSON they run on the task row, since it is not a node of the definition.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from orchestrator.engine.definition import Next, Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, inputs_of, is_text, join, named_param, required
from orchestrator.engine.run import dynamic_node, runtime_ref
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, RunView, TaskType


class DynamicForkError(ValueError):
    pass


def _forked(node: Node, inputs: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The WorkflowTask JSONs to start and the input of each, from any of Conductor's three forms."""
    tasks_param = node.get("dynamicForkTasksParam")
    if tasks_param:
        tasks = inputs.get(tasks_param)
        task_inputs = inputs.get(node.get("dynamicForkTasksInputParamName") or "") or {}
        if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
            raise DynamicForkError(f"input '{tasks_param}' must be a list of WorkflowTask objects")
        if not isinstance(task_inputs, dict):
            raise DynamicForkError("the dynamic fork task input map must be an object of ref -> input")
        return [dict(t) for t in tasks], task_inputs
    legacy = node.get("dynamicForkJoinTasksParam")
    if legacy:
        value = inputs.get(legacy) or {}
        entries = value.get("dynamicTasks") if isinstance(value, dict) else None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise DynamicForkError(f"input '{legacy}' must be an object with a dynamicTasks list of objects")
        tasks, task_inputs = [], {}
        for entry in entries:
            ref = entry.get("referenceName")
            tasks.append({"name": entry.get("taskName"), "taskReferenceName": ref,
                          "type": entry.get("type") or "SIMPLE"})
            task_inputs[ref] = entry.get("input") or {}
        return tasks, task_inputs
    name = inputs.get("forkTaskName") or inputs.get("forkTaskWorkflow")
    fork_inputs = inputs.get("forkTaskInputs")
    if not name or not isinstance(fork_inputs, list):
        raise DynamicForkError("set dynamicForkTasksParam, or forkTaskName with a forkTaskInputs list")
    kind = "SUB_WORKFLOW" if inputs.get("forkTaskWorkflow") else str(inputs.get("forkTaskType") or "SIMPLE")
    tasks, task_inputs = [], {}
    for i, item in enumerate(fork_inputs):
        ref = f"_{name}_{i}"
        task: dict[str, Any] = {"name": name, "taskReferenceName": ref, "type": kind}
        if kind == "SUB_WORKFLOW":
            task["subWorkflowParam"] = {"name": name, "version": inputs.get("forkTaskWorkflowVersion")}
        tasks.append(task)
        task_inputs[ref] = {**(item if isinstance(item, dict) else {"input": item}), "__index": i}
    return tasks, task_inputs


def _checked_refs(run: RunView, fork: TaskState, tasks: list[dict[str, Any]], task_inputs: dict[str, Any]) -> list[str]:
    """The refs of the tasks to start, once they are known to be startable."""
    refs = [str(t.get("taskReferenceName") or "") for t in tasks]
    if not all(refs) or len(set(refs)) != len(refs):
        raise DynamicForkError("every dynamic task needs a unique taskReferenceName")
    if any(run.defn.has(ref) for ref in refs):
        raise DynamicForkError("dynamic task refs must not repeat refs of the definition")
    containers = sorted({str(t.get("type")) for t in tasks if run.types.get(str(t.get("type"))).is_container})
    if containers:
        # Their children would not be nodes of the definition either; use SUB_WORKFLOW.
        raise DynamicForkError(f"dynamic tasks cannot be of type {', '.join(containers)}")
    not_maps = [ref for ref in refs if not isinstance(task_inputs.get(ref) or {}, dict)]
    if not_maps:
        raise DynamicForkError(f"the input of a dynamic task must be an object: {', '.join(not_maps)}")
    runtime = [runtime_ref(ref, fork.iteration) for ref in refs]
    used = sorted(ref for ref, t in run.latest_many(runtime).items() if t.ref == ref)
    if used:
        # An earlier dynamic fork started tasks with these refs: another attempt 0 of the same
        # ref would collide with them (and with the store's unique attempt key).
        raise DynamicForkError(f"dynamic task refs already used in this workflow: {', '.join(used)}")
    return refs


class ForkJoinDynamic(TaskType):
    type_name = "FORK_JOIN_DYNAMIC"
    wire_name = "FORK"
    is_container = True
    is_fork = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        inputs = inputs_of(task)
        if (
            (is_text(task.get("dynamicForkTasksParam")) and is_text(task.get("dynamicForkTasksInputParamName")))
            or is_text(task.get("dynamicForkJoinTasksParam"))
            or (("forkTaskName" in inputs or "forkTaskWorkflow" in inputs) and "forkTaskInputs" in inputs)
        ):
            return []
        what = (
            "dynamicForkTasksParam and dynamicForkTasksInputParamName, or the legacy "
            "dynamicForkJoinTasksParam, or inputParameters forkTaskName and forkTaskInputs"
        )
        return [required("WF.E035", join(path, "dynamicForkTasksParam"), what, ref)]

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        try:
            tasks, task_inputs = _forked(node, dict(task.input))
            refs = _checked_refs(run, task, tasks, task_inputs)
        except DynamicForkError as exc:
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {}, reason=str(exc))
        inputs = {**task.input, "forkedTasks": refs, "forkedTaskDefs": tasks,
                  "forkedTaskInputs": {ref: task_inputs.get(ref) or {} for ref in refs}}
        task = run.put(replace(task, input=inputs))
        return run.finish(task, TaskStatus.COMPLETED, {"forkedTasks": refs})

    def successors(self, run: RunOps, task: TaskState, node: Node) -> list[Next]:
        for raw in task.input.get("forkedTaskDefs") or []:
            ref = raw["taskReferenceName"]
            run.schedule(dynamic_node(raw), task.iteration, dynamic_parent=node.ref,
                         dynamic_input=task.input["forkedTaskInputs"].get(ref) or {})
            if run.ended:
                return []
        return [run.next_after(task)]


def fork_before(run: RunView, join_node: Node) -> Node | None:
    """The FORK_JOIN_DYNAMIC node right before a JOIN, if there is one."""
    loc = run.defn.index.get(join_node.ref)
    if loc is None or loc.position == 0:
        return None
    before = loc.container[loc.position - 1]
    return before if before.type == ForkJoinDynamic.type_name else None


def forked_refs(run: RunView, join_node: Node) -> list[str] | None:
    """For a JOIN right after a FORK_JOIN_DYNAMIC: the refs that fork started."""
    before = fork_before(run, join_node)
    if before is None:
        return None
    fork = run.latest(before.ref)
    return list(fork.output.get("forkedTasks") or []) if fork is not None else []


class Dynamic(TaskType):
    """DYNAMIC: becomes the worker task named by input `dynamicTaskNameParam`.

    As in Conductor's DynamicTaskMapper there is one task, in the DYNAMIC node's place: it keeps
    the node's ref (so `${ref.output}` and a JOIN on it see the worker's result) and takes the
    named task's type and definition. A name with no registered TaskDef fails the workflow.
    """

    type_name = "DYNAMIC"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        return _NAME_PARAM(task, path, ref)

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        name = task.input.get(node.get("dynamicTaskNameParam") or "")
        if not isinstance(name, str) or not name:
            reason = f"input '{node.get('dynamicTaskNameParam')}' must name the task to run"
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {}, reason=reason)
        tdef = run.task_def(name)
        if tdef is None:
            reason = f"Invalid task specified. Cannot find task by name {name} in the task definitions"
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {}, reason=reason)
        inputs = dict(task.input)
        for key, value in tdef.input_template.items():
            if inputs.get(key) is None:
                inputs[key] = value
        return run.put(replace(
            task, task_type="SIMPLE", def_name=name, input=inputs, domain=run.domain_for(name),
            response_timeout_seconds=tdef.response_timeout_seconds,
            dynamic_node={**node.raw, "name": name, "type": "SIMPLE"},
        ))


_NAME_PARAM = named_param("WF.E039", "dynamicTaskNameParam", "the input parameter holding the task name")
