"""The human task lifecycle as a declared table (STYLE rule 7): source → target, with guards.

    OPEN --claim--> CLAIMED --approve--> APPROVED
      ^--release--'  |  ^   `--reject---> REJECTED
      ^--vote--------'  '--reassign-- (OPEN or CLAIMED, by staff or a permitted group member)
    OPEN or CLAIMED --complete/fail--> APPROVED / REJECTED   (staff, from the admin)

`vote` is an N-of-M approval or rejection that does not yet decide (see approvals.py): it is
recorded and the task goes back to OPEN for the next approver.

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
    may_reassign: bool = False  # holds humantasks.reassign_humantask


@dataclass(frozen=True)
class Facts:
    """What the guards need to know about a task."""

    status: str
    candidate_users: Collection[str]
    candidate_groups: Collection[str]
    claimed_by: str | None
    excluded: Collection[str]  # four-eyes: the starter and earlier deciders (empty when off)
    open_to_all: bool = False  # the definition assigns nobody in particular
    voted: Collection[str] = ()  # N-of-M: who already approved or rejected this task


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


def has_not_voted(task: Facts, actor: Actor) -> str | None:
    if actor.username in task.voted:
        return f"four-eyes: {actor.username} already decided on this task; another approver must"
    return None


def may_reassign(task: Facts, actor: Actor) -> str | None:
    """Staff, or a member of one of the task's candidate groups holding the reassign permission."""
    if actor.is_staff or (actor.may_reassign and actor.groups & set(task.candidate_groups)):
        return None
    return f"{actor.username} may not reassign this task (staff, or the reassign permission in its groups)"


def is_staff(task: Facts, actor: Actor) -> str | None:
    return None if actor.is_staff else "only staff may complete or fail a task outright"


def is_claimer(task: Facts, actor: Actor) -> str | None:
    return None if task.claimed_by == actor.username else "only the user who claimed this task may do that"


def is_claimer_or_staff(task: Facts, actor: Actor) -> str | None:
    return None if actor.is_staff else is_claimer(task, actor)


# Who may hold and decide a task: a candidate, not stopped by four-eyes, not an earlier voter.
ELIGIBLE: tuple[Guard, ...] = (is_candidate, passes_four_eyes, has_not_voted)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    guards: tuple[Guard, ...]


TRANSITIONS: dict[str, Transition] = {
    "claim": Transition(frozenset({"OPEN"}), "CLAIMED", ELIGIBLE),
    "release": Transition(frozenset({"CLAIMED"}), "OPEN", (is_claimer_or_staff,)),
    "approve": Transition(frozenset({"CLAIMED"}), "APPROVED", (is_claimer, *ELIGIBLE)),
    "reject": Transition(frozenset({"CLAIMED"}), "REJECTED", (is_claimer, *ELIGIBLE)),
    "vote": Transition(frozenset({"CLAIMED"}), "OPEN", (is_claimer, *ELIGIBLE)),
    # The actor here is who reassigns; the new assignee must pass `eligible` (see below).
    "reassign": Transition(frozenset({"OPEN", "CLAIMED"}), "CLAIMED", (may_reassign,)),
    # The admin's override: staff settle an open or claimed task without claiming it.
    "complete": Transition(frozenset({"OPEN", "CLAIMED"}), "APPROVED", (is_staff,)),
    "fail": Transition(frozenset({"OPEN", "CLAIMED"}), "REJECTED", (is_staff,)),
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


def ineligible(task: Facts, person: Actor) -> str | None:
    """Why `person` may not be given this task (a reassignment's target), or None."""
    for guard in ELIGIBLE:
        why = guard(task, person)
        if why is not None:
            return why
    return None
