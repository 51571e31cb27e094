"""The side-effect halves of async system tasks, driven through a recording `Port` (no database).

The services' own Port (services.system_tasks) is exercised end to end by
tests/integration/test_live__system_tasks.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orchestrator.engine.model import JSON
from orchestrator.engine.status import TaskStatus
from orchestrator.systemtasks import registry
from orchestrator.systemtasks.http_call import HttpPolicy
from orchestrator.systemtasks.ports import Job, PublishFailed, StartRefused, WorkflowFacts, WorkflowStart
from orchestrator.systemtasks.sub_workflow import MAX_SUB_WORKFLOW_DEPTH

from .harness import Execution, node, workflow


@dataclass
class RecordingPort:
    depth: int = 0
    refuse: str | None = None
    started: list[WorkflowStart] = field(default_factory=list)
    published: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    broker_down: str | None = None

    def start_workflow(self, request: WorkflowStart) -> str:
        if self.refuse:
            raise StartRefused(self.refuse)
        self.started.append(request)
        return f"child-{len(self.started)}"

    def sub_workflow_depth(self, workflow_id: str) -> int:
        return self.depth

    def publish_event(self, workflow: WorkflowFacts, sink: str, queue: str, payload: Mapping[str, JSON],
                      message_id: str) -> None:
        if self.broker_down:
            raise PublishFailed(self.broker_down)
        self.published.append((sink, queue, dict(payload)))
        self.message_ids.append(message_id)

    def http_policy(self) -> HttpPolicy:
        return HttpPolicy()


FACTS = WorkflowFacts(workflow_id="wf-1", name="wf", version=1, status="RUNNING", correlation_id="c-1",
                      priority=3, task_to_domain={"*": "blue"})


def job(doc_node: dict[str, Any], wf_input: dict[str, Any] | None = None) -> Job:
    ex = Execution(workflow(doc_node), wf_input)
    task = ex.claim(doc_node["taskReferenceName"])
    return Job(task=task, node=ex.defn.node(task.node_ref), workflow=FACTS)


def execute(doc_node: dict[str, Any], port: RecordingPort, wf_input: dict[str, Any] | None = None) -> Any:
    handler = registry.side_effect(doc_node["type"])
    assert handler is not None
    return handler.execute(job(doc_node, wf_input), port)


def test_only_async_types_have_a_side_effect_half() -> None:
    with_effect = {name for name in registry.TYPES if registry.side_effect(name) is not None}
    assert with_effect == {"HTTP", "SUB_WORKFLOW", "START_WORKFLOW", "EVENT"}
    assert with_effect == set(registry.names_where(registry.is_async))
    assert [n for n in with_effect if registry.side_effect(n).executes_outside_transaction] == ["HTTP"]  # type: ignore[union-attr]


def test_sub_workflow_starts_the_child_with_the_parents_facts() -> None:
    port = RecordingPort()
    effect = execute(node("SUB_WORKFLOW", "sub", subWorkflowParam={"name": "child", "version": 2},
                          inputParameters={"x": "${workflow.input.x}"}), port, {"x": 7})
    assert (effect.status, dict(effect.output), effect.sub_workflow_id) == (
        TaskStatus.IN_PROGRESS, {"subWorkflowId": "child-1"}, "child-1")
    (request,) = port.started
    assert (request.name, request.version, dict(request.input)) == ("child", 2, {"x": 7})
    assert (request.parent_workflow_id, request.correlation_id, request.priority) == ("wf-1", "c-1", 3)
    assert dict(request.task_to_domain) == {"*": "blue"}


def test_sub_workflow_refused_or_too_deep_fails_the_task() -> None:
    sub = node("SUB_WORKFLOW", "sub", subWorkflowParam={"name": "child"})
    refused = execute(sub, RecordingPort(refuse="No such workflow"))
    assert refused.status == TaskStatus.FAILED
    assert dict(refused.output) == {"subWorkflowLaunchError": "No such workflow"}
    deep = execute(sub, RecordingPort(depth=MAX_SUB_WORKFLOW_DEPTH))
    assert deep.status == TaskStatus.FAILED_WITH_TERMINAL_ERROR and "depth limit" in (deep.reason or "")


def test_start_workflow_completes_with_the_new_id_or_fails_on_a_bad_request() -> None:
    port = RecordingPort()
    ok = execute(node("START_WORKFLOW", "go", inputParameters={"startWorkflow": {"name": "other", "version": 1,
                                                                                "input": {"a": 1}}}), port)
    assert (ok.status, dict(ok.output)) == (TaskStatus.COMPLETED, {"workflowId": "child-1"})
    assert port.started[0].parent_workflow_id is None  # fire and forget: not a child
    bad = execute(node("START_WORKFLOW", "go", inputParameters={"startWorkflow": {"input": {}}}), port)
    assert bad.status == TaskStatus.FAILED and "workflow name" in (bad.reason or "")


def test_event_publishes_to_the_conductor_and_amqp_sinks_only() -> None:
    port = RecordingPort()
    effect = execute(node("EVENT", "emit", sink="conductor:orders", inputParameters={"id": 5}), port)
    assert effect.status == TaskStatus.COMPLETED and effect.output["event_produced"] == "orders"
    (sink, queue, payload) = port.published[0]
    assert (sink, queue, payload["id"], payload["workflowInstanceId"]) == ("conductor", "orders", 5, "wf-1")
    assert port.message_ids[0]  # the task id: a repeat of this run is the same message
    parked = execute(node("EVENT", "emit", sink="conductor", asyncComplete=True), port)
    assert parked.status == TaskStatus.IN_PROGRESS and parked.output["event_produced"] == "wf:emit"
    rabbit = execute(node("EVENT", "emit", sink="amqp:billing"), port)
    assert rabbit.status == TaskStatus.COMPLETED and port.published[2][:2] == ("amqp", "billing")
    for unsupported in ("sqs:q", "amqp"):  # another broker, or amqp without a queue
        other = execute(node("EVENT", "emit", sink=unsupported), port)
        assert other.status == TaskStatus.FAILED and len(port.published) == 3


def test_event_fails_when_the_broker_refuses_the_message() -> None:
    port = RecordingPort(broker_down="could not publish to amqp:billing: connection refused")
    effect = execute(node("EVENT", "emit", sink="amqp:billing"), port)
    assert effect.status == TaskStatus.FAILED and effect.reason == port.broker_down
