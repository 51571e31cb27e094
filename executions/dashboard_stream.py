"""/ws/dashboard/: tells open run lists that executions changed, so they re-read their rows.

With a shared channel layer (Redis) the runtime's doorbell rings the `dashboard` group after each
commit and a viewer costs nothing while nothing changes. The in-memory layer of the embedded
default reaches no other process (the Celery worker decides there), so one poller per web
process, not per viewer, reads the event log's newest id and rings the group itself; it runs
only while someone watches.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer

from .store import runlist
from .stream_access import admit

GROUP = "dashboard"
POLL_SECONDS = 1.0
# At most one "changed" per viewer per this many seconds: a burst of transitions is one re-read.
COALESCE_SECONDS = 0.5

log = logging.getLogger(__name__)


class _LocalPoller:
    """The embedded default's one poll of the event log per process."""

    def __init__(self) -> None:
        self.viewers = 0
        self.task: asyncio.Task[None] | None = None

    def join(self) -> None:
        self.viewers += 1
        layer = get_channel_layer()
        if not isinstance(layer, InMemoryChannelLayer):
            return  # a shared layer: the doorbell reaches every process
        running = self.task is not None and not self.task.done() and self.task.get_loop() is asyncio.get_running_loop()
        if not running:
            self.task = asyncio.ensure_future(self._run(layer))

    def leave(self) -> None:
        self.viewers = max(0, self.viewers - 1)

    async def _run(self, layer: Any) -> None:
        last = await database_sync_to_async(runlist.newest_event_id)()
        while self.viewers > 0:
            await asyncio.sleep(POLL_SECONDS)
            try:
                last, changed = await database_sync_to_async(runlist.changed_since)(last)
            except Exception:  # a database hiccup must not end the live list for good
                log.warning("dashboard poll failed", exc_info=True)
                continue
            if changed:
                await layer.group_send(GROUP, {"type": "runs.changed", "workflow_ids": changed[:100]})


POLLER = _LocalPoller()


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        # The same rule as the run list page and GET /api/workflow/search.
        if not await admit(self, worker_allowed=False):
            return
        self.pending: set[str] = set()
        self.flusher: asyncio.Task[None] | None = None
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()
        self.joined = True
        POLLER.join()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "joined", False):
            POLLER.leave()
            await self.channel_layer.group_discard(GROUP, self.channel_name)
        if getattr(self, "flusher", None) is not None:
            self.flusher.cancel()  # type: ignore[union-attr]

    async def runs_changed(self, message: dict[str, Any]) -> None:
        self.pending.update(message.get("workflow_ids") or [])
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        ids, self.pending = sorted(self.pending), set()
        await self.send_json({"type": "changed", "workflowIds": ids[:100]})
        await asyncio.sleep(COALESCE_SECONDS)
        if self.pending:
            self.flusher = asyncio.ensure_future(self._flush())
