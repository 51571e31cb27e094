"""Claim, release and decide human tasks; what a user's inbox holds.

Rows are created lazily by `sync()`, which every inbox read and every action runs first: it
inserts a HumanTask for each IN_PROGRESS HUMAN execution task that has none (unique task_id, so
two concurrent syncs insert once) and closes rows whose task ended elsewhere (API, terminate,
timeout). Lazy rather than a hook in the runtime's persist step because a HUMAN task can appear
through every path that schedules (start, retry, rerun, restart, loops, forks): one query over
the Task table cannot miss any of them, a hook in each path could. It reads only the HUMAN tasks
changed since the last sync (syncing.py): with nothing new, one indexed range read.

The inbox page reads one tab's rows plus three COUNTs, the badge endpoint only the COUNTs
(tabs.py: every claim guard in SQL on PostgreSQL).

Claim and release (`HumanAssignment`) and the decision (`HumanDecision`) are runtime commands:
the runtime holds the workflow lock while their `record` moves this app's row (locked after the
workflow row, always in that order), and notes the step on the run's event log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from executions.models import Task, Workflow
from orchestrator.engine.model import TaskState
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.schemas import service as schemas
from orchestrator.schemas.registry import SCHEMAS
from orchestrator.services import runtime
from orchestrator.services.commands import HumanAssignment, HumanDecision
from orchestrator.services.errors import InvalidInput, NotFound, ServiceError

from . import escalation, listing, syncing, tabs, transitions, voting
from .models import HumanTask
from .transitions import Actor, Facts

S = HumanTask.Status
OPEN_STATES = (S.OPEN, S.CLAIMED)
User = AbstractBaseUser | AnonymousUser


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def form_of(task_input: dict[str, Any]) -> dict[str, Any]:
    """The task's form as {schema, order, labels}; a registered schema is copied in, so an edit
    of the schema does not change a form someone is filling in."""
    spec = task_input.get("form")
    if not isinstance(spec, dict):
        return {}
    schema = spec.get("schema")
    if schema is None and isinstance(spec.get("name"), str):
        try:
            schema = schemas.get_schema(spec["name"], spec.get("version")).data
        except ServiceError as exc:
            return {"error": exc.message}
    # with the registered schemas its `baton:schema/...` refs name written in, so the form
    # builder (which follows no references) draws their fields too
    return {"schema": SCHEMAS.inline(schema) if isinstance(schema, dict) else {},
            "order": spec.get("order") or [], "labels": spec.get("labels") or {}}


def new_row(t: Task, now: datetime) -> HumanTask:
    """The inbox row for a pending HUMAN task seen for the first time (its workflow selected)."""
    inputs = t.input or {}
    created = t.scheduled_time or now
    return HumanTask(
        task_id=t.id, workflow_id=t.workflow_id, workflow_name=t.workflow.name, ref=t.ref,
        candidate_users=_names(inputs.get("assignees")), candidate_groups=_names(inputs.get("groups")),
        open_to_all="assignees" not in inputs and "groups" not in inputs,
        form=form_of(inputs), four_eyes=inputs.get("fourEyes") is True,
        reason_required=inputs.get("reasonRequiredOnReject") is not False,
        created=created, correlation_id=t.workflow.correlation_id or "",
        **escalation.row_fields(inputs, created))


def sync(now: datetime | None = None, only: str | None = None) -> None:
    """Bring the inbox rows up to date with the HUMAN tasks changed since the last sync (see
    syncing.py); `only`: just this task's row (one task's page need not read any other)."""
    syncing.sync(new_row, now or timezone.now(), only)


def actor_of(user: Any) -> Actor:
    groups = frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
    return Actor(user.get_username(), groups, bool(user.is_staff),
                 may_reassign=bool(user.is_authenticated and user.has_perm("humantasks.reassign_humantask")))


def facts(row: HumanTask) -> Facts:
    excluded: set[str] = set()
    if row.four_eyes:
        starter = Workflow.objects.filter(pk=row.workflow_id).values_list("created_by", flat=True).first()
        if starter:
            excluded.add(starter)
        earlier = (HumanTask.objects.filter(workflow_id=row.workflow_id, decided_by__isnull=False)
                   .exclude(pk=row.pk).values_list("decided_by__username", flat=True))
        excluded.update(earlier)
    voted = frozenset(row.voters or ())  # N-of-M: one vote per user
    return Facts(row.status, row.candidate_users, row.candidate_groups,
                 row.claimed_by.get_username() if row.claimed_by else None, frozenset(excluded), row.open_to_all,
                 voted)


def get(task_id: str) -> HumanTask:
    sync(only=task_id)
    row = HumanTask.objects.select_related("claimed_by", "decided_by").filter(task_id=task_id).first()
    if row is None:
        raise NotFound(f"No human task {task_id}")
    return row


def may_see(row: HumanTask, actor: Actor) -> bool:
    """Candidates, the claimer, the decider and staff see a task; nobody else learns it exists."""
    names = {u.get_username() for u in (row.claimed_by, row.decided_by) if u is not None}
    return actor.is_staff or actor.username in names or transitions.is_candidate(facts(row), actor) is None


def _move(task_id: str, user: Any, name: str) -> HumanTask:
    """Claim or release, as a runtime command: the row moves under the workflow lock (the order a
    decision takes too) and the step is noted on the run's event log."""
    moved: list[HumanTask] = []

    def record() -> None:
        row = HumanTask.objects.select_for_update().filter(task_id=task_id).first()
        if row is None:
            raise NotFound(f"No human task {task_id}")
        row.status = transitions.check(name, facts(row), actor_of(user))
        if name == "claim":
            row.claimed_by, row.claimed_at = user, timezone.now()
        else:
            row.claimed_by, row.claimed_at = None, None
        row.save(update_fields=["status", "claimed_by", "claimed_at"])
        moved.append(row)

    ref = HumanTask.objects.filter(task_id=task_id).values_list("ref", flat=True).first()
    runtime.execute(HumanAssignment(task_id, name, user.get_username(), record, details={"ref": ref}))
    return moved[0]


def claim(task_id: str, user: Any) -> HumanTask:
    sync()
    return _move(task_id, user, "claim")


def release(task_id: str, user: Any) -> HumanTask:
    sync()
    return _move(task_id, user, "release")


def check_data(row: HumanTask, data: dict[str, Any]) -> None:
    """Re-validate submitted data against the task's whole schema (the form's own checks are
    a convenience); raises InvalidInput listing each path and rule."""
    schema = (row.form or {}).get("schema") or {}
    # with the registered schemas its `baton:schema/...` refs name
    violations = SCHEMAS.compile_data(schema).violations(data)
    if violations:
        errors = [{"path": v.path, "rule": v.rule, "message": v.message} for v in violations]
        raise InvalidInput("; ".join(f"{v.path}: {v.message}" for v in violations), validation_errors=errors)


def decide(task_id: str, user: Any, *, approve: bool, data: dict[str, Any] | None = None,
           reason: str = "") -> HumanTask:
    """Approve (the data, checked against the form's schema, plus `decidedBy` become the task's
    output) or reject (with `reason`, required unless the task says otherwise) a claimed task."""
    row = get(task_id)
    username = user.get_username()
    data = data or {}
    reason = reason.strip()
    if approve:
        check_data(row, data)
        result = TaskResult(status=TaskStatus.COMPLETED, output={**data, "decidedBy": username})
    else:
        if row.reason_required and not reason:
            raise InvalidInput("reason: a reason is required to reject this task",
                               validation_errors=[{"path": "reason", "message": "required"}])
        result = TaskResult(status=TaskStatus.FAILED, output={"decidedBy": username}, reason=reason or "rejected")

    policy = voting.policy_for(row)
    if policy is not None:  # N-of-M: this may be one vote of several
        voting.cast(row, user, policy, approve=approve, data=data, reason=reason, facts=facts, actor=actor_of(user))
        return get(task_id)

    def record(task: TaskState) -> None:
        locked = HumanTask.objects.select_for_update().get(pk=row.pk)
        locked.status = transitions.check("approve" if approve else "reject", facts(locked), actor_of(user))
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.data, locked.reason = (data if approve else {}), reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "data", "reason"])

    runtime.execute(HumanDecision(task_id, result, username, record))
    return get(task_id)


def settle(task_id: str, user: Any, *, approve: bool, data: dict[str, Any] | None = None,
           reason: str = "") -> HumanTask:
    """Staff complete (with `data`, checked against the form) or fail (with a reason, always
    required here) an open or claimed task outright, from the admin: no claim, no candidate check;
    the votes recorded so far stay in the output. Through HumanDecision like any decision."""
    row = get(task_id)
    username, data, reason = user.get_username(), data or {}, reason.strip()
    if approve:
        check_data(row, data)
    elif not reason:
        raise InvalidInput("reason: a reason is required to fail this task",
                           validation_errors=[{"path": "reason", "message": "required"}])
    output: dict[str, Any] = {**data, "decidedBy": username, "settledBy": "admin"}
    votes = voting.votes_of(row)
    if votes:
        output["approvals"] = [{"by": v.by, "at": v.at, "data": dict(v.data)} for v in votes if v.approve]
    result = (TaskResult(status=TaskStatus.COMPLETED, output=output) if approve
              else TaskResult(status=TaskStatus.FAILED, output=output, reason=reason))

    def record(task: TaskState) -> None:
        locked = HumanTask.objects.select_for_update().get(pk=row.pk)
        locked.status = transitions.check("complete" if approve else "fail", facts(locked), actor_of(user))
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.data, locked.reason = (data if approve else {}), reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "data", "reason"])

    details = {"ref": row.ref, "data": data, "admin": True}
    runtime.execute(HumanDecision(task_id, result, username, record, details=details))
    return get(task_id)


def reassign(task_id: str, user: Any, assignee: str) -> HumanTask:
    """Give the task to `assignee` (claimed by them), as staff or as a member of one of its
    candidate groups holding `humantasks.reassign_humantask`; the assignee must be eligible
    (a candidate, not stopped by four-eyes, not an earlier voter). Audited `human.reassigned`."""
    sync()
    target = get_user_model().objects.filter(username=assignee, is_active=True).first()
    if target is None:
        raise InvalidInput(f"assignee: no active user {assignee!r}",
                           validation_errors=[{"path": "assignee", "message": "unknown user"}])
    moved: list[HumanTask] = []

    def record() -> None:
        row = HumanTask.objects.select_for_update().filter(task_id=task_id).first()
        if row is None:
            raise NotFound(f"No human task {task_id}")
        known = facts(row)
        row.status = transitions.check("reassign", known, actor_of(user))
        why = transitions.ineligible(known, actor_of(target))
        if why is not None:
            raise InvalidInput(f"assignee: {why}", validation_errors=[{"path": "assignee", "message": why}])
        moved.append(row)
        previous = row.claimed_by.get_username() if row.claimed_by else None
        details.update(previous=previous)  # read by the runtime's note, built after `record` runs
        row.claimed_by, row.claimed_at = target, timezone.now()
        row.save(update_fields=["status", "claimed_by", "claimed_at"])

    ref = HumanTask.objects.filter(task_id=task_id).values_list("ref", flat=True).first()
    details: dict[str, Any] = {"ref": ref, "assignee": target.get_username()}
    runtime.execute(HumanAssignment(task_id, "reassign", user.get_username(), record, details=details))
    return moved[0]


def inbox(user: Any, query: listing.Query | None = None, now: datetime | None = None,
          limit: int = tabs.CLAIMABLE_LIMIT) -> dict[str, list[HumanTask]]:
    """My tasks (claimed by me), claimable by me (OPEN and I may claim it), done (decided by me),
    each narrowed and sorted by `query` (default: the most urgent, then the oldest, first); at
    most `limit` rows each (done: at most tabs.DONE_LIMIT)."""
    now = now or timezone.now()
    sync(now)
    query = query or listing.Query()
    return {key: _rows(key, user, query, now, limit) for key in tabs.TABS}


def _rows(tab: str, user: Any, query: listing.Query, now: datetime, limit: int) -> list[HumanTask]:
    return tabs.rows(tab, user, actor_of(user), query, now, limit, facts)


def inbox_scope(user: Any, tab: str, query: listing.Query, now: datetime,
                limit: int = tabs.CLAIMABLE_LIMIT) -> list[HumanTask]:
    """One of the user's three lists alone (the REST list): no other list, no counts."""
    sync(now)
    return _rows(tab, user, query, now, limit)


def inbox_tab(user: Any, tab: str | None, query: listing.Query, now: datetime,
              limit: int = listing.PAGE_ROWS) -> tuple[str, list[HumanTask], dict[str, int]]:
    """What the inbox page shows: the three counts and the first `limit` rows of one tab (None:
    My tasks when I hold any, else Claimable); no other tab's rows are read."""
    sync(now)
    actor = actor_of(user)
    numbers = tabs.counts(user, actor, query, now, facts)
    if tab not in tabs.TABS:
        tab = "mine" if numbers["mine"] or tab is not None else "claimable"
    return tab, tabs.rows(tab, user, actor, query, now, limit, facts), numbers


def counts(user: Any, query: listing.Query | None = None, now: datetime | None = None) -> dict[str, int]:
    """The badge numbers of the user's own three lists (nothing about anyone else's), by COUNT
    queries: no list is built."""
    now = now or timezone.now()
    sync(now)
    return tabs.counts(user, actor_of(user), query or listing.Query(), now, facts)
