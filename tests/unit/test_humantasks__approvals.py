"""N-of-M approvals, pure: the policy, what one more vote does, the deciding vote's output, the
progress line, the guards that keep an earlier voter from voting twice, the reassign guard, and
the `approvals` definition check."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.engine import validation
from orchestrator.humantasks import approvals, transitions
from orchestrator.humantasks.approvals import Outcome, Policy, Vote
from orchestrator.humantasks.transitions import Actor, Facts, TransitionNotAllowed
from orchestrator.systemtasks.registry import REGISTRY


def vote(by: str, approve: bool = True, **data: Any) -> Vote:
    return Vote(by, f"2026-12-04T0{len(by)}:00:00+00:00", approve, data, "" if approve else "no")


def test_the_policy_comes_from_the_approvals_input_with_defaults() -> None:
    assert approvals.policy_of({}) is None
    assert approvals.policy_of({"approvals": {"required": 3}}) == Policy(3, 1)
    assert approvals.policy_of({"approvals": {"required": 2, "rejectionsToFail": 2}}) == Policy(2, 2)
    # junk that an expression resolved to counts as the default, never as 0 (which would complete at once)
    assert approvals.policy_of({"approvals": {"required": 0, "rejectionsToFail": "x"}}) == Policy(1, 1)
    assert approvals.policy_of({"approvals": {"required": True}}) == Policy(1, 1)


def test_two_of_three_completes_with_the_second_approval() -> None:
    policy = Policy(2, 1)
    assert approvals.outcome(policy, [], vote("ann")) is Outcome.PENDING
    assert approvals.outcome(policy, [vote("ann")], vote("bob")) is Outcome.COMPLETE


def test_one_rejection_fails_by_default_and_rejections_to_fail_counts_them() -> None:
    assert approvals.outcome(Policy(2, 1), [vote("ann")], vote("bob", approve=False)) is Outcome.FAIL
    lenient = Policy(2, 2)
    assert approvals.outcome(lenient, [], vote("ann", approve=False)) is Outcome.PENDING
    assert approvals.outcome(lenient, [vote("ann", approve=False)], vote("bob")) is Outcome.PENDING
    assert approvals.outcome(lenient, [vote("ann", approve=False), vote("bob")], vote("cy")) is Outcome.COMPLETE
    assert approvals.outcome(lenient, [vote("ann", approve=False)], vote("cy", approve=False)) is Outcome.FAIL


def test_the_deciding_output_lists_every_approval_and_keeps_the_last_form_data() -> None:
    out = approvals.output([vote("ann", amount=5)], vote("bob", amount=7, note="ok"))
    assert out == {"amount": 7, "note": "ok", "decidedBy": "bob", "approvals": [
        {"by": "ann", "at": "2026-12-04T03:00:00+00:00", "data": {"amount": 5}},
        {"by": "bob", "at": "2026-12-04T03:00:00+00:00", "data": {"amount": 7, "note": "ok"}}]}
    failed = approvals.output([vote("ann")], vote("bob", approve=False))
    assert failed["decidedBy"] == "bob" and [a["by"] for a in failed["approvals"]] == ["ann"]
    assert failed["rejections"] == [{"by": "bob", "at": "2026-12-04T03:00:00+00:00", "data": {}, "reason": "no"}]


def test_the_progress_line() -> None:
    assert approvals.progress(Policy(2, 1), [vote("ann")]) == "1 of 2 approvals"
    assert approvals.progress(Policy(1, 1), []) == "0 of 1 approval"
    assert approvals.progress(Policy(3, 2), [vote("a"), vote("b", approve=False)]) == "1 of 3 approvals, 1 of 2 rejections"


def facts(status: str = "CLAIMED", claimed_by: str | None = "ann", voted: tuple[str, ...] = ()) -> Facts:
    return Facts(status, ["ann", "bob"], ["finance"], claimed_by, frozenset(), voted=voted)


ANN = Actor("ann", frozenset())
BOB = Actor("bob", frozenset())


def test_an_earlier_voter_can_neither_claim_nor_vote_again() -> None:
    assert transitions.check("vote", facts(), ANN) == "OPEN"
    again = facts(status="OPEN", claimed_by=None, voted=("ann",))
    with pytest.raises(TransitionNotAllowed, match="already decided on this task"):
        transitions.check("claim", again, ANN)
    assert transitions.check("claim", again, BOB) == "CLAIMED"
    for name in ("approve", "reject", "vote"):
        assert "already decided" in (transitions.refusal(name, facts(voted=("ann",)), ANN) or "")


def test_reassign_needs_staff_or_the_permission_within_the_task_groups() -> None:
    task = facts(status="OPEN", claimed_by=None)
    assert transitions.check("reassign", task, Actor("root", frozenset(), is_staff=True)) == "CLAIMED"
    assert transitions.check("reassign", facts(), Actor("lead", frozenset({"finance"}), may_reassign=True)) == "CLAIMED"
    for who in (Actor("lead", frozenset({"finance"})), Actor("ops", frozenset({"ops"}), may_reassign=True)):
        with pytest.raises(TransitionNotAllowed, match="may not reassign"):
            transitions.check("reassign", task, who)
    with pytest.raises(TransitionNotAllowed, match="cannot reassign a task that is APPROVED"):
        transitions.check("reassign", facts(status="APPROVED"), Actor("root", frozenset(), is_staff=True))


def test_a_reassignment_target_must_be_eligible() -> None:
    assert transitions.ineligible(facts(), BOB) is None
    assert "not among" in (transitions.ineligible(facts(), Actor("eve", frozenset())) or "")
    assert "already decided" in (transitions.ineligible(facts(voted=("bob",)), BOB) or "")
    starter = Facts("OPEN", ["ann"], [], None, frozenset({"ann"}))
    assert "four-eyes" in (transitions.ineligible(starter, ANN) or "")


def problems(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    doc = {"name": "w", "version": 1, "tasks": [
        {"name": "h", "taskReferenceName": "h", "type": "HUMAN", "inputParameters": inputs}]}
    return [(p.id, p.path) for p in validation.check_workflow_def(doc, REGISTRY) if p.id == "WF.E068"]


def test_the_approvals_definition_check() -> None:
    at = "$.tasks[0].inputParameters.approvals"
    assert problems({"groups": ["finance"], "approvals": {"required": 2, "rejectionsToFail": 1}}) == []
    assert problems({"approvals": "${workflow.input.policy}"}) == []
    assert problems({"approvals": {"required": "${workflow.input.n}"}}) == []
    assert problems({"approvals": 2}) == [("WF.E068", at)]
    assert problems({"approvals": {"required": 1.5, "rejectionsToFail": 0}}) == [
        ("WF.E068", f"{at}.required"), ("WF.E068", f"{at}.rejectionsToFail")]
    assert problems({"approvals": {"required": 2, "quorum": 1}}) == [("WF.E068", f"{at}.quorum")]
    # two approvals from distinct users, but only one fixed assignee and no groups: never completes
    assert problems({"assignees": ["ann", "ann"], "approvals": {"required": 2}}) == [("WF.E068", f"{at}.required")]
    assert problems({"assignees": ["ann"], "groups": ["finance"], "approvals": {"required": 2}}) == []
