"""Task polling: async views, so a long-poll waits without holding a server thread.

The claim itself (SELECT ... FOR UPDATE SKIP LOCKED) runs in a worker thread; between empty
claims the view sleeps briefly until the caller's timeout runs out.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from orchestrator.conf import baton
from orchestrator.services import shapes, tasks
from orchestrator.services.access import Principal

from .base import async_api_view
from .exceptions import BadRequest
from .parsing import integer, text


async def _claim_json(queue: str, worker: str | None, count: int, domain: str | None) -> list[dict[str, Any]]:
    def work() -> list[dict[str, Any]]:
        return [shapes.task_json(row) for row in tasks.claim(queue, worker, count, domain)]

    return await sync_to_async(work, thread_sensitive=False)()


async def _poll(request: HttpRequest, task_type: str, batch: bool) -> list[dict[str, Any]]:
    params = request.GET
    worker = text(params, "workerid")
    domain = text(params, "domain")
    count = integer(params, "count", 1, low=1, high=1000) if batch else 1
    timeout_ms = integer(params, "timeout", 100 if batch else 0, low=0) if batch else 0
    if timeout_ms and timeout_ms > baton.MAX_POLL_TIMEOUT_MS:
        raise BadRequest(f"timeout must be at most {baton.MAX_POLL_TIMEOUT_MS} ms")
    deadline = time.monotonic() + (timeout_ms or 0) / 1000
    while True:
        found = await _claim_json(task_type, worker, count or 1, domain)
        if found or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(min(baton.POLL_RECHECK_MS / 1000, max(0.0, deadline - time.monotonic())))


@async_api_view("GET", worker_allowed=True)
async def poll_batch(request: HttpRequest, principal: Principal | None, task_type: str) -> HttpResponse:
    """GET /tasks/poll/batch/{taskType}: up to `count` tasks, waiting up to `timeout` ms for one."""
    return JsonResponse(await _poll(request, task_type, batch=True), safe=False)


@async_api_view("GET", worker_allowed=True)
async def poll_one(request: HttpRequest, principal: Principal | None, task_type: str) -> HttpResponse:
    """GET /tasks/poll/{taskType}: one task, or 204 when none is waiting."""
    found = await _poll(request, task_type, batch=False)
    return JsonResponse(found[0]) if found else HttpResponse(status=204)
