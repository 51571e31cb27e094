"""The inbox's three tabs as queries: the rows of one tab, and the three counts by COUNT.

Claimable is what `transitions.refusal("claim", ...)` allows: OPEN, the user a candidate (named,
in a named group, or the task open to all), not stopped by four-eyes (the workflow's starter or
an earlier decider in the same workflow), not an earlier voter. On PostgreSQL each guard is a
condition of the query (JSON containment, EXISTS probes), so the count is a COUNT and the page
reads only the rows it shows. SQLite has no JSON containment: there the guards run in Python
over the first CLAIMABLE_LIMIT open rows in the asked order, so list and count stop there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from executions.models import Workflow

from . import listing, transitions
from .models import HumanTask
from .transitions import Actor, Facts

S = HumanTask.Status
TABS = ("mine", "claimable", "done")
URGENT = ("-priority", "created")
CLAIMABLE_LIMIT = 1000  # SQLite: open rows the Python guards look at (and the API's list)
DONE_LIMIT = 100  # the Done list is a recent history, not an archive
FactsOf = Callable[[HumanTask], Facts]


def _in_sql() -> bool:
    return connection.vendor == "postgresql"


def claimable_query(user: Any, actor: Actor) -> QuerySet[HumanTask]:
    """PostgreSQL: the OPEN rows `actor` may claim, every guard in SQL."""
    named = Q(open_to_all=True) | Q(candidate_users__contains=[actor.username])
    if actor.groups:
        named |= Q(candidate_groups__has_any_keys=sorted(actor.groups))
    started = Workflow.objects.filter(pk=OuterRef("workflow_id"), created_by=actor.username)
    decided_earlier = (HumanTask.objects.filter(workflow_id=OuterRef("workflow_id"), decided_by=user)
                       .exclude(pk=OuterRef("pk")))
    return (HumanTask.objects.filter(status=S.OPEN).filter(named)
            .exclude(voters__contains=[actor.username])
            .exclude(Q(four_eyes=True) & (Exists(started) | Exists(decided_earlier))))


def _base(tab: str, user: Any, query: listing.Query, now: datetime) -> QuerySet[HumanTask]:
    if tab == "mine":
        qs = HumanTask.objects.filter(status=S.CLAIMED, claimed_by=user).order_by(*URGENT)
    elif tab == "done":
        return listing.narrow(HumanTask.objects.filter(decided_by=user).order_by("-decided_at"), query, now, done=True)
    else:
        qs = HumanTask.objects.filter(status=S.OPEN).order_by(*URGENT)
    return listing.narrow(qs, query, now)


def _claimable_in_python(user: Any, actor: Actor, query: listing.Query, now: datetime, facts: FactsOf,
                         limit: int) -> list[HumanTask]:
    open_rows = _base("claimable", user, query, now).select_related("claimed_by", "decided_by")[:CLAIMABLE_LIMIT]
    allowed = [r for r in open_rows if transitions.refusal("claim", facts(r), actor) is None]
    return allowed[:limit]


def rows(tab: str, user: Any, actor: Actor, query: listing.Query, now: datetime, limit: int,
         facts: FactsOf) -> list[HumanTask]:
    """The first `limit` rows of `tab` in the asked order (Done: at most DONE_LIMIT)."""
    if tab == "claimable" and not _in_sql():
        return _claimable_in_python(user, actor, query, now, facts, limit)
    if tab == "claimable":
        qs = listing.narrow(claimable_query(user, actor).order_by(*URGENT), query, now)
    else:
        qs = _base(tab, user, query, now)
        limit = min(limit, DONE_LIMIT) if tab == "done" else limit
    return list(qs.select_related("claimed_by", "decided_by")[:limit])


def counts(user: Any, actor: Actor, query: listing.Query, now: datetime, facts: FactsOf) -> dict[str, int]:
    """{mine, claimable, done}, each narrowed by `query`, as the lists would hold them."""
    if _in_sql():
        claimable = listing.narrow(claimable_query(user, actor), query, now).count()
    else:
        claimable = len(_claimable_in_python(user, actor, query, now, facts, CLAIMABLE_LIMIT))
    return {"mine": _base("mine", user, query, now).count(), "claimable": claimable,
            "done": _base("done", user, query, now)[:DONE_LIMIT].count()}
