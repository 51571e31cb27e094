"""The live stream of one execution: a snapshot on connect, then its events as they happen.

The event log is the truth. A doorbell on the channel layer makes delivery immediate where the
layer is shared (Redis); a slow poll of the log by id covers the embedded default, where web
and worker processes share no layer. A client that reconnects with `?after=<last event id>`
gets exactly what it missed.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from orchestrator.services import shapes, workflows
from orchestrator.services.access import Forbidden, TokenError, authorize

from .models import ExecutionEvent, Workflow

POLL_SECONDS = 1.0
BATCH = 500
# The stream carries the workflow's input and output: the same rule as GET /api/workflow/{id}
# (an ApiView without worker_allowed), checked by the same function.
WORKER_ALLOWED = False


class WorkflowConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.workflow_id = self.scope["url_route"]["kwargs"]["workflow_id"]
        try:
            authorize(self.scope.get("principal"), worker_allowed=WORKER_ALLOWED)
        except TokenError:
            await self.close(code=4401)
            return
        except Forbidden:
            await self.close(code=4403)
            return
        if not await database_sync_to_async(Workflow.objects.filter(pk=self.workflow_id).exists)():
            await self.close(code=4404)
            return
        self.group = f"workflow.{self.workflow_id}"
        self.last_id = 0
        self.lock = asyncio.Lock()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        after = (parse_qs(self.scope.get("query_string", b"").decode()).get("after") or [None])[0]
        if after and after.isdigit():
            self.last_id = int(after)
        else:
            snapshot, self.last_id = await database_sync_to_async(_snapshot)(self.workflow_id)
            await self.send_json({"type": "snapshot", "lastEventId": self.last_id, "workflow": snapshot})
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
            await asyncio.sleep(POLL_SECONDS)
            await self.flush()

    async def flush(self) -> None:
        async with self.lock:
            events = await database_sync_to_async(_events_after)(self.workflow_id, self.last_id)
            for event in events:
                await self.send_json(event)
                self.last_id = event["id"]


def _snapshot(workflow_id: str) -> tuple[dict[str, Any] | None, int]:
    last = ExecutionEvent.objects.filter(workflow_id=workflow_id).order_by("-id").values_list("id", flat=True).first()
    row = workflows.get(workflow_id)
    return shapes.workflow_json(row, workflows.tasks_of(workflow_id)), last or 0


def _events_after(workflow_id: str, after: int) -> list[dict[str, Any]]:
    rows = ExecutionEvent.objects.filter(workflow_id=workflow_id, id__gt=after).order_by("id")[:BATCH]
    return [
        {"type": "event", "id": r.id, "kind": r.kind, "taskId": r.task_id, "payload": r.payload,
         "created": int(r.created.timestamp() * 1000)}
        for r in rows
    ]
