"""The HUMAN task's time keys and the escalation decision, with time given (no clock, no sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.humantasks.escalation import (
    Chain,
    Escalate,
    Exhaust,
    RowState,
    chain_from_json,
    chain_of,
    chain_to_json,
    due_at,
    next_escalation,
)
from orchestrator.systemtasks.human_timing import (
    Exhausted,
    Step,
    due_of,
    parse_moment,
    parse_span,
    priority_of,
    step_of,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(("text", "seconds"), [
    ("PT4H", 4 * 3600), ("P1DT2H30M", 86400 + 9000), ("pt30s", 30), ("PT1.5S", 1.5),
    ("2h", 7200), ("30m", 1800), ("1d 2h", 93600), (3600, 3600), (0.5, 0.5)])
def test_durations_in_every_agreed_form(text: object, seconds: float) -> None:
    assert parse_span(text).total_seconds() == seconds


@pytest.mark.parametrize("bad", ["P", "PT", "P1Y", "soon", "", -1, True, None, [1], 10**12, "P9999D"])
def test_bad_durations_say_why(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_span(bad)


def test_moments_are_iso_and_utc_unless_an_offset_is_given() -> None:
    assert parse_moment("2026-12-24T18:00:00Z") == datetime(2026, 12, 24, 18, tzinfo=UTC)
    assert parse_moment("2026-12-24T18:00:00") == datetime(2026, 12, 24, 18, tzinfo=UTC)
    assert parse_moment("2026-12-24T19:00:00+01:00") == datetime(2026, 12, 24, 18, tzinfo=UTC)
    for bad in ("tomorrow", 5, "2026-13-01"):
        with pytest.raises(ValueError):
            parse_moment(bad)


def test_due_time_from_due_in_or_due_at_and_none_when_unusable() -> None:
    assert due_of({"dueIn": "2h"}, T0) == T0 + 2 * H
    assert due_of({"dueAt": "2026-12-02T00:00:00Z", "dueIn": "2h"}, T0) == datetime(2026, 12, 2, tzinfo=UTC)
    assert due_of({}, T0) is None
    assert due_of({"dueAt": "not a date"}, T0) is None  # a resolved ${...} that is no timestamp


def test_priority_defaults_to_five_and_must_be_0_to_10() -> None:
    assert priority_of(None) == 5 and priority_of(0) == 0 and priority_of(10) == 10
    for bad in (11, -1, "5", True, 2.5):
        with pytest.raises(ValueError):
            priority_of(bad)


def test_a_step_names_what_is_wrong() -> None:
    assert step_of({"after": "PT30M", "groups": ["l2"]}) == Step(timedelta(minutes=30), (), ("l2",))
    for spec, words in [({"groups": ["x"]}, "after"), ({"after": "1h"}, "no assignees"),
                        ({"after": 0, "groups": ["x"]}, "longer than zero"), ("x", "object"),
                        ({"after": "1h", "groups": [1]}, "groups")]:
        with pytest.raises(ValueError, match=words):
            step_of(spec)


CHAIN = Chain((Step(H, groups=("l2",)), Step(2 * H, users=("boss",))), Exhausted("FAIL"))


def state(level: int, since: datetime, chain: Chain = CHAIN, open_: bool = True) -> RowState:
    return RowState(open_, chain, level, since)


def test_nothing_before_the_first_step_is_due() -> None:
    assert next_escalation(state(0, T0), T0 + H - timedelta(seconds=1)) is None
    assert due_at(state(0, T0)) == T0 + H


def test_steps_apply_in_order_each_timed_from_the_previous() -> None:
    assert next_escalation(state(0, T0), T0 + H) == Escalate(1, CHAIN.steps[0])
    # Step 2 waits its own `after` from when step 1 applied, not from scheduling.
    assert next_escalation(state(1, T0 + H), T0 + 2 * H) is None
    assert next_escalation(state(1, T0 + H), T0 + 3 * H) == Escalate(2, CHAIN.steps[1])


def test_a_late_sweep_applies_one_step_at_a_time_never_skipping_a_group() -> None:
    assert next_escalation(state(0, T0), T0 + 100 * H) == Escalate(1, CHAIN.steps[0])


def test_after_the_last_step_its_after_elapses_again_then_the_policy_applies() -> None:
    assert due_at(state(2, T0)) == T0 + 2 * H
    assert next_escalation(state(2, T0), T0 + 2 * H - timedelta(seconds=1)) is None
    assert next_escalation(state(2, T0), T0 + 2 * H) == Exhaust(Exhausted("FAIL"))
    assert due_at(state(3, T0)) is None  # applied: nothing more


def test_without_a_policy_the_task_stays_with_the_last_candidates() -> None:
    chain = Chain(CHAIN.steps)
    assert due_at(state(2, T0, chain)) is None
    assert next_escalation(state(2, T0, chain), T0 + 1000 * H) is None


def test_a_decided_task_or_one_without_a_chain_never_escalates() -> None:
    assert next_escalation(state(0, T0, open_=False), T0 + 10 * H) is None
    assert next_escalation(state(0, T0, Chain(())), T0 + 10 * H) is None


def test_the_chain_from_a_resolved_input_round_trips_through_json() -> None:
    chain = chain_of({"escalation": [{"after": "PT1H", "groups": ["l2"]}, {"after": "nope"},
                                     {"after": 7200, "assignees": "boss"}],
                      "onEscalationExhausted": {"action": "COMPLETE", "output": {"ok": True}}})
    assert chain == Chain((Step(H, groups=("l2",)), Step(2 * H, users=("boss",))),
                          Exhausted("COMPLETE", {"ok": True}))
    assert chain_from_json(chain_to_json(chain)) == chain
    assert chain_of({"onEscalationExhausted": {"action": "FAIL"}}) == Chain(())  # nothing to exhaust


def test_definition_checks_pass_expressions_and_name_each_bad_path() -> None:
    from orchestrator.engine import validation
    from orchestrator.systemtasks.registry import REGISTRY

    def problems(**inputs: object) -> list[tuple[str, str, str]]:
        doc = {"name": "wf", "version": 1, "schemaVersion": 2, "tasks": [
            {"name": "h", "taskReferenceName": "h", "type": "HUMAN", "inputParameters": inputs}]}
        return [(p.id, p.path.removeprefix("$.tasks[0].inputParameters."), p.message)
                for p in validation.check_workflow_def(doc, REGISTRY)]

    assert problems(dueAt="${workflow.input.deadline}", priority="${workflow.input.p}",
                    escalation=[{"after": "PT30M", "groups": ["l2"]}, {"after": 60, "assignees": "${workflow.input.boss}"}],
                    onEscalationExhausted={"action": "COMPLETE", "output": {"approved": False}}) == []
    found = problems(dueIn="2h", dueAt="2026-12-24T18:00:00Z", priority=True,
                     escalation=[{"after": "PT0S", "groups": ["l2"]}], onEscalationExhausted={"action": "x"})
    assert [(pid, path) for pid, path, _ in found] == [
        ("WF.E071", "priority"), ("WF.E073", "onEscalationExhausted"), ("WF.E070", "dueAt"),
        ("WF.E072", "escalation[0]")]
    assert "longer than zero" in found[3][2] and "FAIL or COMPLETE" in found[1][2]
    assert problems(onEscalationExhausted={"action": "FAIL"})[0][:2] == ("WF.E073", "onEscalationExhausted")
    assert problems(escalation=[])[0][:2] == ("WF.E072", "escalation")
