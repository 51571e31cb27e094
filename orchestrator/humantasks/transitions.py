"""The human task lifecycle as a declared table (STYLE rule 7): source → target, with guards.

    OPEN --claim--> CLAIMED --approve--> APPROVED
      ^--release--'        `--reject---> REJECTED

Guards are pure predicates of (task, actor): who may claim is who may decide, so the claim
already refuses a user whom four-eyes would stop at the decision. `check` is the one place that
raises `TransitionNotAllowed`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from orchestrator.services.errors import Conflict


@dataclass(frozen=True)
class Actor:
    username: str
    groups: frozenset[str]
    is_staff: bool = False


@dataclass(frozen=True)
class Facts:
    """What the guards need to know about a task."""

    status: str
    candidate_users: Collection[str]
    candidate_groups: Collection[str]
    claimed_by: str | None
    excluded: Collection[str]  # four-eyes: the starter and earlier deciders (empty when off)
    open_to_all: bool = False  # the definition assigns nobody in particular


class TransitionNotAllowed(Conflict):
    pass


Guard = Callable[[Facts, Actor], str | None]  # None: allowed; else why not


def is_candidate(task: Facts, actor: Actor) -> str | None:
    if task.open_to_all:
        return None  # no assignment: anyone signed in may take it
    if actor.username in task.candidate_users or actor.groups & set(task.candidate_groups):
        return None
    return f"{actor.username} is not among this task's assignees or groups"


def passes_four_eyes(task: Facts, actor: Actor) -> str | None:
    if actor.username in task.excluded:
        return f"four-eyes: {actor.username} started this workflow or decided an earlier step of it"
    return None


def is_claimer(task: Facts, actor: Actor) -> str | None:
    return None if task.claimed_by == actor.username else "only the user who claimed this task may do that"


def is_claimer_or_staff(task: Facts, actor: Actor) -> str | None:
    return None if actor.is_staff else is_claimer(task, actor)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    guards: tuple[Guard, ...]


TRANSITIONS: dict[str, Transition] = {
    "claim": Transition(frozenset({"OPEN"}), "CLAIMED", (is_candidate, passes_four_eyes)),
    "release": Transition(frozenset({"CLAIMED"}), "OPEN", (is_claimer_or_staff,)),
    "approve": Transition(frozenset({"CLAIMED"}), "APPROVED", (is_claimer, is_candidate, passes_four_eyes)),
    "reject": Transition(frozenset({"CLAIMED"}), "REJECTED", (is_claimer, is_candidate, passes_four_eyes)),
}


def refusal(name: str, task: Facts, actor: Actor) -> str | None:
    """Why `actor` may not take transition `name` now, or None when it may."""
    transition = TRANSITIONS[name]
    if task.status not in transition.sources:
        return f"cannot {name} a task that is {task.status}"
    for guard in transition.guards:
        why = guard(task, actor)
        if why is not None:
            return why
    return None


def check(name: str, task: Facts, actor: Actor) -> str:
    """The target status of transition `name`, or raise TransitionNotAllowed (409)."""
    why = refusal(name, task, actor)
    if why is not None:
        raise TransitionNotAllowed(f"Cannot {name}: {why}")
    return TRANSITIONS[name].target
