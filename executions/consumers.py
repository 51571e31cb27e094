"""The live stream of one execution: a snapshot on connect, then its events as they happen.

The event log is the truth. A doorbell on the channel layer makes delivery immediate where the
layer is shared (Redis); a slow poll of the log by id covers the embedded default, where web
and worker processes share no layer. A client that reconnects with `?after=<last event id>`
gets exactly what it missed.

Event ids are not commit order: a claim records its event without the workflow lock, so a
claim's event may commit after a decision's event with a higher id. The stream therefore
re-reads a short window below the highest id it sent (`SETTLE_SECONDS`) and sends what it has
not sent yet, so such an event arrives a little late instead of never.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer

from orchestrator.services import shapes, workflows

from . import events as event_log
from . import store
from .run_loops import collapsed_run
from .stream_access import admit

POLL_SECONDS = 1.0
# With a shared layer (Redis) every commit's doorbell, claims' included, reaches this process and
# triggers a read: the timer is only a safety net for a lost ring, so an idle viewer costs a
# query every 15 s, not every second. The embedded default's in-memory layer hears no other
# process (the Celery worker decides there): it keeps reading every second.
SAFETY_POLL_SECONDS = 15.0
BATCH = 500
# Longer than any claim transaction stays open between its INSERT and its COMMIT.
SETTLE_SECONDS = 5.0
# A snapshot's tasks go out this many a message: Daphne refuses to send a WebSocket message over
# 1 MiB (its websocket_max_message_size), and a 1,000-task run's snapshot is ~1.1 MB; over the
# limit the socket died with 1011 and the run page waited for its polling fallback instead.
SNAPSHOT_TASKS = 100
# The stream carries the workflow's input and output: the same rule as GET /api/workflow/{id}
# (an ApiView without worker_allowed), checked by the same function.
WORKER_ALLOWED = False


class WorkflowConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.workflow_id = self.scope["url_route"]["kwargs"]["workflow_id"]
        if not await admit(self, worker_allowed=WORKER_ALLOWED):
            return
        if not await database_sync_to_async(store.workflow_exists)(self.workflow_id):
            await self.close(code=4404)
            return
        self.group = f"workflow.{self.workflow_id}"
        self.last_id = 0
        # Ids sent recently (id -> when read) and the floor below which nothing can still appear.
        self.recent: dict[int, float] = {}
        self.floor = 0
        self.lock = asyncio.Lock()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode())
        after = (query.get("after") or [None])[0]
        if after and after.isdigit():
            self.last_id = int(after)
        else:
            # The run page asks for forks collapsed (branches as tallies): see executions.run_loops.
            collapse = (query.get("collapse") or [""])[0] == "forks"
            snapshot, self.last_id = await database_sync_to_async(_snapshot)(self.workflow_id, collapse)
            for message in snapshot_messages(snapshot, self.last_id, SNAPSHOT_TASKS):
                await self.send_json(message)
        self.floor = self.last_id
        await self.flush()
        self.poller = asyncio.ensure_future(self._poll())

    async def disconnect(self, code: int) -> None:
        poller = getattr(self, "poller", None)
        if poller is not None:
            poller.cancel()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def log_updated(self, message: dict[str, Any]) -> None:
        await self.flush()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(poll_interval(self.channel_layer))
            await self.flush()

    async def flush(self) -> None:
        async with self.lock:
            late, new = await database_sync_to_async(_unsent)(self.workflow_id, self.floor, self.last_id, self.recent)
            now = time.monotonic()
            for event in late + new:
                await self.send_json(event)
                self.recent[event["id"]] = now
                self.last_id = max(self.last_id, event["id"])
            self._settle(now)

    def _settle(self, now: float) -> None:
        """Raise the floor past ids sent more than SETTLE_SECONDS ago: whatever a gap below them
        was waiting for has committed by then."""
        settled = [i for i, seen in self.recent.items() if now - seen > SETTLE_SECONDS]
        if settled:
            self.floor = max(self.floor, max(settled))
            self.recent = {i: seen for i, seen in self.recent.items() if i > self.floor}


def snapshot_messages(snapshot: dict[str, Any] | None, last_id: int, per: int) -> list[dict[str, Any]]:
    """The snapshot as messages of at most `per` tasks: the first is the `snapshot` (the workflow
    with its first tasks, and `moreTasks`: how many follow), then `snapshot-tasks` parts in order,
    all before any event. A run of `per` tasks or fewer is one message, as it always was."""
    tasks = (snapshot or {}).get("tasks") or []
    if snapshot is None or len(tasks) <= per:
        return [{"type": "snapshot", "lastEventId": last_id, "workflow": snapshot}]
    parts = [tasks[i:i + per] for i in range(0, len(tasks), per)]
    first = {"type": "snapshot", "lastEventId": last_id, "workflow": {**snapshot, "tasks": parts[0]},
             "moreTasks": len(tasks) - len(parts[0])}
    return [first] + [{"type": "snapshot-tasks", "tasks": part} for part in parts[1:]]


def poll_interval(layer: Any) -> float:
    return POLL_SECONDS if layer is None or isinstance(layer, InMemoryChannelLayer) else SAFETY_POLL_SECONDS


def _unsent(workflow_id: str, floor: int, last_id: int, recent: dict[int, float]) -> tuple[list[Any], list[Any]]:
    """Late rows in the settle window (below the newest sent id), then rows after it."""
    late = event_log.late_between(workflow_id, floor, last_id, recent) if last_id > floor else []
    return late, event_log.after(workflow_id, last_id, BATCH)


def _snapshot(workflow_id: str, collapse: bool = False) -> tuple[dict[str, Any] | None, int]:
    last = event_log.last_id(workflow_id)
    if collapse:
        return collapsed_run(workflow_id), last
    row = workflows.get(workflow_id)
    return shapes.workflow_json(row, workflows.tasks_of(workflow_id)), last
