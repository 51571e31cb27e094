"""N-of-M approvals against the store: record a vote, and let the deciding one complete or fail
the task through HumanDecision (the earlier ones are HumanAssignment "vote" steps: audited, the
execution unchanged, the task back to OPEN for the next approver).

Both run under the workflow lock with this app's row locked after it (the service's order), and
re-check there that no vote landed since the outcome was worked out: the vote count under the
lock is the one the outcome was computed from, or the vote is refused (409). With the unique
(task, username) constraint, two approvals at once can never count twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from executions.models import Task
from orchestrator.engine.model import TaskState
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import runtime
from orchestrator.services.commands import HumanAssignment, HumanDecision
from orchestrator.services.errors import Conflict

from . import approvals, transitions
from .approvals import Outcome, Policy, Vote
from .models import HumanApproval, HumanTask
from .transitions import Actor, Facts


def policy_for(row: HumanTask) -> Policy | None:
    """The task's N-of-M policy, from the execution task's resolved input (None: one decision)."""
    task_input = Task.objects.filter(pk=row.task_id).values_list("input", flat=True).first()
    return approvals.policy_of(task_input if isinstance(task_input, dict) else {})


def votes_of(row: HumanTask) -> list[Vote]:
    return [Vote(v.username, v.at.isoformat(), v.approve, v.data or {}, v.reason) for v in row.votes.all()]


def progress_line(row: HumanTask) -> str:
    """"1 of 2 approvals" for an N-of-M task, "" for a task one decision settles."""
    policy = policy_for(row)
    return approvals.progress(policy, votes_of(row)) if policy is not None else ""


def cast(row: HumanTask, user: Any, policy: Policy, *, approve: bool, data: Mapping[str, Any], reason: str,
         facts: Callable[[HumanTask], Facts], actor: Actor) -> None:
    """Record `user`'s vote on a claimed N-of-M task; the deciding vote ends the task."""
    now = timezone.now()
    earlier = votes_of(row)
    vote = Vote(user.get_username(), now.isoformat(), approve, dict(data), reason)
    result = approvals.outcome(policy, earlier, vote)
    tally = approvals.progress(policy, [*earlier, vote])
    details = {"ref": row.ref, "data": dict(data), "approvals": tally}

    def lock_and_record(name: str) -> HumanTask:
        locked = HumanTask.objects.select_for_update().get(pk=row.pk)
        target = transitions.check(name, facts(locked), actor)
        if locked.votes.count() != len(earlier):
            raise Conflict("Another vote on this task landed meanwhile; reload and try again")
        HumanApproval.objects.create(task=locked, by=user, username=vote.by, at=now, approve=approve,
                                     data=dict(data), reason=reason)
        locked.status, locked.voters = target, [*(locked.voters or []), vote.by]
        return locked

    if result is Outcome.PENDING:
        def record_vote() -> None:
            locked = lock_and_record("vote")
            locked.claimed_by, locked.claimed_at = None, None  # back to OPEN for the next approver
            locked.save(update_fields=["status", "claimed_by", "claimed_at", "voters"])

        kind = "human.approved" if approve else "human.rejected"
        runtime.execute(HumanAssignment(row.task_id, "vote", vote.by, record_vote,
                                        details={**details, "kind": kind, "reason": reason}))
        return

    output = approvals.output(earlier, vote)
    if result is Outcome.COMPLETE:
        decision = TaskResult(status=TaskStatus.COMPLETED, output=output)
    else:
        decision = TaskResult(status=TaskStatus.FAILED, output=output, reason=reason or "rejected")

    def record_decision(task: TaskState) -> None:
        locked = lock_and_record("approve" if approve else "reject")
        locked.decided_by, locked.decided_at = user, now
        locked.data, locked.reason = (dict(data) if approve else {}), reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "data", "reason", "voters"])

    runtime.execute(HumanDecision(row.task_id, decision, vote.by, record_decision, details=details))

