"""Workflows built with the SDK's own DSL (ConductorWorkflow and its task classes) run unchanged.

This checks the JSON the SDK emits (auto-JOIN after forks, value-param SWITCH, graaljs INLINE,
loops, dynamic forks, sub-workflows, WAIT and HUMAN) against Baton's engine.
"""

from __future__ import annotations

import time
import uuid

import pytest

from tests.live import Stack
from tests.sdk.test_sdk__workers import _clients, _wait, sdk  # noqa: F401 - the module fixture

pytestmark = pytest.mark.sdk


def _executor():  # type: ignore[no-untyped-def]
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

    return WorkflowExecutor(Configuration())


def test_dsl_workflow_with_loop_dynamic_fork_sub_workflow_and_human(sdk: Stack) -> None:  # noqa: F811
    from conductor.client.workflow.conductor_workflow import ConductorWorkflow
    from conductor.client.workflow.task.do_while_task import LoopTask
    from conductor.client.workflow.task.dynamic_fork_task import DynamicForkTask
    from conductor.client.workflow.task.fork_task import ForkTask
    from conductor.client.workflow.task.human_task import HumanTask
    from conductor.client.workflow.task.inline import InlineTask
    from conductor.client.workflow.task.join_task import JoinTask
    from conductor.client.workflow.task.json_jq_task import JsonJQTask
    from conductor.client.workflow.task.set_variable_task import SetVariableTask
    from conductor.client.workflow.task.simple_task import SimpleTask
    from conductor.client.workflow.task.sub_workflow_task import SubWorkflowTask
    from conductor.client.workflow.task.switch_task import SwitchTask
    from conductor.client.workflow.task.wait_task import WaitTask

    tag = uuid.uuid4().hex[:6]
    executor = _executor()
    child = ConductorWorkflow(executor=executor, name=f"dsl_child_{tag}", version=1)
    child >> InlineTask("square", "(function(){ return $.n * $.n; })()", bindings={"n": "${workflow.input.n}"})
    child.output_parameters({"square": "${square.output.result}"})
    child.register(True)

    wf = ConductorWorkflow(executor=executor, name=f"dsl_main_{tag}", version=1)
    greet = SimpleTask("sdk_greet", "greet").input_parameter("name", "${workflow.input.name}")
    loop = LoopTask("loop", 3, [SimpleTask("sdk_double", "dbl").input_parameter("value", "${loop.output.iteration}")])
    plan = InlineTask("plan", "(function(){ return {tasks: [0,1,2].map(function(i){ return "
                              "{name: 'sdk_double', taskReferenceName: 'd' + i, type: 'SIMPLE'}; }), "
                              "inputs: {d0: {value: 1}, d1: {value: 2}, d2: {value: 3}}}; })()")
    dyn = DynamicForkTask("dyn", tasks_param="dynamicTasks", tasks_input_param_name="dynamicTasksInputs",
                          join_task=JoinTask("dyn_join"))
    dyn.input_parameters.update({"dynamicTasks": "${plan.output.result.tasks}",
                                 "dynamicTasksInputs": "${plan.output.result.inputs}"})
    sub = SubWorkflowTask("sub", f"dsl_child_{tag}", 1).input_parameter("n", "${greet.output.length}")
    branch = SwitchTask("branch", "${sub.output.square}")
    branch.switch_case("25", [SetVariableTask("remember").input_parameter("square", "${sub.output.square}")])
    branch.default_case([JsonJQTask("never", ".x")])
    fork = ForkTask("fork", [[WaitTask("nap", wait_for_seconds=1)], [JsonJQTask("sum", ".a + .b").input_parameter("a", 1).input_parameter("b", 2)]])
    approve = HumanTask("approve")
    wf >> greet >> loop >> plan >> dyn >> sub >> branch >> fork >> approve
    wf.output_parameters({"loops": "${loop.output.iteration}", "dyn": "${dyn_join.output}",
                          "square": "${workflow.variables.square}", "sum": "${sum.output.result}",
                          "approved": "${approve.output.ok}"})
    wf.register(True)
    workflow_id = wf.start_workflow_with_input(workflow_input={"name": "Grace"})

    deadline = time.monotonic() + 60
    workflows = _clients().get_workflow_client()
    while time.monotonic() < deadline:
        run = workflows.get_workflow(workflow_id, include_tasks=True)
        if run.status != "RUNNING" or any(t.reference_task_name == "approve" for t in run.tasks):
            break
        time.sleep(0.3)
    assert run.status == "RUNNING", run.reason_for_incompletion
    executor.signal(workflow_id, "COMPLETED", {"ok": True})
    done = _wait(workflows, workflow_id)
    assert done.status == "COMPLETED", done.reason_for_incompletion
    assert done.output["loops"] == 3
    assert done.output["dyn"] == {"d0": {"value": 2}, "d1": {"value": 4}, "d2": {"value": 6}}
    assert done.output["square"] == 25 and done.output["sum"] == 3 and done.output["approved"] is True
    refs = [t.reference_task_name for t in done.tasks]
    assert {"dbl__1", "dbl__2", "dbl__3", "d0", "d1", "d2", "nap", "sum"} <= set(refs)
    assert "never" not in refs


def test_dsl_workflow_ending_in_a_fork_registers_and_completes(sdk: Stack) -> None:  # noqa: F811
    """`wf >> [[a], [b]]` as the last step emits a FORK_JOIN with no JOIN (WF.E031 is only a warning)."""
    from conductor.client.workflow.conductor_workflow import ConductorWorkflow
    from conductor.client.workflow.task.inline import InlineTask

    wf = ConductorWorkflow(executor=_executor(), name=f"dsl_fork_end_{uuid.uuid4().hex[:6]}", version=1)
    wf >> InlineTask("first", "1") >> [[InlineTask("a", "2"), InlineTask("a2", "3")], [InlineTask("b", "4")]]
    assert [t.type for t in wf.to_workflow_def().tasks] == ["INLINE", "FORK_JOIN"]
    wf.register(True)
    workflow_id = wf.start_workflow_with_input(workflow_input={})
    done = _wait(_clients().get_workflow_client(), workflow_id)
    assert done.status == "COMPLETED", done.reason_for_incompletion
    assert {t.reference_task_name for t in done.tasks} >= {"first", "a", "a2", "b"}
    assert all(t.status == "COMPLETED" for t in done.tasks)
