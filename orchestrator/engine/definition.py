"""A parsed WorkflowDef: the node tree plus the index the evaluator walks.

The definition stays Conductor JSON (`raw`); parsing only adds what navigation needs: where each
node sits, which container owns it, and what comes after it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .model import TaskDefinition
from .schemas import SchemaRef, schema_ref
from .task_defs import inline_task_definitions

if TYPE_CHECKING:
    from .tasktype import TaskTypes

# Container kinds: where a list of nodes hangs in the tree.
ROOT = "root"
CASE = "case"  # a SWITCH/DECISION case or its default
BRANCH = "branch"  # one FORK_JOIN branch
LOOP = "loop"  # a DO_WHILE body


@dataclass(frozen=True)
class Node:
    """One WorkflowTask of the definition."""

    ref: str
    name: str
    type: str
    raw: Mapping[str, Any]

    @property
    def input_parameters(self) -> Mapping[str, Any]:
        params = self.raw.get("inputParameters")
        return params if isinstance(params, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    @property
    def optional(self) -> bool:
        return self.raw.get("optional") is True

    @property
    def permissive(self) -> bool:
        return self.raw.get("permissive") is True


@dataclass(frozen=True)
class Location:
    container: tuple[Node, ...]
    position: int
    kind: str
    owner: str | None  # ref of the SWITCH / FORK_JOIN / DO_WHILE owning the container


@dataclass(frozen=True)
class Next:
    """What follows a node: another node, the end of a loop body, or the end of the workflow."""

    node: Node | None = None
    loop_end: str | None = None  # ref of the DO_WHILE whose body just ended

    @property
    def is_end(self) -> bool:
        return self.node is None and self.loop_end is None


END = Next()


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    version: int
    raw: Mapping[str, Any]
    tasks: tuple[Node, ...]
    index: Mapping[str, Location] = field(repr=False)

    @property
    def output_parameters(self) -> Mapping[str, Any]:
        value = self.raw.get("outputParameters")
        return value if isinstance(value, dict) else {}

    @property
    def timeout_seconds(self) -> int:
        value = self.raw.get("timeoutSeconds")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @property
    def timeout_policy(self) -> str:
        return str(self.raw.get("timeoutPolicy") or "ALERT_ONLY")

    @property
    def failure_workflow(self) -> str | None:
        value = self.raw.get("failureWorkflow")
        return value if isinstance(value, str) and value else None

    @cached_property
    def enforced_output_schema(self) -> SchemaRef | None:
        """The `outputSchema` a COMPLETED run's output must match (only with `enforceSchema: true`)."""
        if self.raw.get("enforceSchema") is not True:
            return None
        return schema_ref(self.raw.get("outputSchema"))

    def node(self, ref: str) -> Node:
        loc = self.index[ref]
        return loc.container[loc.position]

    def has(self, ref: str) -> bool:
        return ref in self.index

    def first(self) -> Node | None:
        return self.tasks[0] if self.tasks else None

    def loop_of(self, ref: str) -> str | None:
        """The DO_WHILE whose body (directly or nested) holds `ref`, if any."""
        loc = self.index.get(ref)
        while loc is not None and loc.owner is not None:
            if loc.kind == LOOP:
                return loc.owner
            loc = self.index.get(loc.owner)
        return None

    def next_after(self, ref: str) -> Next:
        loc = self.index[ref]
        if loc.position + 1 < len(loc.container):
            return Next(node=loc.container[loc.position + 1])
        if loc.kind == ROOT or loc.owner is None:
            return END
        if loc.kind == LOOP:
            return Next(loop_end=loc.owner)
        # The end of a SWITCH case continues after the SWITCH; the end of a FORK branch leads
        # to what follows the FORK, which is its JOIN.
        return self.next_after(loc.owner)

    def fork_branches(self, node: Node) -> list[tuple[Node, ...]]:
        return [_children(self, branch) for branch in node.raw.get("forkTasks") or [] if branch]

    def case_nodes(self, node: Node, case: str | None) -> tuple[Node, ...]:
        if case is None:
            return _children(self, node.raw.get("defaultCase") or [])
        cases = node.raw.get("decisionCases") or {}
        return _children(self, cases.get(case) or [])

    def has_case(self, node: Node, case: str) -> bool:
        cases = node.raw.get("decisionCases") or {}
        return case in cases

    def loop_body(self, node: Node) -> tuple[Node, ...]:
        return _children(self, node.raw.get("loopOver") or [])

    def walk(self) -> Iterator[Node]:
        for loc in self.index.values():
            yield loc.container[loc.position]

    @cached_property
    def inline_task_defs(self) -> Mapping[str, TaskDefinition]:
        """Task name → the `taskDefinition` a node of this definition carries (computed once)."""
        return inline_task_definitions(self.walk())


def _children(defn: WorkflowDefinition, raws: Sequence[Mapping[str, Any]]) -> tuple[Node, ...]:
    return tuple(defn.node(raw["taskReferenceName"]) for raw in raws)


def parse(raw: Mapping[str, Any], types: TaskTypes) -> WorkflowDefinition:
    """Index a WorkflowDef that passed validation (refs unique, required fields present).

    Which task lists nest under a node, and as what (case, branch, loop body), its type says
    (`TaskType.nests` and `nested`)."""
    index: dict[str, Location] = {}
    tasks = _index_list(raw.get("tasks") or [], ROOT, None, index, types)
    version = raw.get("version")
    return WorkflowDefinition(
        name=str(raw.get("name") or ""),
        version=version if isinstance(version, int) else 1,
        raw=raw,
        tasks=tasks,
        index=index,
    )


def _index_list(
    raws: Sequence[Mapping[str, Any]], kind: str, owner: str | None, index: dict[str, Location], types: TaskTypes,
) -> tuple[Node, ...]:
    nodes = tuple(_node(raw) for raw in raws)
    for position, node in enumerate(nodes):
        index[node.ref] = Location(nodes, position, kind, owner)
        task_type = types.get(node.type)
        if task_type.nests is None:
            continue
        for nested, _path in task_type.nested(dict(node.raw), "$"):
            _index_list(nested if isinstance(nested, list) else [], task_type.nests, node.ref, index, types)
    return nodes


def _node(raw: Mapping[str, Any]) -> Node:
    return Node(
        ref=str(raw.get("taskReferenceName")),
        name=str(raw.get("name") or raw.get("taskReferenceName")),
        type=str(raw.get("type") or "SIMPLE"),
        raw=raw,
    )
